/**
 * Text drawn twice. Producers without a bold face for a CJK font fake one by drawing the same
 * text again a fraction of a point to the side (伪粗体): the page shows one thicker line, but
 * the text layer holds each draw, and every heading and cell would come out doubled
 * (`第一部分第一部分`). A text item is dropped when an item with the same text and size was
 * already drawn within a quarter of its size of the same place.
 *
 * Where pdf.js cut the two draws into different pieces (a draw's end merged with the next
 * one's start: `案件` + `案件、、`), no piece repeats whole and the doubled characters stay; the
 * operator walk (clip.ts) counts the glyphs drawn twice, and what the pieces could not account
 * for is reported (`page-doubled-text`).
 */
import type { Item } from '../../layout/text.js';

/** How far apart two draws of the same text may stand, in font sizes. */
const NEAR = 0.25;

/** The items without repeated draws, and how many characters the repeats held. */
export function dropDoubles(items: readonly Item[]): { items: Item[]; chars: number } {
  const seen = new Map<string, Item[]>();
  const out: Item[] = [];
  let chars = 0;
  for (const it of items) {
    const key = it.str.trim();
    const same = seen.get(key);
    const tol = Math.max(1, it.size * NEAR);
    if (same?.some((o) => Math.abs(o.size - it.size) <= it.size * 0.1 && Math.abs(o.x - it.x) <= tol && Math.abs(o.y - it.y) <= tol)) {
      chars += key.replace(/\s+/g, '').length;
      continue;
    }
    if (same) same.push(it);
    else seen.set(key, [it]);
    out.push(it);
  }
  return { items: out, chars };
}
