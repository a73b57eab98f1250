/**
 * What of a page's text layer the page shows: pdf.js's text items less the glyphs its clip or
 * its layers hide (clip.ts, said by `page-hidden-text`), with text drawn twice kept once
 * (doubles.ts; doubles left over said by `page-doubled-text`).
 */
import { type Message, type Result, message, pagePlace } from '../../diagnostics.js';
import { ASCENT, DESCENT, type FontInfo, type PlacedGlyph, type WalkedGlyph, dropGlyphs, hiddenGlyphs, onItem } from './clip.js';
import { doublesLeft, dropDoubles, dropWholeDoubles } from './doubles.js';
import { type Matrix, boxOf } from '../../layout/matrix.js';
import type { PdfPage } from './draw.js';
import type { PdfDocument } from './open.js';
import type { Item } from '../../layout/text.js';

/** The font pdf.js loaded under a name, as far as placing glyphs needs it. */
export function fontLookup(page: PdfPage): (name: string) => FontInfo | null {
  const objs = (page as unknown as { commonObjs: { has(id: string): boolean; get(id: string): unknown } }).commonObjs;
  return (name) => (objs.has(name) ? (objs.get(name) as FontInfo) : null);
}

/** The box around glyphs, on the page as shown (points, origin top-left). */
function boxAround(glyphs: readonly PlacedGlyph[], toPage: Matrix): [number, number, number, number] {
  const b = boxOf(toPage, Math.min(...glyphs.map((g) => g.x0)), Math.min(...glyphs.map((g) => g.y0)), Math.max(...glyphs.map((g) => g.x1)), Math.max(...glyphs.map((g) => g.y1)));
  return [b.x0, b.y0, b.x1, b.y1].map((v) => Math.round(v * 10) / 10) as [number, number, number, number];
}

/** Text drawn twice that whole repeated pieces did not account for: some characters may be doubled. */
function doubledMessage(n: number, left: number, doubled: readonly PlacedGlyph[], toPage: Matrix): Message {
  return message('page-doubled-text', `page ${n}: text is drawn twice over itself (a faked bold face); ${left} doubled character(s) could not be told apart from the text and may appear twice`, [pagePlace(n, boxAround(doubled, toPage))]);
}

/** Text items the page shows: what its clip hides is left out and said (`page-hidden-text`). */
function shownItems(all: Item[], hidden: readonly PlacedGlyph[], n: number, toPage: Matrix): Result<Item[]> {
  if (hidden.length === 0) return { value: all, messages: [] };
  const items = dropGlyphs(all, hidden);
  const count = (xs: Item[]) => xs.reduce((k, i) => k + i.str.replace(/\s+/g, '').length, 0);
  const left = count(all) - count(items);
  const bbox = boxAround(hidden, toPage);
  const sample = hidden.slice(0, 8).map((g) => g.char).join('');
  // Text drawn off the page that pdf.js's text content already leaves out (a XeLaTeX table's
  // 依据 column run past the page's edge) is lost all the same: the page's rows are said to lack it.
  const said =
    left > 0
      ? `page ${n}: ${left} character(s) in the text layer that the page does not show (cut away by its clip, or in a layer that is off) were left out: ${sample}${hidden.length > 8 ? '…' : ''}`
      : `page ${n}: ${hidden.length} character(s) drawn where the page does not show them (off the page, or cut away by its clip) are not in its text: ${sample}${hidden.length > 8 ? '…' : ''}`;
  return { value: items, messages: [message('page-hidden-text', said, [pagePlace(n, bbox)])] };
}

/**
 * The items with the glyphs run past the page's edge that they lack: pdf.js's text content
 * leaves out what stands off the page (a XeLaTeX table's last column runs past it), so each
 * such glyph no item covers becomes an item of its own, written right after the item on its
 * line that it goes on from (tables without rules read cells in the order the page writes them).
 */
function withOverflow(items: Item[], overflow: readonly PlacedGlyph[]): Item[] {
  const after = new Map<Item | null, Item[]>();
  for (const g of overflow) {
    const size = (g.y1 - g.y0) / (ASCENT + DESCENT);
    const cx = (g.x0 + g.x1) / 2, cy = (g.y0 + g.y1) / 2;
    if (items.some((it) => onItem(it, cx, cy))) continue;
    const added: Item = { str: g.char, x: g.x0, y: g.y0 + DESCENT * size, w: g.x1 - g.x0, size };
    // The item it goes on from: on its line, ending at or before it, the nearest.
    let from: Item | null = null;
    for (const it of items) {
      if (Math.abs(it.y - added.y) < size * 0.5 && it.x + it.w <= added.x + size * 0.5 && (!from || it.x + it.w > from.x + from.w)) from = it;
    }
    after.set(from, [...(after.get(from) ?? []), added]);
  }
  if (after.size === 0) return items;
  return [...items.flatMap((it) => [it, ...(after.get(it) ?? [])]), ...(after.get(null) ?? [])];
}

/** Whether optional content (a layer) is shown, by the document's default configuration. */
export type LayerShown = (props: unknown) => boolean;

export async function layers(doc: PdfDocument): Promise<LayerShown> {
  try {
    const config = await doc.getOptionalContentConfig();
    return (props) => {
      try {
        return config.isVisible(props as Parameters<typeof config.isVisible>[0]);
      } catch {
        return true;
      }
    };
  } catch {
    return () => true;
  }
}

/**
 * The page's text items as shown, in the frame `up` turned them to (`up.m` maps user space to
 * it), with what the page hides said as messages; `placed` are the glyphs the page places
 * (clip.ts placedGlyphs), `toPage` maps that frame to the output's page boxes.
 */
export function shownText(placed: readonly WalkedGlyph[], up: { items: Item[]; turn: number; m: Matrix }, n: number, toPage: Matrix): Result<Item[]> {
  const unseen = hiddenGlyphs(placed);
  const turned = (gs: PlacedGlyph[]) => (up.turn ? gs.map((g) => ({ char: g.char, ...boxOf(up.m, g.x0, g.y0, g.x1, g.y1) })) : gs);
  const once = dropDoubles(up.items);
  // Second draws inside pieces that merged both draws each take their character out.
  const whole = dropWholeDoubles(once.items, doublesLeft(turned(unseen.doubled), once.dropped));
  const left = whole.left;
  const count = (xs: readonly Item[]) => xs.reduce((k, i) => k + i.str.replace(/\s+/g, '').length, 0);
  const single = dropGlyphs(whole.items, left);
  const shown = shownItems(withOverflow(single, turned(unseen.overflow)), turned(unseen.hidden), n, toPage);
  const doubledLeft = left.length - (count(whole.items) - count(single));
  if (doubledLeft > 0) shown.messages.push(doubledMessage(n, doubledLeft, left, toPage));
  if (unseen.overflow.length) {
    const sample = unseen.overflow.slice(0, 8).map((g) => g.char).join('');
    const said = `page ${n}: ${unseen.overflow.length} character(s) run past the page's edge from text it shows (a table wider than its page) were read, though a viewer does not show them: ${sample}${unseen.overflow.length > 8 ? '…' : ''}`;
    shown.messages.push(message('page-text-overflow', said, [pagePlace(n, boxAround(turned(unseen.overflow), toPage))]));
  }
  return shown;
}
