/**
 * Repair stage: tables that run across pages.
 *
 * 1. A table whose continuation starts a new page (the next block is a table on a later page,
 *    with nothing but page artifacts between) becomes one table; the first row of the
 *    continuation is marked `breakBefore`.
 * 2. After each page break, a repeated header row is dropped (the first header is kept).
 * 3. A row cut by the page break — the first row after it (and after any repeated header)
 *    holding only the rest of some cells — is joined back into the row before the break,
 *    cell by cell; so is the rest of an indicator header that makes the row before the break
 *    a header row (二级 | 指标, 指标值确定依据 on the next page). In the indicator part a row is
 *    taken as cut when it lacks a cell every row has (三级指标 … 依据), when it has neither
 *    level where every row so far had its own 二级指标, or when a level name cut short
 *    (`产出指` + `标`) is completed by it. A rest in a column where the row before the break
 *    has no cell (a table rebuilt from text positions leaves empty cells out) is that cell.
 *    A row that no drawn rule closes at the foot of the page, nor above its rest (browsers
 *    print cut rows that way), is joined whatever its cells look like. But where a cell of the
 *    row before the break, in a column where the row after has text, ended with room to spare
 *    for that text's first word (Cell.room: a cell going on after the break fills its last
 *    line), the row after is a new one. A row with no text of its own at the foot of the page
 *    (moved whole to the next page, its borders drawn on both) is dropped; header words alone
 *    after the break under the header (指标值确定依据) complete it.
 * 4. A vertically merged level cell whose text the break split between the pages is rejoined
 *    on every row it covers.
 * 5. Text of a cell that the break set apart as a short paragraph of its own, inside one column,
 *    at the top of the next page or at the foot of the page under the last row, is put back into
 *    its cell.
 * 6. (anywhere in an indicator table) A row all of whose cells are merged copies of the row
 *    above but for text in cells that row left empty, or filled to their last line's end, is
 *    that row's rest: a rule drawn through one column's cell cut it.
 * 7. The rests of several cells of a table's last row, set side by side at the top of the next
 *    page outside any table (a browser's cut row where the table ends with it: the next title
 *    follows), each where its column's text starts, go back into their cells.
 *
 * Works the same whether or not the header is repeated. Only 'grid' tables are touched: a
 * one-cell-per-line dump has no page breaks inside its tables.
 */
import type { Block, Cell, DocModel, Row, Table } from '../model.js';
import { cellAt, cellOf, columnAt } from '../model.js';
import { cleanText, joinLines } from '../text/clean.js';
import { opensItem } from '../text/numbering.js';
import type { Result } from '../diagnostics.js';
import { CORE_HEADERS, INDICATOR_LABEL_WORDS, LABEL, LEVEL1_HEADER, LEVEL2_HEADER, LEVEL3_HEADER, LEVEL_NAME_END, PERIOD, ROW_LABEL, TWO_ROW_LABEL, isIndicatorHeaderRow as isHeaderRow, isSplitSubheaderRow as isSubheaderRow } from '../vocab.js';

function nonEmptyCols(row: Row, withMerged = false): number[] {
  return row.cells.filter((c) => c.text !== '' && (withMerged || !c.merged)).map((c) => c.col);
}

function sameRow(a: Row, b: Row): boolean {
  const ta = a.cells.map((c) => c.text).join('\u0001');
  const tb = b.cells.map((c) => c.text).join('\u0001');
  return ta === tb;
}

/**
 * The grid columns of 三级指标 / 描述 / 指标值 / 依据 in the indicator header, if known: each
 * header cell's span (指标值 over 符号 · 值 · 单位 spans three).
 */
function coreColumns(header: Row | null): Array<[number, number]> | null {
  if (!header) return null;
  const cells = CORE_HEADERS.map((re) => header.cells.find((c) => re.test(c.text)));
  // Of a split 指标值 (符号 · 值 · 单位), a row's own value has its 符号 or 值: a 单位 cell alone is
  // the rest of a cut row's (its text going on after the break).
  return cells.every((c) => c !== undefined) ? cells.map((c) => [c!.col, c!.col + (c!.colSpan >= 3 ? c!.colSpan - 1 : c!.colSpan)] as [number, number]) : null;
}

/** Whether a row has text in any grid column of [from, to). */
function filledIn(row: Row, [from, to]: [number, number]): boolean {
  return row.cells.some((c) => c.text !== '' && c.col < to && c.col + c.colSpan > from);
}

function levelColumn(header: Row | null, re: RegExp): number | undefined {
  return header?.cells.find((c) => re.test(c.text) && !c.merged)?.col;
}

/** Slack on a cell's room (font sizes): its padding on the right may be a little wider than on the left. */
const ROOM_SLACK = 0.3;

