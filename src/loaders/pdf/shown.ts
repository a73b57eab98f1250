/**
 * What of a page's text layer the page shows: pdf.js's text items less the glyphs its clip or
 * its layers hide (clip.ts, said by `page-hidden-text`), with text drawn twice kept once
 * (doubles.ts; doubles left over said by `page-doubled-text`).
 */
import type { Warning } from '../../schema.js';
import { warning } from '../../loc.js';
import { type FontInfo, type PlacedGlyph, dropGlyphs, hiddenGlyphs } from './clip.js';
import { dropDoubles } from './doubles.js';
import { type Matrix, boxOf } from './matrix.js';
import type { PdfPage } from './draw.js';
import type { PdfDocument } from './open.js';
import type { Item } from './text.js';

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
function doubledWarning(n: number, left: number, doubled: readonly PlacedGlyph[], toPage: Matrix): Warning {
  return warning('page-doubled-text', `page ${n}: text is drawn twice over itself (a faked bold face); ${left} doubled character(s) could not be told apart from the text and may appear twice`, { page: n, page_end: n, bbox: boxAround(doubled, toPage), table: null, row: null, line: null });
}

/** Text items the page shows: what its clip hides is left out and said (`page-hidden-text`). */
function shownItems(all: Item[], hidden: readonly PlacedGlyph[], n: number, toPage: Matrix): { items: Item[]; warning: Warning | null } {
  if (hidden.length === 0) return { items: all, warning: null };
  const items = dropGlyphs(all, hidden);
  const count = (xs: Item[]) => xs.reduce((k, i) => k + i.str.replace(/\s+/g, '').length, 0);
  const left = count(all) - count(items);
  if (left === 0) return { items, warning: null };
  const bbox = boxAround(hidden, toPage);
  const sample = hidden.slice(0, 8).map((g) => g.char).join('');
  return {
    items,
    warning: warning('page-hidden-text', `page ${n}: ${left} character(s) in the text layer that the page does not show (cut away by its clip, or in a layer that is off) were left out: ${sample}${hidden.length > 8 ? '…' : ''}`, { page: n, page_end: n, bbox, table: null, row: null, line: null }),
  };
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
 * it), with the page's notes; `toPage` maps that frame to the output's page boxes.
 */
export function shownText(
  page: PdfPage,
  ol: { fnArray: ArrayLike<number>; argsArray: ArrayLike<unknown> },
  up: { items: Item[]; turn: number; m: Matrix },
  n: number,
  toPage: Matrix,
  layerShown: LayerShown,
): { items: Item[]; notes: Warning[] } {
  const unseen = hiddenGlyphs(ol.fnArray, ol.argsArray, page.view, fontLookup(page), layerShown);
  const turned = (gs: PlacedGlyph[]) => (up.turn ? gs.map((g) => ({ char: g.char, ...boxOf(up.m, g.x0, g.y0, g.x1, g.y1) })) : gs);
  const once = dropDoubles(up.items);
  const shown = shownItems(once.items, turned(unseen.hidden), n, toPage);
  const notes = shown.warning ? [shown.warning] : [];
  const doubledLeft = unseen.doubled.length - once.chars;
  if (doubledLeft > 0) notes.push(doubledWarning(n, doubledLeft, turned(unseen.doubled), toPage));
  return { items: shown.items, notes };
}
