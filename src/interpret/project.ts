/**
 * Part two (第二部分 预算项目绩效目标): one record per project table.
 *
 * Each project is a title line (`1.xxx绩效目标表`), optional explanation prose, the budget
 * unit line (`101001 单位名`), `单位：万元`, and its table rows (possibly several tables, and
 * tables continued across pages, already stitched by the repair stage).
 */
import { type Block, type Cell, type Para, type Row, type Table, cellAt, columnAt } from '../model.js';
import type { Project } from '../schema.js';
import { NO_LOC, locOf } from '../loc.js';
import { type Message, type Result, lowConfidenceMessages, message } from '../diagnostics.js';
import { cleanText, codeText, joinLines, squash } from '../text/clean.js';
import { numeralValue, parseNumbered, splitItems } from '../text/numbering.js';
import { editDistance } from '../util.js';
import { isProjectTitle } from '../segment.js';
import { MONEY_PRECISION, MONEY_SCALE, MONEY_SQL, fitsMoney } from '../money.js';
import { readIndicatorTable } from './indicators.js';
import { columnChecks, projectFieldChecks, unitLineChecks, unitNameChecks } from './checks.js';
import {
  BUDGET_FISCAL as FISCAL,
  BUDGET_OTHER as OTHER,
  BUDGET_TOTAL as TOTAL,
  EXPLANATION_HEAD,
  FUND_USE_LABEL,
  GOALS_LABEL,
  LABEL,
  MONEY_UNIT,
  NUMBERED_GOAL_LABEL,
  PERIOD,
  PERIODS_IN,
  PROJECT_CODE_LABEL,
  PROJECT_NAME_LABEL,
  PROJECT_NAME_WORD,
  TRAILING_MONEY_UNIT,
  UNIT_LINE,
  isIndicatorHeaderRow as isHeaderRow,
  isSplitSubheaderRow as isSubheaderRow,
} from '../vocab.js';

interface RawProject {
  title: Para | null;
  paras: Para[];
  tables: Table[];
}


function isLabel(text: string): boolean {
  return LABEL.test(text);
}

/** Groups part two's blocks into projects: a title starts one; tables and prose attach to it. */
function groupProjects(blocks: readonly Block[]): RawProject[] {
  const out: RawProject[] = [];
  /** Prose after a project's table: a 关于…的说明 there introduces the next project. */
  let between: Para[] = [];
  const explanationAhead = () => {
    const at = between.findIndex((p) => EXPLANATION_HEAD.test(p.text));
    return at >= 0 ? between.slice(at) : [];
  };
  for (const b of blocks) {
    if (isProjectTitle(b)) {
      out.push({ title: b, paras: explanationAhead(), tables: [] });
      between = [];
      continue;
    }
    const cur = out[out.length - 1];
    if (b.kind === 'table') {
      if (!cur || (hasCode(b) && cur.tables.some(hasCode))) {
        // A project table with no title line of its own.
        out.push({ title: null, paras: explanationAhead(), tables: [b] });
      } else cur.tables.push(b);
      between = [];
      continue;
    }
    // Prose belongs to the project whose title precedes it, up to its table.
    if (cur && cur.tables.length === 0) cur.paras.push(b);
    else between.push(b);
  }
  return out;
}

function hasCode(t: Table): boolean {
  return t.rows.some((r) => r.cells.some((c) => PROJECT_CODE_LABEL.test(c.text)));
}

/** A budget cell's figure: the digits as printed (thousands separators dropped), or null. */
function printedNumber(text: string | undefined): string | null {
  if (text == null) return null;
  const t = squash(text).replace(/,/g, '');
  return /^-?\d+(\.\d+)?$/.test(t) ? t : null;
}

/** An amount and the text after it in one cell (5.00其他资金): the amount, the text. */
const AMOUNT_THEN = /^([-+]?\d[\d,]*(?:\.\d+)?)\s*(\S.*)$/;

