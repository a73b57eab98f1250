/**
 * Text a page does not show: glyphs its clipping path (or the page's own box) cuts away, and
 * glyphs in optional content (a layer) that is off.
 *
 * A text layer can hold text that is never seen. Browsers printing a page paint a line box
 * that straddles the page break on both pages, each clipped to the page's content area: the
 * line's first glyph sits in the text layer at the foot of the page while the clip shows
 * nothing of it (`1.完善制度建设` gains a stray `善` from the line printed on the next page).
 * The same happens to text overflowing a clipped cell or box, to text placed outside the
 * page, and to text in a layer the document turns off (a draft, a comment layer): pdf.js's text
 * items hold it all.
 *
 * The walk also counts glyphs drawn twice: a glyph drawn where the same character was already
 * drawn, within a quarter of its size, is a double (a faked bold face, doubles.ts).
 *
 * pdf.js's text items do not say what clip was in force, so the operator list is walked once
 * the way pdf.js's canvas draws it: the current transform, the clip (as the box around each
 * clipping path, intersected — never smaller than what is really visible, so only text that
 * is surely hidden is found), and the text state (matrix, font size, spacing, scaling) that
 * places each glyph. A glyph whose box lies mostly outside the clip is hidden, and is then
 * taken out of the text items (`dropGlyphs`).
 */
import { OPS } from 'pdfjs-dist/legacy/build/pdf.mjs';
import { type Box, IDENTITY, type Matrix, boxOf, multiply } from '../../layout/matrix.js';
import type { Item } from '../../layout/text.js';

/** A glyph of the text layer, in page space. */
export interface PlacedGlyph extends Box {
  char: string;
}

/** Glyphs the page does not show, and glyphs drawn again over the same character. */
export interface UnseenGlyphs {
  hidden: PlacedGlyph[];
  doubled: PlacedGlyph[];
  /** Glyphs run past the page's edge from text the page shows (WalkedGlyph.overflow): kept, and said. */
  overflow: PlacedGlyph[];
}

/** How near a second draw of a character must stand to the first to be a double, in font sizes. */
const DOUBLE = 0.25;
/** Size of the cells (points) in which drawn glyphs are looked up for doubles. */
const DRAWN_CELL = 16;
/** Cell numbers are offset and spanned so that any page coordinate (to ±800,000 points) gets a key of its own. */
const CELL_OFFSET = 50_000;
const CELL_SPAN = 100_000;

/** What the walk needs of a font: how glyph widths scale, and whether it writes vertically. */
export interface FontInfo {
  fontMatrix?: number[];
  vertical?: boolean;
}

/** pdf.js's glyph object, as its operator list holds it. */
export interface Glyph {
  unicode?: string;
  width?: number;
  isSpace?: boolean;
  fontChar?: string;
  originalCharCode?: number;
  /** The glyph's drawing among a Type 3 font's (`charProcOperatorList`). */
  operatorListId?: string;
  /** False for a code the font program has no glyph for: pdf.js draws nothing for it. */
  isInFont?: boolean;
}

/** Share of a glyph's box that must lie inside the clip for the glyph to count as shown. */
const SHOWN = 0.5;
/** A glyph's box above and below its baseline, in font sizes (CJK faces: about 0.88 / 0.12). */
export const ASCENT = 0.85;
export const DESCENT = 0.2;

interface State {
  ctm: Matrix;
  clip: Box;
}

function intersect(a: Box, b: Box): Box {
  return { x0: Math.max(a.x0, b.x0), y0: Math.max(a.y0, b.y0), x1: Math.min(a.x1, b.x1), y1: Math.min(a.y1, b.y1) };
}

