/**
 * Workbook loader (.xlsx; legacy .xls and WPS .et sheets arrive converted by LibreOffice):
 * ExcelJS reads the workbook, and each visible sheet, top to bottom, becomes blocks of the
 * document model, so that segmenting and interpretation run unchanged.
 *
 * - Tables: runs of rows that hold two cells or more (or continue a cell merged down from a
 *   row above) are a table; merged ranges become cells spanning grid columns (`colSpan`) and
 *   cells repeated, `merged`, on the rows below their first, as the DOCX loader gives them.
 * - Paragraphs: a row holding a single cell outside a table — a title or a line of text, often
 *   merged across the sheet's width as spreadsheets set them — is a paragraph; a cell's lines
 *   (Alt+Enter) are the paragraph's, or the table cell's paragraphs.
 * - Values as the sheet shows them: numbers in their number format (numfmt: `0.00`, `0%`,
 *   `#,##0`, General), formulas by their cached result, rich text as its text.
 * - Hidden sheets and rows are not read; sheet names are not made into text.
 *
 * The ZIP container is checked first (./zipguard.ts: bombs, truncation, cells counted on the
 * bytes before the workbook is parsed). ExcelJS is loaded when a workbook comes (it is large:
 * a worker that never meets one does not pay for it).
 */
import type ExcelJS from 'exceljs';
import { type Block, type Cell, type DocModel, type Row, cellOf, para } from '../model.js';
import { InputError } from '../errors.js';
import { cleanText, hasControlChars } from '../text/clean.js';
import { type Container, checkZip, countTags, DEFAULT_ZIP_LIMITS } from './zipguard.js';
import { type Message, type Result, controlCharsMessage } from '../diagnostics.js';

const XLSX: Container = {
  what: 'XLSX',
  corrupt: 'corrupt-xlsx',
  cells: (name, part) => (/^xl\/worksheets\/[^/]+\.xml$/.test(name) ? countTags(part, 'c') : 0),
};

const SUPERSCRIPT: Record<string, string> = { '2': '²', '3': '³' };

type Sheet = ExcelJS.Worksheet;
type XCell = ExcelJS.Cell;

/** numfmt's formatter, loaded with the workbook reader. */
let formatNumber: (pattern: string, value: unknown) => string = (_, v) => String(v);

/** A cell's text as the sheet shows it: numbers in their number format, formulas by their result. */
export function shownText(cell: XCell): string {
  const v = cell.value as unknown;
  if (v == null) return '';
  const fmt = cell.numFmt || 'General';
  const shown = (x: unknown): string => {
    if (typeof x === 'number') {
      try {
        return formatNumber(fmt === '@' ? 'General' : fmt, x);
      } catch {
        return String(x);
      }
    }
    if (x instanceof Date) {
      try {
        return formatNumber(fmt === 'General' ? 'yyyy-mm-dd' : fmt, x);
      } catch {
        return x.toISOString().slice(0, 10);
      }
    }
    if (typeof x === 'boolean') return x ? 'TRUE' : 'FALSE';
    if (typeof x === 'string') return x;
    if (typeof x === 'object' && x) {
      const o = x as { richText?: Array<{ text: string; font?: { vertAlign?: string } }>; result?: unknown; text?: unknown; error?: string };
      // A superscript 2 or 3 in rich text is ² or ³ (m², m³), as in the DOCX loader.
      if (Array.isArray(o.richText)) return o.richText.map((r) => (r.font?.vertAlign === 'superscript' ? (SUPERSCRIPT[r.text.trim()] ?? r.text) : r.text)).join('');
      if ('result' in o) return shown(o.result);
      if (typeof o.text === 'string') return o.text;
      if (o.text && typeof o.text === 'object') return shown(o.text);
      if (typeof o.error === 'string') return o.error;
    }
    return '';
  };
  return shown(v);
}

/** A merged range: its top-left cell and extent. */
interface Range {
  top: number;
  left: number;
  bottom: number;
  right: number;
}

/** The sheet's merged ranges by their top-left cell, and every cell they cover. */
function mergedRanges(ws: Sheet): { byMaster: Map<string, Range>; cover: Map<string, Range> } {
  const byMaster = new Map<string, Range>();
  const cover = new Map<string, Range>();
  const model = (ws as unknown as { model: { merges?: string[] } }).model;
  for (const ref of model.merges ?? []) {
    const m = /^\$?([A-Z]+)\$?(\d+):\$?([A-Z]+)\$?(\d+)$/.exec(ref);
    if (!m) continue;
    const r: Range = { top: Number(m[2]), left: colNumber(m[1]!), bottom: Number(m[4]), right: colNumber(m[3]!) };
    byMaster.set(`${r.top}:${r.left}`, r);
    // A crafted merge over millions of cells is bounded by the sheet's own extent below.
    for (let row = r.top; row <= Math.min(r.bottom, r.top + 5000); row++) {
      for (let col = r.left; col <= Math.min(r.right, r.left + 500); col++) cover.set(`${row}:${col}`, r);
    }
  }
  return { byMaster, cover };
}

