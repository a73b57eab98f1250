/**
 * The page-independent layout of a generated document — paragraphs and tables with their
 * merged cells — and the seeded geometry it is printed with (page size and margins, fonts and
 * sizes, column widths, cell padding, vertical alignment of merged cells, rule style,
 * unit-line placement, where pages break). The DOCX and HTML writers render the same blocks.
 */
import type { GenDoc, GenIndicator, GenProject } from './model.js';
import { Rng } from './random.js';

export type Rules = 'grid' | 'hrules' | 'booktabs' | 'none';
export type VAlign = 'top' | 'center' | 'bottom';
export type UnitPlacement = 'one-line' | 'two-lines' | 'two-lines-right' | 'money-first' | 'table';

export interface Geometry {
  page: { name: string; width: number; height: number };
  margins: { top: number; right: number; bottom: number; left: number };
  bodyFont: string;
  tableFont: string;
  serif: boolean;
  bodySize: number;
  tableSize: number;
  lineSpacing: number;
  paraAfter: number;
  padding: number;
  vAlign: VAlign;
  rules: Rules;
  unitPlacement: UnitPlacement;
  /** Factor applied to each grid column's base width. */
  widthJitter: number[];
  repeatHeader: boolean;
  mergeLevel1: boolean;
  mergeLevel2: boolean;
  /** A split header's second row: merged cells from the first row, or empty cells of its own. */
  splitHeaderMerged: boolean;
  projectPageBreak: boolean;
  partTwoPageBreak: boolean;
  /** Rows may break across pages (Word's default); false keeps each row on one page. */
  rowsSplit: boolean;
  titleAlign: 'left' | 'center';
  /** Empty paragraphs before part two: moves every page break of the project tables. */
  spacers: number;
}

const PAGES = [
  { name: 'A4', width: 595.3, height: 841.9 },
  { name: 'A4', width: 595.3, height: 841.9 },
  { name: 'Letter', width: 612, height: 792 },
  { name: 'B5', width: 498.9, height: 708.7 },
  { name: 'A4-landscape', width: 841.9, height: 595.3 },
];
export const SERIF_FONTS = ['Noto Serif CJK SC', 'AR PL UMing CN', 'AR PL SungtiL GB', 'AR PL KaitiM GB'];
export const SANS_FONTS = ['Noto Sans CJK SC', 'WenQuanYi Zen Hei', 'Droid Sans Fallback'];

export function generateGeometry(seed: number): Geometry {
  const rng = new Rng(seed, 2);
  const serif = rng.chance(0.5);
  const fonts = serif ? SERIF_FONTS : SANS_FONTS;
  const page = rng.chance(0.1) ? PAGES[4]! : rng.pick(PAGES.slice(0, 4));
  const m = () => rng.int(36, 90);
  return {
    page,
    margins: { top: m(), right: m(), bottom: m(), left: m() },
    bodyFont: rng.pick(fonts),
    tableFont: rng.chance(0.7) ? rng.pick(fonts) : rng.pick([...SERIF_FONTS, ...SANS_FONTS]),
    serif,
    bodySize: rng.pick([10, 10.5, 11, 12]),
    tableSize: rng.pick([9, 9.5, 10, 10.5, 11, 12]),
    lineSpacing: rng.pick([1, 1.15, 1.25, 1.5]),
    paraAfter: rng.pick([0, 2, 4, 6]),
    padding: rng.pick([0, 1, 2, 4, 6, 8]),
    vAlign: rng.pick(['top', 'center', 'center', 'bottom'] as const),
    rules: rng.pick(['grid', 'grid', 'hrules', 'booktabs', 'none'] as const),
    unitPlacement: rng.pick(['one-line', 'two-lines', 'two-lines-right', 'money-first', 'table'] as const),
    widthJitter: Array.from({ length: 8 }, () => rng.real(0.6, 1.5)),
    repeatHeader: rng.chance(0.5),
    mergeLevel1: rng.chance(0.8),
    mergeLevel2: rng.chance(0.4),
    splitHeaderMerged: rng.chance(0.5),
    projectPageBreak: rng.chance(0.3),
    partTwoPageBreak: rng.chance(0.6),
    rowsSplit: rng.chance(0.7),
    titleAlign: rng.pick(['left', 'center'] as const),
    spacers: rng.int(0, 6),
  };
}

