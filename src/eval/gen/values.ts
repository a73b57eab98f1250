/**
 * Indicator values for generated documents, written the many ways values.md allows, each
 * built from its parts so that the gold `value` is known from what was put in (never by
 * running the project's normaliser): a sign spelling with its canonical symbol, a number as
 * written with the number it means, a unit spelling with its canonical unit, a longer rest
 * with the unit it ends with. `cells` is the same value in 符号 / 值 / 单位（文字描述） columns.
 */
import type { Rng } from './random.js';

export interface GoldValue {
  symbol: '≥' | '≤' | '>' | '<' | '=' | null;
  number: number | null;
  unit: string | null;
  text: string | null;
}

export interface GenValue {
  /** The 指标值 cell as printed in a one-column layout (may hold spaces that cleaning removes). */
  written: string;
  /** The 符号, 值, 单位 cells of a split layout. */
  cells: [string, string, string];
  /** Gold value_raw for the one-column and the split layout. */
  rawSingle: string;
  rawSplit: string;
  value: GoldValue;
  /** What kind of value this is (for the failure catalogue). */
  kind: string;
}

const SIGNS: ReadonlyArray<readonly [string, GoldValue['symbol']]> = [
  ['≥', '≥'], ['≥', '≥'], ['>=', '≥'], ['≧', '≥'], ['＞=', '≥'],
  ['≤', '≤'], ['≤', '≤'], ['<=', '≤'], ['≦', '≤'],
  ['>', '>'], ['＞', '>'], ['<', '<'], ['＜', '<'],
  ['=', '='], ['＝', '='], ['', '='], ['', '='],
];

/** Unit spellings that are exactly a unit word: [spelling, canonical]. */
const UNIT_WORDS: ReadonlyArray<readonly [string, string]> = [
  ['%', '%'], ['%', '%'], ['％', '%'], ['百分比', '%'], ['百分号', '%'], ['百分率', '%'], ['占比', '%'], ['占百分比', '%'],
  ['m²', 'm²'], ['m2', 'm²'], ['㎡', 'm²'], ['平方米', 'm²'],
  ['万元', '万元'], ['万', '万元'], ['万/人', '万元/人'], ['万元/人', '万元/人'], ['万元/年', '万元/年'], ['万/年', '万元/年'], ['元/人', '元/人'],
  ['亿', '亿'], ['亿元', '亿'], ['人', '人'], ['人数', '人'], ['名', '人'], ['次', '次'], ['次数', '次'], ['件', '件'], ['件数', '件'],
  ['元', '元'], ['个', '个'], ['户', '户'], ['年', '年'], ['天', '天'], ['条', '条'], ['批', '批'], ['套', '套'], ['份', '份'],
  ['村', '村'], ['米', '米'], ['家', '家'], ['项', '项'], ['篇', '篇'], ['期', '期'], ['台', '台'], ['场', '场'], ['所', '所'],
];

/** Longer rests after a number: [rest, the canonical unit it ends with or null]. */
const RESTS: ReadonlyArray<readonly [string, string | null]> = [
  ['满意度占百分比', '%'], ['每村1次', '次'], ['村的数量', null], ['劳务派遣人员数量', null],
  ['经费总成本12.56万元', '万元'], ['个工作日', '日'], ['人次', '次'], ['单位对服务的满意度', null],
  ['项制度文件', '件'], ['次督导检查', null], ['个村（社区）', null], ['以上完成率', null],
];

/** Numbers as written, with the number they mean. */
function numberText(rng: Rng): readonly [string, number] {
  const k = rng.int(0, 6);
  if (k === 0) {
    const n = rng.pick([60, 70, 80, 85, 90, 95, 98, 100]);
    return [`${n}.00`, n];
  }
  if (k === 1) {
    const n = rng.int(1000, 99999) + rng.int(0, 99) / 100;
    const s = n.toFixed(2);
    const [i, d] = s.split('.');
    return [`${i!.replace(/\B(?=(\d{3})+$)/g, ',')}.${d}`, Number(s)];
  }
  if (k === 2) {
    const s = (rng.int(1, 999) / 100 + rng.int(0, 50)).toFixed(2);
    return [s, Number(s)];
  }
  if (k === 3) {
    const s = String(rng.int(1000, 40000));
    return [s, Number(s)];
  }
  const n = rng.pick([1, 2, 3, 5, 7, 10, 12, 14, 20, 24, 30, 48, 85, 90, 95, 100, 365]);
  return [String(n), n];
}