/** Whether enough of a glyph's box lies inside the clip for the glyph to show. */
function shown(g: Box, clip: Box): boolean {
  // Wholly inside (nearly every glyph of a page): no areas to work out.
  if (g.x0 >= clip.x0 && g.x1 <= clip.x1 && g.y0 >= clip.y0 && g.y1 <= clip.y1) return true;
  const whole = (g.x1 - g.x0) * (g.y1 - g.y0);
  const w = Math.min(g.x1, clip.x1) - Math.max(g.x0, clip.x0);
  const h = Math.min(g.y1, clip.y1) - Math.max(g.y0, clip.y0);
  return whole <= 0 || (w > 0 && h > 0 && w * h >= SHOWN * whole);
}

function asMatrix(v: unknown): Matrix | null {
  const m = v as ArrayLike<number> | null | undefined;
  return m && m.length === 6 ? (Array.from(m) as Matrix) : null;
}

/** A glyph drawn by a text-showing operator, placed on the page. */
export interface WalkedGlyph {
  /** The font pdf.js loaded the glyph's font under (its `loadedName`). */
  font: string;
  /** pdf.js's glyph: its character (`unicode`), code, width, and (Type 3) its drawing's id. */
  glyph: Glyph;
  /** Glyph space in em (a glyph outline's units, the font matrix applied) → page space. */
  at: Matrix;
  /** The glyph's box on the page (its advance wide, its font size high). */
  box: Box;
  /** Whether the page shows it: inside the clip in force, in no layer that is off. */
  shown: boolean;
  /**
   * Off the page, with no clip but the page's own, after a glyph of the same string that the
   * page shows: text run past the page's edge (a table wider than its page, its last column's
   * lines running off the paper). Counted as shown: it is the document's text, cut only by
   * the paper's edge; the page says it (`page-text-overflow`).
   */
  overflow?: boolean;
}

/**
 * Walks the page's operator list the way pdf.js's canvas draws it and calls `visit` with each
 * glyph it places (glyphs of unknown fonts, written vertically, of size 0 or in annotation
 * appearances are not placed). `view` is the page's box (its CropBox); `fontOf` gives the font
 * pdf.js loaded under a name; `layerShown` says whether optional content (the properties of
 * an `/OC` marked-content sequence, as pdf.js gives them) is shown.
 */
