/**
 * One page's text items and ruling lines → its content in the model's terms: tables rebuilt
 * from the drawn grid (grid.ts) or from text positions (textgrid.ts), and the lines outside
 * them (text.ts). The PDF loader feeds it pdf.js's text layer and vector lines; the OCR engine
 * (../ocr/) feeds it recognised text and the lines found in a bitmap, so both go through the
 * same table and paragraph rules.
 */
import type { BBox, Cell, DocModel, Row, Table } from '../model.js';
import { type Message, type Result, controlCharsMessage, message, pagePlace } from '../diagnostics.js';
import { cellOf } from '../model.js';
import { hasControlChars, joinLines } from '../text/clean.js';
import { isGarbage } from '../text/plausible.js';
import type { Segment } from './segments.js';
import { type Matrix, boxOf } from './matrix.js';
import { type TableWords, type TextCell, type TextTable, tablesFromText } from './textgrid.js';
import { type Grid, type GridCell, MAX_SEGMENTS, findGrids } from './grid.js';
import { type Item, type Line, toLines, wrapped } from './text.js';
import { opensItem } from '../text/numbering.js';
import { pushTo } from '../util.js';

/** Turns a box in PDF user space (y up) into the contract's page box (points, origin top-left). */
export type ToBox = (x0: number, top: number, x1: number, bottom: number) => BBox;

export interface PageContent {
  page: number;
  /** The page has text, but it is glyph garbage (fonts without a usable Unicode map). */
  unreadable: boolean;
  /** What the page's rules have to say (too many lines to rebuild its tables, control characters removed). */
  messages: Message[];
  /** Page box height, for telling the header and footer zones. */
  height: number;
  box: ToBox;
  /** Lines outside tables. */
  lines: Line[];
  tables: Array<{ top: number; table: Table }>;
}

/** A cell read by OCR carries the lowest confidence of its text. */
function withConfidence(cell: Cell, items: readonly Item[] | undefined): Cell {
  const cs = (items ?? []).map((i) => i.conf).filter((c): c is number => c != null);
  return cs.length ? { ...cell, confidence: Math.min(...cs) } : cell;
}

/** Space between a cell's rule and its text, when a cell's own lines cannot tell. */
const CELL_PADDING = 4;

/**
 * A cell's paragraphs. `guessed`: the column's right edge is an estimate (a table rebuilt from
 * text positions, where a page with few rows may not show a column's true width); a cell of
 * three lines or more then shows its own edge, where its longest line ends.
 */
function cellParas(lines: Line[], right: number, guessed = false): string[] {
  const paras: string[][] = [];
  let prev: Line | null = null;
  // The cell's text edge: where its longest line ends, or the rule less the usual padding.
  const longest = Math.max(...lines.map((l) => l.x1));
  const edge = guessed && lines.length >= 3 ? longest : Math.max(right - CELL_PADDING, longest);
  for (const l of lines) {
    const brk = prev == null || opensItem(l.text) || !wrapped(prev, l, Math.min(edge, right));
    if (brk) paras.push([l.text]);
    else paras[paras.length - 1]!.push(l.text);
    prev = l;
  }
  return paras.map((p) => joinLines(p)).filter((t) => t !== '');
}

/** Whether a text item at (cx, cy) hangs just under a part of the grid's bottom edge that no rule closes. */
function hangsBelow(grid: Grid, cx: number, cy: number, size: number): boolean {
  return grid.bottom - cy <= size * 3 && grid.openBelow.some(([a, b]) => cx >= a && cx <= b);
}

function gridTable(grid: Grid, items: Item[], page: number, box: ToBox): Table {
  const inCell = new Map<GridCell, Item[]>();
  for (const it of items) {
    const cx = it.x + it.w / 2;
    const cy = it.y + it.size * 0.35;
    // Text just under an unclosed bottom edge overflows the last row's cell there.
    const below = cy < grid.bottom && hangsBelow(grid, cx, cy, it.size);
    const c = below
      ? grid.cells.find((g) => cx >= g.x0 && cx <= g.x1 && g.bottom === grid.bottom)
      : grid.cells.find((g) => cx >= g.x0 && cx <= g.x1 && cy <= g.top && cy >= g.bottom);
    if (c) pushTo(inCell, c, it);
  }
  const made = new Map<GridCell, Cell>();
  for (const g of grid.cells) {
    made.set(g, withConfidence(cellOf(cellParas(toLines(inCell.get(g) ?? []), g.x1), g.col, g.colSpan), inCell.get(g)));
  }
  const nRows = grid.ys.length - 1;
  const rows: Row[] = [];
  for (let r = 0; r < nRows; r++) {
    const cells: Cell[] = [];
    for (const g of grid.cells) {
      if (g.row === r) cells.push(made.get(g)!);
      else if (g.row < r && r < g.row + g.rowSpan) cells.push({ ...made.get(g)!, merged: true });
    }
    cells.sort((a, b) => a.col - b.col);
    const bbox = box(grid.x0, grid.ys[r]!, grid.x1, grid.ys[r + 1]!);
    if (cells.length && cells.some((c) => !c.merged)) {
      rows.push({ cells, page, breakBefore: false, bbox, openAbove: r === 0 && grid.openTop, openBelow: r === nRows - 1 && grid.openBottom });
    }
  }
  return { kind: 'table', rows, page, columns: 'grid', xs: grid.xs, rules: 'drawn' };
}