/** Characters that never start a line: a wrap carries the character before them down with them. */
const NO_START = /^[，。、；：？！）》」』”’,.;:?!)\]%％]/;
/** Characters that never end a line: a wrap carries them down with the character after them. */
const NO_END = /^[（《「『“‘(\[]/;

/**
 * How wide the first piece of a cell's text that a line break cannot split is, in font sizes:
 * a run of Latin letters and digits (half as wide as a CJK character), or a CJK character with
 * the punctuation that cannot start a line after it (and an opening bracket before it).
 */
function firstWord(text: string): number {
  const run = /^[A-Za-z0-9.,+\-]+/.exec(text);
  if (run) return run[0].length * 0.55;
  const chars = [...text];
  let k = 0;
  while (k < chars.length && NO_END.test(chars[k]!)) k++;
  k++;
  while (k < chars.length && NO_START.test(chars[k]!)) k++;
  return k;
}

/**
 * What the cells of the row before the break say of the row after it, column by column, in
 * every column where both have text of their own: a cell whose text goes on after the break
 * fills its last line before it (Cell.room: too little room left for the next row's first
 * word); one that ended there with room to spare is complete. 'ended': every such cell
 * ended (the row before was complete, the row after is a new one); 'mixed': some did, some
 * are full; null: none ended, or no cell tells (no room measured: a text table, a DOCX). A
 * cell of the next row opening a numbered item says nothing (a new paragraph of the cell).
 */
function cellsAtBreak(prev: Row, cur: Row): 'ended' | 'mixed' | null {
  let ended = 0;
  let full = 0;
  for (const c of cur.cells) {
    if (c.merged || c.text === '' || opensItem(c.text)) continue;
    const a = cellAt(prev, c.col);
    if (!a || a.merged || a.text === '' || a.col !== c.col || a.room == null) continue;
    if (a.room > firstWord(c.text) + ROOM_SLACK) ended++;
    else full++;
  }
  return ended === 0 ? null : full === 0 ? 'ended' : 'mixed';
}

function isContinuation(prev: Row, cur: Row, header: Row | null, inIndicators: boolean, level2Merged: boolean, table: readonly Row[]): boolean {
  if (isHeaderRow(cur) || isSubheaderRow(cur)) return false;
  const first = cur.cells.find((c) => c.text !== '' && !c.merged);
  if (!first) return false;
  if (ROW_LABEL.test(first.text)) return false;
  const prevCols = new Set(nonEmptyCols(prev, true));
  const curCols = nonEmptyCols(cur);
  // A level cell the row above leaves empty may be its merged cell, its text printed after the
  // break, on a row without its own 三级指标 (a new row has one).
  const l3 = levelColumn(header, LEVEL3_HEADER);
  const emptyLevels = inIndicators && l3 !== undefined && !(cellAt(cur, l3)?.text ?? '') ? [LEVEL1_HEADER, LEVEL2_HEADER].map((re) => levelColumn(header, re)).filter((c): c is number => c !== undefined && (cellAt(prev, c)?.text ?? '') === '') : [];
  // A core cell (三级指标 … 依据) that the row before the break lacks and every other row of the
  // table fills (two at least) is all after the break: a table rebuilt from text positions
  // leaves an empty cell out.
  const core = inIndicators ? coreColumns(header) : null;
  const others = table.filter((r) => r !== cur);
  const lackedOnly = (c: [number, number]) => !filledIn(prev, c) && others.filter((r) => !filledIn(r, c)).length <= 1 && others.filter((r) => filledIn(r, c)).length >= 2;
  const lacked = (c: number) => core != null && core.some((range) => c >= range[0] && c < range[1] && lackedOnly(range));
  if (!curCols.every((c) => prevCols.has(c) || emptyLevels.includes(c) || lacked(c))) return false;
  if (inIndicators) {
    // Level names always end in 指标: one cut short before the break continues after it.
    for (const re of [LEVEL1_HEADER, LEVEL2_HEADER]) {
      const col = levelColumn(header, re);
      if (col === undefined) continue;
      const a = cellAt(prev, col);
      const b = cellAt(cur, col);
      if (a && b && !a.merged && !b.merged && a.text !== '' && b.text !== '' && !LEVEL_NAME_END.test(a.text) && LEVEL_NAME_END.test(a.text + b.text)) return true;
    }
    // A cell before the break that ended with room to spare was complete: the row after is a new one.
    if (cellsAtBreak(prev, cur) != null) return false;
    // Where every row so far had its own 二级指标, a row with neither level after a break is a cut row's rest.
    const l1 = levelColumn(header, LEVEL1_HEADER);
    const l2 = levelColumn(header, LEVEL2_HEADER);
    if (!level2Merged && l1 !== undefined && l2 !== undefined && !(cellAt(cur, l1)?.text ?? '') && !(cellAt(cur, l2)?.text ?? '')) return true;
    // A row that opens a level of its own (a whole level name other than the one above) is a new
    // row; where the row above has no level there, the name may be its merged cell's text,
    // printed after the break (set at the bottom of the cell).
    for (const col of [l1, l2]) {
      const b = col === undefined ? undefined : cellAt(cur, col);
      const above = col === undefined ? '' : (cellAt(prev, col)?.text ?? '');
      if (b && !b.merged && LEVEL_NAME_END.test(b.text) && above !== '' && b.text !== above) return false;
    }
    if (!core) return curCols.length < prevCols.size - 1;
    // The row after fills such a cell: it is that row's rest, whatever else it holds (a value cut as 文字 + 描述).
    if (core.some((c) => lackedOnly(c) && filledIn(cur, c))) return true;
    // A new indicator row has its 三级指标 and every cell after it; a cut row lacks some.
    const filled = core.filter((c) => filledIn(cur, c)).length;
    return !filledIn(cur, core[0]!) || filled < core.length;
  }
  if (cellsAtBreak(prev, cur) != null) return false;
  // Text under a whole label of a project table (预算数) is no rest of it, unless the two make
  // a label (预算规模及资 + 金用途): the row is the next one, its own label merged from above.
  for (const col of curCols) {
    const a = cellAt(prev, col)?.text ?? '';
    const b = cellAt(cur, col)?.text ?? '';
    if (LABEL.test(a) && !LABEL.test(a + b)) return false;
  }
  // A plan header is followed by its values row, which is no continuation unless it holds only the label's rest.
  if (prev.cells.some((c) => PERIOD.test(c.text))) return curCols.every((c) => c === prev.cells[0]?.col);
  return curCols.length < prevCols.size || prevCols.size === 1;
}

/**
 * Whether `cur` is the rest of the indicator row above it: all its cells go on from that row
 * (merged copies) but for text in cells that row left empty, or text going on from the one
 * cell of that row whose last line is full (Cell.room: `…次督导检` + `查`). A rule drawn through one
 * column's cell (or a page break) cut the row there, the value set lower in its cell than the cut.
 */
function restOfRowAbove(prev: Row, cur: Row): boolean {
  const copies = cur.cells.filter((c) => c.merged && c.text !== '');
  const own = cur.cells.filter((c) => !c.merged && c.text !== '');
  const empty = (c: Cell) => (cellAt(prev, c.col)?.text ?? '') === '';
  // The one cell the rule cut, its text going on from a full last line (never a whole level name).
  const goesOn = (c: Cell) => {
    const a = cellAt(prev, c.col);
    return a != null && !a.merged && a.col === c.col && a.room != null && a.room <= firstWord(c.text) + ROOM_SLACK && !LEVEL_NAME_END.test(c.text);
  };
  return copies.length >= 2 && own.length > 0 && (own.every(empty) || (own.length === 1 && goesOn(own[0]!)));
}

/** A cell without its room (its text now ends where no room was measured). */
function withoutRoom(c: Cell): Cell {
  const { room: _, ...rest } = c;
  return rest;
}

/** A row whose own cells hold header words alone (指标值确定依据): no indicator row has them. */
function headerRest(row: Row): boolean {
  const own = row.cells.filter((c) => !c.merged && c.text !== '');
  return own.length > 0 && own.every((c) => INDICATOR_LABEL_WORDS.test(c.text));
}

/** A row with no text of its own (only merged copies of cells above, or nothing). */
function noOwnText(row: Row): boolean {
  return row.cells.every((c) => c.merged || c.text === '');
}

/**
 * Joins a cut row's rest into the rows before the break, cell by cell. A cell of the last row
 * that is a vertically merged copy continues the cell it copies, so every row it spans is
 * updated.
 */
function mergeInto(out: Row[], cur: Row): void {
  const last = out.length - 1;
  for (const add of cur.cells) {
    if (add.merged || add.text === '') continue;
    const target = out[last]!.cells.find((c) => c.col === add.col);
    // No cell there before the break (left out as empty): the rest is the cell, unless a cell
    // of the row already stands over its column.
    if (!target) {
      const over = out[last]!.cells.some((c) => c.col < add.col && add.col < c.col + c.colSpan);
      if (!over) out[last] = { ...out[last]!, cells: [...out[last]!.cells, { ...add }].sort((a, b) => a.col - b.col) };
      continue;
    }
    // A merged cell repeated on the new page (or rejoined above) is the same text, not a continuation.
    if (add.text === target.text) continue;
    let from = last;
    while (from > 0 && cellAt(out[from]!, add.col)?.merged && cellAt(out[from - 1]!, add.col)?.text === target.text) from--;
    const paras = [...target.paras];
    const lastPara = paras.pop();
    const newParas = [...paras, joinLines([lastPara ?? '', add.paras[0] ?? add.text]), ...add.paras.slice(1)];
    const text = joinLines([target.text, add.text]);
    for (let r = from; r <= last; r++) {
      out[r] = { ...out[r]!, cells: out[r]!.cells.map((c) => (c.col === add.col && c.text === target.text ? { ...withoutRoom(c), text, paras: newParas, ...(add.room != null ? { room: add.room } : {}) } : c)) };
    }
  }
  // A rest read with a guess (a text dump's Row.unsure) leaves the joined row a guess.
  if (cur.unsure && !out[last]!.unsure) out[last] = { ...out[last]!, unsure: `its rest on the next page: ${cur.unsure}` };
  // The joined row now ends on the page its rest was on.
  const end = cur.pageEnd ?? cur.page;
  if (end != null) out[last] = { ...out[last]!, pageEnd: Math.max(end, out[last]!.pageEnd ?? out[last]!.page ?? end) };
}

/**
 * A vertically merged 一级/二级指标 cell cut by the page break shows part of its text on each
 * page ("产出指" above, "标" below). When the two parts only make a level name together,
 * every row of both parts gets the whole name. Runs before cut rows are joined.
 */
function rejoinSplitLevels(rows: Row[]): Row[] {
  const out = rows.map((r) => ({ ...r, cells: r.cells.map((c) => ({ ...c })) }));
  const header = out.find(isHeaderRow);
  if (!header) return out;
  for (const re of [LEVEL1_HEADER, LEVEL2_HEADER]) {
    const col = header.cells.find((c) => re.test(c.text) && !c.merged)?.col;
    if (col === undefined) continue;
    for (let i = 1; i < out.length; i++) {
      if (!out[i]!.breakBefore) continue;
      let j = i;
      while (j < out.length && (isHeaderRow(out[j]!) || isSubheaderRow(out[j]!))) j++;
      let k = i - 1;
      while (k >= 0 && (isHeaderRow(out[k]!) || isSubheaderRow(out[k]!))) k--;
      // Both sides must be indicator rows: the cut lies inside the indicator part.
      if (j >= out.length || k < 0 || k < out.indexOf(header)) continue;
      const below = cellAt(out[j]!, col);
      const above = cellAt(out[k]!, col);
      if (below && above && above.text === '' && below.text !== '' && above.merged) fillAcross(out, k, col, continued(out, k, col) ?? below.text);
      if (!below || !above || below.text === '' || above.text === '') continue;
      const joined = joinLines([above.text, below.text]);
      if (LEVEL_NAME_END.test(above.text) || (below.text.length > 2 && LEVEL_NAME_END.test(below.text)) || !LEVEL_NAME_END.test(joined)) continue;
      const [a, b] = [above.text, below.text];
      for (let r = k; r >= 0; r--) {
        const c = cellAt(out[r]!, col);
        if (!c || c.text !== a) break;
        c.text = joined;
        c.paras = [joined];
        if (!c.merged) break;
      }
      for (let r = j; r < out.length; r++) {
        const c = cellAt(out[r]!, col);
        if (!c || c.text !== b || (r > j && !c.merged)) break;
        c.text = joined;
        c.paras = [joined];
      }
    }
  }
  return out;
}

/**
 * The text of the cell an empty merged level cell goes on from, where that cell's first row
 * opens its page (the cell began on the page before, its text printed there: a cell over three
 * pages): the text of that column in the last row before the break. Null where the empty
 * cell begins on its own page (its text is the next page's, fillAcross).
 */
function continued(out: readonly Row[], k: number, col: number): string | null {
  let top = k;
  while (top > 0 && cellAt(out[top]!, col)?.merged && cellAt(out[top - 1]!, col)?.text === '') top--;
  if (!out[top]!.breakBefore) return null;
  let r = top - 1;
  while (r >= 0 && (isHeaderRow(out[r]!) || isSubheaderRow(out[r]!))) r--;
  const text = r >= 0 ? (cellAt(out[r]!, col)?.text ?? '') : '';
  return text !== '' && !isHeaderRow(out[r]!) ? text : null;
}

/**
 * A merged level cell that runs to the foot of the page with no text there, its text printed
 * on the next page (centred or set at the bottom of the whole cell): its rows before the break
 * get that text too — unless the cell began on the page before that one (continued). Rows `k`
 * and up, while the cell is a merged copy of the same empty cell.
 */
function fillAcross(out: Row[], k: number, col: number, text: string): void {
  for (let r = k; r >= 0; r--) {
    const c = cellAt(out[r]!, col);
    if (!c || c.text !== '') break;
    c.text = text;
    c.paras = [text];
    if (!c.merged) break;
  }
}

export function stitchRows(input: readonly Row[]): Row[] {
  const rows = rejoinSplitLevels([...input]);
  // The indicator rows as read, before any is joined (after the first header).
  const firstHeader = rows.findIndex(isHeaderRow);
  const dataRows = firstHeader < 0 ? [] : rows.slice(firstHeader + 1).filter((r) => !isHeaderRow(r) && !isSubheaderRow(r));
  const out: Row[] = [];
  let header: Row | null = null;
  let inIndicators = false;
  let afterBreak = false;
  /** Whether some data row so far had an empty 二级指标 (the column has merged cells). */
  let level2Merged = false;
  for (let row of rows) {
    if (row.breakBefore) afterBreak = true;
    // A label merged over two rows of the project part that the break split (预算规模 | 及资金用途,
    // 预算规模及资 | 金用途): the whole label stands on the row before, and the row after goes on
    // without it, as an unbroken table has it.
    const before = out[out.length - 1];
    if (afterBreak && !inIndicators && before) {
      const [a, b] = [before.cells[0], row.cells[0]];
      if (a && b && a.col === b.col && !LABEL.test(a.text) && !LABEL.test(b.text) && TWO_ROW_LABEL.test(a.text + b.text)) {
        out[out.length - 1] = { ...before, cells: [{ ...a, text: a.text + b.text, paras: [a.text + b.text] }, ...before.cells.slice(1)] };
        row = { ...row, cells: row.cells.slice(1) };
      }
    }
    if (isHeaderRow(row)) {
      if (header && afterBreak) continue; // repeated header
      header = row;
      inIndicators = true;
      out.push(row);
      continue;
    }
    if (isSubheaderRow(row) && afterBreak && out.some((r) => isSubheaderRow(r) || sameRow(r, row))) continue;
    // A row with no text of its own at the foot of the page is a row the break moved whole to
    // the next page, its borders drawn on both (or its cells' text all printed after the break):
    // it is dropped, and the row after the break is weighed against the row before it.
    if (afterBreak && out.length > 1 && noOwnText(out[out.length - 1]!) && !isHeaderRow(out[out.length - 1]!) && !noOwnText(row)) out.pop();
    const prev = out[out.length - 1];
    // The indicator header cut by the break (二级 | 指标, 指标值确定依据 on the next page): its
    // rest makes the row above a header row.
    if (afterBreak && prev && !header && !isHeaderRow(prev) && !isSubheaderRow(row)) {
      const trial = [...out];
      mergeInto(trial, row);
      if (isHeaderRow(trial[trial.length - 1]!)) {
        out.splice(0, out.length, ...trial);
        header = out[out.length - 1]!;
        inIndicators = true;
        afterBreak = false;
        continue;
      }
    }
    // The rest of a header row cut by the break (指标值确定依据 alone on the next page): header
    // words only, or the ends of the header's labels (一级指标 · 二级 · 三级指标 … above, 指标
    // below: the row above is a header by its other labels already).
    if (afterBreak && prev && isHeaderRow(prev) && prev === header && !isSubheaderRow(row)) {
      const trial = [...out];
      mergeInto(trial, row);
      const joined = trial[trial.length - 1]!;
      const own = row.cells.filter((c) => !c.merged && c.text !== '');
      if (headerRest(row) || (own.length > 0 && own.every((c) => INDICATOR_LABEL_WORDS.test(cellAt(joined, c.col)?.text ?? '')))) {
        out.splice(0, out.length, ...trial);
        header = joined;
        afterBreak = false;
        continue;
      }
    }
    // A row that no rule closes at the foot of the page, nor above its rest, was cut, whatever its cells look like.
    const open = prev?.openBelow === true && row.openAbove === true;
    const rest = inIndicators && prev != null && !isHeaderRow(prev) && !isSubheaderRow(prev) && restOfRowAbove(prev, row);
    if (rest || (afterBreak && prev && !isHeaderRow(prev) && !isSubheaderRow(prev) && (open || isContinuation(prev, row, header, inIndicators, level2Merged, dataRows)))) {
      mergeInto(out, row);
      afterBreak = false;
      continue;
    }
    afterBreak = false;
    if (inIndicators && !isSubheaderRow(row)) {
      const l2 = levelColumn(header, LEVEL2_HEADER);
      const l3 = levelColumn(header, LEVEL3_HEADER);
      if (l2 !== undefined && l3 !== undefined && !(cellAt(row, l2)?.text ?? '') && (cellAt(row, l3)?.text ?? '')) level2Merged = true;
    }
    out.push({ ...row, breakBefore: false });
  }
  return out;
}

/** The longest text a cell's rest cut off by a page break can be taken for, standing alone. */
const MAX_REST = 12;

/**
 * Whether `b` is text of a cell of `prev`'s last row that the page break set apart: a short
 * paragraph inside one column of the table, at the top of the next page before the table's
 * continuation (`next`; a header cut as 指标值确定依 + 据), or at the foot of the page under
 * the last row, the table going on on the next page (a label cut as 预算规模 + 及资 + 金用途).
 * Returns that column.
 */
function cellRest(prev: Block | undefined, b: Block, next: Block | undefined): number | null {
  if (b.kind !== 'para' || prev?.kind !== 'table' || next?.kind !== 'table' || prev.columns !== 'grid' || next.columns !== 'grid') return null;
  if (!prev.xs || !b.bbox || b.page == null || prev.page == null || next.page == null) return null;
  if ([...b.text].length > MAX_REST || /\s/.test(b.text)) return null;
  const last = prev.rows[prev.rows.length - 1];
  if (!last) return null;
  const top = next.rows[0]?.bbox;
  const atTop = next.page === b.page && b.page === lastPage(prev) + 1 && !(top != null && top[1] < b.bbox[1]);
  const atFoot = b.page === lastPage(prev) && next.page === b.page + 1 && last.bbox != null && (last.pageEnd ?? last.page) === b.page && b.bbox[1] >= last.bbox[1];
  if (!atTop && !atFoot) return null;
  const xs = prev.xs;
  const col = columnAt(xs, (b.bbox[0] + b.bbox[2]) / 2);
  if (b.bbox[0] < xs[col]! - X_SNAP || b.bbox[2] > xs[col + 1]! + X_SNAP) return null;
  const cell = cellAt(last, col);
  return cell && cell.text !== '' && !cell.merged ? col : null;
}

/** The most lines of a cut row's rests set side by side at the top of the next page. */
const MAX_REST_LINES = 6;

/** Each part of a paragraph with its box: the parts of a line set far apart, or the paragraph whole. */
function partsOf(b: Block): Array<{ text: string; box: [number, number] }> | null {
  if (b.kind !== 'para' || !b.bbox) return null;
  const texts = b.text.split('\t');
  if (texts.length === 1) return [{ text: b.text, box: [b.bbox[0], b.bbox[2]] }];
  if (b.parts?.length !== texts.length) return null;
  return texts.map((text, k) => ({ text, box: [b.parts![k]![0], b.parts![k]![2]] }));
}

/**
 * The rests of a table's last row that a page break cut, where the browser printing it set them
 * side by side at the top of the next page, outside any table (the table ended with that row:
 * the next project's title follows). The paragraphs from `input[i]` on are such rests when the
 * first is a line of two parts or more and every part of every line stands inside one column of
 * the table, where that column's text starts, and the row has text of its own in that column,
 * filling its last line where its room is measured (lines after the first only in the columns
 * the first opened, each under the one before). The
 * lines of each column, and how many paragraphs they are; null otherwise.
 */
function rowRests(prev: Table, input: readonly Block[], i: number): { lines: Map<number, string[]>; count: number } | null {
  const first = input[i]!;
  if (first.kind !== 'para' || prev.columns !== 'grid' || !prev.xs || first.page == null || first.page !== lastPage(prev) + 1) return null;
  const last = prev.rows[prev.rows.length - 1];
  if (!last || (last.pageEnd ?? last.page) !== lastPage(prev)) return null;
  const xs = prev.xs;
  // The column a part stands in, where the column's text starts; null if none.
  const columnOf = ({ box: [x0, x1] }: { box: [number, number] }): number | null => {
    const col = columnAt(xs, x0 + X_SNAP);
    if (x0 < xs[col]! - X_SNAP || x1 > xs[col + 1]! + X_SNAP) return null;
    const start = prev.starts?.[col];
    if (start != null ? Math.abs(x0 - start) > X_SNAP : x0 - xs[col]! > TEXT_IN) return null;
    const cell = cellAt(last, col);
    return cell && cell.col === col && cell.text !== '' && !cell.merged ? col : null;
  };
  const opening = partsOf(first);
  if (!opening || opening.length < 2) return null;
  const lines = new Map<number, string[]>();
  for (const part of opening) {
    const col = columnOf(part);
    if (col == null || lines.has(col)) return null;
    // A drawn cell that ended with room for the rest's first word did not go on (Cell.room).
    const room = cellAt(last, col)!.room;
    if (room != null && room > firstWord(part.text) + ROOM_SLACK) return null;
    lines.set(col, [part.text]);
  }
  let count = 1;
  let bottom = first.bbox![3];
  const height = first.bbox![3] - first.bbox![1];
  for (let k = i + 1; k < input.length && count < MAX_REST_LINES; k++) {
    const b = input[k]!;
    const parts = partsOf(b);
    if (!parts || b.kind !== 'para' || b.page !== first.page || b.bbox![1] - bottom > height * 0.5) break;
    const cols = parts.map(columnOf);
    if (cols.some((c) => c == null || !lines.has(c)) || new Set(cols).size !== cols.length) break;
    parts.forEach((part, j) => lines.get(cols[j]!)!.push(part.text));
    bottom = b.bbox![3];
    count++;
  }
  return { lines, count };
}

/** A short paragraph of one word on page `page`: what a cell's rest cut off by a page break may be. */
function isShortRest(b: Block, page: number | null | undefined): boolean {
  return b.kind === 'para' && b.page === page && [...b.text].length <= MAX_REST && !/\s/.test(b.text);
}

/** Joins a table and its continuation on the next page into one table. */
function joinAcrossPages(input: readonly Block[]): Block[] {
  const out: Block[] = [];
  // A cell's rest standing alone at the top of the next page goes back into its cell.
  const blocks: Block[] = [];
  // Rests of several cells of the last row set side by side at the top of the next page.
  let skip = 0;
  input.forEach((b, i) => {
    if (skip > 0) {
      skip--;
      return;
    }
    const prev = blocks[blocks.length - 1];
    const rests = prev?.kind === 'table' ? rowRests(prev, input, i) : null;
    if (rests && prev?.kind === 'table') {
      const last = prev.rows[prev.rows.length - 1]!;
      const cells = last.cells.map((c) => {
        const lines = rests.lines.get(c.col);
        if (!lines) return c;
        const paras = [...c.paras.slice(0, -1), joinLines([c.paras[c.paras.length - 1] ?? '', ...lines])];
        return { ...withoutRoom(c), paras, text: cleanText(paras.join(' ')) };
      });
      blocks[blocks.length - 1] = { ...prev, rows: [...prev.rows.slice(0, -1), { ...last, cells, pageEnd: b.page }] };
      skip = rests.count - 1;
      return;
    }
    // The table's continuation stands after every such rest (a cell wrapped a character a line: 指 · 标).
    let k = i + 1;
    while (k < input.length && isShortRest(input[k]!, b.page)) k++;
    const col = isShortRest(b, b.page) ? cellRest(prev, b, input[k]) : null;
    if (col == null || prev?.kind !== 'table' || b.kind !== 'para') {
      blocks.push(b);
      return;
    }
    const last = prev.rows[prev.rows.length - 1]!;
    const cells = last.cells.map((c) => {
      if (c !== cellAt(last, col)) return c;
      const paras = [...c.paras.slice(0, -1), joinLines([c.paras[c.paras.length - 1] ?? '', b.text])];
      return { ...withoutRoom(c), paras, text: cleanText(paras.join(' ')) };
    });
    blocks[blocks.length - 1] = { ...prev, rows: [...prev.rows.slice(0, -1), { ...last, cells, pageEnd: b.page }] };
  });
  for (const b of blocks) {
    const prev = out[out.length - 1];
    if (
      b.kind === 'table' &&
      prev?.kind === 'table' &&
      prev.columns === 'grid' &&
      b.columns === 'grid' &&
      b.page != null &&
      prev.page != null &&
      b.page > lastPage(prev)
    ) {
      const [a, c] = alignText(prev, b);
      const [first, ...rest] = c.rows;
      out[out.length - 1] = { ...a, rows: [...a.rows, { ...first!, breakBefore: true }, ...rest] };
      continue;
    }
    out.push(b);
  }
  return out;
}

/** Column-boundary tolerance when two pages' grids are put on one. */
const X_SNAP = 3;

/**
 * Puts two tables on one grid: a continuation page may draw fewer or more column lines, so
 * both tables' cells are re-indexed on the union of their column boundaries.
 */
function alignGrids(a: Table, b: Table): [Table, Table] {
  if (!a.xs || !b.xs) return [a, b];
  const union: number[] = [];
  for (const x of [...a.xs, ...b.xs].sort((p, q) => p - q)) {
    if (union.length && x - union[union.length - 1]! <= X_SNAP) continue;
    union.push(x);
  }
  const index = (x: number) => union.findIndex((u) => Math.abs(u - x) <= X_SNAP);
  const remap = (t: Table): Table => ({
    ...t,
    xs: union,
    rows: t.rows.map((r) => ({
      ...r,
      cells: r.cells.map((c) => {
        const col = index(t.xs![c.col]!);
        const end = index(t.xs![c.col + c.colSpan]!);
        return { ...c, col, colSpan: Math.max(1, end - col) };
      }),
    })),
  });
  return [remap(a), remap(b)];
}

/** Whether a table was read from a page image (its cells carry OCR confidence). */
const scanned = (t: Table) => t.rows.some((r) => r.cells.some((c) => c.confidence != null));

/**
 * A scanned or photographed continuation page stands where the sheet lay, not where the
 * first page did: shifted a few millimetres, a photograph's perspective scaling it too, so
 * its column lines miss the first page's by more than the snap. Where the continuation draws
 * as many column lines as the last row before the break uses (edges of its cells, merged ones
 * included), and one shift and scale puts each near its partner (within a quarter of the
 * narrowest column), they are the same lines: the continuation's are moved onto them. Otherwise the continuation is left as
 * it is.
 */
function registered(a: Table, b: Table): Table {
  if (!a.xs || !b.xs || !scanned(a) || !scanned(b)) return b;
  const last = a.rows[a.rows.length - 1];
  if (!last) return b;
  const edges = [...new Set(last.cells.flatMap((c) => [c.col, c.col + c.colSpan]))].sort((p, q) => p - q).map((k) => a.xs![k]!);
  const own = b.xs;
  if (edges.length !== own.length || own.length < 3) return b;
  // Least squares of edges on own: x' = scale · x + shift.
  const n = own.length;
  const mx = own.reduce((t, x) => t + x, 0) / n;
  const my = edges.reduce((t, x) => t + x, 0) / n;
  const sxx = own.reduce((t, x) => t + (x - mx) ** 2, 0);
  const scale = own.reduce((t, x, i) => t + (x - mx) * (edges[i]! - my), 0) / sxx;
  if (!(scale > 0.9 && scale < 1.1)) return b;
  // Each within a quarter of the narrowest column of its partner (a perspective does not
  // scale a page evenly: the fit leaves a few points), so no line could be taken for the next.
  const narrowest = Math.min(...edges.slice(1).map((x, i) => x - edges[i]!));
  const moved = own.map((x) => my + scale * (x - mx));
  if (moved.some((x, i) => Math.abs(x - edges[i]!) > narrowest / 4)) return b;
  if (own.every((x, i) => Math.abs(x - edges[i]!) <= X_SNAP)) return b;
  return { ...b, xs: [...edges] };
}

/**
 * Puts a text-position table and its continuation on one grid. Such columns are placed at the
 * middle of the gaps between texts, which move with each page's content (and a page may show a
 * gap the other does not): the part with more columns gives the grid, and each column of the
 * other goes to the column where its text stands. Drawn grids are put on the union of both
 * (alignGrids).
 */
function alignText(a: Table, b: Table): [Table, Table] {
  if (!a.xs || !b.xs || a.rules !== 'text' || b.rules !== 'text') return alignGrids(a, registered(a, b));
  return b.xs.length > a.xs.length ? [onGrid(a, b), b] : [a, onGrid(b, a)];
}

/** How far in from a column's left edge its text stands, at most (points: three characters). */
const TEXT_IN = 30;

/** A text-position table's cells re-indexed on the columns of `grid`, by where its own columns' text stands. */
function onGrid(t: Table, grid: Table): Table {
  const own = t.xs!;
  const xs = grid.xs!;
  // A column goes where its text stands: a few characters in from its left edge (a wide
  // column's middle may lie over the next column of the grid), or its middle if narrower — or
  // where its text starts, when that is further in (a column beside empty ones is wide, its
  // left edge far from its text: the 依据 beside empty 值 and 单位 on a page holding a row's
  // rest). Not the start alone: a page of a dump may stand a few columns off the other's.
  const map = own.slice(0, -1).map((x, j) => {
    const start = t.starts?.[j];
    return columnAt(xs, start != null && start - x > TEXT_IN ? start + 1 : x + Math.min((own[j + 1]! - x) / 2, TEXT_IN));
  });
  return {
    ...t,
    xs,
    starts: grid.starts,
    rows: t.rows.map((r) => {
      const cells: Cell[] = [];
      for (const c of r.cells) {
        const col = map[c.col]!;
        const end = map[Math.min(c.col + c.colSpan, map.length) - 1]!;
        const same = cells.find((x) => x.col === col);
        // Two columns of one part in one column of the grid: one cell, its texts in order.
        if (same) Object.assign(same, cellOf([...same.paras, ...c.paras], col, Math.max(same.colSpan, end - col + 1)));
        else cells.push({ ...c, col, colSpan: end - col + 1 });
      }
      return { ...r, cells };
    }),
  };
}

function lastPage(t: Table): number {
  return t.rows.reduce((m, r) => Math.max(m, r.page ?? t.page ?? 0), t.page ?? 0);
}

export function stitchTables(model: DocModel): Result<DocModel> {
  const blocks = joinAcrossPages(model.blocks).map((b) =>
    b.kind === 'table' && b.columns === 'grid' ? { ...b, rows: stitchRows(b.rows) } : b,
  );
  return { value: { ...model, blocks }, messages: [] };
}
