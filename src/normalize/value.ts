/**
 * Indicator value normalizer: 指标值 → { symbol, number, unit, text } (values.md).
 * Pure and deterministic; never throws.
 */
import { cleanText } from '../text/clean.js';

export interface Value {
  symbol: '≥' | '≤' | '>' | '<' | '=' | null;
  number: number | null;
  unit: string | null;
  text: string | null;
}

/** Leading comparison signs, longest spelling first. */
const SIGNS: ReadonlyArray<readonly [string, Value['symbol']]> = [
  ['>=', '≥'], ['＞=', '≥'], ['＞＝', '≥'], ['>＝', '≥'], ['≥', '≥'], ['≧', '≥'],
  ['<=', '≤'], ['＜=', '≤'], ['＜＝', '≤'], ['<＝', '≤'], ['≤', '≤'], ['≦', '≤'],
  ['>', '>'], ['＞', '>'],
  ['<', '<'], ['＜', '<'],
  ['=', '='], ['＝', '='],
];

/** Canonical unit → its spellings (values.md table). */
const UNIT_TABLE: ReadonlyArray<readonly [string, readonly string[]]> = [
  ['%', ['%', '％', '百分比', '百分号', '百分率', '占百分比', '占比']],
  ['m²', ['m²', 'm2', '㎡', '平方米']],
  ['万元', ['万元', '万']],
  ['万元/人', ['万/人', '万元/人']],
  ['万元/年', ['万元/年', '万/年']],
  ['元/人', ['元/人']],
  ['亿', ['亿', '亿元']],
  ['人', ['人', '人数', '名']],
  ['次', ['次', '次数']],
  ['件', ['件', '件数']],
  ...['元', '个', '户', '年', '月', '天', '日', '条', '批', '套', '份', '村', '米', '家', '项', '篇', '期', '台', '场', '所'].map(
    (u) => [u, [u]] as const,
  ),
];

/** Every spelling with its canonical form, longest spelling first (so `万元/人` wins over `元/人`). */
const SPELLINGS: ReadonlyArray<readonly [string, string]> = UNIT_TABLE.flatMap(([canon, spellings]) =>
  spellings.map((s) => [s, canon] as const),
).sort((a, b) => b[0].length - a[0].length);

const EXACT_UNIT = new Map(SPELLINGS);

const NUMBER = /^(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?/;
const DATE = /^(?:\d{4}年\d{1,2}月(?:\d{1,2}日|底|初|末)?|\d{4}-\d{1,2}-\d{1,2}|\d{4}\.\d{1,2}\.\d{1,2})$/;

/** Canonical unit when `rest` is exactly a unit word. */
export function exactUnit(rest: string): string | null {
  return EXACT_UNIT.get(rest) ?? null;
}

/** Canonical unit that `rest` ends with, or null. */
export function trailingUnit(rest: string): string | null {
  for (const [spelling, canon] of SPELLINGS) if (rest.endsWith(spelling)) return canon;
  return null;
}

function splitSign(v: string): { symbol: Value['symbol']; rest: string } {
  for (const [spelling, symbol] of SIGNS) {
    if (v.startsWith(spelling)) return { symbol, rest: v.slice(spelling.length).trim() };
  }
  return { symbol: null, rest: v };
}

/** Normalizes one raw 指标值 (it is cleaned first). */
export function parseValue(raw: string | null | undefined): Value {
  const v = cleanText(raw ?? '');
  if (v === '') return { symbol: null, number: null, unit: null, text: null };
  const { symbol, rest: afterSign } = splitSign(v);

  if (DATE.test(afterSign)) {
    return { symbol: symbol ?? '=', number: null, unit: null, text: afterSign };
  }

  const m = NUMBER.exec(afterSign);
  if (!m) {
    // No number: a bare unit word, or qualitative text.
    const unit = exactUnit(afterSign);
    if (unit) return { symbol, number: null, unit, text: null };
    return { symbol, number: null, unit: null, text: afterSign === '' ? null : afterSign };
  }

  const number = Number(m[0].replace(/,/g, ''));
  return { symbol: symbol ?? '=', number, ...unitAndText(afterSign.slice(m[0].length).trim()) };
}

/** `unit` and `text` of what follows the number (values.md, "unit and text"). */
function unitAndText(rest: string): Pick<Value, 'unit' | 'text'> {
  if (rest === '') return { unit: null, text: null };
  const unit = exactUnit(rest);
  if (unit) return { unit, text: null };
  return { unit: trailingUnit(rest), text: rest };
}

/**
 * Normalizes a value written in 符号 / 值 / 单位（文字描述） columns (values.md, "Tables with
 * 符号 / 值 / 单位 columns"): read from the three cells, never by re-parsing them joined, so a
 * 单位 cell starting with a digit cannot run into the number. `文字描述` in the 符号 cell makes
 * the 单位 cell the whole value; a 值 cell that is not a plain number falls back to the joined text.
 */
export function parseSplitValue(symbolCell: string, numberCell: string, unitCell: string): Value {
  const sym = cleanText(symbolCell);
  const num = cleanText(numberCell).replace(/\s/g, '');
  const unit = cleanText(unitCell);
  if (sym === '文字描述') return parseValue(unit);
  const m = NUMBER.exec(num);
  if (!m || m[0] !== num) return parseValue(`${sym}${num}${unit}`);
  const { symbol, rest } = splitSign(sym);
  if (rest !== '') return parseValue(`${sym}${num}${unit}`);
  return { symbol: symbol ?? '=', number: Number(num.replace(/,/g, '')), ...unitAndText(unit) };
}