function colNumber(letters: string): number {
  let n = 0;
  for (const ch of letters) n = n * 26 + (ch.charCodeAt(0) - 64);
  return n;
}

/** One sheet row as the loader sees it: its cells (masters, plain cells, cells merged from above), left to right. */
interface SheetCell {
  col: number;
  span: number;
  text: string;
  /** Continues a cell merged down from a row above. */
  fromAbove: boolean;
}

function sheetRow(ws: Sheet, r: number, merges: ReturnType<typeof mergedRanges>, lastCol: number): SheetCell[] {
  const out: SheetCell[] = [];
  const row = ws.getRow(r);
  for (let c = 1; c <= lastCol; c++) {
    const range = merges.cover.get(`${r}:${c}`);
    if (range) {
      if (range.left !== c) continue; // covered by its master's span
      const master = ws.getCell(range.top, range.left);
      out.push({ col: c, span: range.right - range.left + 1, text: shownText(master), fromAbove: range.top !== r });
      c = range.right;
      continue;
    }
    const cell = row.getCell(c);
    out.push({ col: c, span: 1, text: shownText(cell), fromAbove: false });
  }
  // Trailing empty cells are no part of the row.
  while (out.length && out[out.length - 1]!.text.trim() === '' && !out[out.length - 1]!.fromAbove) out.pop();
  return out;
}

/** A row is a table's when it holds two cells or more, or continues a cell merged down. */
function isTableRow(cells: readonly SheetCell[]): boolean {
  const filled = cells.filter((c) => c.text.trim() !== '' || c.fromAbove);
  return filled.length >= 2 || cells.some((c) => c.fromAbove && c.text.trim() !== '');
}

/** A table cell's paragraphs: the lines of its text. */
function cellParas(text: string): string[] {
  return text.split(/\r?\n/).map(cleanText);
}

/** The blocks of one sheet, top to bottom. */
function sheetBlocks(ws: Sheet, maxCells: number, counted: { cells: number; control: boolean }): Block[] {
  const merges = mergedRanges(ws);
  const lastRow = ws.rowCount;
  const lastCol = Math.min(ws.columnCount, 16384);
  const blocks: Block[] = [];
  let rows: Row[] | null = null;
  let left = 1;
  const close = () => {
    if (rows?.length) blocks.push({ kind: 'table', rows, page: null, columns: 'grid' });
    rows = null;
  };
  for (let r = 1; r <= lastRow; r++) {
    if (ws.getRow(r).hidden) continue;
    const cells = sheetRow(ws, r, merges, lastCol);
    const filled = cells.filter((c) => c.text.trim() !== '');
    if (!counted.control && filled.some((c) => hasControlChars(c.text.replace(/[\t\r\n]/g, '')))) counted.control = true;
    if (filled.length === 0 && !cells.some((c) => c.fromAbove && rows)) {
      // An empty row ends a table.
      close();
      continue;
    }
    if (isTableRow(cells)) {
      if (!rows) {
        rows = [];
        left = cells[0]!.col;
      }
      // A row holding nothing but cells merged down from above is no row of its own (as in HTML).
      if (cells.every((c) => c.fromAbove || c.text.trim() === '')) continue;
      const row: Cell[] = cells
        .filter((c) => c.col >= left)
        .map((c) => ({ ...cellOf(cellParas(c.text), c.col - left, c.span), merged: c.fromAbove }));
      counted.cells += row.length;
      if (counted.cells > maxCells) throw new InputError(`too many table cells: more than ${maxCells} (limit ${maxCells})`, 'too-many-cells');
      rows.push({ cells: row, page: null, breakBefore: false });
      continue;
    }
    close();
    for (const c of filled) {
      const text = c.text.split(/\r?\n/).map(cleanText).filter((t) => t !== '').join('');
      if (text) blocks.push(para(text));
    }
  }
  close();
  return blocks;
}

let Excel: typeof ExcelJS | null = null;

/** ExcelJS and numfmt, loaded once, when the first workbook comes. */
export async function loadReaders(): Promise<void> {
  if (Excel) return;
  Excel = ((await import('exceljs')) as unknown as { default: typeof ExcelJS }).default;
  formatNumber = (await import('numfmt')).format as typeof formatNumber;
}

export async function loadXlsx(bytes: Buffer, opts: { maxCells?: number } = {}): Promise<Result<DocModel>> {
  const maxCells = opts.maxCells ?? Infinity;
  checkZip(bytes, DEFAULT_ZIP_LIMITS, maxCells, XLSX);
  await loadReaders();
  const wb = new Excel!.Workbook();
  try {
    await wb.xlsx.load(bytes as unknown as ArrayBuffer);
  } catch (err) {
    throw new InputError(`not a readable XLSX: ${(err as Error).message.split('\n')[0]}`, 'corrupt-xlsx');
  }
  const blocks: Block[] = [];
  const counted = { cells: 0, control: false };
  for (const ws of wb.worksheets) {
    if (ws.state !== 'visible') continue;
    blocks.push(...sheetBlocks(ws, maxCells, counted));
  }
  const messages: Message[] = counted.control ? [controlCharsMessage()] : [];
  return { value: { format: 'xlsx', blocks, pages: null }, messages };
}
