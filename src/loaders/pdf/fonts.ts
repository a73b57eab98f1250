/**
 * Which fonts of a page have no usable Unicode map, judged font by font from the characters
 * pdf.js gives their glyphs.
 *
 * A font that lost its ToUnicode map (a print driver's round trip through PostScript, an old
 * PDF writer) still draws the right shapes, but pdf.js can only guess its characters: from
 * glyph names that mean nothing (`cid38972`, `g4FF8`), from its codes (`\u0001`, `A`, `ì`),
 * or from the glyph ids of an Identity-H CID font (`俸⋌斴⛒`, `յ`, `ら`). Such characters give
 * themselves away: control or private-use characters and other scripts (`oddChar`), 汉字
 * outside everyday Chinese (`rareHanzi`), ASCII drawn a whole CJK em wide, 汉字 drawn half
 * as wide, shapes mapped to nothing. A font with enough of them is suspect; a suspect font's
 * glyphs are then read by their shapes and it is unmapped when those readings disagree with
 * its characters (recover.ts) — the other fonts of the page stay text.
 */
import { oddChar, rareHanzi } from '../../text/plausible.js';

/** One glyph of a font, as the page draws it. */
export interface FontGlyph {
  /** The character pdf.js gives it. */
  claim: string;
  /** Its advance over the size of the text it stands in (1 for a CJK character). */
  ratio: number;
  /** Whether its outline draws something. */
  inked: boolean;
}

/** Share of a font's glyphs that must look wrong for the font to be suspect (and at least one). */
const SUSPECT_SHARE = 0.15;

const ASCII = /^[!-~]$/u;
const HANZI = /^[\u3400-\u4DBF\u4E00-\u9FFF\uF900-\uFAFF]$/u;

/** Why one glyph's character looks wrong, or null. */
export function oddGlyph(g: FontGlyph): string | null {
  const chars = [...g.claim.replace(/\s+/gu, '')];
  if (chars.length === 0) return g.inked ? 'a drawn glyph mapped to no character' : null;
  if (chars.some(oddChar)) return 'characters of no budget text';
  if (chars.length !== 1) return null;
  const ch = chars[0]!;
  if (rareHanzi(ch)) return 'rare 汉字';
  if (ASCII.test(ch) && g.ratio >= 0.85) return 'ASCII drawn a whole em wide';
  if (HANZI.test(ch) && g.ratio > 0 && g.ratio < 0.6) return '汉字 drawn half an em wide';
  return null;
}

/**
 * Whether a font's glyphs (each distinct glyph once) give a reason to doubt its characters:
 * the reason, or null.
 */
export function suspicion(glyphs: Iterable<FontGlyph>): string | null {
  let n = 0;
  const reasons = new Map<string, number>();
  for (const g of glyphs) {
    n++;
    const why = oddGlyph(g);
    if (why) reasons.set(why, (reasons.get(why) ?? 0) + 1);
  }
  const odd = [...reasons.values()].reduce((a, b) => a + b, 0);
  if (odd === 0 || odd < SUSPECT_SHARE * n) return null;
  const [why] = [...reasons].sort((a, b) => b[1] - a[1])[0]!;
  return `${odd} of ${n} glyphs: ${why}`;
}

/** Characters compared as the same when a font's characters are checked against its shapes. */
export function sameChar(a: string, b: string): boolean {
  const fold = (s: string) => s.normalize('NFKC').replace(/\s+/gu, '');
  return fold(a) === fold(b);
}