/** The cell after the label cell in row order (empty string when that cell is empty). */
function valueAfter(row: Row, label: RegExp | ((c: Cell) => boolean), skipEmpty: boolean): string | undefined {
  let i = row.cells.findIndex((c) => !c.merged && (typeof label === 'function' ? label(c) : label.test(c.text)));
  // The label after the amount before it, in one cell (5.00其他资金 | 3.30): its value is the next cell's.
  if (i < 0 && typeof label !== 'function') i = row.cells.findIndex((c) => !c.merged && label.test(AMOUNT_THEN.exec(c.text)?.[2] ?? ''));
  if (i < 0) return typeof label === 'function' ? undefined : joinedValue(row, label);
  for (let k = i + 1; k < row.cells.length; k++) {
    const c = row.cells[k]!;
    if (c.merged) continue;
    if (isLabel(c.text)) return '';
    // The amount and the next label in one cell (5.00其他资金): the amount is the value.
    const m = AMOUNT_THEN.exec(c.text);
    if (m && isLabel(m[2]!)) return m[1];
    if (c.text !== '' || !skipEmpty) return c.text;
  }
  return '';
}

/**
 * The project name's label as OCR misread it, in the row of the project code: a cell read by
 * OCR that opens with 项 and is at most two characters from 项目名称 (名称 read 名种尔, a
 * left–right character read as two). The cell's own confidence (under the warning threshold for
 * such a reading) puts the doubt on the row.
 */
function misreadNameLabel(c: Cell): boolean {
  return c.confidence != null && c.text.startsWith(PROJECT_NAME_WORD[0]!) && !PROJECT_CODE_LABEL.test(c.text) && Math.abs([...c.text].length - PROJECT_NAME_WORD.length) <= 2 && editDistance(c.text, PROJECT_NAME_WORD) <= 2;
}

/** A goal opening with its number (1. 2、 （3）). */
const NUMBERED_ITEM = /^\s*[（(]?\d{1,2}[)）.、．]/u;

/** A text holding a period (PERIODS_IN, without its global state). */
const HAS_PERIOD = new RegExp(PERIODS_IN.source);
/** An amount's text (AMOUNT unanchored). */
const AMOUNT_TEXT = '[-+]?\\d[\\d,]*(?:\\.\\d+)?';
/** The budget row's labels by field. */
const BUDGET_WORDS = { total: TOTAL, fiscal: FISCAL, other: OTHER } as const;

/** An amount as a cell holds it: digits, thousands separators, a decimal part. */
const AMOUNT = /^[-+]?\d[\d,]*(\.\d+)?$/;

/**
 * The amount written in the label's own cell (其他资金 3.30): a table without lines whose
 * label and value stand closer than its columns' gutter reads them as one cell (valueAfter
 * likewise takes the amount from a cell that holds it and the next label: 5.00其他资金).
 */
function joinedValue(row: Row, label: RegExp): string | undefined {
  for (const c of row.cells) {
    if (c.merged) continue;
    const m = /^(.*?)\s*([-+]?\d[\d,]*(?:\.\d+)?)$/.exec(c.text);
    if (m && m[1] !== '' && label.test(m[1]!) && AMOUNT.test(m[2]!)) return m[2];
  }
  return undefined;
}

/** Splits the paragraphs of a goals cell into one string per goal. */
export function splitGoals(paras: readonly string[]): string[] {
  const out: string[] = [];
  for (const p of paras) {
    for (const piece of splitItems(p)) {
      const t = cleanText(piece);
      if (t !== '') out.push(t);
    }
  }
  return out;
}

interface ProjectOptions {
  gridReliable: boolean;
  /** Some of the project's tables were rebuilt from text positions (no ruling lines). */
  unruled: boolean;
  /** The table each row stands in. */
  tableOf: ReadonlyMap<Row, Table>;
}

