/**
 * Plain-text dump loader. Three layouts occur, recognised from the lines themselves:
 *
 * - PDF-style: one table row per line, cells separated by tabs, one field per grid column
 *   (merged cells leave empty fields); a blank line inside a table is a page break, after
 *   which the header may repeat and a cut row may continue as a short row.
 * - DOCX-style: one cell per line, each starting with a tab, rows separated by blank lines;
 *   lines without a tab right after a cell continue that cell; empty cells appear as a bare
 *   tab or go missing (so only the order of cells is known).
 *
 * - Cell-per-line (LibreOffice's text export): one cell per line with no tab at all, an empty
 *   cell as an empty line; rows are rebuilt from the tables' labels (text/cells.ts).
 *
 * All become the same intermediate model as the other loaders. Page-break repair (stitching
 * cut rows) is a later stage; this loader only marks where breaks are.
 */
import { type Block, type Cell, type DocModel, type Row, cellOf, para } from '../model.js';
import { InputError } from '../errors.js';
import { PAGE_NUMBER, cleanText, hasControlChars, joinLines } from '../text/clean.js';
import { splitItems } from '../text/numbering.js';
import { type Message, type Result, controlCharsMessage } from '../diagnostics.js';
import { OPENS_BLOCK, OPENS_ITEM, PROJECT_TABLE_LABEL, TOC_LINE_BARE, TOC_LINE_DUMP, opensText } from '../vocab.js';
import { type ContentsLine, contentsRuns } from '../text/contents.js';
import { decodeText, utf16WithoutBom } from '../text/encoding.js';
import { isCellPerLine, loadCellPerLine } from '../text/cells.js';
import { projectFields } from '../text/blocks.js';
import { type PageContent, assemble, pageContent } from '../layout/index.js';
import { MONO_SIZE, hasColumns, monospacePage } from '../layout/monospace.js';
import { PART, PROJECT_CODE_SHAPE, PROJECT_TITLE_END, TABLE_WORDS } from '../vocab.js';
import { message } from '../diagnostics.js';

export type TxtLayout = 'pdf' | 'docx' | 'cells' | 'columns' | 'blocks';

const BLANK = /^[\s\u00A0\u3000]*$/;


/** Contents lines are short; longer ones are never tested against the contents patterns (they could backtrack). */
const MAX_TOC_LINE = 300;

/** Lines that are contents entries: with leaders, or in a run of bare `title<TAB>page` lines (text/contents.ts). */
function contentsLines(lines: readonly string[]): Set<number> {
  const runs = contentsRuns(
    lines.map((l): ContentsLine => {
      const m = l.length <= MAX_TOC_LINE ? TOC_LINE_BARE.exec(l) : null;
      if (m) return { page: Number(m[1]) };
      return BLANK.test(l) || !l.includes('\t') ? 'neutral' : 'other';
    }),
  );
  lines.forEach((l, i) => l.length <= MAX_TOC_LINE && TOC_LINE_DUMP.test(l) && runs.add(i));
  return runs;
}

/** A line holding two or more tab-separated non-empty fields is a PDF-style table row. */
function isMultiField(line: string): boolean {
  return line.split('\t').filter((f) => !BLANK.test(f)).length >= 2;
}

/**
 * Whether the dump sets its tables in monospace columns (`pdftotext -layout`): no line holds a
 * tab, and a line set in columns (two spaces or more between pieces) holds the start of three
 * of an indicator header's names (一级 · 二级 · 三级 · 绩效指标 · 指标值: a narrow column wraps
 * the rest of them onto the lines below).
 */
function isColumns(lines: readonly string[]): boolean {
  if (lines.some((l) => l.includes('\t'))) return false;
  return lines.some((l) => l.length <= MAX_TOC_LINE && hasColumns(l) && new Set(l.match(HEADER_STARTS) ?? []).size >= 3);
}

/** The starts of an indicator header's names, as a narrow column leaves them on the header's first line. */
const HEADER_STARTS = /一级|二级|三级|绩效指标|指标值/g;