export type Role = 'cover-title' | 'cover' | 'toc-title' | 'toc' | 'part' | 'heading' | 'body' | 'project-title' | 'unit' | 'spacer';

export interface P {
  kind: 'p';
  text: string;
  role: Role;
  align?: 'left' | 'center' | 'right';
  /** Text set flush right on the same line (a contents page number, 单位：万元). */
  right?: string;
  /** Dot leaders before `right`. */
  leader?: boolean;
  pageBreak?: boolean;
  bold?: boolean;
}

export interface TCell {
  paras: string[];
  colSpan: number;
  rowSpan: number;
  /** A vertically merged level cell (drawn with the geometry's vertical alignment). */
  merged?: boolean;
  align?: 'left' | 'center' | 'right';
}

export interface TRow {
  /** Cells in grid order; grid positions covered by a rowSpan from above are left out. */
  cells: TCell[];
  /** A repeated header row. */
  header?: boolean;
  /** A booktabs-style rule under this row (the indicator header). */
  midrule?: boolean;
}

export interface T {
  kind: 'table';
  role: 'project' | 'dept' | 'unit';
  widths: number[];
  rows: TRow[];
}

export type Block = P | T;

const c = (text: string, colSpan = 1, rowSpan = 1, extra: Partial<TCell> = {}): TCell => ({ paras: text === '' ? [''] : text.split('\n'), colSpan, rowSpan, ...extra });

/** Splits `total` grid columns among `n` cells (each at least one), the remainder spread by seed. */
function spans(rng: Rng, total: number, n: number): number[] {
  const out = Array.from({ length: n }, () => 1);
  for (let k = n; k < total; k++) out[rng.int(0, n - 1)]!++;
  return out;
}

function valueCells(r: GenIndicator, split: boolean): TCell[] {
  if (!split) return [c(r.value.written, 2)];
  return r.value.cells.map((t) => c(t));
}

/** Indicator header and rows, level cells merged down where the geometry says so. */
function indicatorRows(rows: readonly GenIndicator[], split: boolean, g: Geometry): TRow[] {
  const out: TRow[] = [];
  if (split) {
    if (g.splitHeaderMerged) {
      out.push({ cells: [c('一级指标', 1, 2), c('二级指标', 1, 2), c('三级指标', 1, 2), c('绩效指标描述', 1, 2), c('指标值', 3), c('指标值确定依据', 1, 2)], header: true });
      out.push({ cells: [c('符号'), c('值'), c('单位（文字描述）')], header: true, midrule: true });
    } else {
      out.push({ cells: [c('一级指标'), c('二级指标'), c('三级指标'), c('绩效指标描述'), c('指标值', 3), c('指标值确定依据')], header: true });
      out.push({ cells: [c(''), c(''), c(''), c(''), c('符号'), c('值'), c('单位（文字描述）'), c('')], header: true, midrule: true });
    }
  } else {
    out.push({ cells: [c('一级指标'), c('二级指标'), c('三级指标'), c('绩效指标描述'), c('指标值', 2), c('指标值确定依据')], header: true, midrule: true });
  }
  const runs = (i: number, same: (a: GenIndicator, b: GenIndicator) => boolean) => {
    let j = i + 1;
    while (j < rows.length && same(rows[i]!, rows[j]!)) j++;
    return j - i;
  };
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i]!;
    const cells: TCell[] = [];
    const startsL1 = i === 0 || rows[i - 1]!.level1 !== r.level1;
    if (!g.mergeLevel1) cells.push(c(r.level1));
    else if (startsL1) {
      const n = runs(i, (a, b) => a.level1 === b.level1);
      cells.push(c(r.level1, 1, n, { merged: n > 1 }));
    }
    const startsL2 = startsL1 || rows[i - 1]!.level2 !== r.level2;
    if (!g.mergeLevel2) cells.push(c(r.level2));
    else if (startsL2) {
      const n = runs(i, (a, b) => a.level1 === b.level1 && a.level2 === b.level2);
      cells.push(c(r.level2, 1, n, { merged: n > 1 }));
    }
    cells.push(c(r.level3), c(r.description), ...valueCells(r, split), c(r.basis));
    out.push({ cells });
  }
  return out;
}