function readRows(rows: Row[], p: Project, opts: ProjectOptions): Message[] {
  const messages: Message[] = [];
  let indicatorFrom = rows.findIndex((r) => isHeaderRow(r) || isSubheaderRow(r));
  if (indicatorFrom < 0) indicatorFrom = rows.length;
  // Lines a dump kept only for their place (Row.unread) are no field's.
  const top = rows.slice(0, indicatorFrom).filter((r) => !r.unread);
  // A text dump's rows read with a guess (Row.unsure: cells set off their columns or rows) among
  // the project's own fields: which field each cell fills is a guess, said at the project's place.
  const unsure = top.filter((r) => r.unsure);
  if (unsure.length) messages.push(message('cells-unplaced', `project ${p.seq} (${p.title}): ${unsure.length} row(s) of its fields read with a guess (${unsure[0]!.unsure}): its fields may be wrong`, [rows[0]!, ...unsure]));
  const goalRows: Row[] = [];
  let afterBudget = false;
  // The fund use was read from a row of a table without rules: an unlabelled row after it may be its rest.
  let fundGoesOn = false;
  for (let i = 0; i < top.length; i++) {
    const row = top[i]!;
    const texts = row.cells.filter((c) => !c.merged).map((c) => c.text);
    const filled = texts.filter((t) => t !== '');
    // Some renderings put the unit line and 单位：万元 inside the table's first row(s).
    if (filled.length > 0 && filled.length <= 2 && filled.every((t) => readUnitLine(t, p))) continue;
    if (texts.some((t) => PROJECT_CODE_LABEL.test(t) || PROJECT_NAME_LABEL.test(t))) {
      const code = valueAfter(row, PROJECT_CODE_LABEL, true);
      if (code) p.project_code = codeText(code);
      const name = valueAfter(row, PROJECT_NAME_LABEL, true) ?? valueAfter(row, misreadNameLabel, true);
      if (name) p.project_name = name;
      continue;
    }
    if (texts.some((t) => TOTAL.test(t))) {
      const raw = { total: valueAfter(row, TOTAL, false), fiscal: valueAfter(row, FISCAL, false), other: valueAfter(row, OTHER, false) };
      const printed = { total: printedNumber(raw.total), fiscal: printedNumber(raw.fiscal), other: printedNumber(raw.other) };
      p.budget_printed = printed;
      p.budget_total = printed.total == null ? null : Number(printed.total);
      p.budget_fiscal = printed.fiscal == null ? null : Number(printed.fiscal);
      p.budget_other = printed.other == null ? null : Number(printed.other);
      // A figure not read though its row holds text for it — beside its label something other
      // than an amount, or its label run into another cell's text (4685.8其9其他资金) — is said,
      // not left empty in silence. An empty cell beside its label is an empty figure.
      const unread = (['total', 'fiscal', 'other'] as const).filter((k) => {
        if (printed[k] != null) return false;
        if (raw[k]) return true;
        // The label in a cell with an amount before or after it (5.00其他资金, 其他资金 3.30) is a form read above.
        const word = BUDGET_WORDS[k].source.replace(/^\^|\$$/g, '');
        const tidy = new RegExp(`^(${AMOUNT_TEXT})?\\s*(${word})\\s*(${AMOUNT_TEXT})?$`);
        return raw[k] === undefined && row.cells.some((c) => !c.merged && new RegExp(word).test(c.text) && !tidy.test(c.text));
      });
      if (unread.length) {
        const shown = row.cells.map((c) => c.text).filter(Boolean).join(' | ');
        messages.push(message('project-field-missing', `project ${p.seq} (${p.title}): ${unread.map((k) => `budget_${k}`).join(', ')} not read: its row holds "${shown.slice(0, 80)}"`, [row]));
      }
      afterBudget = true;
      continue;
    }
    if (texts.includes(FUND_USE_LABEL)) {
      p.fund_use = cleanText(row.cells.filter((c) => !c.merged && c.text !== '' && !isLabel(c.text)).map((c) => c.text).join(' ')) || null;
      fundGoesOn = !opts.gridReliable || opts.unruled;
      continue;
    }
    const periods = row.cells.flatMap(periodCells);
    if (periods.length > 0) {
      const next = top[i + 1];
      i++;
      const values = next && onTableOf(next, opts.tableOf.get(next), opts.tableOf.get(row));
      // Values in another table whose columns cannot be set on the periods' are placed by count alone.
      const plan = readPlan(periods, row, values ?? next, opts.gridReliable && values !== null, p.title);
      p.spending_plan = plan.value;
      messages.push(...plan.messages);
      afterBudget = false;
      continue;
    }
    if (texts.some((t) => GOALS_LABEL.test(t)) || (texts.some((t) => NUMBERED_GOAL_LABEL.test(t)) && p.goals.length > 0)) {
      const cells = row.cells.filter((c) => !c.merged && c.text !== '' && !isLabel(c.text));
      // A numbered goal's label run into its text (目标1 1.1.…, no gutter between their columns) is no goal.
      p.goals.push(...splitGoals(cells.flatMap((c) => c.paras)).filter((g) => !NUMBERED_GOAL_LABEL.test(g)));
      goalRows.push(row);
      continue;
    }
    if (afterBudget) {
      const cells = row.cells.filter((c) => !c.merged && c.text !== '' && !isLabel(c.text));
      if (cells.length > 0) {
        p.fund_use = cleanText(cells.map((c) => c.text).join(' '));
        fundGoesOn = !opts.gridReliable || opts.unruled;
      }
      afterBudget = false;
      continue;
    }
    // A table without rules sets the fund-use text's last wrapped line apart as a row of its own
    // (…（以3年内案件发生的平均数 · 为准）): a row of words alone — no label, no period, no
    // figure — after fund-use text that stops mid-sentence, before the next label.
    if (fundGoesOn && p.fund_use && !/[。；;）)”]$/.test(p.fund_use)) {
      const own = row.cells.filter((c) => !c.merged && c.text !== '');
      const words = own.length > 0 && own.every((c) => !isLabel(c.text) && !HAS_PERIOD.test(c.text) && !/^[\d.,%％\s]+$/.test(c.text));
      if (words) {
        p.fund_use = joinLines([p.fund_use, cleanText(own.map((c) => c.text).join(' '))]);
        continue;
      }
    }
    fundGoesOn = false;
  }
  // Goals numbered 1. 2. and then one without a number: no template writes them so; the lines of
  // the goal cells were set in the wrong goals (a table without rules sets a goal's wrapped lines apart).
  const numbered = p.goals.findIndex((g) => NUMBERED_ITEM.test(g));
  const loose = numbered < 0 ? -1 : p.goals.findIndex((g, k) => k > numbered && !NUMBERED_ITEM.test(g));
  if (loose > 0) messages.push(message('project-goals-order', `project ${p.seq} (${p.title}): goal ${loose + 1} "${p.goals[loose]!.slice(0, 30)}" has no number after numbered goals: the goal cells' lines may be set in the wrong goals`, goalRows));
  const ind = readIndicatorTable(rows.slice(indicatorFrom), opts.gridReliable, `project ${p.seq} (${p.title}): `, opts.unruled);
  p.indicators = ind.value;
  messages.push(...ind.messages);
  return messages;
}