export function walkGlyphs(
  fnArray: ArrayLike<number>,
  argsArray: ArrayLike<unknown>,
  view: readonly number[],
  fontOf: (name: string) => FontInfo | null,
  layerShown: (props: unknown) => boolean,
  visit: (g: WalkedGlyph) => void,
): void {
  let st: State = { ctm: IDENTITY, clip: { x0: view[0]!, y0: view[1]!, x1: view[2]!, y1: view[3]! } };
  const stack: State[] = [];
  let pendingClip = false;
  // Annotation appearances: pdf.js's text items leave them out, so their glyphs are not looked at.
  let inAnnotation = 0;
  // Marked-content sequences open, each shown or not (a layer that is off); how many are not.
  const marked: boolean[] = [];
  let offLayers = 0;
  // Text state, as pdf.js's canvas keeps it.
  let tm: Matrix = IDENTITY;
  let tx = 0, ty = 0, lineX = 0, lineY = 0;
  let font: FontInfo | null = null;
  let fontName = '';
  let size = 0, direction = 1, charSpacing = 0, wordSpacing = 0, hScale = 1, leading = 0, rise = 0;
  const moveText = (x: number, y: number) => {
    tx = lineX += x;
    ty = lineY += y;
  };
  for (let i = 0; i < fnArray.length; i++) {
    const fn = fnArray[i]!;
    const args = argsArray[i] as unknown[] | null;
    switch (fn) {
      case OPS.save:
        stack.push(st);
        break;
      case OPS.restore:
        st = stack.pop() ?? st;
        break;
      case OPS.transform: {
        const m = asMatrix(args);
        if (m) st = { ...st, ctm: multiply(st.ctm, m) };
        break;
      }
      case OPS.paintFormXObjectBegin:
      case OPS.beginGroup: {
        stack.push(st);
        const group = (fn === OPS.beginGroup ? args?.[0] : { matrix: args?.[0], bbox: args?.[1] }) as { matrix?: unknown; bbox?: unknown } | undefined;
        const m = asMatrix(group?.matrix);
        if (m) st = { ...st, ctm: multiply(st.ctm, m) };
        const b = group?.bbox as ArrayLike<number> | null | undefined;
        if (b && b.length === 4) st = { ...st, clip: intersect(st.clip, boxOf(st.ctm, b[0]!, b[1]!, b[2]!, b[3]!)) };
        break;
      }
      case OPS.paintFormXObjectEnd:
      case OPS.endGroup:
        st = stack.pop() ?? st;
        break;
      case OPS.beginAnnotation:
        inAnnotation++;
        break;
      case OPS.endAnnotation:
        inAnnotation = Math.max(0, inAnnotation - 1);
        break;
      case OPS.beginMarkedContent:
      case OPS.beginMarkedContentProps: {
        const off = fn === OPS.beginMarkedContentProps && args?.[0] === 'OC' && !layerShown(args[1]);
        marked.push(off);
        if (off) offLayers++;
        break;
      }
      case OPS.endMarkedContent:
        if (marked.pop()) offLayers--;
        break;
      case OPS.clip:
      case OPS.eoClip:
        pendingClip = true;
        break;
      case OPS.constructPath:
        if (pendingClip) {
          pendingClip = false;
          // The path's own box, in the user space it was drawn in ([minX, minY, maxX, maxY]).
          const mm = args?.[2] as ArrayLike<number> | null | undefined;
          if (mm && mm.length === 4 && Number.isFinite(mm[0])) st = { ...st, clip: intersect(st.clip, boxOf(st.ctm, mm[0]!, mm[1]!, mm[2]!, mm[3]!)) };
        }
        break;
      case OPS.beginText:
        tm = IDENTITY;
        tx = ty = lineX = lineY = 0;
        break;
      case OPS.setTextMatrix:
        tm = asMatrix(args?.[0] ?? args) ?? IDENTITY;
        tx = ty = lineX = lineY = 0;
        break;
      case OPS.moveText:
        moveText(Number(args?.[0]) || 0, Number(args?.[1]) || 0);
        break;
      case OPS.setLeadingMoveText:
        leading = Number(args?.[1]) || 0;
        moveText(Number(args?.[0]) || 0, leading);
        break;
      case OPS.setLeading:
        leading = -(Number(args?.[0]) || 0);
        break;
      case OPS.nextLine:
        moveText(0, leading);
        break;
      case OPS.setCharSpacing:
        charSpacing = Number(args?.[0]) || 0;
        break;
      case OPS.setWordSpacing:
        wordSpacing = Number(args?.[0]) || 0;
        break;
      case OPS.setHScale:
        hScale = (Number(args?.[0]) || 0) / 100;
        break;
      case OPS.setTextRise:
        rise = Number(args?.[0]) || 0;
        break;
      case OPS.setFont: {
        fontName = String(args?.[0]);
        font = fontOf(fontName);
        const s = Number(args?.[1]) || 0;
        size = Math.abs(s);
        direction = s < 0 ? -1 : 1;
        break;
      }
      case OPS.showText: {
        const glyphs = (args?.[0] ?? []) as Array<Glyph | number | null>;
        const advance = size * (font?.fontMatrix?.[0] ?? 0.001);
        const h = hScale * direction;
        let x = 0;
        // Vertical writing and unknown fonts are taken as shown (and not walked further).
        // A negative font size draws glyphs upside down: below the baseline.
        const below = direction > 0 ? DESCENT : ASCENT;
        const above = direction > 0 ? ASCENT : DESCENT;
        const placed = font != null && !font.vertical && size > 0 && inAnnotation === 0;
        const m = placed ? multiply(st.ctm, tm) : IDENTITY;
        // No clip in force but the page's own: a glyph off the page after one it shows ran past the edge.
        const pageClip = st.clip.x0 === view[0] && st.clip.y0 === view[1] && st.clip.x1 === view[2] && st.clip.y1 === view[3];
        let someShown = false;
        for (const g of glyphs) {
          if (typeof g === 'number') {
            x -= (g * size) / 1000;
            continue;
          }
          if (!g) continue;
          const w = (g.width ?? 0) * advance;
          if (placed) {
            const gx0 = tx + x * h;
            const gx1 = tx + (x + w) * h;
            const box = boxOf(m, Math.min(gx0, gx1), ty + rise - below * size, Math.max(gx0, gx1), ty + rise + above * size);
            const at = multiply(m, [size * direction * hScale, 0, 0, size * direction, gx0, ty + rise]);
            const seen = offLayers === 0 && shown(box, st.clip);
            const overflow = !seen && someShown && pageClip && offLayers === 0;
            if (seen && g.unicode && g.unicode.trim() !== '') someShown = true;
            visit({ font: fontName, glyph: g, at, box, shown: seen || overflow, ...(overflow ? { overflow } : {}) });
          }
          x += w + ((g.isSpace ? wordSpacing : 0) + charSpacing) * direction;
        }
        tx += x * h;
        break;
      }
    }
  }
}