const DATES: ReadonlyArray<(y: number) => string> = [
  (y) => `${y}年6月底`, (y) => `${y}年12月底`, (y) => `${y}年1月2日`, (y) => `${y}年10月`,
  (y) => `${y}-06-30`, (y) => `${y}.12.31`, (y) => `${y}年3月末`,
];

const QUALITATIVE = [
  '按时完成', '完成1.1万户配送', '可及时入驻', '满足机关工作的正常开展', '有效提升', '明显改善', '达到国家标准',
  '按照预算批复的用途合理使用', '逐步提高', '保障日常办公', '符合相关规定', '较上年有所提高', '及时足额拨付',
];

const CJK = /[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]/;

/** A value for a generated indicator row; `year` is the document's budget year (for dates). */
export function generateValue(rng: Rng, year: number): GenValue {
  const r = rng.next();
  if (r < 0.55) {
    const [sign, symbol] = rng.pick(SIGNS);
    const [num, number] = numberText(rng);
    const longer = rng.chance(0.25);
    const [rest, unit, text] = longer
      ? (() => { const [s, u] = rng.pick(RESTS); return [s, u, s] as const; })()
      : (() => { const [s, u] = rng.pick(UNIT_WORDS); return [s, u, null] as const; })();
    // A space between number and unit, as typed: cleaning removes it where it touches a CJK
    // character (values.md); `m ²` loses it too.
    let written = `${sign}${num}${rest}`;
    if (rest && CJK.test(rest[0]!) && rng.chance(0.35)) written = `${sign}${num} ${rest}`;
    else if (rest === 'm²' && rng.chance(0.4)) written = `${sign}${num}m ²`;
    const raw = `${sign}${num}${rest}`;
    return { written, cells: [sign, num, rest], rawSingle: raw, rawSplit: raw, value: { symbol, number, unit, text }, kind: longer ? 'number+text' : 'number+unit' };
  }
  if (r < 0.65) {
    const date = rng.pick(DATES)(year);
    const signed = rng.chance(0.4);
    const [sign, symbol] = signed ? rng.pick(SIGNS.filter(([s]) => s !== '')) : (['', '='] as const);
    const raw = `${sign}${date}`;
    return { written: raw, cells: [sign, date, ''], rawSingle: raw, rawSplit: raw, value: { symbol, number: null, unit: null, text: date }, kind: 'date' };
  }
  if (r < 0.7) {
    // 3万: the corpus's bare 万 (万元), a number without a sign.
    const n = rng.pick([1, 2, 3, 5, 8, 15, 40]);
    return { written: `${n}万`, cells: ['', String(n), '万'], rawSingle: `${n}万`, rawSplit: `${n}万`, value: { symbol: '=', number: n, unit: '万元', text: null }, kind: 'number+unit' };
  }
  if (r < 0.72) {
    return { written: '%', cells: ['', '', '%'], rawSingle: '%', rawSplit: '%', value: { symbol: null, number: null, unit: '%', text: null }, kind: 'bare unit' };
  }
  const text = rng.pick(QUALITATIVE);
  return { written: text, cells: ['文字描述', '', text], rawSingle: text, rawSplit: text, value: { symbol: null, number: null, unit: null, text }, kind: 'qualitative' };
}

/** A value taken whole from a corpus gold (one-column layouts only: its cells are not known). */
export function goldValue(raw: string, value: GoldValue): GenValue {
  return { written: raw, cells: ['', raw, ''], rawSingle: raw, rawSplit: raw, value, kind: 'corpus' };
}
