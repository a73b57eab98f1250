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

export type Format = 'docx' | 'pdf' | 'txt';

export interface Para {
  kind: 'para';
  /** Cleaned text; a tab separates parts that the source set apart with tab stops (TOC title / page). */
  text: string;
  /** 1-based page, when the format has pages. */
  page: number | null;
  /** Heading level when the source marks one (Word heading styles, bold lines). */
  heading: number | null;
  bold: boolean;
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
}

export interface Row {
  cells: Cell[];
  page: number | null;
  /** The row is the first of its table on a new page (a page break lies before it). */
  breakBefore: boolean;
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
}

export type Block = Para | Table;

export interface DocModel {
  format: Format;
  blocks: Block[];
  /** Page count where the format has pages. */
  pages: number | null;
  /** Loader and repair notes that end in the document's `warnings`. */
  warnings: string[];
}

export function para(text: string, opts: Partial<Omit<Para, 'kind' | 'text'>> = {}): Para {
  return { kind: 'para', text, page: opts.page ?? null, heading: opts.heading ?? null, bold: opts.bold ?? false };
}

/** A cell from its cleaned paragraphs: empty ones dropped, the text is them joined and cleaned. */
export function cellOf(paras: readonly string[], col: number, colSpan = 1): Cell {
  const kept = paras.filter((t) => t !== '');
  return { text: cleanText(kept.join(' ')), paras: kept, col, colSpan, merged: false };
}

/** The cell of `row` that covers grid column `col`, if any. */
export function cellAt(row: Row, col: number): Cell | undefined {
  return row.cells.find((c) => c.col <= col && col < c.col + c.colSpan);
}

/** A fatal, user-facing problem with one input: the message names the reason, never a stack. */
export class InputError extends Error {
  constructor(
    message: string,
    /** Stable machine-readable kind for error reports. */
    public readonly kind: string,
  ) {
    super(message);
    this.name = 'InputError';
  }
}
