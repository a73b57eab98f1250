/**
 * Text cleaning shared by every stage (values.md, "Cleaning").
 *
 * - white space that touches a CJK character or full-width punctuation is removed;
 * - white space before ² / ³ is removed;
 * - any other run of white space becomes one space; the result is trimmed;
 * - `[bookmark: …]` markers that text dumps carry are dropped.
 *
 * - control characters and direction overrides (NUL, ESC, U+202E …) are removed;
 * - CJK radicals and compatibility ideographs written for ordinary characters become the
 *   ideographs they stand for (compat.ts);
 * - the hyphen and the non-breaking hyphen (U+2010, U+2011: a typesetter's way of writing `-`
 *   where a line may not break, 2016‑2022) become `-`;
 *
 * Full-width and half-width punctuation are kept as written.
 */
import { unifyIdeographs } from './compat.js';

/** CJK ideographs, CJK punctuation, full-width forms, enclosed and compatibility forms (①, ㈠, ㎡), and the curly quotes/ellipsis/dash used in Chinese text. */
const WIDE = '\\u2E80-\\u2FFF\\u3000-\\u303F\\u3040-\\u30FF\\u3400-\\u4DBF\\u4E00-\\u9FFF\\uF900-\\uFAFF\\uFE30-\\uFE4F\\uFF00-\\uFFEF\\u2018\\u2019\\u201C\\u201D\\u2026\\u2014\\u00B7\\u2460-\\u24FF\\u3200-\\u33FF';
const WIDE_CHAR = new RegExp(`[${WIDE}]`);
const SPACE_AFTER_WIDE = new RegExp(`([${WIDE}])[\\s\\u00A0]+`, 'g');
const SPACE_BEFORE_WIDE = new RegExp(`[\\s\\u00A0]+(?=[${WIDE}])`, 'g');
const BOOKMARK = /\[bookmark:[^\]]*\]/g;
/** Control characters and direction overrides: never text of a document (NUL, BEL, ESC, U+202E …). */
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u200E\u200F\u202A-\u202E\u2066-\u2069]/g;
const HAS_CONTROL = new RegExp(CONTROL.source);

/** Whether raw text holds control or direction-override characters (cleaning removes them; loaders warn). */
export function hasControlChars(raw: string): boolean {
  return HAS_CONTROL.test(raw);
}

export function isWide(ch: string): boolean {
  return WIDE_CHAR.test(ch);
}

/** Cleans one value: no line breaks, no spaces next to CJK, runs folded, trimmed. */
export function cleanText(input: string): string {
  return unifyIdeographs(input)
    .replace(CONTROL, '')
    .replace(BOOKMARK, '')
    .replace(/[\u200B-\u200D\uFEFF]/g, '')
    .replace(/[\u2010\u2011]/g, '-')
    .replace(/[\s\u00A0]+/g, ' ')
    .replace(SPACE_AFTER_WIDE, '$1')
    .replace(SPACE_BEFORE_WIDE, '')
    .replace(/ +(?=[²³])/g, '')
    .trim();
}

/** Cleans and maps an empty result to null. */
export function cleanOrNull(input: string | null | undefined): string | null {
  if (input == null) return null;
  const t = cleanText(input);
  return t === '' ? null : t;
}

/**
 * Joins the visual lines (or the space-separated wrap pieces) of one wrapped cell or
 * paragraph into one value: CJK pieces are joined with no space, words keep one space
 * between them, and numbers, units or punctuation cut at a wrap point (`1387.93` + `m²`, (`0-` + `10%`,
 * `13081123P0000461000` + `2X`) are joined back.
 */
export function joinLines(lines: readonly string[]): string {
  let out = '';
  for (const piece of lines.map((l) => l.trim()).filter((l) => l !== '')) {
    out += out !== '' && keepsSpace(out[out.length - 1]!, piece[0]!) ? ` ${piece}` : piece;
  }
  return cleanText(out);
}

/** At a wrap point, a space survives only between two Latin words. */
function keepsSpace(before: string, after: string): boolean {
  return /[A-Za-z]/.test(before) && /[A-Za-z]/.test(after);
}

/** Removes all white space (codes, numbers). */
export function squash(input: string): string {
  return input.replace(/[\s\u00A0]+/g, '');
}

/** Hyphens, dashes and minus signs a producer may write inside a code (U+2010–2015, U+2212, U+FE63, U+FF0D). */
const CODE_DASH = /[\u2010-\u2015\u2212\uFE63\uFF0D]/g;

/** A code (unit code, project code) as written: white space removed, any hyphen variant as `-`. */
export function codeText(input: string): string {
  return squash(input).replace(CODE_DASH, '-');
}

/** Text of an empty-looking cell is ''. */
export function isBlank(s: string | null | undefined): boolean {
  return s == null || cleanText(s) === '';
}

/** A page number on a line of its own: `3`, `- 3 -`, `第3页`, `第3页 共20页`, `3/20`. */
export const PAGE_NUMBER = /^\s*(?:[-—–]\s*\d{1,4}\s*[-—–]|第\s*\d{1,4}\s*页(?:\s*[，,/]?\s*共\s*\d{1,4}\s*页)?|\d{1,4}\s*\/\s*\d{1,4}|\d{1,4})\s*$/;