export function detectLayout(lines: readonly string[], contents = contentsLines(lines)): TxtLayout {
  // No tab in any table line: one cell per line (text/cells.ts).
  if (isCellPerLine(lines, contents)) return 'cells';
  if (isColumns(lines)) return 'columns';
  if (isBlocks(lines)) return 'blocks';
  let multi = 0;
  let single = 0;
  for (const [i, l] of lines.entries()) {
    if (!l.includes('\t') || contents.has(i)) continue;
    if (isMultiField(l)) multi++;
    else if (l.startsWith('\t')) single++;
  }
  return multi > single ? 'pdf' : 'docx';
}

/**
 * One cell from a dump field. `<p>…</p>` markup that some dumps keep becomes paragraphs; so
 * does a numbered item that follows white space inside a flattened field.
 */
function makeCell(raw: string, col: number, unwrap = false): Cell {
  const pieces = raw.includes('<p>') || raw.includes('</p>') ? raw.split(/<\/?p>/) : [raw];
  const paras = pieces
    .flatMap(splitItems)
    // In a tab-per-column dump the spaces inside a field are where the cell's lines wrapped.
    .map((t) => (unwrap ? joinLines(t.split(/[\s\u00A0]+/)) : cleanText(t)));
  return cellOf(paras, col);
}

function rowOf(fields: string[], breakBefore: boolean, line: number): Row {
  return { cells: fields.map((f, i) => makeCell(f, i, true)), page: null, breakBefore, line };
}

/** A paragraph from dump line `n` (1-based), or null for a page number or blank. */
function paraLine(text: string, n: number): Block | null {
  if (PAGE_NUMBER.test(text)) return null;
  const parts = text.split('\t').map(cleanText).filter((t) => t !== '');
  if (parts.length === 0) return null;
  return { ...para(parts.join('\t')), line: n };
}

function loadPdfStyle(lines: readonly string[], contents: ReadonlySet<number>): Block[] {
  const blocks: Block[] = [];
  let table: Row[] | null = null;
  let sawBreak = false;
  const next = (i: number) => {
    for (let k = i + 1; k < lines.length; k++) if (!BLANK.test(lines[k]!) && !PAGE_NUMBER.test(lines[k]!)) return lines[k]!;
    return null;
  };
  const close = () => {
    if (table && table.length) blocks.push({ kind: 'table', rows: table, page: null, columns: 'grid' });
    table = null;
  };
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (BLANK.test(line) || (table && PAGE_NUMBER.test(line))) {
      if (table) sawBreak = true;
      continue;
    }
    if (line.includes('\t') && !contents.has(i) && (isMultiField(line) || line.startsWith('\t'))) {
      const fields = line.split('\t');
      if (fields.length > 1 && BLANK.test(fields[fields.length - 1]!)) fields.pop();
      if (!table) {
        table = [];
        sawBreak = false;
      }
      table.push(rowOf(fields, sawBreak, i + 1));
      sawBreak = false;
      continue;
    }
    // A short line between two rows of one table, after a page break, is the rest of a cut row.
    const following = next(i);
    if (table && sawBreak && following != null && following.includes('\t') && cleanText(line).length <= 20) {
      table.push(rowOf([line], true, i + 1));
      sawBreak = false;
      continue;
    }
    close();
    const p = paraLine(line, i + 1);
    if (p) blocks.push(p);
  }
  close();
  return blocks;
}

