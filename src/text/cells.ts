/**
 * Cell-per-line dumps: LibreOffice's plain-text export of a DOCX writes every table cell on a
 * line of its own with no tab at all, an empty cell (a merged cell continuing from the row
 * above among them) as an empty line, a cell of several paragraphs as several lines. Nothing
 * in the text says where a row ends: the rows are rebuilt here from the table's own labels.
 *
 * - Project fields come as label line then value line(s): 项目编码 → code, 预算数 → amount …;
 *   the spending plan's periods are followed by the row of their values (the last ones before
 *   绩效目标: a merged label cell continuing leaves empty lines before them); goals run up to
 *   the indicator header.
 * - The indicator header (一级指标 … 指标值确定依据, and the 符号 · 值 · 单位 sub-header where
 *   the value is split) gives the column count; each indicator row is that many lines, checked
 *   against what each column must hold (a level name or nothing in the level columns, a mark
 *   in 符号, no label or heading anywhere; 值 may hold a date). A row that only fits with a cell
 *   of several lines is read so, and where more than one cell could take the extra lines the
 *   row says so (Row.unsure, warned on the row by the indicator reader); a row that fits no way
 *   ends the table.
 *
 * The rows become an ordinary grid table for the interpret stage.
 */
import { type Block, type Cell, type Row, cellOf, para } from '../model.js';
import { type Message, message } from '../diagnostics.js';
import { PAGE_NUMBER, cleanText } from './clean.js';
import {
  BUDGET_FISCAL,
  BUDGET_OTHER,
  BUDGET_TOTAL,
  FUND_USE_LABEL,
  GOALS_LABEL,
  LABEL,
  LEVEL1_HEADER,
  LEVEL2_HEADER,
  LEVEL_NAME_END,
  NUMBERED_GOAL_LABEL,
  OPENS_BLOCK,
  PART,
  PERIOD,
  PROJECT_CODE_LABEL,
  PROJECT_NAME_LABEL,
  PROJECT_TABLE_LABEL,
  PROJECT_TITLE_END,
  SYMBOL_CELL,
  INDICATOR_COLUMNS,
  INDICATOR_SPLIT_COLUMNS,
  TABLE_CAPTION,
  numberedAsItem,
} from '../vocab.js';

const BLANK = /^[\s\u00A0\u3000]*$/;

/** What a column of the indicator table holds. */
type Role = 'level1' | 'level2' | 'level3' | 'description' | 'value' | 'basis' | 'symbol' | 'number' | 'unit' | 'other';

const HEADER_ROLES: ReadonlyArray<readonly [Role, RegExp]> = INDICATOR_COLUMNS;
const SUB_ROLES: ReadonlyArray<readonly [Role, RegExp]> = INDICATOR_SPLIT_COLUMNS;

function headerRole(t: string): Role | null {
  for (const [r, re] of HEADER_ROLES) if (re.test(t)) return r;
  return null;
}
function subRole(t: string): Role | null {
  for (const [r, re] of SUB_ROLES) if (re.test(t)) return r;
  return null;
}

/** A level name as a level cell holds it: short, ending in 指标. */
const LEVEL_CELL = (t: string) => t === '' || (t.length <= 16 && LEVEL_NAME_END.test(t));
/** A line that never sits inside an indicator row: a heading, a project title, a table label. */
function opensSomething(t: string): boolean {
  return (
    PART.test(t) ||
    OPENS_BLOCK.test(t) ||
    (t.length <= 120 && PROJECT_TITLE_END.test(t)) ||
    PROJECT_TABLE_LABEL.test(t) ||
    headerRole(t) === 'level1' ||
    headerRole(t) === 'level2'
  );
}

/**
 * A line with tabs that belongs to a table: three cells or more, or a table label among them.
 * (A contents entry keeps its tab before the page, a unit line its tab before 单位：万元.)
 */
function tableLike(line: string): boolean {
  const fields = line.split('\t').map((f) => f.trim()).filter((f) => f !== '');
  return fields.length >= 3 || fields.some((f) => LABEL.test(f) || headerRole(f) != null);
}

/**
 * Whether `lines` (the text of a dump without tab-separated cells) is a cell-per-line dump:
 * a project table's labels and its indicator header stand each on a line of their own.
 */
