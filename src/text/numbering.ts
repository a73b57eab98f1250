/**
 * Item numbering as printed in budget texts: `1.` `1、` `1．` `（一）` `(一）` `一、` `(1)` `①`.
 * `parseNumbered` tells the style and the bare number so that siblings can be recognised.
 */

export type NumberStyle = 'arabic-dot' | 'cn-comma' | 'cn-paren' | 'arabic-paren' | 'circled';

export interface Numbered {
  style: NumberStyle;
  /** The number as printed, without punctuation: "1", "一", "五". */
  seq: string;
  /** The text after the number. */
  rest: string;
}

const CN_DIGITS = '一二三四五六七八九十';
const PATTERNS: ReadonlyArray<readonly [NumberStyle, RegExp]> = [
  ['cn-paren', new RegExp(`^[（(]\\s*([${CN_DIGITS}]+)\\s*[）)]\\s*`)],
  ['arabic-paren', /^[（(]\s*(\d{1,2})\s*[）)]\s*/],
  ['cn-comma', new RegExp(`^([${CN_DIGITS}]+)\\s*[、.．]\\s*`)],
  ['arabic-dot', /^(\d{1,2})\s*[.．、](?!\d)\s*/],
  ['circled', /^([\u2460-\u2473])\s*/],
];

export function parseNumbered(text: string): Numbered | null {
  for (const [style, re] of PATTERNS) {
    const m = re.exec(text);
    if (m && m[0].length < text.length) return { style, seq: m[1]!, rest: text.slice(m[0].length) };
  }
  return null;
}

/** Chinese numeral (一…九十九) or Arabic digits → number. */
export function numeralValue(seq: string): number | null {
  if (/^\d+$/.test(seq)) return Number(seq);
  if (!new RegExp(`^[${CN_DIGITS}]+$`).test(seq)) return null;
  const d = (ch: string) => CN_DIGITS.indexOf(ch) + 1;
  if (seq === '十') return 10;
  const i = seq.indexOf('十');
  if (i < 0) return seq.length === 1 ? d(seq) : null;
  const tens = i === 0 ? 1 : d(seq[0]!);
  const ones = i === seq.length - 1 ? 0 : d(seq[i + 1]!);
  return tens * 10 + ones;
}

/** A numbered item (`2.` `3、` `1.1.`) after white space: where a flattened cell's paragraphs met. */
const ITEM_BOUNDARY = /\s+(?=\d{1,2}\s*[.．、]\s*(?:\d{1,2}\s*[.．、]\s*)?[^\d\s.．、])/;
/** A piece that is only an item number: the wrap came right after it, no paragraph ends there. */
const BARE_NUMBER = /^\s*(\d{1,2}\s*[.．、]\s*)+$/;

/**
 * Splits flattened text where a numbered item follows white space (`…发放 2.联系…`): the places
 * where a cell's or paragraph's items met when line breaks were lost.
 */
export function splitItems(field: string): string[] {
  const out: string[] = [];
  for (const piece of field.split(ITEM_BOUNDARY)) {
    if (out.length && BARE_NUMBER.test(out[out.length - 1]!)) out[out.length - 1] += ` ${piece}`;
    else out.push(piece);
  }
  return out;
}

/**
 * A line that opens a numbered item (`1.` `1.2、` `（一）` `一、` `①`; `1. 区志…` as a typesetter
 * spaces it; the official style's later ordinals with their comma, `二是，`): a paragraph or a
 * cell's paragraph starts there, whatever room the line before it left. (`一是` may follow a
 * lead-in on its line, and a wrap may fall before a word opening 是: neither is taken.)
 */
const ITEM_START = /^\s*(?:\d{1,2}[.．、](?:\d{1,2}[.．、])?(?:[^\d\s]|\s[\u4e00-\u9fff])|[（(][一二三四五六七八九十\d]{1,3}[）)]|[一二三四五六七八九十]{1,3}、|[\u2460-\u2473]|[二三四五六七八九十]是[，,：:])/;

/** Whether a line opens a numbered item. */
export function opensItem(text: string): boolean {
  return ITEM_START.test(text);
}
