/**
 * PDF loader on pdfjs-dist: text items with positions and the drawn ruling lines of every
 * page become the intermediate model.
 *
 * - Tables are rebuilt from their drawn grid (grid.ts); text goes to the cell that contains
 *   its middle; the lines inside one cell are one value (CJK joined with no space, Latin
 *   words keep a space) and a line opening a numbered item starts a new paragraph of the cell.
 * - Text outside drawn tables that still stands in table form is rebuilt as a table from the
 *   order the PDF writes cells in and the gutters between them (textgrid.ts).
 * - Text outside tables becomes lines, then paragraphs (text.ts).
 * - Page artifacts — page numbers, running headers and footers repeated across pages — are
 *   dropped here; tables running across pages are stitched by the repair stage.
 */
import type { BBox, Block, Cell, DocModel, Row, Table } from '../../model.js';
import type { Warning } from '../../schema.js';
import { controlCharsWarning, warning } from '../../loc.js';
import { InputError, cellOf, para } from '../../model.js';
import { PAGE_NUMBER, cleanText, hasControlChars, joinLines } from '../../text/clean.js';
import { rulings } from './geometry.js';
import { isGarbage } from '../../text/plausible.js';
import { type PdfDocument, openPdf } from './open.js';
import { type TextCell, type TextTable, tablesFromText } from './textgrid.js';
import { type Grid, type GridCell, MAX_SEGMENTS, findGrids } from './grid.js';
import { type Item, type Line, opensItem, toLines, toParagraphs, wrapped } from './text.js';
import { pushTo } from '../../util.js';

export interface PdfLoadOptions {
  maxPages: number;
}

/** Turns a box in PDF user space (y up) into the contract's page box (points, origin top-left). */
type ToBox = (x0: number, top: number, x1: number, bottom: number) => BBox;

interface PageContent {
  page: number;
  /** The page has text, but it is glyph garbage (fonts without a usable Unicode map). */
  unreadable: boolean;
  /** Its text held control or direction-override characters (cleaning removes them). */
  controlChars: boolean;
  warning: Warning | null;
  /** Page box height, for telling the header and footer zones. */
  height: number;
  box: ToBox;
  /** Lines outside tables. */
  lines: Line[];
  tables: Array<{ top: number; table: Table }>;
}


function toItem(raw: unknown): Item | null {
  const it = raw as { str?: string; transform?: number[]; width?: number };
  if (typeof it.str !== 'string' || !it.transform || it.str.trim() === '') return null;
  const [a, b, , d, e, f] = it.transform as [number, number, number, number, number, number];
  const size = Math.hypot(a, b) || Math.abs(d) || 1;
  return { str: it.str, x: e, y: f, w: it.width ?? 0, size };
}

/** Space between a cell's rule and its text, when a cell's own lines cannot tell. */
const CELL_PADDING = 4;

function cellParas(lines: Line[], right: number): string[] {
  const paras: string[][] = [];
  let prev: Line | null = null;
  // The cell's text edge: where its longest line ends, or the rule less the usual padding.
  const edge = Math.max(right - CELL_PADDING, ...lines.map((l) => l.x1));
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
    made.set(g, cellOf(cellParas(toLines(inCell.get(g) ?? []), g.x1), g.col, g.colSpan));
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
function itemsBox(items: readonly Item[], box: ToBox): BBox | null {
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
      .map((c) => cellOf(cellParas(toLines(c.items), c.right), c.col, c.colSpan));
    if (cells.length) rows.push({ cells, page, breakBefore: false, bbox: itemsBox(inRow.flatMap((c) => c.items), box) });
  }
  return { kind: 'table', rows, page, columns: 'grid', xs: t.xs, rules: 'text' };
}

