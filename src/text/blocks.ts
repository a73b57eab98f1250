/**
 * A project table's own fields (项目编码 … 绩效目标) from a dump that writes the table's text
 * block by block (plain pdftotext: a column's cells, then the next column's, labels wrapped in
 * narrow columns — 项目编 · 码, 其中：财政资 · 金). Its rows cannot be rebuilt, but each field
 * can be looked for among the lines above the indicator header, and most are either confirmed
 * by the document itself or said to rest on the order the dump wrote them in:
 *
 * - the project code: the one piece of the table of a project code's whole shape (vocab.ts
 *   PROJECT_CODE_SHAPE); a code cut by its column, where one first piece and one piece a few
 *   lines after it take the shape together (a guess: said);
 * - the project name: lines in a row whose text is the project's title without 绩效目标表 (the
 *   templates name the table after its project); else the lines after 项目名称 (a guess);
 * - the budget: each amount goes to the budget label waiting for one (预算数, 其中：财政资金,
 *   其他资金 in the order they came; on the label's own line, that label's), a period of the
 *   spending plan ending the wait; confirmed where 预算数 = 财政资金 + 其他资金;
 * - the spending plan: its periods, and the amounts after the first period no budget label
 *   took where as many as the periods, all of one kind, never falling, the last 100% (or the
 *   budget); else the periods with no value (order alone: always said, a period set apart
 *   from the others leaving the rest looking whole);
 * - 资金用途 and 绩效目标: the text lines after their labels (order alone: always said);
 * - periods cut by their column (10 月 · 底) are whole where the lines hold a lone 底 for each,
 *   and periods stand in the order of their months.
 *
 * Each field becomes a row of the table as the project reader reads it (label cell, value
 * cells); a row that rests on the order carries Row.unsure, said at the project's place.
 */
import { type Row, cellOf } from '../model.js';
import { cleanText, joinLines } from './clean.js';
import { parseNumbered } from './numbering.js';
import {
  BUDGET_FISCAL_START,
  BUDGET_OTHER_START,
  BUDGET_TOTAL_START,
  PERIOD,
  PROJECT_CODE_SHAPE,
  PROJECT_CODE_START,
  PROJECT_LABEL_WORDS,
  PROJECT_TITLE_END,
} from '../vocab.js';

export interface DumpLine {
  text: string;
  /** 1-based line of the dump. */
  line: number;
}

type Budget = 'total' | 'fiscal' | 'other';
const BUDGET_LABEL: Record<Budget, string> = { total: '预算数', fiscal: '其中：财政资金', other: '其他资金' };

/** An amount as a budget or plan cell holds it (no leading zero: the pieces of a cut `826.` · `00` or `5.` · `0` · `0` are none). */
const AMOUNT = /^(0\.\d+|([1-9]\d{0,2}(,\d{3})+|[1-9]\d*)(\.\d+)?)$/;
const PERCENT = /^(0|[1-9]\d*)(\.\d+)?%$/;
/** A period's first piece, its 底 cut onto a line of its own by a narrow column (10 月 · 底). */
const CUT_PERIOD = /^\d{1,2}月$/;
/** A period's month (3月底 → 3); periods of other kinds (第一季度, 全年) keep their order. */
const monthOf = (t: string): number => Number(/^(\d{1,2})月/.exec(t)?.[1] ?? 0);
/** How many lines after a code's first piece its rest is looked for (seed 13: six, the name's between). */
const CODE_REST_LINES = 6;

/** A line's pieces: its runs without white space, a period's number joined to 月 (3 月底). */
function piecesOf(text: string): string[] {
  return text.replace(/(\d)\s+(?=月)/g, '$1').split(/\s+/).filter((p) => p !== '');
}

/** A piece of a project table's label (a whole label, or a part a narrow column left). */
function isLabelPiece(p: string): boolean {
  return PROJECT_LABEL_WORDS.some((w) => w.includes(p));
}