/**
 * Every glyph the page places, in drawing order (the arguments are walkGlyphs's): one walk of
 * a page serves the fonts without a Unicode map (recover.ts), its clip, its layers and its
 * doubles (hiddenGlyphs).
 */
export function placedGlyphs(
  fnArray: ArrayLike<number>,
  argsArray: ArrayLike<unknown>,
  view: readonly number[],
  fontOf: (name: string) => FontInfo | null,
  layerShown: (props: unknown) => boolean = () => true,
): WalkedGlyph[] {
  const out: WalkedGlyph[] = [];
  walkGlyphs(fnArray, argsArray, view, fontOf, layerShown, (g) => out.push(g));
  return out;
}

/**
 * Of the glyphs a page places (placedGlyphs), those its clip or its layers hide, and those
 * drawn twice. A glyph's character is read when this runs: the characters recover.ts read for
 * a font without a Unicode map are the ones compared.
 */
export function hiddenGlyphs(placed: readonly WalkedGlyph[]): UnseenGlyphs {
  const hidden: PlacedGlyph[] = [];
  const doubled: PlacedGlyph[] = [];
  const overflow: PlacedGlyph[] = [];
  // Glyphs shown so far, by coarse place: where their boxes' centres are, how big they are and
  // which character (a page repeating one character a hundred thousand times stays linear, as
  // a cell holds only what is drawn within it). A cell's key is a number, not a string: this
  // runs for every glyph of every page.
  const drawn = new Map<number, Array<{ ch: string; cx: number; cy: number; size: number }>>();
  const cellKey = (x: number, y: number) => (x + CELL_OFFSET) * CELL_SPAN + (y + CELL_OFFSET);
  const drawnNear = (ch: string, cx: number, cy: number, near: number, em: number): boolean => {
    // Only the cells the square of side 2 × near round the centre overlaps.
    for (let x = Math.floor((cx - near) / DRAWN_CELL), x1 = Math.floor((cx + near) / DRAWN_CELL); x <= x1; x++) {
      for (let y = Math.floor((cy - near) / DRAWN_CELL), y1 = Math.floor((cy + near) / DRAWN_CELL); y <= y1; y++) {
        const cell = drawn.get(cellKey(x, y));
        if (cell?.some((d) => d.ch === ch && Math.abs(d.cx - cx) <= near && Math.abs(d.cy - cy) <= near && Math.abs(d.size - em) <= em * 0.1)) return true;
      }
    }
    return false;
  };
  for (const { glyph: g, box, shown, overflow: over } of placed) {
    if (!g.unicode || g.unicode.trim() === '') continue;
    if (!shown) {
      hidden.push({ char: g.unicode, ...box });
      continue;
    }
    if (over) overflow.push({ char: g.unicode, ...box });
    const cx = (box.x0 + box.x1) / 2, cy = (box.y0 + box.y1) / 2;
    const em = Math.min(box.x1 - box.x0 || Infinity, box.y1 - box.y0) / (ASCENT + DESCENT);
    const near = em * DOUBLE;
    if (drawnNear(g.unicode, cx, cy, near, em)) doubled.push({ char: g.unicode, ...box });
    else {
      const key = cellKey(Math.floor(cx / DRAWN_CELL), Math.floor(cy / DRAWN_CELL));
      const cell = drawn.get(key);
      if (cell) cell.push({ ch: g.unicode, cx, cy, size: em });
      else drawn.set(key, [{ ch: g.unicode, cx, cy, size: em }]);
    }
  }
  return { hidden, doubled, overflow };
}