async function readPage(doc: PdfDocument, n: number): Promise<PageContent> {
  const page = await doc.getPage(n);
  try {
    const [tc, ol] = await Promise.all([page.getTextContent(), page.getOperatorList()]);
    const all = (tc.items as unknown[]).map(toItem).filter((i): i is Item => i != null);
    // A page whose text layer is glyph garbage gives no data (text/plausible.ts).
    const unreadable = isGarbage(all.map((i) => i.str).join(''));
    const items = unreadable ? [] : all;
    const found = findGrids(rulings(ol.fnArray, ol.argsArray));
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
    const fromText = tablesFromText(rest);
    const taken = new Set(fromText.flatMap((t) => t.items));
    const free = rest.filter((it) => !taken.has(it));
    const [x0, y0, , y1] = page.view as [number, number, number, number];
    const box: ToBox = (a, top, b, bottom) => [a - x0, y1 - top, b - x0, y1 - bottom];
    const loc = { page: n, page_end: n, bbox: null, table: null, row: null, line: null };
    return {
      page: n,
      unreadable,
      controlChars: !unreadable && all.some((i) => hasControlChars(i.str)),
      warning: found === 'too-many-lines' ? warning('page-too-many-lines', `page ${n}: more than ${MAX_SEGMENTS} drawn lines; tables on it were not rebuilt`, loc) : null,
      height: y1 - y0,
      box,
      lines: toLines(free),
      tables: [
        ...grids.map((g) => ({ top: g.top, table: gridTable(g, byGrid.get(g)!, n, box) })),
        ...fromText.map((t) => ({ top: t.top, table: textTable(t, n, box) })),
      ],
    };
  } finally {
    page.cleanup();
  }
}

/** Depth of the header and footer zones, in PDF units (about 2.5 cm). */
const MARGIN_ZONE = 72;

function inMarginZone(l: Line, p: PageContent): boolean {
  return l.y > p.height - MARGIN_ZONE || l.y < MARGIN_ZONE;
}

/** Text of lines that repeat at the same height in the margin zone of many pages: running headers and footers. */
function runningLines(pages: PageContent[]): Set<string> {
  const seen = new Map<string, Set<number>>();
  for (const p of pages) {
    for (const l of p.lines) {
      if (!inMarginZone(l, p)) continue;
      const key = `${Math.round(l.y / 3)}|${cleanText(l.text).replace(/\d+/g, '#')}`;
      seen.set(key, (seen.get(key) ?? new Set()).add(p.page));
    }
  }
  const out = new Set<string>();
  const min = Math.max(3, Math.ceil(pages.length * 0.4));
  for (const [key, on] of seen) if (on.size >= min) out.add(key);
  return out;
}

/** The usual baseline distance between consecutive lines of the same size, per size. */
function linePitch(pages: PageContent[]): (size: number) => number | null {
  const gaps = new Map<number, number[]>();
  for (const p of pages) {
    for (let i = 1; i < p.lines.length; i++) {
      const a = p.lines[i - 1]!;
      const b = p.lines[i]!;
      const gap = a.y - b.y;
      if (Math.abs(a.size - b.size) < 0.1 && gap > 0 && gap < a.size * 2.1) {
        const k = Math.round(a.size);
        pushTo(gaps, k, gap);
      }
    }
  }
  const bySize = new Map([...gaps].map(([k, v]) => [k, mode(v)]));
  return (size) => bySize.get(Math.round(size)) ?? null;
}

/** The most common value, in 2-unit bins (null when no bin holds two values). */
function mode(values: number[]): number | null {
  const bins = new Map<number, number[]>();
  for (const v of values) {
    const k = Math.round(v / 2);
    pushTo(bins, k, v);
  }
  let best: number[] | null = null;
  for (const b of bins.values()) if (!best || b.length > best.length) best = b;
  return best && best.length >= 2 ? best.reduce((a, b) => a + b, 0) / best.length : null;
}

function percentile(values: number[], q: number): number {
  if (values.length === 0) return 0;
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.floor(q * (s.length - 1))))]!;
}