const BASE_SINGLE = [1.1, 1.2, 1.6, 2.0, 0.8, 0.8, 1.3];
const BASE_SPLIT = [1.0, 1.1, 1.5, 1.9, 0.6, 0.8, 1.3, 1.3];

function projectTable(p: GenProject, g: Geometry, rng: Rng): T {
  const n = p.split ? 8 : 7;
  const rest = n - 1;
  const rows: TRow[] = [];
  if (p.templateRows) rows.push({ cells: [c('预算项目绩效表', n, 1, { align: 'center' })] });
  rows.push({ cells: [c('项目编码'), c(p.code, 2), c('项目名称'), c(p.name, n - 4)] });
  if (p.templateRows) rows.push({ cells: [c('项目绩效模板'), c('', rest)] });
  if (p.budget) {
    rows.push({ cells: [c('预算规模及资金用途', 1, 2, { merged: true }), c('预算数'), c(p.budget.total), c('其中：财政资金'), c(p.budget.fiscal), c('其他资金'), c(p.budget.other, n - 6)] });
    rows.push({ cells: [c(p.fundUse, rest)] });
  } else {
    rows.push({ cells: [c('资金用途'), c(p.fundUse, rest)] });
  }
  const s = spans(rng, rest, p.plan.length);
  rows.push({ cells: [c(p.planLabel, 1, 2, { merged: true }), ...p.plan.map((x, k) => c(x.period, s[k]))] });
  rows.push({ cells: p.plan.map((x, k) => c(x.value ?? '', s[k])) });
  if (p.goalRows) {
    p.goals.forEach((goal, k) => {
      const cells = [c(`目标${k + 1}`), c(goal, rest - 1)];
      rows.push({ cells: k === 0 ? [c('绩效目标', 1, p.goals.length, { merged: p.goals.length > 1 }), ...cells] : cells });
    });
  } else {
    rows.push({ cells: [c('绩效目标'), c(p.goals.join('\n'), rest)] });
  }
  rows.push(...indicatorRows(p.indicators, p.split, g));
  return { kind: 'table', role: 'project', widths: widths(p.split, g), rows };
}

function widths(split: boolean, g: Geometry): number[] {
  return (split ? BASE_SPLIT : BASE_SINGLE).map((w, i) => w * g.widthJitter[i]!);
}

function unitBlocks(p: GenProject, g: Geometry): Block[] {
  const u = p.unit;
  if (!u) return [];
  const line = `${u.code}${u.sep}${u.name}`;
  switch (g.unitPlacement) {
    case 'one-line':
      return [{ kind: 'p', role: 'unit', text: line, right: u.moneyLabel }];
    case 'two-lines':
      return [{ kind: 'p', role: 'unit', text: line }, { kind: 'p', role: 'unit', text: u.moneyLabel }];
    case 'two-lines-right':
      return [{ kind: 'p', role: 'unit', text: line }, { kind: 'p', role: 'unit', text: u.moneyLabel, align: 'right' }];
    case 'money-first':
      return [{ kind: 'p', role: 'unit', text: u.moneyLabel, align: 'right' }, { kind: 'p', role: 'unit', text: line }];
    case 'table':
      return [{ kind: 'table', role: 'unit', widths: [3, 1], rows: [{ cells: [c(line), c(u.moneyLabel, 1, 1, { align: 'right' })] }] }];
  }
}

