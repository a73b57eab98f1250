/**
 * Text laid out in monospace columns (`pdftotext -layout`: a page's lines with each piece of
 * text at a character column) → positioned text items, for the same table and paragraph rules
 * a PDF's text layer goes through (page.ts, textgrid.ts, assemble.ts).
 *
 * What such a dump keeps, measured on pdftotext's output of LibreOffice PDFs:
 * - A piece of text is a run of characters with single spaces inside; two spaces or more part
 *   two pieces (two cells, a cell and a page's margin). Two cells can also stand one space
 *   apart (`其他资 2.29`): the table rules cut such a piece where other rows' cells start.
 * - Every character takes one column, a CJK character as much as a Latin one: columns are no
 *   measure of width. A piece starts one column or more past the end of every piece wholly to
 *   its left on the page, so cells that start at one edge of the page start at one column, and
 *   columns keep the order of the text across the page, not its distances.
 * - A wrapped cell goes on at the same column on the following lines; a blank line stands where
 *   the page has a gap of about a line (cell padding between rows, paragraph spacing).
 *
 * A dump keeps no order in which the cells were written, which the rule-less table rules read
 * rows by. The lines are put into rows here: a line goes on the row above when a piece of it
 * continues a piece of the line above that filled its column (a wrapped cell), and none starts
 * again in a column whose piece above ended short (a new row's cell); a blank line ends a row.
 * Each row's pieces are then given column by column, each column's lines top down: the order a
 * word processor writes a table in. A piece standing in a column the line above left empty (a
 * merged cell's label set in the middle or at the foot of the rows it spans) goes with the row
 * it stands in: which of the rows it spans it names first cannot be told from the text.
 */
import type { Item } from './text.js';
import type { TableWords } from './textgrid.js';

/** Width of one column in the items' frame; a CJK character is set about two columns wide. */
const COLUMN = 5;
/** The items' font size: two columns, as wide as a CJK character. */
export const MONO_SIZE = COLUMN * 2;
/** Distance between two lines, in the items' frame. */
export const MONO_PITCH = MONO_SIZE * 1.2;
/** What a run of blank lines adds to the distance between two lines, in pitches. */
const BLANK_GAP = 1.5;

interface Run {
  line: number;
  col: number;
  text: string;
  /** Width as displayed: two for a full-width character, one for the others. */
  width: number;
}

const WIDE = /[\u2E80-\u9FFF\uF900-\uFAFF\uFE30-\uFE4F\uFF01-\uFF60\uFFE0-\uFFE6\u3000-\u303F]/u;

function displayWidth(s: string): number {
  let w = 0;
  for (const c of s) w += WIDE.test(c) ? 2 : 1;
  return w;
}

/** The pieces of one line: runs of characters with single spaces inside, at their columns. */
export function runsOf(line: string, n: number): Run[] {
  const chars = [...line];
  const out: Run[] = [];
  let k = 0;
  while (k < chars.length) {
    while (k < chars.length && /\s/.test(chars[k]!)) k++;
    if (k >= chars.length) break;
    const start = k;
    let end = k;
    while (k < chars.length) {
      if (!/\s/.test(chars[k]!)) end = ++k;
      else if (chars[k] === ' ' && k + 1 < chars.length && !/\s/.test(chars[k + 1]!)) k++;
      else break;
    }
    const text = chars.slice(start, end).join('');
    out.push({ line: n, col: start, text, width: displayWidth(text) });
    k = end;
  }
  return out;
}

/** Whether a monospace dump's line holds two pieces or more (text, two spaces, text). */
export function hasColumns(line: string): boolean {
  return /\S {2,}\S/.test(line.trim());
}

/** A column's start, give or take one column (centred text, a sign set before its number). */
const NEAR = 1;

/**
 * The widest piece starting at each column of the page's table lines (within NEAR): the least
 * the column is wide. Pieces with another piece after them on their line count first: the last
 * piece of a line may run on over the columns to its right (a project's goal over the
 * indicator table's columns), and is the measure only of a column no other piece bounds.
 */
function widest(byLine: ReadonlyArray<readonly Run[]>): (col: number) => number {
  const bounded = new Map<number, number>();
  const last = new Map<number, number>();
  for (const runs of byLine) {
    if (runs.length < 2) continue;
    runs.forEach((r, k) => {
      const into = k < runs.length - 1 ? bounded : last;
      into.set(r.col, Math.max(into.get(r.col) ?? 0, r.width));
    });
  }
  const near = (m: Map<number, number>, col: number) => {
    let w = 0;
    for (let c = col - NEAR; c <= col + NEAR; c++) w = Math.max(w, m.get(c) ?? 0);
    return w;
  };
  return (col) => near(bounded, col) || near(last, col);
}

