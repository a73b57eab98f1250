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
import { type Grid, type GridCell, MAX_SEGMENTS, findGrids, mergeCollinear } from './grid.js';
import { type Item, type Line, charStarts, toLines, wrapped } from './text.js';
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
 * three lines or more then shows its own edge, where its longest line ends, and so does one of
 * two lines over several columns (`spans`): a span's width need not be its columns' (XeLaTeX
 * gives each span an even share of the table's width), so the table's edge is no measure of it.
 */
function cellParas(lines: Line[], right: number, guessed = false, spans = false): string[] {
  const paras: string[][] = [];
  let prev: Line | null = null;
  // The cell's text edge: where its longest line ends, or the rule less the usual padding.
  const longest = Math.max(...lines.map((l) => l.x1));
  const edge = guessed && (lines.length >= 3 || (spans && lines.length >= 2)) ? longest : Math.max(right - CELL_PADDING, longest);
  for (const l of lines) {
    const brk = prev == null || opensItem(l.text) || !wrapped(prev, l, Math.min(edge, right));
    if (brk) paras.push([l.text]);
    else paras[paras.length - 1]!.push(l.text);
    prev = l;
  }
  return paras.map((p) => joinLines(p)).filter((t) => t !== '');
}

/**
 * A drawn cell's room after its last line (Cell.room): its right edge less the padding its
 * left edge shows (where its lines start at the least), minus where the last line ends, in
 * font sizes. Text centred or set right shows a wider left padding, so its room is never
 * overstated.
 */
function withRoom(cell: Cell, lines: readonly Line[], g: GridCell): Cell {
  const last = lines[lines.length - 1];
  if (!last) return cell;
  const pad = Math.max(0, Math.min(...lines.map((l) => l.x0)) - g.x0);
  return { ...cell, room: (g.x1 - pad - last.x1) / last.size };
}

/** Whether a text item at (cx, cy) hangs just under a part of the grid's bottom edge that no rule closes. */
function hangsBelow(grid: Grid, cx: number, cy: number, size: number): boolean {
  return grid.bottom - cy <= size * 3 && grid.openBelow.some(([a, b]) => cx >= a && cx <= b);
}

/**
 * An item that a cell boundary of the grid runs through is cut there. pdf.js joins the text
 * of neighbouring cells into one item where the gap between them is small (narrow columns,
 * little padding: `项目编码 1308…` over the label cell and the value cell): each part goes to
 * the cell it stands in. The cut is made at the space nearest the boundary, or else at the
 * character boundary nearest it.
 */
export function splitAtBoundaries(items: readonly Item[], grid: Grid): Item[] {
  const inner = grid.xs.slice(1, -1);
  const out: Item[] = [];
  for (const it of items) {
    const cy = it.y + it.size * 0.35;
    const cellAtX = (x: number) => grid.cells.find((g) => x >= g.x0 && x <= g.x1 && cy <= g.top && cy >= g.bottom);
    const margin = it.size * 0.4;
    // A boundary inside the item (not at its ends) with different cells on either side at its height.
    const cuts = inner.filter((x) => x > it.x + margin && x < it.x + it.w - margin && cellAtX(x - 1) !== cellAtX(x + 1));
    const chars = [...it.str];
    if (cuts.length === 0 || chars.length < 2) {
      out.push(it);
      continue;
    }
    const starts = [...charStarts(chars, it.x, it.w, it.size), it.x + it.w];
    const at = new Set<number>();
    for (const x of cuts) {
      // The character boundary nearest the rule, a space there counting as nearer.
      let best = 1;
      let bestD = Infinity;
      for (let k = 1; k < chars.length; k++) {
        const space = /\s/.test(chars[k - 1]!) || /\s/.test(chars[k]!);
        const d = Math.abs(starts[k]! - x) - (space ? it.size * 1.5 : 0);
        if (d < bestD) [best, bestD] = [k, d];
      }
      at.add(best);
    }
    let from = 0;
    for (const k of [...[...at].sort((a, b) => a - b), chars.length]) {
      // A piece trimmed to its text: spaces at its ends are the gap between the cells.
      let a = from;
      let b = k;
      while (a < b && /\s/.test(chars[a]!)) a++;
      while (b > a && /\s/.test(chars[b - 1]!)) b--;
      if (b > a) out.push({ ...it, str: chars.slice(a, b).join(''), x: starts[a]!, w: starts[b]! - starts[a]! });
      from = k;
    }
  }
  return out;
}

function gridTable(grid: Grid, all: Item[], page: number, box: ToBox): Table {
  const inCell = new Map<GridCell, Item[]>();
  const items = splitAtBoundaries(all, grid);
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
    const lines = toLines(inCell.get(g) ?? []);
    made.set(g, withRoom(withConfidence(cellOf(cellParas(lines, g.x1), g.col, g.colSpan), inCell.get(g)), lines, g));
  }
  const nRows = grid.ys.length - 1;
  const rows: Row[] = [];
  // A band where the table's own cells are empty and not enclosed by its lines (the space a
  // merged cell reaches past the others at a page break, a strip under an unclosed edge) is no
  // row: rows come from the cells that do not merge. A merged cell starting there starts on
  // the next row.
  const carried = new Set<GridCell>();
  for (let r = 0; r < nRows; r++) {
    const single = grid.cells.filter((g) => g.row === r && g.rowSpan === 1);
    if (single.every((g) => made.get(g)!.text === '' && !g.closed)) {
      for (const g of grid.cells) if (g.row === r && g.rowSpan > 1) carried.add(g);
      continue;
    }
    const cells: Cell[] = [];
    for (const g of grid.cells) {
      if (g.row === r || (carried.has(g) && g.row < r && r < g.row + g.rowSpan)) {
        cells.push(made.get(g)!);
        carried.delete(g);
      } else if (g.row < r && r < g.row + g.rowSpan) cells.push({ ...made.get(g)!, merged: true });
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
      .map((c) => withConfidence(cellOf(cellParas(toLines(c.items), c.right, true, c.colSpan > 1), c.col, c.colSpan), c.items));
    if (cells.length) rows.push({ cells, page, breakBefore: false, bbox: itemsBox(inRow.flatMap((c) => c.items), box) });
  }
  const starts = t.xs.slice(0, -1).map((_, k) => {
    const xs = t.cells.filter((c) => c.col === k && c.colSpan === 1).flatMap((c) => c.items.map((i) => i.x));
    return xs.length ? Math.min(...xs) : null;
  });
  return { kind: 'table', rows, page, columns: 'grid', xs: t.xs, starts, rules: 'text' };
}

/** Fewer than this many characters over all pages, in lines and in table cells, is no text to read. */
export const MIN_DOCUMENT_CHARS = 20;

/**
 * Whether pages hold too little text to be a document (a blank or unreadable one). A table's
 * cells count as much as lines: a page image that is one project table (its title and page
 * number the only lines outside it) is a document.
 */
export function tooLittleText(pages: readonly PageContent[]): boolean {
  let chars = 0;
  for (const p of pages) {
    for (const l of p.lines) chars += l.text.length;
    for (const { table } of p.tables) for (const row of table.rows) for (const cell of row.cells) chars += cell.text.length;
    if (chars >= MIN_DOCUMENT_CHARS) return false;
  }
  return true;
}

/** The page's box in user space: [x0, y0, x1, y1] as pdf.js gives `page.view`. */
export type PageView = [number, number, number, number];

/** Ruling segments cut to the page: what is drawn past its edge is not seen (a cell box running on to the next page). */
function onPage(segs: readonly Segment[], [x0, y0, x1, y1]: PageView): Segment[] {
  const out: Segment[] = [];
  for (const s of segs) {
    const [lo, hi, across0, across1] = s.dir === 'h' ? [x0, x1, y0, y1] : [y0, y1, x0, x1];
    if (s.pos < across0 || s.pos > across1) continue;
    const a = Math.max(s.a, lo);
    const b = Math.min(s.b, hi);
    if (b > a) out.push(a === s.a && b === s.b ? s : { ...s, a, b });
  }
  return out;
}

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
  const shown = onPage(segs, frame.view);
  const found = findGrids(shown);
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
  // Horizontal rules outside the grids (a table ruled across only) tell its rows together:
  // a rule drawn cell by cell (as browsers draw each cell's border) is one rule.
  const inGrid = (s: Segment) => grids.some((g) => s.pos >= g.bottom - 1 && s.pos <= g.top + 1 && s.a >= g.x0 - 1 && s.b <= g.x1 + 1);
  const hrules = mergeCollinear(shown.filter((s) => s.dir === 'h' && !inGrid(s))).map((s) => ({ y: s.pos, x0: s.a, x1: s.b }));
  const fromText = tablesFromText(rest, words, hrules);
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
