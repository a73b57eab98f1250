/**
 * The intermediate document model every loader produces (DOCX, PDF, text dump) and every
 * later stage reads: a flat list of paragraphs and tables in reading order.
 *
 * Tables are rows of cells placed on a grid: `col` is the first grid column a cell covers,
 * `colSpan` how many. A vertically merged cell is repeated on every row it covers with
 * `merged: true`, so a 一级指标 cell is known on each of its rows. Loaders that cannot
 * see spans (text dumps) give every field its own column.
 */
import { cleanText } from './text/clean.js';

/** A box in PDF points on one page, origin top-left: [x0, y0, x1, y1]. */
export type BBox = [number, number, number, number];

/**
 * Where a paragraph or table row stands in its source (output-contract.md, "Provenance"):
 * pages and boxes for PDFs and scans, the line of a text dump. Loaders fill what their
 * format knows; the rest stays undefined.
 */
export interface Source {
  /** Last page the block runs onto (a row cut by a page break ends on the next page). */
  pageEnd?: number | null;
  /** Box on `page` (the block's part there). */
  bbox?: BBox | null;
  /** 1-based line of a text dump where the block starts. */
  line?: number | null;
}

/**
 * 'image': PNG, JPEG or TIFF page scans (read by OCR); 'xlsx': a workbook (a legacy .xls/.et
 * converted); 'html': a saved web page (.html, .htm, .mhtml); 'ofd': GB/T 33190 documents.
 */
export const FORMATS = ['docx', 'pdf', 'txt', 'image', 'xlsx', 'html', 'ofd'] as const;
export type Format = (typeof FORMATS)[number];

export interface Para extends Source {
  kind: 'para';
  /** Cleaned text; a tab separates parts that the source set apart with tab stops (TOC title / page). */
  text: string;
  /** 1-based page, when the format has pages. */
  page: number | null;
  /** Heading level when the source marks one (Word heading styles, bold lines). */
  heading: number | null;
  bold: boolean;
  /** Lowest recognition confidence (0–1) of its text where it was read by OCR. */
  confidence?: number | null;
  /**
   * Where a paragraph may or may not end, the page not telling: the sentence ends (a few
   * characters before each) closing a line filled to the margin, the next line at the margin,
   * in a document whose paragraphs open without indent (layout/assemble.ts). Read as a wrap
   * within a page, as a paragraph's end at a page's foot.
   */
  unsureBreaks?: string[];
  /**
   * Its last line fills the column at the foot of its page and the next page opens with a line
   * at the left margin where the document's paragraphs open indented: the paragraph goes on
   * there however its last line ends. Set by the layout engine, used by the repair stage that
   * joins paragraphs cut by a page break. (Where paragraphs open flush, nothing tells: the two
   * stay apart, and the place is one of `unsureBreaks`.)
   */
  runsOn?: boolean;
  /**
   * A paragraph of one line whose text stands in parts set far apart (tab-separated in `text`):
   * each part's box, in order (layout engine). The repair stage puts the rests of a table row's
   * cells, cut by a page break and set side by side at the top of the next page, back into
   * their columns by them.
   */
  parts?: BBox[];
  /**
   * Why the loader doubts the text is a paragraph of its own (a text dump: it stands right
   * after a table's last row, in the table's inner columns, and may be the rest of that row's
   * cells). Said on the part-one item that takes it as its text.
   */
  unsure?: string;
}

export interface Cell {
  /** Cleaned text of the whole cell (paragraphs joined with no separator). */
  text: string;
  /** The cell's paragraphs, cleaned, empty ones dropped. */
  paras: string[];
  col: number;
  colSpan: number;
  /** True on the rows below the first of a vertically merged cell. */
  merged: boolean;
  /** Recognition confidence (0–1) where the text was read by OCR. */
  confidence?: number | null;
  /**
   * Room its last line leaves before the cell's right edge less the padding its own left edge
   * shows, in font sizes (a drawn grid's cells, PDF): where a page break cuts a row, a cell
   * whose text stopped with room for the next word did not go on after the break.
   */
  room?: number;
}