export function isCellPerLine(lines: readonly string[], contents: ReadonlySet<number>): boolean {
  let tabbed = 0;
  let label = false;
  let header = false;
  for (const [i, l] of lines.entries()) {
    if (l.includes('\t') && !contents.has(i) && tableLike(l)) tabbed++;
    const t = l.trim();
    if (PROJECT_TABLE_LABEL.test(t)) label = true;
    if (LEVEL1_HEADER.test(t) && LEVEL2_HEADER.test((lines[i + 1] ?? '').trim())) header = true;
  }
  return tabbed === 0 && label && header;
}

interface Read {
  blocks: Block[];
  messages: Message[];
}

/** A row of cells from their texts (each a list of lines, its paragraphs), at columns 0, 1, …. */
function rowOf(cells: ReadonlyArray<readonly string[]>, line: number, spans?: readonly number[]): Row {
  let col = 0;
  const out: Cell[] = cells.map((paras, k) => {
    const span = spans?.[k] ?? 1;
    const c = cellOf(paras.map(cleanText), col, span);
    col += span;
    return c;
  });
  return { cells: out, page: null, breakBefore: false, line };
}

/** The indicator header found at line `at`: its rows, column roles and where the body starts. */
interface Header {
  rows: Row[];
  roles: Role[];
  body: number;
}

function readHeader(lines: readonly string[], at: number): Header | null {
  const t = (k: number) => (lines[k] ?? '').trim();
  const labels: string[] = [];
  let k = at;
  while (k < lines.length && headerRole(t(k)) != null) labels.push(t(k++));
  if (labels.length < 4) return null;
  const roles = labels.map((l) => headerRole(l)!);
  const rows = [rowOf(labels.map((l) => [l]), at + 1)];
  // The split value's sub-header: empty lines under the header cells it does not split (merged
  // from above), then 符号 · 值 · 单位.
  const v = roles.indexOf('value');
  if (v >= 0) {
    let s = k;
    while (s < lines.length && s - k < v && BLANK.test(lines[s]!)) s++;
    const subs: string[] = [];
    while (s < lines.length && subRole(t(s)) != null) subs.push(t(s++));
    if (subs.length >= 2 && s - k - subs.length === v) {
      let e = 0;
      while (e < roles.length - 1 - v && s + e < lines.length && BLANK.test(lines[s + e]!)) e++;
      const split: Role[] = [...roles.slice(0, v), ...subs.map((x) => subRole(x)!), ...roles.slice(v + 1)];
      rows[0] = rowOf(
        labels.map((l) => [l]),
        at + 1,
        labels.map((_, i) => (i === v ? subs.length : 1)),
      );
      rows.push(rowOf(split.map((_, i) => (i >= v && i < v + subs.length ? [subs[i - v]!] : [])), k + 1));
      return { rows, roles: split, body: s + e };
    }
  }
  return { rows, roles, body: k };
}

/** How many of a row's cells break what their column must hold (0: the row fits). */
function misfits(cells: ReadonlyArray<readonly string[]>, roles: readonly Role[]): number {
  let bad = 0;
  cells.forEach((paras, i) => {
    const text = cleanText(paras.join(''));
    const role = roles[i];
    if (paras.some((p) => opensSomething(p.trim()))) bad += 2;
    if ((role === 'level1' || role === 'level2') && (paras.length > 1 || !LEVEL_CELL(text))) bad += 2;
    if (role === 'symbol' && !SYMBOL_CELL.test(text)) bad++;
  });
  if (cells.every((p) => p.every((x) => BLANK.test(x)))) bad += 2;
  return bad;
}

/** The n cells of lines [from, from + n + extra), the `extra` lines joined to cell `j`. */
function cellsWith(lines: readonly string[], from: number, n: number, extra: number, j: number): string[][] {
  const out: string[][] = [];
  let k = from;
  for (let c = 0; c < n; c++) {
    const take = c === j ? extra + 1 : 1;
    out.push(lines.slice(k, k + take).map((l) => l.trim()));
    k += take;
  }
  return out;
}

/** Columns whose cells may run over several lines (free text), in the order a guess prefers them. */
const FREE: readonly Role[] = ['description', 'basis', 'level3', 'value', 'unit', 'other'];

/** Most lines one indicator cell is taken to run over beyond its first. */
const MAX_EXTRA = 4;

/**
 * Reads indicator rows from line `from` on; returns the rows and the line after the table. A
 * row read with a guess says so in its `unsure`.
 */