function loadDocxStyle(lines: readonly string[], contents: ReadonlySet<number>): Block[] {
  const blocks: Block[] = [];
  let rows: Row[] | null = null;
  let cur: string[][] | null = null; // current row: cells as lists of paragraph lines
  let curLine = 0; // 1-based line where the current row starts
  let blankRun = false;
  /** The row ended last, as written, so an empty paragraph's blank line can be taken back. */
  let lastRaw: { cells: string[][]; line: number } | null = null;
  const endRow = () => {
    if (cur && rows) {
      // Each line of a cell is one of its paragraphs.
      const cells = cur.map((paras, i) => cellOf(paras.map(cleanText), i));
      if (cells.length) {
        rows.push({ cells, page: null, breakBefore: false, line: curLine });
        lastRaw = { cells: cur, line: curLine };
      }
    }
    cur = null;
  };
  /** Whether the table goes on after line `i` and the lines without a tab right after it. */
  const tableGoesOn = (i: number): boolean => {
    let k = i + 1;
    while (k < lines.length && !BLANK.test(lines[k]!) && !lines[k]!.includes('\t')) k++;
    while (k < lines.length && BLANK.test(lines[k]!) && !lines[k]!.includes('\t')) k++;
    return k < lines.length && lines[k]!.startsWith('\t');
  };
  const endTable = () => {
    endRow();
    if (rows && rows.length) blocks.push({ kind: 'table', rows, page: null, columns: 'order' });
    rows = null;
  };
  for (const [i, line] of lines.entries()) {
    if (BLANK.test(line) && !line.includes('\t')) {
      endRow();
      blankRun = true;
      continue;
    }
    if (line.includes('\t') && !contents.has(i)) {
      rows ??= [];
      if (!cur) {
        cur = [];
        curLine = i + 1;
      }
      const fields = line.split('\t');
      const first = fields.shift()!;
      if (!BLANK.test(first)) {
        // Text before the first tab continues the previous cell, or is a cell of its own.
        if (cur.length) cur[cur.length - 1]!.push(first);
        else cur.push([first]);
      } else if (first !== '' && !line.startsWith('\t')) cur.push(['']);
      for (const f of fields) cur.push([f]);
      // A line ending in a tab leaves one empty field that is no cell of its own.
      if (fields.length > 1 && BLANK.test(fields[fields.length - 1]!) && fields[fields.length - 1] === '') cur.pop();
      blankRun = false;
      continue;
    }
    if (cur && cur.length && !blankRun) {
      // A line without a tab right after a cell line is another paragraph of that cell.
      cur[cur.length - 1]!.push(line);
      continue;
    }
    // A cell's empty paragraph is a blank line inside the cell: text after it, with the table
    // going on below, is the same cell's next paragraph — unless it opens something new.
    // (lastRaw is set inside endRow, where the compiler's narrowing does not look.)
    const back = lastRaw as { cells: string[][]; line: number } | null;
    if (blankRun && rows && back && rows.length && tableGoesOn(i) && !OPENS_BLOCK.test(cleanText(line))) {
      rows.pop();
      cur = back.cells;
      curLine = back.line;
      cur[cur.length - 1]!.push(line);
      blankRun = false;
      continue;
    }
    endTable();
    const p = paraLine(line, i + 1);
    if (p) blocks.push(p);
    blankRun = false;
  }
  endTable();
  return blocks;
}

/**
 * A monospace dump (`pdftotext -layout`) read as pages of positioned text (layout/monospace.ts)
 * through the layout engine's rules for tables without drawn lines: its tables come out as
 * rule-less ones (`rules: 'text'`) and say so. `pageStarts`: the line (in `lines`) each page
 * starts on. Rows and paragraphs get the dump's line (1-based, plus `offset`), no page box. The
 * indicator header's columns are carried from page to page (a table going on without it); a
 * row set by a guess (Row.unsure) says why, and so do the rows that take their merged cells from it.
 */
