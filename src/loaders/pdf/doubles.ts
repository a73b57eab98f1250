/**
 * Text drawn twice. Producers without a bold face for a CJK font fake one by drawing the same
 * text again a fraction of a point to the side (伪粗体): the page shows one thicker line, but
 * the text layer holds each draw, and every heading and cell would come out doubled
 * (`第一部分第一部分`). A text item is dropped when an item with the same text and size was
 * already drawn within a quarter of its size of the same place.
 *
 * Where pdf.js cut the two draws into different pieces (a draw's end merged with the next
 * one's start: `案件` + `案件、、`, a page number `7` drawn twice read as `77`), no piece repeats
 * whole: the operator walk (clip.ts) places each glyph drawn a second time, and each such glyph
 * no dropped repeat holds takes its one character out of the pieces (clip.ts dropGlyphs, the
 * character of its name nearest to it). What the pieces still could not account for is
 * reported (`page-doubled-text`).
 */
import { type Item, charStarts } from '../../layout/text.js';
import { ASCENT, DESCENT, type PlacedGlyph, onItem } from './clip.js';

/** How far apart two draws of the same text may stand, in font sizes. */
const NEAR = 0.25;

/** The items without repeated draws, the repeats dropped, and how many characters they held. */
export function dropDoubles(items: readonly Item[]): { items: Item[]; dropped: Item[]; chars: number } {
  const seen = new Map<string, Item[]>();
  const out: Item[] = [];
  const dropped: Item[] = [];
  let chars = 0;
  for (const it of items) {
    const key = it.str.trim();
    const same = seen.get(key);
    const tol = Math.max(1, it.size * NEAR);
    if (same?.some((o) => Math.abs(o.size - it.size) <= it.size * 0.1 && Math.abs(o.x - it.x) <= tol && Math.abs(o.y - it.y) <= tol)) {
      chars += key.replace(/\s+/g, '').length;
      dropped.push(it);
      continue;
    }
    if (same) same.push(it);
    else seen.set(key, [it]);
    out.push(it);
  }
  return { items: out, dropped, chars };
}

/**
 * The second draws (glyphs drawn again over themselves, clip.ts) that no dropped repeat holds:
 * those inside pieces where pdf.js merged the two draws (`77`, `案件、、`). A glyph whose centre
 * stands inside a dropped item's extent on its line was that item's. The dropped items are
 * indexed by a grid of cells a font size wide, so a glyph looks only at the items over its own
 * cell; the comparisons are counted, and past MAX_CHECKS (a crafted page drawing the same text
 * over itself by the hundred thousand) the glyphs not yet looked at count as held.
 */
export function doublesLeft(doubled: readonly PlacedGlyph[], dropped: readonly Item[]): PlacedGlyph[] {
  if (dropped.length === 0) return [...doubled];
  const sizes = dropped.map((it) => it.size).sort((a, b) => a - b);
  const cell = Math.max(1, sizes[sizes.length >> 1]!);
  const grid = new Map<string, Item[]>();
  const wide: Item[] = [];
  for (const it of dropped) {
    const x0 = Math.floor(it.x / cell), x1 = Math.floor((it.x + it.w) / cell);
    const y0 = Math.floor((it.y - DESCENT * it.size) / cell), y1 = Math.floor((it.y + ASCENT * it.size) / cell);
    if ((x1 - x0 + 1) * (y1 - y0 + 1) > MAX_CELLS) {
      wide.push(it);
      continue;
    }
    for (let gx = x0; gx <= x1; gx++) for (let gy = y0; gy <= y1; gy++) {
      const k = `${gx},${gy}`;
      const list = grid.get(k);
      if (list) list.push(it);
      else grid.set(k, [it]);
    }
  }
  let checks = 0;
  return doubled.filter((g) => {
    if (checks > MAX_CHECKS) return false;
    const cx = (g.x0 + g.x1) / 2, cy = (g.y0 + g.y1) / 2;
    const near = grid.get(`${Math.floor(cx / cell)},${Math.floor(cy / cell)}`) ?? [];
    checks += near.length + wide.length;
    const held = (it: Item) => it.str.includes(g.char) && onItem(it, cx, cy);
    return !(near.some(held) || wide.some(held));
  });
}

/** Cells of the grid an item may cover before it is looked at by every glyph instead. */
const MAX_CELLS = 4096;
/** Glyph–item comparisons a page may make in finding the second draws no dropped repeat holds. */
const MAX_CHECKS = 20_000_000;

/**
 * Pieces that are a whole second draw: every character of the piece has a second-drawn glyph of
 * its name where the piece sets it (within `NEAR_CHAR` of a size). Where pdf.js cut the two draws
 * differently (`会议` + `。` once, `会议。` again), the per-glyph choice between two pieces at the
 * same place is a coin's toss and could take `议` from one and `会`, `。` from the other; a piece
 * the glyphs cover whole goes whole first (the longest first), and only the glyphs no such piece
 * takes are matched one by one. Returns the pieces kept and the glyphs not used.
 */
export function dropWholeDoubles(items: readonly Item[], glyphs: readonly PlacedGlyph[]): { items: Item[]; left: PlacedGlyph[] } {
  if (glyphs.length === 0) return { items: [...items], left: [] };
  const used = new Set<PlacedGlyph>();
  const gone = new Set<Item>();
  const order = [...items].sort((a, b) => b.str.trim().length - a.str.trim().length);
  // The glyphs by the height of their centres, so each piece looks only at those of its line.
  const byY = [...glyphs].sort((a, b) => a.y0 + a.y1 - (b.y0 + b.y1));
  const mid = (g: PlacedGlyph) => (g.y0 + g.y1) / 2;
  const firstAt = (y: number) => {
    let lo = 0, hi = byY.length;
    while (lo < hi) {
      const m = (lo + hi) >> 1;
      if (mid(byY[m]!) < y) lo = m + 1;
      else hi = m;
    }
    return lo;
  };
  const onLine = (it: Item) => {
    const out: PlacedGlyph[] = [];
    for (let k = firstAt(it.y - it.size); k < byY.length && mid(byY[k]!) <= it.y + it.size; k++) out.push(byY[k]!);
    return out;
  };
  for (const it of order) {
    const chars = [...it.str];
    if (chars.every((c) => c.trim() === '')) continue;
    const starts = charStarts(chars, it.x, it.w, it.size);
    const near = onLine(it).filter((g) => !used.has(g) && onItem(it, (g.x0 + g.x1) / 2, (g.y0 + g.y1) / 2, it.size * NEAR_CHAR));
    if (near.length < chars.filter((c) => c.trim() !== '').length) continue;
    const mine = new Set<PlacedGlyph>();
    const whole = chars.every((c, k) => {
      if (c.trim() === '') return true;
      let best: PlacedGlyph | null = null;
      for (const g of near) {
        if (g.char !== c || mine.has(g) || Math.abs(g.x0 - starts[k]!) > it.size * NEAR_CHAR) continue;
        if (!best || Math.abs(g.x0 - starts[k]!) < Math.abs(best.x0 - starts[k]!)) best = g;
      }
      if (best) mine.add(best);
      return best != null;
    });
    if (!whole) continue;
    gone.add(it);
    for (const g of mine) used.add(g);
  }
  return { items: items.filter((it) => !gone.has(it)), left: glyphs.filter((g) => !used.has(g)) };
}

/** How far from where a piece sets a character its second draw may start, in font sizes. */
const NEAR_CHAR = 0.4;