export interface Row extends Source {
  cells: Cell[];
  page: number | null;
  /** The row is the first of its table on a new page (a page break lies before it). */
  breakBefore: boolean;
  /**
   * No rule closes the row above (it continues a row cut at the foot of the previous page) or
   * below (it goes on at the top of the next page): a browser's cut row. Set by the PDF loader.
   */
  openAbove?: boolean;
  openBelow?: boolean;
  /**
   * Why the loader is unsure its cells stand in their right columns (a dump that writes one
   * cell per line, a row with more lines than columns): said on the row by the interpreter.
   */
  unsure?: string;
  /**
   * A dump's line kept in its table for its place only (plain pdftotext writes a table block by
   * block): its text is no cell of a known row or column, and no project field is read from it.
   */
  unread?: boolean;
  /** Index of the table in the document (after stitching) and of the row in it; set by the locate stage. */
  at?: { table: number; row: number };
}

export interface Table {
  kind: 'table';
  rows: Row[];
  page: number | null;
  /**
   * 'grid': cells sit on their real grid columns (DOCX, PDF, tab-per-column dumps).
   * 'order': only the cells' order is known, and empty cells may be missing (one-cell-per-line dumps).
   */
  columns: 'grid' | 'order';
  /** Grid column boundaries in page units (left to right), where the loader knows geometry. */
  xs?: number[];
  /**
   * Where the text of each column starts (the left-most text of its cells of one column), in
   * the units of `xs`, for a table rebuilt from text positions: its column boundaries lie in the
   * middle of the gaps between texts, which move with each page's content.
   */
  starts?: Array<number | null>;
  /**
   * How the grid was found: drawn ruling lines, or rebuilt from text positions alone (a
   * table drawn without lines; less certain, and said so in a warning).
   */
  rules?: 'drawn' | 'text';
}

export type Block = Para | Table;

export interface DocModel {
  format: Format;
  blocks: Block[];
  /** Page count where the format has pages. */
  pages: number | null;
  /** Set when some pages were read by OCR: the engine and those pages. */
  ocr?: { engine: string; pages: number[] } | null;
  /** Pages whose text layer was glyph garbage (a font without a usable Unicode map). */
  garbledPages?: number[];
  /** Digital signatures and seals the file carries (OFD), left unread: they are no part of the text. */
  signatures?: number | null;
  /** Files embedded in the input (a PDF's attachments), by name and size: not read. */
  attachments?: Array<{ name: string; size: number | null }>;
}

export function para(text: string, opts: Partial<Omit<Para, 'kind' | 'text'>> = {}): Para {
  return { kind: 'para', text, page: opts.page ?? null, heading: opts.heading ?? null, bold: opts.bold ?? false };
}

/** A cell from its cleaned paragraphs: empty ones dropped, the text is them joined and cleaned. */
export function cellOf(paras: readonly string[], col: number, colSpan = 1): Cell {
  const kept = paras.filter((t) => t !== '');
  return { text: cleanText(kept.join(' ')), paras: kept, col, colSpan, merged: false };
}

/**
 * The column of the grid `xs` (column boundaries, left to right) that holds x: 0 left of the
 * grid, the last column right of it. Binary search: a crafted page may have thousands.
 */
export function columnAt(xs: readonly number[], x: number): number {
  const last = xs.length - 2;
  if (x < xs[0]!) return 0;
  let lo = 0;
  let hi = last;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (xs[mid]! <= x) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** The cell of `row` that covers grid column `col`, if any. */
export function cellAt(row: Row, col: number): Cell | undefined {
  return row.cells.find((c) => c.col <= col && col < c.col + c.colSpan);
}

export { InputError } from './errors.js';