/**
 * A row re-indexed on the grid of the table `to`, where it stands in another one `from` (the
 * spending plan's values on the next page, under periods set on this one, in a table the
 * page break parted from it): each cell goes to the column of `to` where its text starts.
 * Columns rebuilt from text positions are numbered anew on each page (a column empty there is
 * none), so the same numbers name other columns. Null where either table does not know where
 * its columns' text starts; the row itself where both are one.
 */
function onTableOf(row: Row, from: Table | undefined, to: Table | undefined): Row | null {
  if (!from || !to || from === to) return row;
  if (!from.starts || !to.xs) return null;
  const cells = row.cells.map((c) => {
    const start = from.starts![c.col];
    return start == null ? null : { ...c, col: columnAt(to.xs!, start + 1), colSpan: 1 };
  });
  return cells.every((c) => c != null) ? { ...row, cells: cells as Cell[] } : null;
}

/** Periods a plan's header cell holds: itself, or each of several periods run together in it (3月底6月底: no gutter between their columns, the values under them empty). */
function periodCells(c: Cell): Cell[] {
  if (PERIOD.test(c.text)) return [c];
  const parts = c.text.match(PERIODS_IN) ?? [];
  return parts.length >= 2 && parts.join('') === c.text.replace(/\s+/g, '') ? parts.map((t) => ({ ...c, text: t, paras: [t] })) : [];
}