function readBody(lines: readonly string[], from: number, roles: readonly Role[]): { rows: Row[]; end: number } {
  const n = roles.length;
  const rows: Row[] = [];
  const fits = (p: number) => p + n <= lines.length && misfits(cellsWith(lines, p, n, 0, -1), roles) === 0;
  /** The table may end at p: after empty lines (if any), the text runs out or a heading, title or label follows. */
  const endsAt = (p: number) => {
    while (p < lines.length && BLANK.test(lines[p]!)) p++;
    return p >= lines.length || opensSomething(lines[p]!.trim());
  };
  let p = from;
  while (p < lines.length) {
    // A plain row: n lines that fit, followed by another row or the table's end.
    if (fits(p) && (fits(p + n) || endsAt(p + n))) {
      const cells = cellsWith(lines, p, n, 0, -1);
      if (!cells.every((c) => c.every((x) => x === ''))) rows.push(rowOf(cells, p + 1));
      p += n;
      continue;
    }
    // A cell of several lines: the row fits with `extra` more lines given to one cell and is
    // followed by a row that fits, or by the table's end.
    let found: { cells: string[][]; extra: number; choices: number } | null = null;
    for (let extra = 1; extra <= MAX_EXTRA && !found; extra++) {
      if (p + n + extra > lines.length) break;
      if (!fits(p + n + extra) && !endsAt(p + n + extra)) continue;
      const options = roles
        .map((_, j) => cellsWith(lines, p, n, extra, j))
        .map((cells, j) => ({ cells, j, bad: misfits(cells, roles) }))
        .filter((o) => o.bad === 0 && o.cells[o.j]!.every((x) => x !== ''));
      if (options.length === 0) continue;
      options.sort((a, b) => rank(roles[a.j]!) - rank(roles[b.j]!));
      found = { cells: options[0]!.cells, extra, choices: options.length };
    }
    if (!found) {
      // The last row, with prose after the table.
      if (fits(p)) {
        const cells = cellsWith(lines, p, n, 0, -1);
        if (!cells.every((c) => c.every((x) => x === ''))) rows.push(rowOf(cells, p + 1));
        p += n;
      }
      break;
    }
    const row = rowOf(found.cells, p + 1);
    rows.push(row);
    if (found.choices > 1) {
      const j = found.cells.findIndex((c) => c.length > 1);
      row.unsure = `the dump writes one cell per line and this row runs ${found.extra} line(s) over its ${n} columns; which cell holds the extra line(s) cannot be told (read as part of the ${roles[j]} cell)`;
    }
    p += n + found.extra;
  }
  return { rows, end: p };
}

function rank(r: Role): number {
  const i = FREE.indexOf(r);
  return i < 0 ? FREE.length : i;
}