/** The blocks of a generated document printed with geometry `g`. */
export function blocksOf(d: GenDoc, g: Geometry): Block[] {
  const rng = new Rng(d.seed, 3);
  const out: Block[] = [];
  const p = (text: string, role: Role, extra: Partial<P> = {}): P => ({ kind: 'p', text, role, ...extra });
  if (d.cover) {
    out.push(p('', 'spacer'), p('', 'spacer'));
    for (const line of d.cover.titleLines) out.push(p(line, 'cover-title', { align: 'center', bold: true }));
    if (d.cover.draft) out.push(p(d.cover.draft, 'cover-title', { align: 'center' }));
    out.push(p('', 'spacer'), p('', 'spacer'), p('', 'spacer'));
    if (d.cover.compiled) out.push(p(d.cover.compiled, 'cover', { align: 'center' }));
    if (d.cover.reviewed) out.push(p(d.cover.reviewed, 'cover', { align: 'center' }));
  }
  if (d.toc) {
    out.push(p('目  录', 'toc-title', { align: 'center', bold: true, pageBreak: true }));
    out.push(p(`${d.partOne.heading[0]} ${d.partOne.heading[1]}`, 'toc', { bold: true }));
    for (const [title, page] of d.toc.partOne) out.push(p(title, 'toc', { right: String(page), leader: true }));
    out.push(p(`${d.partTwoHeading[0]} ${d.partTwoHeading[1]}`, 'toc', { bold: true }));
    for (const e of d.toc.entries) out.push(p(`${e.seq}.${e.title}`, 'toc', { right: e.page == null ? '错误！未定义书签。' : String(e.page), leader: true }));
  }
  const first = out.length > 0;
  const po = d.partOne;
  if (po.oneLine) out.push(p(`${po.heading[0]} ${po.heading[1]}`, 'part', { align: 'center', bold: true, pageBreak: first }));
  else out.push(p(po.heading[0], 'part', { align: 'center', bold: true, pageBreak: first }), p(po.heading[1], 'part', { align: 'center', bold: true }));
  out.push(p(po.overallHeading, 'heading', { bold: true }), p(po.overall, 'body'));
  out.push(p(po.subHeading, 'heading', { bold: true }));
  for (const s of po.subGoals) out.push(p(`${s.num}${s.title}`, 'body'), p(`绩效目标：${s.goal}`, 'body'), p(`绩效指标：${s.indicator}`, 'body'));
  out.push(p(po.safeHeading, 'heading', { bold: true }));
  for (const s of po.safeguards) {
    if (s.inline) out.push(p(`${s.num}${s.title}：${s.text}`, 'body'));
    else out.push(p(`${s.num}${s.title}`, 'body'), ...s.text.split('\n').map((t) => p(t, 'body')));
  }
  if (po.dept) {
    out.push(p(po.dept.heading, 'heading', { bold: true }));
    const n = po.dept.split ? 8 : 7;
    out.push({ kind: 'table', role: 'dept', widths: widths(po.dept.split, g).slice(0, n), rows: indicatorRows(po.dept.rows, po.dept.split, g) });
  }
  for (let i = 0; i < g.spacers; i++) out.push(p('', 'spacer'));
  const [h1, h2] = d.partTwoHeading;
  out.push(p(h1, 'part', { align: 'center', bold: true, pageBreak: g.partTwoPageBreak }), p(h2, 'part', { align: 'center', bold: true }));
  d.projects.forEach((proj, i) => {
    out.push(p(`${proj.number ?? ''}${proj.title}`, 'project-title', { align: g.titleAlign, bold: true, pageBreak: i > 0 && g.projectPageBreak }));
    out.push(...unitBlocks(proj, g));
    out.push(projectTable(proj, g, rng));
  });
  return out;
}

/** The grid column where each cell of each row starts (columns taken by cells merged down from above are skipped). */
export function gridColumns(t: T): number[][] {
  const until: number[] = [];
  return t.rows.map((r, i) => {
    let col = 0;
    return r.cells.map((cl) => {
      while ((until[col] ?? -1) >= i) col++;
      const at = col;
      for (let k = 0; k < cl.colSpan; k++) until[at + k] = i + cl.rowSpan - 1;
      col += cl.colSpan;
      return at;
    });
  });
}