/** Whether a point (a glyph's centre) stands on an item: within its extent, `slack` points to each side, and its line's height. */
export function onItem(it: Item, cx: number, cy: number, slack = 0): boolean {
  return cx >= it.x - slack && cx <= it.x + it.w + slack && cy >= it.y - DESCENT * it.size && cy <= it.y + ASCENT * it.size;
}

/**
 * The page's text items without the given glyphs. Each glyph takes out one character: of the
 * items on its line whose extent holds it, the character of that name standing nearest to it
 * (an item's characters taken as evenly spread over its width: text items do not place their
 * characters), so of two draws of the same text the one the glyph belongs to loses it. An item
 * left without characters is dropped; one that lost its first or last characters shrinks to
 * what is left.
 */
export function dropGlyphs(items: Item[], glyphs: readonly PlacedGlyph[]): Item[] {
  if (glyphs.length === 0) return items;
  const taken = new Map<Item, Map<number, PlacedGlyph>>();
  const chars = new Map<Item, string[]>();
  for (const g of glyphs) {
    const cx = (g.x0 + g.x1) / 2, cy = (g.y0 + g.y1) / 2;
    let best: { it: Item; c: number; d: number } | null = null;
    for (const it of items) {
      if (!onItem(it, cx, cy, 0.5)) continue;
      const cs = chars.get(it) ?? [...it.str];
      chars.set(it, cs);
      const pitch = it.w / Math.max(1, cs.length);
      for (let c = 0; c < cs.length; c++) {
        if (cs[c] !== g.char || taken.get(it)?.has(c)) continue;
        const d = Math.abs(it.x + (c + 0.5) * pitch - cx);
        if (d <= it.size && (!best || d < best.d)) best = { it, c, d };
      }
    }
    if (!best) continue;
    const mine = taken.get(best.it) ?? new Map<number, PlacedGlyph>();
    taken.set(best.it, mine.set(best.c, g));
  }
  const out: Item[] = [];
  for (const it of items) {
    const gone = taken.get(it);
    if (!gone) {
      out.push(it);
      continue;
    }
    const cs = chars.get(it)!;
    const kept = cs.map((ch, c) => (gone.has(c) ? '' : ch));
    const rest = kept.join('');
    if (rest.trim() === '') continue;
    // The first and last characters left: the item's ends move to the glyphs taken out beside them.
    const first = kept.findIndex((ch) => ch.trim() !== '');
    let last = kept.length - 1;
    while (kept[last]!.trim() === '') last--;
    const before = [...gone].filter(([c]) => c < first).map(([, g]) => g.x1);
    const after = [...gone].filter(([c]) => c > last).map(([, g]) => g.x0);
    const left = before.length ? Math.max(...before) : it.x;
    const right = after.length ? Math.min(...after) : it.x + it.w;
    out.push({ ...it, str: rest, x: left, w: Math.max(0, right - left) });
  }
  return out;
}
