/**
 * Plain pdftotext dumps (no -layout): a table's text block by block, a column's cells and
 * then the next column's (src/loaders/txt.ts, layout 'blocks'), on whole dumps of generated
 * seeds (test/fixtures/seeds/sNNN/txt-pdftotext.txt), and how the scorer counts part one's
 * indicator rows when none of them could be read (src/eval/score.ts).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { detectLayout, loadTxt } from '../../src/loaders/txt.js';
import { projectFields } from '../../src/text/blocks.js';
import { extractBytes } from '../../src/extract.js';
import { scoreDocument } from '../../src/eval/score.js';
import type { BudgetDocument } from '../../src/schema.js';
import { FIXTURES } from '../helpers.js';

const seedFile = (seed: string, name: string) => readFileSync(path.join(FIXTURES, 'seeds', seed, name));
const gold = (seed: string) => JSON.parse(seedFile(seed, 'gold.json').toString('utf8')) as BudgetDocument;
const extract = async (seed: string) => (await extractBytes(seedFile(seed, 'txt-pdftotext.txt'), 'txt-pdftotext.txt')).record as unknown as BudgetDocument;

describe('plain pdftotext dumps: part one\'s indicator table', () => {
  it('opens at a header cell cut to 一级 by its narrow column, so its cells are no safeguard\'s text', async () => {
    // Seed 3: 四、部门整体支出绩效指标情况表, then 一级 (指标 wrapped under it, far below).
    const lines = seedFile('s003', 'txt-pdftotext.txt').toString('utf8').split('\n');
    expect(detectLayout(lines)).toBe('blocks');
    const { value } = await loadTxt(seedFile('s003', 'txt-pdftotext.txt'));
    const first = value.blocks.findIndex((b) => b.kind === 'table');
    const caption = value.blocks[first - 1]!;
    expect(caption.kind === 'para' && caption.text).toBe('四、部门整体支出绩效指标情况表');
    const table = value.blocks[first]!;
    expect(table.kind === 'table' && table.rows[0]!.cells[0]!.text).toBe('一级');
    expect(table.kind === 'table' && table.rows.every((r) => /block by block/.test(r.unsure ?? ''))).toBe(true);
    const d = await extract('s003');
    expect(d.part_one.safeguards.map((s) => s.text ?? '').join('')).not.toMatch(/二级指标|实际支出情况/);
  });

  it('its rows, not read, are named by the warning on their table: none is silent', async () => {
    const d = await extract('s003');
    expect(d.part_one.dept_indicators).toEqual([]);
    const table = d.warnings.find((w) => w.code === 'table-header-unknown')!;
    expect(table.loc?.table).toBe(0);
    expect(d.projects.every((p) => (p.loc?.table ?? 0) > 0)).toBe(true);
    const s = scoreDocument(d, gold('s003'));
    expect(s.silentWhere.filter((w) => w.startsWith('part_one.dept_indicators'))).toEqual([]);
    expect(s.silentRows).toBe(0);
  });
});

describe('the scorer: part one\'s rows when none was read', () => {
  const want = gold('s003');
  const none: BudgetDocument = { ...want, part_one: { ...want.part_one, dept_indicators: [] }, warnings: [] };
  const loc = (table: number) => ({ page: null, page_end: null, bbox: null, table, row: 0, line: 1 });
  const withProjectsAt = (d: BudgetDocument, t: number): BudgetDocument => ({ ...d, projects: d.projects.map((p, i) => ({ ...p, loc: loc(t + i) })) });

  it('counts them silent without a warning on a table before part two\'s', () => {
    expect(scoreDocument(withProjectsAt(none, 1), want).silentRows).toBe(want.part_one.dept_indicators.length);
    // A warning on a project's own table names no part-one row.
    const onProject = { ...withProjectsAt(none, 1), warnings: [{ code: 'cells-unplaced', message: 'x', loc: loc(1) }] };
    expect(scoreDocument(onProject, want).silentRows).toBe(want.part_one.dept_indicators.length);
    // table-no-rules names no row of its table.
    const noRules = { ...withProjectsAt(none, 1), warnings: [{ code: 'table-no-rules', message: 'x', loc: loc(0) }] };
    expect(scoreDocument(noRules, want).silentRows).toBe(want.part_one.dept_indicators.length);
  });

  it('counts them named by a warning on the table before the first project\'s', () => {
    const warned = { ...withProjectsAt(none, 1), warnings: [{ code: 'table-header-unknown', message: 'x', loc: loc(0) }] };
    const s = scoreDocument(warned, want);
    expect(s.silentRows).toBe(0);
    expect(s.indicators.ok).toBe(s.indicators.total - want.part_one.dept_indicators.length);
  });
});

describe('plain pdftotext dumps: a project table\'s own fields (src/text/blocks.ts)', () => {
  it('reads the code of a whole code\'s shape, the name its title confirms and the budget whose sum holds, saying nothing of them', async () => {
    // Seed 2, project 2: 项目编码 · code · 项目名称 · name in two lines · 预算数 · 11.00 · 其中：财政资金 · 8.71 · 其他资 2.29.
    const d = await extract('s002');
    const want = gold('s002').projects[1]!;
    const p = d.projects[1]!;
    expect([p.project_code, p.project_name, p.budget_total, p.budget_fiscal, p.budget_other]).toEqual([want.project_code, want.project_name, want.budget_total, want.budget_fiscal, want.budget_other]);
    const said = d.warnings.filter((w) => w.loc?.table === p.loc?.table && /order of the dump's lines/.test(w.message));
    expect(said).toHaveLength(1);
    expect(said[0]!.message).toMatch(/资金用途, 资金支出计划, 绩效目标 read from the order/);
    expect(said[0]!.message).toMatch(/confirmed by the document: 项目编码, 项目名称, 预算数 · 财政资金 · 其他资金/);
  });

  it('takes no amount from a line of text (支付 2022 年欠款 is no 其他资金), and ends no 资金用途 at its figures', async () => {
    const d = await extract('s002');
    expect([d.projects[0]!.budget_total, d.projects[0]!.budget_fiscal, d.projects[0]!.budget_other]).toEqual([291, 291, null]);
    expect(d.projects[0]!.fund_use).toBe(gold('s002').projects[0]!.fund_use);
  });

  it('says on their rows the fields read from the order alone, the spending plan always', async () => {
    const { value } = await loadTxt(seedFile('s002', 'txt-pdftotext.txt'));
    const table = value.blocks.find((b) => b.kind === 'table')!;
    const rows = table.kind === 'table' ? table.rows : [];
    const plan = rows.findIndex((r) => r.cells[0]!.text === '资金支出计划');
    expect(rows[plan]!.cells.map((c) => c.text)).toEqual(['资金支出计划', '3月底', '6月底', '10月底']);
    expect(rows[plan + 1]!.cells.map((c) => c.text)).toEqual(['', '33%', '67%', '100%']);
    expect([rows[plan]!.unsure, rows[plan + 1]!.unsure]).toEqual([expect.stringMatching(/^资金支出计划: /), expect.stringMatching(/^资金支出计划: /)]);
    // The lines under the indicator header are kept for their place, not read.
    const header = rows.findIndex((r) => /^一级/.test(r.cells[0]!.text));
    expect(rows.slice(header).every((r) => r.unread && /block by block/.test(r.unsure ?? ''))).toBe(true);
  });

  it('leave no wrong record unwarned on the committed dumps', async () => {
    for (const seed of ['s002', 's003', 's020']) {
      const s = scoreDocument(await extract(seed), gold(seed));
      expect(s.silentWhere, seed).toEqual([]);
    }
  });

  it('read no field from a line kept for its place only (a period among the indicator lines is no plan)', async () => {
    // Seed 20, project 1: 10 月底 and a header name stand among the indicator lines.
    const d = await extract('s020');
    expect(d.projects.every((p) => p.spending_plan.every((x) => x.value == null || /^[\d.]+%?$/.test(x.value)))).toBe(true);
    expect(d.projects.flatMap((p) => p.goals).some((g) => /月底/.test(g))).toBe(false);
  });
});

describe('projectFields (src/text/blocks.ts) on excerpts of plain pdftotext dumps', () => {
  const at = (texts: string[]) => texts.map((text, i) => ({ text, line: i + 1 }));

  it('joins a code cut by its column where one first piece and one piece after it take a code\'s shape, and says so', () => {
    // Seed 13, project 1 (its lines above the indicator header, in the dump's order).
    const texts = ['项目编码', '13088126P727263', '项目名', '商务接待专项经费', '2996A9', '称', '（含大数据研发展', '示中心及广通数字', '电视传输中心运行', '维护）'];
    const lines = at(texts);
    const f = projectFields(lines, '1.商务接待专项经费（含大数据研发展示中心及广通数字电视传输中心运行维护）项目绩效目标表', 'x')!;
    expect(f.rows[0]!.cells.map((c) => c.text)).toEqual(['项目编码', '13088126P7272632996A9']);
    expect(f.rows[0]!.unsure).toMatch(/^项目编码 \(its two pieces joined\)/);
    // Two pieces that could each end it: none is taken.
    expect(projectFields(at([...texts.slice(0, 5), '12345A']), null, 'x')!.rows.some((r) => r.cells[0]!.text === '项目编码')).toBe(false);
  });

  it('reads 绩效目标 after its label wrapped (绩效目 · 标), a label piece opening a line (目标 1.…) left to the label', () => {
    // Seed 15, project 1 and seed 14, project 3 (lines above the indicator header).
    const goals = (texts: string[]) => projectFields(at(['项目名称', '法制专项经费', ...texts]), null, 'x')!.rows.find((r) => r.cells[0]!.text === '绩效目标')?.cells.slice(1).map((c) => c.text);
    expect(goals(['绩效目', '行政诉讼案件逐年减少', '标'])).toEqual(['行政诉讼案件逐年减少']);
    expect(goals(['绩效', '目标 1.完成热线服务费的支付'])).toEqual(['1.完成热线服务费的支付']);
  });

  it('completes periods cut by their column (6月 9月 · 底) where a lone 底 stands for each, in the order of their months', () => {
    // Seed 8, project 2 (its plan's lines).
    const f = projectFields(at(['项目名称', '信息网络建设专项', '资金支出 3 月底', '6月 9月', '计划（累', '底', '计进度', '25.00', '12 月底', '底']), null, 'x')!;
    const plan = f.rows.find((r) => r.cells[0]!.text === '资金支出计划')!;
    expect(plan.cells.slice(1).map((c) => c.text)).toEqual(['3月底', '6月底', '9月底', '12月底']);
    expect(plan.unsure).toMatch(/^资金支出计划: /);
  });

  it('confirms the budget only where 预算数 = 财政资金 + 其他资金', () => {
    // Seed 1, project 1: the total after the fund use, 其他资金 3.30 on its label's line.
    const sure = projectFields(at(['项目编码', '13082621P94268026953P', '预算规模及资金用 预算数', '途', '支付疫情防控欠款', '20.50', '资金支出计划（累 3 月底', '计进度%）', '项目名称', '疫情防控专项', '其中：财政资金', '17.20', '其他资金 3.30', '6 月底', '10 月底', '67.00', '100.00']), null, 'x')!;
    const budget = sure.rows.find((r) => r.cells[0]!.text === '预算数')!;
    expect([budget.cells.map((c) => c.text), budget.unsure]).toEqual([['预算数', '20.50', '其中：财政资金', '17.20', '其他资金', '3.30'], undefined]);
    // Seed 6, project 1: the total set before its label, so 预算数 waits in vain.
    const unsure = projectFields(at(['项目编码', '13081122P800594007310', '7.00', '预算规模及 预算数', '资金用途', '下沉驻村干补助的发放', '资金支出计 3 月底', '划（累计进 25.00', '度%）', '项目名称', '下沉干部驻村补助', '其中：财政资金', '7.00', '其他资金', '6 月底']), null, 'x')!;
    const b2 = unsure.rows.find((r) => r.cells[0]!.text === '预算数')!;
    expect(b2.cells.map((c) => c.text)).toEqual(['预算数', '', '其中：财政资金', '7.00', '其他资金', '']);
    expect(b2.unsure).toMatch(/^预算数/);
  });
});
