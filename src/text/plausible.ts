/**
 * Whether text is language or glyph garbage. A PDF whose fonts map glyphs to the wrong code
 * points comes out as private-use or replacement characters, control characters, Latin-1
 * accented letters, or scripts that have no place in a Chinese budget text (Cyrillic, Greek,
 * Arabic, Hangul…), or as one character repeated. Text of this kind is never written out as
 * data: such pages are unreadable (or go to OCR).
 */

/** Characters a Chinese budget text is made of. */
const PLAUSIBLE = /[\u0020-\u007E\u00A0\u00B0\u00B1\u00B2\u00B3\u00B7\u00D7\u00F7\u2000-\u206F\u2100-\u23FF\u2460-\u24FF\u2500-\u25FF\u3000-\u303F\u3400-\u4DBF\u4E00-\u9FFF\uF900-\uFAFF\u2E80-\u2FDF\uFE30-\uFE4F\uFF00-\uFFEF\u00A5\u00B5]/u;

export interface Plausibility {
  chars: number;
  /** Share of characters outside what the documents are made of. */
  odd: number;
  /** Distinct characters over all characters. */
  variety: number;
}

export function plausibility(text: string): Plausibility {
  const chars = [...text.replace(/\s+/g, '')];
  if (chars.length === 0) return { chars: 0, odd: 0, variety: 1 };
  let odd = 0;
  for (const ch of chars) if (!PLAUSIBLE.test(ch)) odd++;
  return { chars: chars.length, odd: odd / chars.length, variety: new Set(chars).size / chars.length };
}

/** Enough text to judge, and it is garbage. */
export function isGarbage(text: string): boolean {
  const p = plausibility(text);
  if (p.chars < 20) return false;
  return p.odd > 0.3 || (p.chars >= 200 && p.variety < 0.01);
}