function loadColumns(lines: readonly string[], pageStarts: readonly number[], offset: number): { blocks: Block[]; messages: Message[] } {
  const pages: PageContent[] = [];
  const lineOf: Array<(top: number) => number> = [];
  const doubts: Array<Map<number, string>> = [];
  const starts = [...new Set([0, ...pageStarts.filter((s) => s > 0 && s < lines.length)])].sort((a, b) => a - b);
  const messages: Message[] = [];
  // The indicator header's columns, carried to the next page (a table going on without its header).
  let header: readonly number[] = [];
  starts.forEach((from, k) => {
    const to = starts[k + 1] ?? lines.length;
    const page = monospacePage(lines.slice(from, to), TABLE_WORDS, header);
    header = page.header;
    const content = pageContent(k + 1, page.items, [], { view: page.view }, TABLE_WORDS);
    pages.push(content);
    messages.push(...content.messages);
    // The engine leaves out a page whose text reads as glyph garbage: the dump says so.
    if (content.unreadable) messages.push(message('page-unreadable', `page ${k + 1} of the text dump (lines ${from + 1 + offset}–${to + offset}): its text reads as garbage and was left out`));
    lineOf.push((top) => from + page.lineOf(top) + 1 + offset);
    doubts.push(new Map([...page.doubts].map(([l, why]) => [from + l + 1 + offset, why])));
  });
  const assembled = assemble(pages, TABLE_WORDS);
  // A paragraph right after a table's last row — on the line under it, or first on the next
  // page — set in the table's inner columns (not at its left edge): the row's cells may run on
  // into it (a wrapped cell's end the table rules left out, a cut row's rest). The row says so.
  // On the next page its column tells nothing (pdftotext sets each page from its own leftmost
  // text: a cut row's rest alone at the top stands at column 0): there, a paragraph that opens
  // no block will do.
  const runsOn = new Set<Row>();
  /** The paragraphs such rows may run on into: a part-one item taking one as its text says so too. */
  const runInto = new Set<Block>();
  assembled.forEach((b, i) => {
    const next = assembled[i + 1];
    if (b.kind !== 'table' || next?.kind !== 'para' || !next.bbox || next.page == null) return;
    const last = b.rows[b.rows.length - 1];
    if (!last?.bbox || last.page == null) return;
    if (next.page === last.page ? next.bbox[0]! <= last.bbox[0]! + MONO_SIZE * 2 : OPENS_BLOCK.test(next.text) || OPENS_ITEM.test(next.text)) return;
    const lastLine = lineOf[last.page - 1]!(last.bbox[3] - MONO_SIZE * 1.2);
    const paraLine = lineOf[next.page - 1]!(next.bbox[1]!);
    if (next.page === last.page ? paraLine === lastLine + 1 : next.page === last.page + 1) {
      runsOn.add(last);
      runInto.add(next);
    }
  });
  const blocks = assembled.map((b): Block => {
    const at = (page: number | null, bbox: readonly number[] | null | undefined) => (page != null && bbox ? lineOf[page - 1]!(bbox[1]!) : null);
    if (b.kind === 'para') {
      const line = at(b.page, b.bbox);
      const unsure = runInto.has(b) ? `line ${line} stands right after the last row of a table, in its inner columns: it may be the rest of that row's cells (read as a paragraph)` : null;
      return { ...b, line, bbox: null, ...(unsure ? { unsure } : {}) };
    }
    return {
      ...b,
      rows: b.rows.map((r) => {
        const line = at(r.page, r.bbox);
        // The row's last line: its box's bottom is a fifth of a size under its last baseline.
        const last = r.page != null && r.bbox ? lineOf[r.page - 1]!(r.bbox[3] - MONO_SIZE * 1.2) : line;
        let unsure: string | undefined;
        for (let l = line ?? 0; line != null && last != null && l <= last && !unsure; l++) unsure = doubts[r.page! - 1]!.get(l);
        if (!unsure && runsOn.has(r)) unsure = 'the text right after this row, the last of its table (on the next line, or first on the next page), stands in the table\'s inner columns: the row\'s cells may run on into it (read as a paragraph)';
        return { ...r, line, bbox: null, ...(unsure ? { unsure } : {}) };
      }),
    };
  });
  // Tables one after another (a table going on over the next page, its parts joined later) as one.
  let run: Row[] = [];
  for (const b of [...blocks, null]) {
    if (b?.kind === 'table') run.push(...b.rows);
    else {
      inheritDoubt(run);
      run = [];
    }
  }
  return { blocks, messages };
}

/**
 * A row whose first cells are empty takes them from the rows above (merged cells: 一级指标,
 * 二级指标); where the row they come from was read with a guess, so is what this row takes.
 * Marks such rows unsure, saying so.
 */
