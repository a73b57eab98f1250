/**
 * Whether text is language or glyph garbage. A PDF whose fonts map glyphs to the wrong code
 * points comes out as private-use or replacement characters, control characters, Latin-1
 * accented letters, or scripts that have no place in a Chinese budget text (Cyrillic, Greek,
 * Arabic, Hangul…), or as one character repeated. Text of this kind is never written out as
 * data: such pages are unreadable (or go to OCR).
 *
 * Single characters are judged too (`oddChar`, `rareHanzi`): a font whose characters are
 * of this kind is a font without a usable Unicode map (../loaders/pdf/fonts.ts).
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

/** A character no budget text is written with (a control or private-use character, another script…). */
export function oddChar(ch: string): boolean {
  return !PLAUSIBLE.test(ch) || /[\uFFF0-\uFFFF]/u.test(ch);
}

let common: Set<string> | null = null;

/**
 * The characters of GB 2312 (the 6,763 汉字 of everyday simplified Chinese, with its symbols),
 * from the runtime's own GBK decoder; empty where the runtime has none (then no 汉字 is rare).
 */
function gb2312(): Set<string> {
  if (common) return common;
  common = new Set<string>();
  try {
    const decoder = new TextDecoder('gbk');
    const bytes = new Uint8Array(2);
    for (let hi = 0xa1; hi <= 0xf7; hi++) {
      for (let lo = 0xa1; lo <= 0xfe; lo++) {
        bytes[0] = hi;
        bytes[1] = lo;
        const ch = decoder.decode(bytes);
        if (ch.length === 1 && ch !== '\uFFFD') common.add(ch);
      }
    }
  } catch {
    /* no GBK decoder: every 汉字 counts as common */
  }
  return common;
}

const HANZI = /[\u3400-\u4DBF\u4E00-\u9FFF\uF900-\uFAFF]/u;

/** A 汉字 outside everyday simplified Chinese (GB 2312): rare in a budget text, frequent in a wrong map. */
export function rareHanzi(ch: string): boolean {
  if (!HANZI.test(ch)) return false;
  const set = gb2312();
  return set.size > 0 && !set.has(ch);
}