function readPlan(
  periods: Cell[],
  header: Row,
  values: Row | undefined,
  gridReliable: boolean,
  title: string,
): Result<Project['spending_plan']> {
  const plan = periods.map((c) => ({ period: c.text, value: null as string | null }));
  if (!values) return { value: plan, messages: [] };
  const sameShape = values.cells.length === header.cells.length;
  if (gridReliable || sameShape) {
    const messages: Message[] = [];
    const under = periods.map((c) => cellAt(values, c.col));
    periods.forEach((_, k) => {
      const v = under[k];
      if (!v || v.merged || v.text === '') return;
      // One cell under several periods: the values of neighbouring periods that the table's
      // columns did not part (`33.00 67.00`). As many amounts as periods are theirs, in order;
      // anything else cannot be placed, and the row says so.
      const shared = periods.map((_, j) => j).filter((j) => under[j] === v);
      if (shared.length === 1) {
        plan[k]!.value = v.text;
        return;
      }
      const parts = v.text.split(/\s+/).filter((t) => t !== '');
      if (parts.length === shared.length && parts.every((t) => planAmount(t) != null)) {
        plan[k]!.value = parts[shared.indexOf(k)]!;
      } else if (k === shared[0]) {
        const said = `project "${title}": one spending-plan cell (${v.text}) stands under ${shared.length} periods (${shared.map((j) => periods[j]!.text).join(', ')}); its values left null`;
        messages.push(message('plan-unplaced', said, [values]));
      }
    });
    return { value: plan, messages };
  }
  const filled = values.cells.filter((c) => c.text !== '' && !isLabel(c.text));
  if (filled.length === periods.length) {
    filled.forEach((c, k) => (plan[k]!.value = c.text));
    return { value: plan, messages: [] };
  }
  const said = `project "${title}": spending plan has ${periods.length} periods but the source kept ${filled.length} value(s) without their columns; values left null`;
  return { value: plan, messages: [message('plan-unplaced', said, [values])] };
}

/** The rest of a unit's name wrapped onto a line of its own: a few 汉字, no mark. */
const UNIT_NAME_REST = /^[\u4e00-\u9fff]{1,4}$/u;

/**
 * A unit's name wrapped onto a line of its own (…本 / 级, with 单位：万元 set apart at the
 * right) was read as the unit line and a one-word explanation. Where another project of the
 * document prints the name whole, the word is the name's end.
 */
function joinWrappedUnitNames(projects: Project[]): void {
  const names = new Set(projects.map((p) => p.unit_name).filter((n): n is string => n != null));
  for (const p of projects) {
    if (p.unit_name == null || p.explanation == null || !UNIT_NAME_REST.test(p.explanation)) continue;
    if (!names.has(p.unit_name + p.explanation)) continue;
    p.unit_name += p.explanation;
    p.explanation = null;
  }
}

/** Reads a budget unit line (`101001 单位名`) or `单位：万元` into `p`; false when `t` is neither. */
function readUnitLine(t: string, p: Project): boolean {
  // Both on one line: two fields, not one (`…本级单位：万元` is no unit name).
  const both = UNIT_LINE.test(t) ? TRAILING_MONEY_UNIT.exec(t) : null;
  if (both && UNIT_LINE.test(both[1]!) && p.unit_code == null && p.money_unit == null) {
    return readUnitLine(both[1]!, p) && readUnitLine(both[2]!, p);
  }
  const u = UNIT_LINE.exec(t);
  if (u && p.unit_code == null && !/[。；，]/.test(t)) {
    p.unit_code = u[1]!;
    p.unit_name = cleanText(u[2]!);
    return true;
  }
  const mu = MONEY_UNIT.exec(t);
  if (mu && p.money_unit == null) {
    p.money_unit = mu[1]!;
    return true;
  }
  return false;
}

/** A number written in a spending-plan cell (`25%`, `25.00`), and whether it was a percentage. */
function planAmount(v: string | null): { n: number; pct: boolean } | null {
  const m = v ? /^(\d+(?:\.\d+)?)\s*([%％])?$/.exec(squash(v)) : null;
  return m ? { n: Number(m[1]), pct: m[2] != null } : null;
}

/**
 * Whether the spending plan reaches the whole budget by its last period, read either way
 * plans are written: per-period shares (they add up to 100% or to the total) or running
 * totals (the last one is 100% or the total). Null when the plan holds no numbers.
 */
export function planReaches(p: Project): boolean | null {
  const amounts = p.spending_plan.map((x) => planAmount(x.value)).filter((a): a is { n: number; pct: boolean } => a != null);
  if (amounts.length === 0) return null;
  const near = (a: number, b: number) => Math.abs(a - b) <= Math.max(0.01, b * 0.001);
  const sum = amounts.reduce((s, a) => s + a.n, 0);
  const last = amounts[amounts.length - 1]!.n;
  const targets = [100, ...(p.budget_total != null ? [p.budget_total] : [])];
  return targets.some((t) => near(sum, t) || near(last, t));
}