function inheritDoubt(rows: Row[]): void {
  // For each column, whether its last text came from a row read with a guess.
  const doubtful = new Map<number, boolean>();
  for (const r of rows) {
    const filled = r.cells.filter((c) => c.text !== '').map((c) => c.col);
    const first = filled.length ? Math.min(...filled) : Infinity;
    if (!r.unsure && filled.length) {
      const from = [...doubtful].filter(([c, d]) => d && c < first).map(([c]) => c);
      if (from.length) r.unsure = `its first cells are empty and take the merged cells of a row above that was read with a guess: which merged cells it stands under is a guess`;
    }
    for (const c of filled) doubtful.set(c, r.unsure != null);
  }
}

/**
 * The first line of a table in a dump without cells: a project table's label (wrapped in a
 * narrow column: 项目编 · 码), a project code alone (its label wrapped below it: 项目 · code ·
 * 项目名称 … 编码), or an indicator header's first name (一级指 · 标, or 一级 alone with 指标
 * wrapped far below it, as part one's narrower first column leaves it).
 */
function opensTableText(t: string): boolean {
  return /^(项目编|项目名称|预算项目绩效表$|项目绩效模板|一级指|一级$)|项目名称$/.test(t) || PROJECT_CODE_SHAPE.test(t);
}

/**
 * Whether the dump writes its tables without cells (plain pdftotext: a table's text blocks one
 * after another, a column's cells and a row's cells in whatever order its blocks came): no tab
 * anywhere, and a project table's labels or an indicator header stand among its lines.
 */
function isBlocks(lines: readonly string[]): boolean {
  return !lines.some((l) => l.includes('\t')) && lines.some((l) => opensTableText(l.trim()));
}

/**
 * A dump whose tables come as text blocks (plain pdftotext) read as honestly as it can be: its
 * lines outside tables are paragraphs; each table's lines, from its first label to the next
 * heading or project title, are kept as a table of one cell per line (so that its project
 * keeps a table and the table's rows their places), every row saying that its cells could not
 * be put in their rows and columns. The document says so once.
 */