function budgetLabel(p: string): Budget | null {
  if (BUDGET_TOTAL_START.test(p)) return 'total';
  if (BUDGET_FISCAL_START.test(p)) return 'fiscal';
  if (BUDGET_OTHER_START.test(p)) return 'other';
  return null;
}

const labelOnly = (t: string) => piecesOf(t).every(isLabelPiece);
/** A line holding text: a piece that is no label, amount, period or code. */
const isTextLine = (ps: readonly string[]) => ps.some((p) => !budgetLabel(p) && !PERIOD.test(p) && !AMOUNT.test(p) && !PERCENT.test(p) && !isLabelPiece(p) && !PROJECT_CODE_SHAPE.test(p));
const isPeriodPiece = (p: string) => PERIOD.test(p);

/** The name the title gives its project: without 绩效目标表, and also without a 项目 before it. */
function titleNames(title: string | null): string[] {
  if (!title) return [];
  const t = cleanText(title);
  const n = parseNumbered(t);
  const stem = (n ? n.rest : t).replace(PROJECT_TITLE_END, '');
  return stem === '' ? [] : [...new Set([stem, stem.replace(/项目$/, '')])].filter((s) => s !== '');
}

export interface ProjectFields {
  /** The rows the project reader reads its fields from, first the code's. */
  rows: Row[];
  /** Fields read from the dump's order alone (said on their rows), and fields the document confirms. */
  guessed: string[];
  confirmed: string[];
}

/**
 * The project fields of one table from its lines above the indicator header (`lines`), with the
 * project's title (null when none stands before the table). `why` is said on each row resting on
 * the dump's order. Null when the lines hold no project table label.
 */