/** Characters a line may not start with (closing punctuation stays with the character before). */
const NO_LINE_START = /[，。、；：？！”’）》」』】〕,.;:?!)\]%]/;
/** Characters a line may not end with (opening punctuation goes with the character after). */
const NO_LINE_END = /[“‘（《「『【〔(\[]/;

/**
 * Display width of the start of a piece that a wrap could not have split: a Latin word or
 * number whole, else its first character with the opening marks before it and the closing
 * marks after it.
 */
function firstUnit(text: string): number {
  const m = /^[A-Za-z0-9.,%\-]+/.exec(text);
  if (m) return m[0].length;
  const chars = [...text];
  let k = 0;
  while (k < chars.length && NO_LINE_END.test(chars[k]!)) k++;
  k++;
  while (k < chars.length && NO_LINE_START.test(chars[k]!)) k++;
  return displayWidth(chars.slice(0, k).join(''));
}

/**
 * The page's lines as rows: runs of consecutive lines, each a list of its runs. A line goes on
 * the row above when no piece of it starts under a piece of the row that ended short (its
 * start would have fitted after it): each continues a wrapped piece, or stands in a column
 * the row has left empty so far (a merged cell's label set in the middle of its rows).
 */
function rowsOf(byLine: ReadonlyArray<readonly Run[]>, widthAt: (col: number) => number, words: TableWords): Run[][][] {
  const rows: Run[][][] = [];
  let cur: Run[][] | null = null;
  for (const runs of byLine) {
    // A header's sub-header (符号 · 值 · 单位 under 指标值) is a row of its own, as it is written.
    if (!runs.length || words.headerCell(runs.map((r) => r.text).join(''))) cur = null;
    if (!runs.length) {
      cur = null;
      continue;
    }
    let goesOn = false;
    let fresh = false;
    if (cur) {
      for (const r of runs) {
        // The row's latest piece in this column.
        let above: Run | undefined;
        for (let k = cur.length - 1; k >= 0 && !above; k--) above = cur[k]!.find((q) => Math.abs(q.col - r.col) <= NEAR);
        if (!above) continue;
        // Wrapped: the start of this piece would not have fitted after the piece above in the
        // widest its column is seen.
        if (above.width + firstUnit(r.text) > widthAt(above.col)) goesOn = true;
        else fresh = true;
      }
    }
    // A line whose pieces all stand in columns the row has left empty so far (a merged cell's
    // label set in the middle of its rows) goes on with the row.
    if (cur && !fresh && (goesOn || runs.length > 0)) cur.push([...runs]);
    else {
      cur = [[...runs]];
      rows.push(cur);
    }
  }
  return rows;
}

/** Runs of one row grouped by column (starts within NEAR of each other), left to right. */
function columnsOf(row: ReadonlyArray<readonly Run[]>): Run[][] {
  const all = row.flat().sort((a, b) => a.col - b.col || a.line - b.line);
  const cols: Run[][] = [];
  for (const r of all) {
    const last = cols[cols.length - 1];
    if (last && r.col - last[0]!.col <= NEAR && !last.some((q) => q.line === r.line)) last.push(r);
    else cols.push([r]);
  }
  for (const c of cols) c.sort((a, b) => a.line - b.line);
  return cols;
}

export interface MonoPage {
  items: Item[];
  /** The page box in the items' frame (y upwards). */
  view: [number, number, number, number];
  /** The page's line (0-based, in the lines given) a box's top (page coordinates, origin top-left) stands on. */
  lineOf: (top: number) => number;
}

/**
 * One page of a monospace dump as text items in a frame with y upwards, column c at c × COLUMN,
 * each line a pitch under the one above. Items come row by row, column by column.
 */
export function monospacePage(lines: readonly string[], words: TableWords): MonoPage {
  const byLine = lines.map((l, i) => runsOf(l, i));
  // Columns are measured part by part of the page: a table's header row, a title or a unit
  // line starts a table of other columns (a project table's upper part is wider).
  // A header row's names are no measure of its columns: one stands over several (指标值 over
  // 符号 · 值 · 单位).
  const cuts = [0];
  const header = new Set<number>();
  byLine.forEach((runs, i) => {
    const text = runs.map((r) => r.text).join('  ');
    if (runs.length && words.headerLine(text)) header.add(i);
    if (i > 0 && runs.length && (header.has(i) || words.title(text) || words.unitLine(text) || words.opensTable(runs[0]!.text))) cuts.push(i);
  });
  cuts.push(byLine.length);
  const rows: Run[][][] = [];
  for (let k = 0; k + 1 < cuts.length; k++) {
    const part = byLine.slice(cuts[k], cuts[k + 1]);
    rows.push(...rowsOf(part, widest(part.filter((runs) => !header.has(runs[0]?.line ?? -1))), words));
  }
  // Each line one pitch below the line above; blank lines between two lines add half a pitch
  // however many there are (a page's gap of a line or more: a paragraph's end, cell padding,
  // never a gap wide enough to part a table's rows).
  const down: number[] = [];
  let at = 0;
  let blank = false;
  for (const runs of byLine) {
    if (!runs.length) {
      blank = true;
      down.push(at);
      continue;
    }
    at += blank && at > 0 ? MONO_PITCH * BLANK_GAP : MONO_PITCH;
    blank = false;
    down.push(at);
  }
  const height = at + MONO_PITCH;
  const item = (r: Run): Item => ({ str: r.text, x: r.col * COLUMN, y: height - down[r.line]!, w: [...r.text].length * COLUMN, size: MONO_SIZE });
  const items: Item[] = [];
  for (const row of rows) for (const col of columnsOf(row)) for (const r of col) items.push(item(r));
  const width = Math.max(1, ...byLine.flat().map((r) => r.col + [...r.text].length)) * COLUMN;
  // A box's top is an item's baseline plus its size, turned to the page's top-down frame.
  const lineOf = (top: number) => {
    const d = top + MONO_SIZE;
    let best = 0;
    for (let k = 0; k < down.length; k++) if (Math.abs(down[k]! - d) < Math.abs(down[best]! - d)) best = k;
    return best;
  };
  return { items, view: [0, 0, width, height], lineOf };
}