export async function loadPdf(bytes: Buffer, opts: PdfLoadOptions): Promise<DocModel> {
  const doc = await openPdf(bytes);
  try {
    if (doc.numPages > opts.maxPages) {
      throw new InputError(`too many pages: ${doc.numPages} (limit ${opts.maxPages})`, 'too-many-pages');
    }
    const pages: PageContent[] = [];
    for (let n = 1; n <= doc.numPages; n++) {
      try {
        pages.push(await readPage(doc, n));
      } catch (err) {
        throw new InputError(`PDF page ${n} could not be read: ${(err as Error).message}`, 'corrupt-pdf');
      }
    }
    const chars = pages.reduce((s, p) => s + p.lines.reduce((k, l) => k + l.text.length, 0) + p.tables.length, 0);
    const garbled = pages.filter((p) => p.unreadable).map((p) => p.page);
    if (chars < 20 && garbled.length > 0) {
      throw new InputError(`text layer is not readable (fonts without a usable Unicode map) on ${garbled.length} page(s): the pages need OCR`, 'unreadable-text');
    }
    if (chars < 20) throw new InputError('no text layer: scanned pages need OCR', 'no-text-layer');
    const warnings = pages.map((p) => p.warning).filter((w): w is Warning => w != null);
    if (pages.some((p) => p.controlChars)) warnings.push(controlCharsWarning());
    for (const n of garbled) {
      warnings.push(warning('page-unreadable', `page ${n}: the text layer is glyph garbage (a font without a usable Unicode map); its text was left out`, { page: n, page_end: n, bbox: null, table: null, row: null, line: null }));
    }
    return { format: 'pdf', blocks: assemble(pages), pages: doc.numPages, warnings };
  } finally {
    await doc.destroy();
  }
}

function assemble(pages: PageContent[]): Block[] {
  const running = runningLines(pages);
  const allLines = pages.flatMap((p) => p.lines);
  // The text column: most lines start at the left margin and full lines end at the right one.
  const left = mode(allLines.map((l) => l.x0)) ?? percentile(allLines.map((l) => l.x0), 0.05);
  const right = mode(allLines.map((l) => l.x1)) ?? percentile(allLines.map((l) => l.x1), 0.95);
  const bodySize = percentile(allLines.map((l) => l.size), 0.5);
  const pitch = linePitch(pages);
  const blocks: Block[] = [];
  for (const p of pages) {
    const lines = p.lines.filter((l, i, all) => {
      const t = cleanText(l.text);
      if (inMarginZone(l, p) && running.has(`${Math.round(l.y / 3)}|${t.replace(/\d+/g, '#')}`)) return false;
      // A page number: a bare number (or "- 3 -", "第3页") as the page's first or last line.
      return !(PAGE_NUMBER.test(t) && (i === 0 || i === all.length - 1));
    });
    const placed: Array<{ top: number; block: Block }> = [];
    for (const t of p.tables) placed.push({ top: t.top, block: t.table });
    // Paragraphs never run through a table: split the line list at each table.
    const tops = p.tables.map((t) => t.top);
    const segments: Line[][] = [];
    for (const l of lines) {
      const above = tops.filter((y) => y > l.y).length;
      (segments[above] ??= []).push(l);
    }
    for (const seg of segments) {
      if (!seg) continue;
      for (const group of toParagraphs(seg, { left, right, pitch })) {
        const text = group.length === 1 ? group[0]!.text.split('\t').map(cleanText).filter(Boolean).join('\t') : joinLines(group.map((l) => l.text));
        if (text === '') continue;
        const size = Math.max(...group.map((l) => l.size));
        const bbox = itemsBox(group.flatMap((l) => l.items), p.box);
        placed.push({ top: group[0]!.y + group[0]!.size, block: { ...para(text, { page: p.page, heading: size > bodySize + 1 ? 1 : null }), bbox } });
      }
    }
    placed.sort((a, b) => b.top - a.top);
    blocks.push(...placed.map((x) => x.block));
  }
  return blocks;
}