/** Reads one project table whose first label is at line `at`; returns its rows and the line after it. */
function readTable(lines: readonly string[], at: number): { rows: Row[]; messages: Message[]; end: number } {
  const t = (k: number) => (lines[k] ?? '').trim();
  const isLabel = (k: number) => LABEL.test(t(k)) || PERIOD.test(t(k)) || headerRole(t(k)) != null;
  const rows: Row[] = [];
  const messages: Message[] = [];
  /** The value line after label line k: the next line unless it is a label itself. */
  const valueAt = (k: number): string[] => (k + 1 < lines.length && !isLabel(k + 1) ? [t(k + 1)] : ['']);
  let k = at;
  type Section = 'none' | 'budget' | 'fund' | 'plan' | 'values' | 'goals';
  let section: Section = 'none';
  const idRow: string[][] = [];
  const budgetRow: string[][] = [];
  const fund: string[] = [];
  const periods: string[] = [];
  const values: string[] = [];
  const goals: string[] = [];
  let idLine = at + 1;
  let budgetLine = 0;
  let fundLine = 0;
  let planLine = 0;
  let valuesLine = 0;
  let goalsLine = 0;
  let header: Header | null = null;
  for (; k < lines.length; k++) {
    const x = t(k);
    if (LEVEL1_HEADER.test(x) && (header = readHeader(lines, k))) break;
    if (PROJECT_CODE_LABEL.test(x) || PROJECT_NAME_LABEL.test(x)) {
      if (idRow.length === 0) idLine = k + 1;
      idRow.push([x], valueAt(k));
      if (!isLabel(k + 1)) k++;
      section = 'none';
    } else if (BUDGET_TOTAL.test(x) || BUDGET_FISCAL.test(x) || BUDGET_OTHER.test(x)) {
      if (budgetRow.length === 0) budgetLine = k + 1;
      budgetRow.push([x], valueAt(k));
      if (!isLabel(k + 1)) k++;
      section = 'budget';
    } else if (x === FUND_USE_LABEL) {
      section = 'fund';
    } else if (/^资金支出计划/.test(x)) {
      section = 'plan';
      planLine = k + 1;
    } else if (PERIOD.test(x) && (section === 'plan' || section === 'values')) {
      periods.push(x);
      section = 'values';
    } else if (GOALS_LABEL.test(x) || NUMBERED_GOAL_LABEL.test(x)) {
      if (goalsLine === 0) goalsLine = k + 1;
      section = 'goals';
    } else if (LABEL.test(x)) {
      section = section === 'none' ? 'budget' : section;
    } else if (section === 'values') {
      if (values.length === 0) valuesLine = k + 1;
      values.push(x);
    } else if (BLANK.test(x)) {
      continue;
    } else if (section === 'budget' || section === 'fund') {
      if (fundLine === 0) fundLine = k + 1;
      fund.push(x);
    } else if (section === 'goals') {
      goals.push(x);
    } else if (opensSomething(x)) {
      break;
    }
  }
  if (idRow.length) rows.push(rowOf(idRow, idLine));
  if (budgetRow.length) rows.push(rowOf(budgetRow, budgetLine));
  if (fund.length) rows.push(rowOf([[FUND_USE_LABEL], fund], fundLine));
  if (periods.length) {
    const plan = rowOf([['资金支出计划'], ...periods.map((x) => [x])], planLine);
    // The values are the row's last cells: before them, empty lines of merged cells from above.
    const got = values.slice(-periods.length);
    const row = rowOf([[], ...periods.map((_, i) => [got[i - (periods.length - got.length)] ?? ''])], valuesLine || planLine);
    rows.push(plan, row);
    if (got.length < periods.length) {
      messages.push(message('plan-unplaced', `spending plan: ${periods.length} periods but ${got.length} value line(s) after them; the values' periods cannot be told`, [row]));
    }
  }
  if (goals.length) rows.push(rowOf([['绩效目标'], goals], goalsLine));
  if (!header) return { rows, messages, end: k };
  rows.push(...header.rows);
  const body = readBody(lines, header.body, header.roles);
  rows.push(...body.rows);
  return { rows, messages, end: body.end };
}

/** Reads a cell-per-line dump: paragraphs line by line, project tables rebuilt from their labels. */
export function loadCellPerLine(lines: readonly string[], contents: ReadonlySet<number>, offset = 0): Read {
  const blocks: Block[] = [];
  const messages: Message[] = [];
  for (let i = 0; i < lines.length; ) {
    const x = lines[i]!.trim();
    if (!contents.has(i) && PROJECT_TABLE_LABEL.test(x)) {
      const table = readTable(lines, i);
      for (const r of table.rows) if (r.line != null) r.line += offset;
      if (table.rows.length) blocks.push({ kind: 'table', rows: table.rows, page: null, columns: 'grid' });
      messages.push(...table.messages);
      i = Math.max(table.end, i + 1);
      continue;
    }
    // An indicator table of its own (part one's 部门整体支出绩效指标).
    const header = !contents.has(i) && LEVEL1_HEADER.test(x) ? readHeader(lines, i) : null;
    if (header) {
      const body = readBody(lines, header.body, header.roles);
      const rows = [...header.rows, ...body.rows];
      // The line just above naming the table (四、部门整体支出绩效指标情况表) is its caption, no
      // prose — unless it is numbered as the items before it are (六、… after 五、…: an item).
      const prev = blocks[blocks.length - 1];
      if (prev?.kind === 'para' && prev.line === i + offset && TABLE_CAPTION.test(prev.text) && !numberedAsItem(blocks, blocks.length - 1)) {
        blocks.pop();
        rows.unshift(rowOf([[prev.text]], i));
      }
      for (const r of rows) if (r.line != null) r.line += offset;
      blocks.push({ kind: 'table', rows, page: null, columns: 'grid' });
      i = Math.max(body.end, i + 1);
      continue;
    }
    if (!PAGE_NUMBER.test(lines[i]!)) {
      const parts = lines[i]!.split('\t').map(cleanText).filter((s) => s !== '');
      if (parts.length) blocks.push({ ...para(parts.join('\t')), line: i + 1 + offset });
    }
    i++;
  }
  return { blocks, messages };
}