/** Box around some text items (baseline to ascender, with a little descent). */
export function itemsBox(items: readonly Item[], box: ToBox): BBox | null {
  if (items.length === 0) return null;
  const x0 = Math.min(...items.map((i) => i.x));
  const x1 = Math.max(...items.map((i) => i.x + i.w));
  const top = Math.max(...items.map((i) => i.y + i.size));
  const bottom = Math.min(...items.map((i) => i.y - i.size * 0.2));
  return box(x0, top, x1, bottom);
}

/** A table rebuilt from the text alone (textgrid.ts) in the model's shape. */
function textTable(t: TextTable, page: number, box: ToBox): Table {
  const rows: Row[] = [];
  for (let r = 0; r < t.rows; r++) {
    const byCol = new Map<number, TextCell>();
    const inRow = t.cells.filter((x) => x.row === r);
    for (const c of inRow) {
      const same = byCol.get(c.col);
      if (same) same.items.push(...c.items);
      else byCol.set(c.col, { ...c, items: [...c.items] });
    }
    const cells: Cell[] = [...byCol.values()]
      .sort((a, b) => a.col - b.col)
      .map((c) => withConfidence(cellOf(cellParas(toLines(c.items), c.right, true), c.col, c.colSpan), c.items));
    if (cells.length) rows.push({ cells, page, breakBefore: false, bbox: itemsBox(inRow.flatMap((c) => c.items), box) });
  }
  return { kind: 'table', rows, page, columns: 'grid', xs: t.xs, rules: 'text' };
}

/** Fewer than this many characters (a table counts one) over all pages is no text to read. */
export const MIN_DOCUMENT_CHARS = 20;

/** Whether pages hold too little text to be a document (a blank or unreadable one). */
export function tooLittleText(pages: readonly PageContent[]): boolean {
  const chars = pages.reduce((s, p) => s + p.lines.reduce((k, l) => k + l.text.length, 0) + p.tables.length, 0);
  return chars < MIN_DOCUMENT_CHARS;
}

/** The page's box in user space: [x0, y0, x1, y1] as pdf.js gives `page.view`. */
export type PageView = [number, number, number, number];

export interface PageFrame {
  /** The page box in the items' frame (y upwards). */
  view: PageView;
  /**
   * Maps that frame to the contract's page coordinates (the page as a viewer shows it, origin
   * top-left); by default the view's top-left corner is the origin and y is turned downwards.
   */
  toPage?: Matrix;
}

/**
 * A page's content from its text items and ruling segments, given in a frame with y upwards
 * (`frame`); `words` tells the text-position tables what their header words look like.
 */
export function pageContent(n: number, all: Item[], segs: Segment[], frame: PageFrame, words: TableWords): PageContent {
  // A page whose text layer is glyph garbage gives no data (text/plausible.ts).
  const unreadable = isGarbage(all.map((i) => i.str).join(''));
  const items = unreadable ? [] : all;
  const found = findGrids(segs);
  const grids = found === 'too-many-lines' ? [] : found;
  const rest: Item[] = [];
  const byGrid = new Map<Grid, Item[]>(grids.map((g) => [g, []]));
  for (const it of items) {
    const cx = it.x + it.w / 2;
    const cy = it.y + it.size * 0.35;
    const g = grids.find((gr) => cx >= gr.x0 - 1 && cx <= gr.x1 + 1 && cy <= gr.top + 1 && (cy >= gr.bottom - 1 || hangsBelow(gr, cx, cy, it.size)));
    if (g) byGrid.get(g)!.push(it);
    else rest.push(it);
  }
  // Text outside drawn tables that still stands in table form: a table without lines.
  const fromText = tablesFromText(rest, words);
  const taken = new Set(fromText.flatMap((t) => t.items));
  const free = rest.filter((it) => !taken.has(it));
  const [x0, y0, , y1] = frame.view;
  const m = frame.toPage ?? [1, 0, 0, -1, -x0, y1];
  const box: ToBox = (a, top, b, bottom) => {
    const r = boxOf(m, a, bottom, b, top);
    return [r.x0, r.y0, r.x1, r.y1];
  };
  const messages: Message[] = [];
  if (found === 'too-many-lines') messages.push(message('page-too-many-lines', `page ${n}: more than ${MAX_SEGMENTS} drawn lines; tables on it were not rebuilt`, [pagePlace(n)]));
  if (!unreadable && all.some((i) => hasControlChars(i.str))) messages.push(controlCharsMessage());
  return {
    page: n,
    unreadable,
    messages,
    height: y1 - y0,
    box,
    lines: toLines(free),
    tables: [
      ...grids.map((g) => ({ top: g.top, table: gridTable(g, byGrid.get(g)!, n, box) })),
      ...fromText.map((t) => ({ top: t.top, table: textTable(t, n, box) })),
    ],
  };
}

/**
 * A document of pages read one at a time (a PDF, an OFD): `pages` yields each page's content
 * as it is read, `model` makes the document model of any run of them — the whole file, or one
 * text of a compiled volume — so that a volume is held one text at a time. `count`: the pages
 * the file has.
 */
export interface PagedRead {
  pages: AsyncIterable<PageContent>;
  count: number;
  model(pages: PageContent[]): Result<DocModel>;
}

/** Every page of a paged read, as one model. */
export async function readAll(read: PagedRead): Promise<Result<DocModel>> {
  const pages: PageContent[] = [];
  for await (const p of read.pages) pages.push(p);
  return read.model(pages);
}