export function projectFields(lines: readonly DumpLine[], title: string | null, why: string): ProjectFields | null {
  if (!lines.some((l) => piecesOf(l.text).some((p) => /^项目(编|名)/.test(p)))) return null;
  const rows: Row[] = [];
  const guessed: string[] = [];
  const confirmed: string[] = [];
  const row = (cells: string[][], line: number, sure: boolean, field: string): void => {
    rows.push({ cells: cells.map((paras, col) => cellOf(paras, col)), page: null, breakBefore: false, line, ...(sure ? {} : { unsure: `${field}: ${why}` }) });
    (sure ? confirmed : guessed).push(field);
  };

  // 项目编码: the one piece of a code's whole shape.
  const codes = lines.flatMap((l) => piecesOf(l.text).filter((p) => PROJECT_CODE_SHAPE.test(p)).map((p) => ({ code: p, line: l.line })));
  if (new Set(codes.map((c) => c.code)).size === 1) row([['项目编码'], [codes[0]!.code]], codes[0]!.line, true, '项目编码');
  else if (codes.length === 0) {
    // A code cut by its column: its first piece and a piece on the few lines after it that
    // together take a code's whole shape, where one such pair is found (which piece goes on the
    // code is the dump's order: said).
    const joined = new Map<string, number>();
    lines.forEach((l, i) => {
      for (const a of piecesOf(l.text).filter((p) => PROJECT_CODE_START.test(p))) {
        for (const m of lines.slice(i + 1, i + 1 + CODE_REST_LINES)) {
          for (const b of piecesOf(m.text)) if (PROJECT_CODE_SHAPE.test(a + b)) joined.set(a + b, l.line);
        }
      }
    });
    if (joined.size === 1) {
      const [code, line] = [...joined][0]!;
      row([['项目编码'], [code]], line, false, '项目编码 (its two pieces joined)');
    }
  }

  // 项目名称: lines in a row spelling the title's name; else the lines after the label.
  const names = titleNames(title);
  let name: { text: string; line: number; sure: boolean } | null = null;
  const bare = (t: string) => t.replace(/^项目名称\s*/, '');
  for (let i = 0; i < lines.length && !name; i++) {
    if (bare(lines[i]!.text) === '') continue;
    for (let k = 1; k <= 4 && i + k <= lines.length && !name; k++) {
      const text = joinLines(lines.slice(i, i + k).map((l) => bare(l.text)));
      if (names.includes(text)) name = { text, line: lines[i]!.line, sure: true };
    }
  }
  if (!name) {
    const at = lines.findIndex((l) => /^项目名称/.test(l.text));
    if (at >= 0) {
      const run: DumpLine[] = [];
      const first = bare(lines[at]!.text);
      if (first !== '' && !labelOnly(first)) run.push({ text: first, line: lines[at]!.line });
      for (let k = at + 1; k < lines.length && !labelOnly(lines[k]!.text) && !piecesOf(lines[k]!.text).some((p) => AMOUNT.test(p) || PROJECT_CODE_SHAPE.test(p)); k++) run.push(lines[k]!);
      if (run.length) name = { text: joinLines(run.map((l) => l.text)), line: run[0]!.line, sure: false };
    }
  }
  if (name) row([['项目名称'], [name.text]], name.line, name.sure, '项目名称');

  // The budget and the spending plan's values, in the order the pieces come.
  const budget: Partial<Record<Budget, { text: string; line: number }>> = {};
  const pending: Budget[] = [];
  const periods: Array<{ text: string; line: number }> = [];
  const planValues: Array<{ text: string; line: number }> = [];
  // Periods cut by their column (10 月 · 底): their first pieces, and the lone 底 the lines hold.
  const cutPeriods: Array<{ text: string; line: number }> = [];
  const periodEnds: string[] = [];
  for (const l of lines) {
    let labelOnLine: Budget | null = null;
    let otherLabelOnLine = false;
    // A line of text (a piece neither label, amount, period nor code) gives no amount: 2022 in 支付 2022 年欠款.
    const ps = piecesOf(l.text);
    const text = isTextLine(ps);
    for (const p of ps) {
      if (text && (AMOUNT.test(p) || PERCENT.test(p))) continue;
      const b = budgetLabel(p);
      if (b) {
        labelOnLine = b;
        if (!budget[b] && !pending.includes(b)) pending.push(b);
        continue;
      }
      if (isPeriodPiece(p) || CUT_PERIOD.test(p)) {
        (isPeriodPiece(p) ? periods : cutPeriods).push({ text: p, line: l.line });
        pending.length = 0;
        continue;
      }
      if (/^[底末]$/.test(p)) periodEnds.push(p);
      if (AMOUNT.test(p)) {
        if (labelOnLine && !budget[labelOnLine]) {
          budget[labelOnLine] = { text: p, line: l.line };
          pending.splice(pending.indexOf(labelOnLine), 1);
        } else if (!otherLabelOnLine && !labelOnLine && pending.length) {
          budget[pending.shift()!] = { text: p, line: l.line };
        } else if (periods.length) planValues.push({ text: p, line: l.line });
        continue;
      }
      if (PERCENT.test(p)) {
        if (periods.length) planValues.push({ text: p, line: l.line });
        continue;
      }
      if (isLabelPiece(p)) otherLabelOnLine = true;
    }
  }
  const found = (Object.keys(budget) as Budget[]).filter((b) => budget[b]);
  if (found.length) {
    const n = (b: Budget) => (budget[b] ? Number(budget[b]!.text.replace(/,/g, '')) : null);
    const total = n('total');
    const fiscal = n('fiscal');
    const sure = total != null && fiscal != null && Math.abs(total - fiscal - (n('other') ?? 0)) < 0.005;
    const line = Math.min(...found.map((b) => budget[b]!.line));
    row((['total', 'fiscal', 'other'] as Budget[]).flatMap((b) => [[BUDGET_LABEL[b]], budget[b] ? [budget[b]!.text] : []]), line, sure, '预算数 · 财政资金 · 其他资金');
  }

  // 资金用途: the text lines after the line its label ends on, label pieces passed over.
  const use = lines.findIndex((l) => { const ps = piecesOf(l.text); return ps.length > 0 && /(资金用途|^用?途)$/.test(ps[ps.length - 1]!) && labelOnly(l.text); });
  if (use >= 0) {
    const run: DumpLine[] = [];
    for (let k = use + 1; k < lines.length; k++) {
      const t = lines[k]!.text;
      const ps = piecesOf(t);
      if (labelOnly(t)) {
        if (run.length) break;
        continue;
      }
      // A line of amounts, periods or a code (no text) ends it; a sentence may hold figures (支付 2022 年欠款).
      if (!isTextLine(ps) || ps.some((p) => isPeriodPiece(p) || PROJECT_CODE_SHAPE.test(p)) || (name && joinLines([bare(t)]) === name.text)) break;
      run.push(lines[k]!);
    }
    if (run.length) row([['资金用途'], [joinLines(run.map((l) => l.text))]], run[0]!.line, false, '资金用途');
  }

  // 资金支出计划: the periods, and their values where as many came as periods, all of one kind,
  // never falling, the last 100% or the budget; else the periods alone. Always said: a period
  // whose cell the page set elsewhere (a period cut by its column: 10 月 · 底) leaves the rest
  // looking whole (seed 13: 6月底 · 9月底 · 12月底 and their three values, 3月底 set apart).
  // A cut period is whole where the lines hold a lone 底 (末) for each; the periods stand in the
  // order of their months (the plan's columns run through the year).
  if (cutPeriods.length && periodEnds.length >= cutPeriods.length && new Set(periodEnds).size === 1) {
    periods.push(...cutPeriods.map((c) => ({ ...c, text: `${c.text}${periodEnds[0]}` })));
  }
  periods.sort((a, b) => monthOf(a.text) - monthOf(b.text));
  if (periods.length) {
    const kinds = new Set(planValues.map((v) => v.text.endsWith('%')));
    const nums = planValues.map((v) => Number(v.text.replace(/[,%]/g, '')));
    const last = nums[nums.length - 1];
    const total = budget.total ? Number(budget.total.text.replace(/,/g, '')) : null;
    const fits =
      planValues.length === periods.length &&
      kinds.size === 1 &&
      nums.every((v, i) => i === 0 || v >= nums[i - 1]!) &&
      (last === 100 || (total != null && last === total));
    const values = fits ? planValues.map((v) => [v.text]) : periods.map(() => []);
    row([['资金支出计划'], ...periods.map((p) => [p.text])], periods[0]!.line, false, '资金支出计划');
    rows.push({ cells: [cellOf([], 0), ...values.map((v, i) => cellOf(v, i + 1))], page: null, breakBefore: false, line: fits ? planValues[0]!.line : periods[0]!.line, unsure: `资金支出计划: ${why}` });
  }

  // 绩效目标: the text lines after its label (its first piece, 绩效 · 目标 wrapped: 绩效目 · 标), on
  // the label's line too, one goal per numbered line; a label piece opening a line (目标 1.…) is
  // the label's, not the goal's.
  const goalAt = lines.findIndex((l) => /^绩效(目标?)?$/.test(piecesOf(l.text)[0] ?? '') || /^绩效目标/.test(l.text));
  if (goalAt >= 0) {
    const goals: string[][] = [];
    const first = lines[goalAt]!.text.replace(/^绩效(目标?)?\s*/, '');
    const rest = lines.slice(goalAt + 1).map((l) => l.text);
    for (const line of [first, ...rest]) {
      // Lines of labels, periods and amounts alone (目标 1, 6 月底 100.00) are other cells'.
      const ps = piecesOf(line);
      if (line === '' || !isTextLine(ps) || ps.some(isPeriodPiece)) continue;
      const lead = ps.findIndex((p) => !isLabelPiece(p));
      const t = ps.slice(lead).join(' ');
      if (goals.length === 0 || parseNumbered(cleanText(t))) goals.push([t]);
      else goals[goals.length - 1]!.push(t);
    }
    if (goals.length) row([['绩效目标'], ...goals.map((g) => [joinLines(g)])], lines[goalAt]!.line, false, '绩效目标');
  }
  return { rows, guessed, confirmed };
}