function loadBlocks(lines: readonly string[], contents: ReadonlySet<number>, offset: number): { blocks: Block[]; messages: Message[] } {
  const blocks: Block[] = [];
  const messages: Message[] = [];
  const why = 'the dump writes this table\'s text block by block (a column\'s cells, then the next column\'s, in the order of the page\'s text blocks): its rows and columns cannot be rebuilt, and its cells were not read';
  const whyFields = 'the dump writes the project table block by block, and this field was taken from the order of its lines';
  /** The last project title before the table (its name confirms the table's 项目名称). */
  let title: string | null = null;
  // A line opening with six digits and then letters or digits is a project code (13081122P…),
  // not a unit line (106006 单位名): the table goes on.
  const unitLine = (t: string) => OPENS_BLOCK.test(t) && !/^\d{6}[0-9A-Za-z]/.test(t) && !PROJECT_TITLE_END.test(t);
  const ends = (t: string, indicators = true) => PART.test(t) || (t.length <= 120 && PROJECT_TITLE_END.test(t)) || (indicators && unitLine(t)) || opensText(t);
  for (let i = 0; i < lines.length; i++) {
    const t = cleanText(lines[i]!);
    if (!contents.has(i) && opensTableText(t)) {
      const rows: Row[] = [];
      let k = i;
      // Above its indicator header a project table goes on over a unit line or 单位：万元 that
      // the page's blocks set among its labels; below it such a line begins the next project.
      let indicators = false;
      for (; k < lines.length; k++) {
        const x = cleanText(lines[k]!);
        if (k > i && (ends(x, indicators) || contents.has(k))) break;
        indicators ||= /^一级/.test(x);
        if (x === '' || PAGE_NUMBER.test(x)) continue;
        rows.push({ cells: [cellOf([x], 0)], page: null, breakBefore: false, line: k + 1 + offset, unsure: why });
      }
      // A project table's own fields, above its indicator header, looked for among its lines
      // (text/blocks.ts); the indicator rows below stay lines, not read.
      const header = rows.findIndex((r) => /^一级/.test(r.cells[0]!.text));
      const end = header >= 0 ? header : rows.length;
      const top = rows.slice(0, end);
      const read = end > 0 ? projectFields(top.filter((r) => !unitLine(r.cells[0]!.text)).map((r) => ({ text: lines[r.line! - 1 - offset]!.trim(), line: r.line! })), title, whyFields) : null;
      // A table without the indicator header (the page set the table's label column apart from
      // its values) is read only where the title confirms its name: else it may be the next
      // project's values, set before that project's title.
      const fields = read && (header >= 0 || read.confirmed.includes('项目名称')) ? read : null;
      // The unit lines among its labels are kept as rows of their own (the project reader reads them).
      const kept = fields ? [...fields.rows, ...top.filter((r) => unitLine(r.cells[0]!.text)).map(({ unsure: _, ...r }) => r), ...rows.slice(end).map((r) => ({ ...r, unread: true }))] : rows;
      blocks.push({ kind: 'table', rows: kept, page: null, columns: 'order' });
      if (fields) {
        const confirmed = fields.confirmed.length ? ` (confirmed by the document: ${fields.confirmed.join(', ')})` : '';
        // Named by rows standing alone on their line (a message finds its row again by its line).
        const alone = (r: Row) => kept.filter((x) => x.line === r.line).length === 1;
        const guessed = fields.rows.filter((r) => r.unsure);
        const where = guessed.filter(alone).length ? guessed.filter(alone) : kept.filter(alone).slice(0, 1);
        if (fields.guessed.length) messages.push(message('cells-unplaced', `lines ${i + 1 + offset}–${rows[end - 1]!.line}: the project's ${fields.guessed.join(', ')} read from the order of the dump's lines alone${confirmed}: they may be wrong`, where.length ? where : guessed));
        if (end < rows.length) messages.push(message('cells-unplaced', `lines ${rows[end]!.line}–${k + offset}: ${why}`, rows.slice(end)));
      } else messages.push(message('cells-unplaced', `lines ${i + 1 + offset}–${k + offset}: ${why}`, rows));
      i = k - 1;
      continue;
    }
    if (!contents.has(i) && t.length <= 120 && PROJECT_TITLE_END.test(t)) title = t;
    const p = paraLine(lines[i]!, i + 1 + offset);
    if (p) blocks.push(p);
  }
  if (blocks.some((b) => b.kind === 'table')) {
    messages.push(message('cells-unplaced', 'the dump writes its tables as text blocks, not rows (plain pdftotext): they could not be read as tables'));
  }
  return { blocks, messages };
}

/** Lines (after form feeds became blank lines) each page of `text` starts on. */
function pageStartsOf(text: string): number[] {
  const out: number[] = [];
  let at = 0;
  for (const page of text.split('\f')) {
    out.push(at);
    at += page.split('\n').length + 1;
  }
  return out;
}

/**
 * Longest line a dump may have, in characters: a dump's line is a table row or a paragraph (the
 * corpus's longest is under 1,000); a longer one is refused before the text is decoded or split.
 */
export const MAX_LINE_CHARS = 1_000_000;

/**
 * Checks a dump's bytes before its text is made: its tabs (every tab separates two cells of a
 * table row: ten million tabs would be ten million cells) and its longest line, counted in
 * characters of one byte (or two, in UTF-16) — so a 200 MB line costs no copy of itself.
 */