export function readPartTwo(blocks: readonly Block[]): Result<Project[]> {
  const messages: Message[] = [];
  const projects: Project[] = [];
  const places: Row[][] = [];
  for (const raw of groupProjects(blocks)) {
    const titleText = raw.title ? cleanText(raw.title.text) : '';
    const n = titleText ? parseNumbered(titleText) : null;
    const seqNum = n ? numeralValue(n.seq) : null;
    const p: Project = {
      seq: seqNum ?? projects.length + 1,
      title: cleanText(n ? n.rest : titleText),
      unit_code: null,
      unit_name: null,
      money_unit: null,
      project_code: null,
      project_name: null,
      budget_total: null,
      budget_fiscal: null,
      budget_other: null,
      budget_printed: { total: null, fiscal: null, other: null },
      fund_use: null,
      spending_plan: [],
      goals: [],
      indicators: [],
      explanation: null,
      loc: NO_LOC,
    };
    const prose: string[] = [];
    for (const para of raw.paras) {
      const t = cleanText(para.text);
      if (t !== '' && !readUnitLine(t, p)) prose.push(t);
    }
    // A table's caption row that stands apart from it (预算项目绩效表 at the foot of a page, its
    // table on the next) is no prose.
    while (prose.length && raw.tables.length && LABEL.test(prose[prose.length - 1]!)) prose.pop();
    p.explanation = prose.length ? prose.join('\n') : null;
    const rows = raw.tables.flatMap((t) => t.rows);
    // The project's own place: its table rows, else its title.
    const self = rows.length ? rows : raw.title ? [raw.title] : [];
    p.loc = locOf(self);
    const at = `project ${p.seq} "${p.title}"`;
    for (const t of raw.tables.filter((x) => x.rules === 'text')) {
      messages.push(message('table-no-rules', `${at}: table drawn without ruling lines, columns rebuilt from text positions`, t.rows));
    }
    const tableOf = new Map(raw.tables.flatMap((t) => t.rows.map((r) => [r, t] as const)));
    messages.push(...readRows(rows, p, { gridReliable: raw.tables.every((t) => t.columns === 'grid'), unruled: raw.tables.some((t) => t.rules === 'text'), tableOf }));
    messages.push(...lowConfidenceMessages(rows, `${at}: `));
    if (!p.title && p.project_name) p.title = p.project_name;
    if (raw.tables.length === 0) messages.push(message('project-no-table', `${at}: title with no table`, self));
    else if (p.indicators.length === 0) messages.push(message('project-no-indicators', `${at}: table has no indicator rows`, self));
    if (p.budget_total != null && p.budget_fiscal != null) {
      const sum = p.budget_fiscal + (p.budget_other ?? 0);
      if (Math.abs(sum - p.budget_total) > 0.005) {
        messages.push(message('budget-mismatch', `${at}: budget_total ${p.budget_total} ≠ fiscal ${p.budget_fiscal} + other ${p.budget_other ?? 0}`, self));
      }
    }
    const unfit = Object.values(p.budget_printed).filter((d): d is string => d != null && !fitsMoney(d));
    if (unfit.length) {
      messages.push(message('money-precision', `${at}: budget figure ${unfit.join(', ')} has more than ${MONEY_SCALE} decimals or ${MONEY_PRECISION - MONEY_SCALE} integer digits: the tables' ${MONEY_SQL} columns round it (budget_printed keeps it)`, self));
    }
    if (planReaches(p) === false) {
      messages.push(message('plan-incomplete', `${at}: spending plan ${p.spending_plan.map((x) => x.value ?? '–').join(' / ')} does not reach 100% or the budget`, self));
    }
    projects.push(p);
    places.push(rows);
  }
  joinWrappedUnitNames(projects);
  messages.push(...unitLineChecks(projects, places), ...projectFieldChecks(projects, places), ...unitNameChecks(projects, places));
  messages.push(...columnChecks(projects));
  return { value: projects, messages };
}