function checkBytes(bytes: Buffer, maxCells: number): void {
  const b = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? bytes.subarray(3) : bytes;
  const bom = b[0] === 0xff && b[1] === 0xfe ? 'utf-16le' : b[0] === 0xfe && b[1] === 0xff ? 'utf-16be' : null;
  const wide = bom ?? utf16WithoutBom(b);
  const unit = wide ? 2 : 1;
  // The byte of the code unit that holds an ASCII character, and the one that must be zero beside it.
  const low = wide === 'utf-16be' ? 1 : 0;
  const isChar = (i: number, c: number) => b[i + low] === c && (unit === 1 || b[i + 1 - low] === 0);
  let tabs = 0;
  let lineStart = 0;
  let longest = 0;
  for (let i = bom ? 2 : 0; i + unit <= b.length; i += unit) {
    if (isChar(i, 0x0a) || isChar(i, 0x0d)) {
      longest = Math.max(longest, i - lineStart);
      lineStart = i + unit;
    } else if (isChar(i, 0x09) && ++tabs > maxCells) {
      throw new InputError(`too many table cells: more than ${maxCells} tab-separated fields (limit ${maxCells})`, 'too-many-cells');
    }
  }
  const chars = Math.max(longest, b.length - lineStart) / unit;
  if (chars > MAX_LINE_CHARS) {
    throw new InputError(`a line of ${Math.round(chars)} characters: longer than a text dump's line can be (limit ${MAX_LINE_CHARS}); not read`, 'resource-limit');
  }
}

/** A line of a project table's labels (项目编码, 项目名称 as a field of its own). */
function projectTableLine(line: string): boolean {
  return line.includes('\t') && line.split('\t').some((f) => PROJECT_TABLE_LABEL.test(f.trim()));
}

/**
 * The dump's texts as runs of lines [from, to): a new one where a line opens a text
 * (vocab.ts `opensText`) after the text before has come to its project tables. A dump of one
 * text is one run.
 */
function textChunks(lines: readonly string[]): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  let from = 0;
  let complete = false;
  for (const [i, line] of lines.entries()) {
    if (complete && line.length <= 300 && !line.includes('\t') && opensText(line)) {
      out.push([from, i]);
      from = i;
      complete = false;
    }
    if (projectTableLine(line)) complete = true;
  }
  out.push([from, lines.length]);
  return out;
}

/** A block read from a run of lines starting at `offset`, its line numbers made the dump's. */
function shiftLines(b: Block, offset: number): Block {
  if (b.kind === 'para') return b.line == null ? b : { ...b, line: b.line + offset };
  return { ...b, rows: b.rows.map((r) => (r.line == null ? r : { ...r, line: r.line + offset })) };
}

export async function loadTxt(bytes: Buffer, opts: { maxCells?: number } = {}): Promise<Result<DocModel>> {
  checkBytes(bytes, opts.maxCells ?? Infinity);
  const decoded = decodeText(bytes);
  const raw = decoded.value.replace(/\r\n?/g, '\n');
  const pageStarts = pageStartsOf(raw);
  const text = raw.replace(/\f/g, '\n\n');
  const lines = text.split('\n');
  const blocks: Block[] = [];
  const messages: Message[] = [...decoded.messages];
  // Each text of a compiled volume is read in its own layout (its dump may be of the other kind).
  for (const [from, to] of textChunks(lines)) {
    const chunk = lines.slice(from, to);
    const contents = contentsLines(chunk);
    const layout = detectLayout(chunk, contents);
    if (layout === 'cells') {
      // Its messages name its rows: they are numbered in place, not copied.
      const read = loadCellPerLine(chunk, contents, from);
      blocks.push(...read.blocks);
      messages.push(...read.messages);
      continue;
    }
    if (layout === 'blocks') {
      const read = loadBlocks(chunk, contents, from);
      blocks.push(...read.blocks);
      messages.push(...read.messages);
      continue;
    }
    if (layout === 'columns') {
      const read = loadColumns(chunk, pageStarts.map((s) => s - from), from);
      blocks.push(...read.blocks);
      messages.push(...read.messages);
      continue;
    }
    const read = layout === 'pdf' ? loadPdfStyle(chunk, contents) : loadDocxStyle(chunk, contents);
    blocks.push(...(from === 0 ? read : read.map((b) => shiftLines(b, from))));
  }
  if (hasControlChars(text.replace(/[\t\n\r\f]/g, ''))) messages.push(controlCharsMessage());
  return { value: { format: 'txt', blocks, pages: null }, messages };
}
