/**
 * Interpreter behaviour on small models built the way the loaders build them: where the
 * corpus has no example of a phenomenon, these pin down what the contract asks for.
 */
import { describe, expect, it } from 'vitest';
import { documentOf as interpret } from '../../pipelines/index.js';
import { type Block, type DocModel, type Row, para } from '../../src/model.js';
import { readToc } from '../../src/interpret/cover.js';
import { extractBytes } from '../../src/extract.js';
import { FIXTURES } from '../helpers.js';
import { readFileSync } from 'node:fs';
import path from 'node:path';

function row(texts: string[]): Row {
  return { page: null, breakBefore: false, cells: texts.map((t, i) => ({ text: t, paras: t ? [t] : [], col: i, colSpan: 1, merged: false })) };
}

function projectTable(code: string, columns: 'grid' | 'order' = 'grid', plan = ['', '50%', '', '50%']): Block {
  return {
    kind: 'table',
    page: null,
    columns,
    rows: [
      row(['项目编码', code, '项目名称', `项目${code}`]),
      row(['预算规模及资金用途', '预算数', '10.00', '其中：财政资金', '8.00', '其他资金', '2.00']),
      row(['', '用于测试']),
      row(['资金支出计划(%)', '3月底', '6月底', '10月底', '12月底']),
      row(['', ...plan]),
      row(['绩效目标', '1.目标一']),
      row(['一级指标', '二级指标', '三级指标', '绩效指标描述', '指标值', '指标值确定依据']),
      row(['产出指标', '数量指标', '培训次数', '培训次数', '≥2 次', '计划']),
      row(['', '质量指标', '合格率', '合格率', '100%', '标准']),
    ],
  };
}

function model(blocks: Block[]): DocModel {
  return { format: 'docx', pages: null, blocks };
}

const partTwo = (extra: Block[]) =>
  model([para('第一部分'), para('一、总体绩效目标'), para('做好工作。'), para('第二部分'), ...extra]);

describe('project tables', () => {
  it('reads fields, fills 一级指标 down, keeps empty plan cells as null', () => {
    const doc = interpret(partTwo([para('1.测试项目绩效目标表'), para('单位：万元'), projectTable('13010124P001')]));
    const p = doc.projects[0]!;
    expect(p).toMatchObject({ seq: 1, title: '测试项目绩效目标表', money_unit: '万元', project_code: '13010124P001', budget_total: 10, budget_fiscal: 8, budget_other: 2, fund_use: '用于测试', goals: ['1.目标一'] });
    expect(p.spending_plan).toEqual([
      { period: '3月底', value: null },
      { period: '6月底', value: '50%' },
      { period: '10月底', value: null },
      { period: '12月底', value: '50%' },
    ]);
    expect(p.indicators.map((i) => i.level1)).toEqual(['产出指标', '产出指标']);
    expect(p.indicators[0]!.value).toEqual({ symbol: '≥', number: 2, unit: '次', text: null });
    expect(doc.document.year).toBe(2024);
  });

  it("reads an amount written in its label's own cell (其他资金 3.30, label and value closer than the gutter)", () => {
    const t = projectTable('13010124P001') as Extract<Block, { kind: 'table' }>;
    t.rows[1] = row(['预算规模及资金用途', '预算数', '10.00', '其中：财政资金', '8.00', '其他资金 2.00']);
    const p = interpret(partTwo([para('1.测试项目绩效目标表'), para('单位：万元'), t])).projects[0]!;
    expect([p.budget_total, p.budget_fiscal, p.budget_other]).toEqual([10, 8, 2]);
    t.rows[1] = row(['预算规模及资金用途', '预算数', '10.00', '其中：财政资金', '8.00其他资金', '2.00']);
    const q = interpret(partTwo([para('1.测试项目绩效目标表'), para('单位：万元'), t])).projects[0]!;
    expect([q.budget_total, q.budget_fiscal]).toEqual([10, 8]);
  });

  it('says goals numbered and then one without a number (a goal\'s wrapped lines set in the wrong goal), and not numbered goals alone', () => {
    const said = (goals: string[]) => {
      const t = projectTable('13010124P001') as Extract<Block, { kind: 'table' }>;
      const goalRow = row(['绩效目标', goals.join('')]);
      goalRow.cells[1]!.paras = goals;
      t.rows[5] = goalRow;
      const doc = interpret(partTwo([para('1.测试项目绩效目标表'), para('单位：万元'), t]));
      return doc.warnings.filter((w) => w.code === 'project-goals-order');
    };
    const wrong = said(['1.目标内容1管理', '2.目标内容2', '加强资金规范性管理，强化监督']);
    expect(wrong).toHaveLength(1);
    expect(wrong[0]!.message).toMatch(/goal 3 "加强资金规范性管理/);
    expect(said(['1.目标一', '2.目标二'])).toEqual([]);
    expect(said(['做好培训工作'])).toEqual([]);
  });

  it('says a budget figure its row holds text for but no amount could be read from (two cells run together), and not an empty one', () => {
    const t = projectTable('13010124P001') as Extract<Block, { kind: 'table' }>;
    const read = (cells: string[]) => {
      t.rows[1] = row(cells);
      const doc = interpret(partTwo([para('1.测试项目绩效目标表'), para('单位：万元'), t]));
      return { p: doc.projects[0]!, said: doc.warnings.filter((w) => w.code === 'project-field-missing').map((w) => w.message) };
    };
    // A typeset amount run into the next label (4685.89 over 其他资金): neither figure is read, both said.
    const joined = read(['预算规模及资金用途', '预算数', '7376.00', '其中：财政资金', '4685.8其9其他资金', '2690.11']);
    expect([joined.p.budget_total, joined.p.budget_fiscal]).toEqual([7376, null]);
    expect(joined.said).toEqual([expect.stringMatching(/budget_fiscal, budget_other not read/)]);
    // An empty 其他资金, or its label after the fiscal amount in one cell: nothing to say.
    expect(read(['预算规模及资金用途', '预算数', '10.00', '其中：财政资金', '10.00', '其他资金', '']).said).toEqual([]);
    expect(read(['预算规模及资金用途', '预算数', '5.00', '其中：财政资金', '5.00其他资金']).said).toEqual([]);
  });

  it('reads periods run together in one plan cell (3月底6月底: no gutter between their columns) as each its own, and drops a goal label run into its goal (目标1 1.1.…)', () => {
    const t = projectTable('13010124P001') as Extract<Block, { kind: 'table' }>;
    t.rows[3] = row(['资金支出计划(%)', '3月底6月底', '', '10月底']);
    t.rows[4] = row(['', '', '', '100.00']);
    t.rows[5] = row(['绩效目标', '目标1 1.1.依法合规，按时完成区志编撰工作。']);
    const p = interpret(partTwo([para('1.测试项目绩效目标表'), para('单位：万元'), t])).projects[0]!;
    expect(p.spending_plan).toEqual([
      { period: '3月底', value: null },
      { period: '6月底', value: null },
      { period: '10月底', value: '100.00' },
    ]);
    expect(p.goals).toEqual(['1.1.依法合规，按时完成区志编撰工作。']);
  });

  it('reads the last wrapped line of the fund use that a table without rules set apart as a row of its own (…平均数 · 为准）), and no row of figures or periods', () => {
    const t = projectTable('13010124P001') as Extract<Block, { kind: 'table' }>;
    const fund = (rest: string[]) => {
      const rows = [...t.rows];
      rows[2] = row(['', '1.聘请常年法律顾问3家2.案件代理数量（以3年内案件发生的平均数']);
      rows.splice(3, 0, row(rest));
      return interpret(partTwo([para('1.测试项目绩效目标表'), para('单位：万元'), { ...t, rows, rules: 'text' } as Block])).projects[0]!.fund_use;
    };
    expect(fund(['', '为准）'])).toBe('1.聘请常年法律顾问3家2.案件代理数量（以3年内案件发生的平均数为准）');
    expect(fund(['', '12月底75.00'])).toBe('1.聘请常年法律顾问3家2.案件代理数量（以3年内案件发生的平均数');
  });

  it('recognises other spellings of a project title', () => {
    const doc = interpret(partTwo([para('1.甲项目绩效目标申报表'), projectTable('13010124P001'), para('二、乙项目绩效目标表（2024年）'), projectTable('13010124P002')]));
    expect(doc.projects.map((p) => [p.seq, p.title])).toEqual([
      [1, '甲项目绩效目标申报表'],
      [2, '乙项目绩效目标表（2024年）'],
    ]);
  });

  it('gives a 关于…的说明 standing before a title to that project', () => {
    const doc = interpret(
      partTwo([
        para('1.甲项目绩效目标表'),
        projectTable('13010124P001'),
        para('关于乙项目的说明'),
        para('乙项目用于培训。'),
        para('2.乙项目绩效目标表'),
        projectTable('13010124P002'),
      ]),
    );
    expect(doc.projects.map((p) => p.explanation)).toEqual([null, '关于乙项目的说明\n乙项目用于培训。']);
  });

  it('warns, never guesses, when a dump lost the columns of plan values', () => {
    const doc = interpret(partTwo([para('1.丙项目绩效目标表'), projectTable('13010124P003', 'order', ['50%', '50%'])]));
    expect(doc.projects[0]!.spending_plan.every((s) => s.value === null)).toBe(true);
    expect(doc.warnings.map((w) => `${w.code}: ${w.message}`).join('\n')).toMatch(/plan-unplaced: .*spending plan has 4 periods but the source kept 2 value/);
  });

  it('parts one plan cell under two periods (`33.00 67.00`: a text table whose columns did not part them) into their values, and warns where it cannot', async () => {
    // Seed 14 through LibreOffice's PDF/A export (test/fixtures/seeds): project 3's plan values.
    const file = path.join(FIXTURES, 'seeds', 's014', 'lo-pdfa.pdf');
    const out = await extractBytes(readFileSync(file), file);
    const gold = JSON.parse(readFileSync(path.join(FIXTURES, 'seeds', 's014', 'gold.json'), 'utf8')) as { projects: Array<{ spending_plan: unknown }> };
    expect(out.record.projects.map((p) => p.spending_plan)).toEqual(gold.projects.map((p) => p.spending_plan));
    // Two periods, one cell that is no pair of amounts: no value is guessed, the row says so.
    const t = projectTable('13010124P001') as Extract<Block, { kind: 'table' }>;
    t.rows[4] = { ...row(['', '50%', '', '100%']), cells: [{ text: '50%或60%', paras: ['50%或60%'], col: 1, colSpan: 2, merged: false }, { text: '', paras: [], col: 3, colSpan: 1, merged: false }, { text: '100%', paras: ['100%'], col: 4, colSpan: 1, merged: false }] };
    const doc = interpret(partTwo([para('1.测试项目绩效目标表'), para('单位：万元'), t]));
    expect(doc.projects[0]!.spending_plan.map((s) => s.value)).toEqual([null, null, null, '100%']);
    expect(doc.warnings.map((w) => `${w.code}: ${w.message}`).join('\n')).toMatch(/plan-unplaced: .*one spending-plan cell \(50%或60%\) stands under 2 periods \(3月底, 6月底\)/);
    t.rows[4].cells[0] = { ...t.rows[4].cells[0]!, text: '50% 60%', paras: ['50% 60%'] };
    expect(interpret(partTwo([para('1.测试项目绩效目标表'), t])).projects[0]!.spending_plan.map((s) => s.value)).toEqual(['50%', '60%', null, '100%']);
  });

  it('lists a TOC entry without a table, and a budget that does not add up', () => {
    const t = projectTable('13010124P004');
    (t as { rows: Row[] }).rows[1] = row(['预算规模及资金用途', '预算数', '10.00', '其中：财政资金', '5.00', '其他资金', '']);
    const doc = interpret(
      model([
        para('目录'),
        para('第二部分 预算项目绩效目标'),
        para('1.丁项目绩效目标表.....\t3'),
        para('2.戊项目绩效目标表\t错误！未定义书签。'),
        para('第一部分'),
        para('一、总体绩效目标'),
        para('做好工作。'),
        para('第二部分'),
        para('1.丁项目绩效目标表'),
        t,
      ]),
    );
    expect(doc.document.toc).toEqual([
      { seq: 1, title: '丁项目绩效目标表', page: 3 },
      { seq: 2, title: '戊项目绩效目标表', page: null },
    ]);
    const said = doc.warnings.map((w) => `${w.code}: ${w.message}`);
    expect(said).toContain('toc-no-table: TOC entry 2 "戊项目绩效目标表" has no project table');
    expect(said.join('\n')).toMatch(/budget-mismatch: .*budget_total 10 ≠ fiscal 5 \+ other 0/);
    // Warnings on a table say which table and row; the budget one points at the project's table.
    expect(doc.warnings.find((w) => w.code === 'budget-mismatch')!.loc).toMatchObject({ table: null, row: null });
  });
});

describe('toc', () => {
  it('reads leaders, tab stops and Chinese numbering', () => {
    expect(readToc([para('第二部分'), para('一、某项目绩效目标表……………12'), para('二、另一项目绩效目标表\t13')]).map(({ seq, title, page }) => ({ seq, title, page }))).toEqual([
      { seq: 1, title: '某项目绩效目标表', page: 12 },
      { seq: 2, title: '另一项目绩效目标表', page: 13 },
    ]);
  });
});

describe('part one sub-goals', () => {
  it('a 绩效指标： lead-in joined to the goal line above it is its own part', () => {
    const doc = interpret(
      model([para('第一部分'), para('一、总体绩效目标'), para('做好工作。'), para('二、分项绩效目标'), para('1、信息化工作管理'), para('绩效目标：统筹信息化建设。绩效指标：完成项目初审工作；确保网络安全。'), para('第二部分')]),
    );
    expect(doc.part_one.sub_goals).toMatchObject([{ seq: '1', title: '信息化工作管理', goal: '统筹信息化建设。', indicator: '完成项目初审工作；确保网络安全。' }]);
  });
});

describe('merged level cells over a page break in a table without rules', () => {
  const on = (page: number, texts: string[]): Row => ({ ...row(texts), page });
  const rows = [
    on(1, ['一级指标', '二级指标', '三级指标', '绩效指标描述', '指标值', '指标值确定依据']),
    on(1, ['效益指标', '生态效益指标', '节能', '节能', '文字描述', '依据']),
    // Page 2: this row's 一级指标 is empty; 效果指标, set in the middle of the two rows it spans, stands on the next.
    on(2, ['', '社会效益指标', '商务接待制度执行率', '按制度接待的比率', '>20%', '依据']),
    on(2, ['效果指标', '社会效益指标', '办公用房综合利用率', '租用面积与实际使用面积的比率', '<48户', '合同']),
  ];

  it('say on the row carried over the break that its 一级指标 may be the next row\'s', async () => {
    const { readIndicatorTable } = await import('../../src/interpret/indicators.js');
    const r = readIndicatorTable(rows, true, '', true);
    expect(r.value[1]!.level1).toBe('效益指标');
    const said = r.messages.filter((m) => m.code === 'indicator-level-pattern');
    expect(said).toHaveLength(1);
    expect(said[0]!.message).toMatch(/商务接待制度执行率.*效益指标.*效果指标/);
  });

  it('say nothing where rules show the merged cells (a ruled table) or where no row after the break opens another', async () => {
    const { readIndicatorTable } = await import('../../src/interpret/indicators.js');
    expect(readIndicatorTable(rows, true, '', false).messages.filter((m) => m.code === 'indicator-level-pattern')).toEqual([]);
    const same = [...rows.slice(0, 3), on(2, ['', '社会效益指标', '办公用房综合利用率', '比率', '<48户', '合同'])];
    expect(readIndicatorTable(same, true, '', true).messages.filter((m) => m.code === 'indicator-level-pattern')).toEqual([]);
  });
});

describe('an indicator table\'s header against its rows', () => {
  const header = ['一级指标', '二级指标', '三级指标', '绩效指标描述', '指标值', '指标值确定依据……'];
  const body = [
    ['产出指标', '数量指标', '培训次数', '全年培训次数', '≥4次', ''],
    ['产出指标', '质量指标', '合格率', '培训合格率', '≥95%', ''],
    ['效益指标', '社会效益指标', '服务水平', '服务水平提高', '有效提高', ''],
  ];

  it('a header label with specks read as dots after it still names its column', async () => {
    const { readIndicatorTable } = await import('../../src/interpret/indicators.js');
    const r = readIndicatorTable([row(header), ...body.map((b) => row([...b.slice(0, 5), '年度计划']))]);
    expect(r.value.map((x) => x.basis)).toEqual(['年度计划', '年度计划', '年度计划']);
  });

  it('a column the header names that no row fills is said on every row (a column lost whole)', async () => {
    const { readIndicatorTable } = await import('../../src/interpret/indicators.js');
    const r = readIndicatorTable([row(header), ...body.map(row)]);
    const said = r.messages.filter((m) => m.code === 'indicator-cell-empty');
    expect(said).toHaveLength(3);
    expect(said.every((m) => /指标值确定依据 is empty on every row/.test(m.message))).toBe(true);
    // Filled on one row: the rows' own check speaks for the others, not this one.
    const one = readIndicatorTable([row(header), ...body.map((b, i) => row([...b.slice(0, 5), i === 0 ? '计划' : '']))]);
    expect(one.messages.filter((m) => /on every row/.test(m.message))).toEqual([]);
  });
});

describe('split 符号/值/单位 indicator tables', () => {
  const header = [row(['一级指标', '二级指标', '三级指标', '绩效指标描述', '指标值', '', '', '指标值确定依据']), row(['', '', '', '', '符号', '值', '单位（文字描述）', ''])];
  const ind = (name: string, sym: string, num: string, unit: string) => row(['产出指标', '数量指标', name, name, sym, num, unit, '依据']);

  it('reads value from the three cells, never from the joined text', async () => {
    const { readIndicatorTable } = await import('../../src/interpret/indicators.js');
    const r = readIndicatorTable([...header, ind('控制率', '<=', '10.00', '100%以下计满分'), ind('次数', '>=', '2', '次')]);
    expect(r.value[0]!.value_raw).toBe('<=10.00100%以下计满分');
    expect(r.value[0]!.value).toEqual({ symbol: '≤', number: 10, unit: null, text: '100%以下计满分' });
    expect(r.value[1]!.value).toEqual({ symbol: '≥', number: 2, unit: '次', text: null });
  });

  it('gives digits spilled into a fixed-format 值 cell back to the 单位 cell, with a warning', async () => {
    const { readIndicatorTable } = await import('../../src/interpret/indicators.js');
    const rows = [...header, ind('a', '<=', '7.00', '分'), ind('b', '<=', '8.00', '分'), ind('c', '<=', '10.00', '分'), ind('d', '<=', '10.00100', '%以下计满分')];
    const r = readIndicatorTable(rows);
    expect(r.value[3]!.value).toEqual({ symbol: '≤', number: 10, unit: null, text: '100%以下计满分' });
    expect(r.messages.map((w) => `${w.code}: ${w.message}`).join('\n')).toMatch(/^value-cell-overflow: .*10\.00100/);
    // Without three values agreeing on the format nothing is moved.
    const few = readIndicatorTable([...header, ind('a', '<=', '7.00', '分'), ind('d', '<=', '10.00100', '%')]);
    expect(few.value[1]!.value.number).toBe(10.001);
    expect(few.messages).toEqual([]);
  });

  it('reads a cell over 值 and 单位 once; a cell over 值 and 依据 is read for both and said on its row', async () => {
    const { readIndicatorTable } = await import('../../src/interpret/indicators.js');
    const spanned = (cells: Array<[string, number]>) => {
      const r = row([]);
      let col = 0;
      r.cells = cells.map(([text, span]) => {
        const c = { text, paras: text ? [text] : [], col, colSpan: span, merged: false };
        col += span;
        return c;
      });
      return r;
    };
    const r = readIndicatorTable([
      ...header,
      spanned([['产出指标', 1], ['数量指标', 1], ['件数', 1], ['件数', 1], ['>', 1], ['15,769.26件数', 2], ['总结', 1]]),
      spanned([['产出指标', 1], ['数量指标', 1], ['户数', 1], ['户数', 1], ['', 1], ['完成配送', 1], ['《方案》', 2]]),
    ]);
    expect(r.value[0]!.value_raw).toBe('>15,769.26件数');
    expect(r.value[0]!.value).toEqual({ symbol: '>', number: 15769.26, unit: '件', text: null });
    expect(r.messages.filter((m) => m.code === 'indicator-cell-spans')).toHaveLength(1);
    expect(r.messages.find((m) => m.code === 'indicator-cell-spans')!.message).toMatch(/户数.*value and basis/);
  });

  it('reads 依据 from the column after 单位 where its header label was set over the 单位 column', async () => {
    const { readIndicatorTable } = await import('../../src/interpret/indicators.js');
    const shifted = [row(['一级指标', '二级指标', '三级指标', '绩效指标描述', '指标值', '', '指标值确定依据']), row(['', '', '', '', '符号', '值', '单位（文字描述）'])];
    const r = readIndicatorTable([...shifted, ind('控制率', '<=', '3', '名')]);
    expect(r.value[0]).toMatchObject({ value_raw: '<=3名', basis: '依据' });
  });
});

describe('unit lines', () => {
  it('reads a unit line and 单位：万元 printed on one line as two fields', () => {
    const doc = interpret(partTwo([para('1.甲项目绩效目标表'), para('101001 某某局本级\t单位：万元'), projectTable('13010124P010')]));
    expect(doc.projects[0]).toMatchObject({ unit_code: '101001', unit_name: '某某局本级', money_unit: '万元' });
    const joined = interpret(partTwo([para('1.甲项目绩效目标表'), para('101001 某某局本级单位：万元'), projectTable('13010124P011')]));
    expect(joined.projects[0]).toMatchObject({ unit_code: '101001', unit_name: '某某局本级', money_unit: '万元' });
  });
  it('a unit name wrapped onto a line of its own ends the name another project prints whole, and is no explanation', () => {
    const doc = interpret(partTwo([
      para('1.甲项目绩效目标表'), para('101001 某某局综合办公室本'), para('级'), para('单位：万元'), projectTable('13010124P012'),
      para('2.乙项目绩效目标表'), para('101001 某某局综合办公室本级'), para('单位：万元'), projectTable('13010124P013'),
    ]));
    expect(doc.projects.map((p) => [p.unit_name, p.explanation])).toEqual([['某某局综合办公室本级', null], ['某某局综合办公室本级', null]]);
    // No project prints the joined name: the word stays the explanation it was read as.
    const alone = interpret(partTwo([para('1.甲项目绩效目标表'), para('101001 某某局综合办公室'), para('说明'), para('单位：万元'), projectTable('13010124P014')]));
    expect([alone.projects[0]!.unit_name, alone.projects[0]!.explanation]).toEqual(['某某局综合办公室', '说明']);
  });
});

describe('a project table cut by a page break, its columns rebuilt from text', () => {
  const table = (page: number, rows: Row[], xs: number[], starts: number[]): Block => ({ kind: 'table', page, columns: 'grid', rules: 'text', xs, starts, rows: rows.map((r) => ({ ...r, page })) }) as Block;
  const head = (plan: Row[]) =>
    table(5, [
      row(['项目编码', '13010124P020', '项目名称', '甲项目']),
      // The fiscal amount overflowing its cell over the next label (XeLaTeX's p{} column).
      row(['预算规模及资金用途', '预算数', '7376.00', '其中：财政资金', '4685.89其他资金', '2690.11']),
      row(['资金支出计划', '3月底', '6月底', '10月底', '12月底']),
      ...plan,
    ], [38, 81, 135, 208, 291, 376, 446], [40, 89, 147, 229, 297, 403]);
  // The next page numbers its own text columns: 10月底's column is empty there, so it is none.
  const rest = table(6, [row(['', '25.00', '50.00', '100.00']), row(['绩效目标', '1.目标一'])], [38, 81, 132, 236, 396], [40, 89, 147, 297]);
  it('an amount and the next label in one cell: the label takes the next cell; values on the next page go under the periods where their text starts', () => {
    const doc = interpret(partTwo([para('1.甲项目绩效目标表'), head([]), rest]));
    const p = doc.projects[0]!;
    expect([p.budget_total, p.budget_fiscal, p.budget_other]).toEqual([7376, 4685.89, 2690.11]);
    expect(p.spending_plan).toEqual([
      { period: '3月底', value: '25.00' },
      { period: '6月底', value: '50.00' },
      { period: '10月底', value: null },
      { period: '12月底', value: '100.00' },
    ]);
  });
  it('values in another table whose columns are not known are placed by count alone, and said where they cannot be', () => {
    const { starts: _, ...unknown } = rest as Block & { starts?: number[] };
    const doc = interpret(partTwo([para('1.甲项目绩效目标表'), head([]), unknown as Block]));
    expect(doc.projects[0]!.spending_plan.map((x) => x.value)).toEqual([null, null, null, null]);
    expect(doc.warnings.filter((w) => w.code === 'plan-unplaced')).toHaveLength(1);
  });
});

describe('part one not read', () => {
  const cover = [para('河北省某某局2024年部门预算绩效文本')];
  const tables = [para('第二部分'), para('1.测试项目绩效目标表'), projectTable('13010124P001')];
  it('a budget text (its cover says so) with a section of part one not read says which, for the whole document', () => {
    const doc = interpret(model([...cover, para('第一部分'), para('一、总体绩效目标'), para('做好工作。'), ...tables]));
    const w = doc.warnings.filter((x) => x.code === 'part-one-missing');
    expect(w.map((x) => [x.message, x.loc])).toEqual([['part one: no 分项绩效目标, 保障措施 read', null]]);
  });
  it('project tables alone (no cover) are no budget text missing its part one', () => {
    expect(interpret(model(tables)).warnings.filter((x) => x.code === 'part-one-missing')).toEqual([]);
  });
});

describe('indicator header labels misread', () => {
  const ind = (l1: string, l2: string, name: string) => row([l1, l2, name, name, '≥90百分比', '年初预算安排']);

  it('a header cell no label names takes the one field unnamed where it stands (OCR read 一级指标 as 一一级指标)', async () => {
    const { readIndicatorTable } = await import('../../src/interpret/indicators.js');
    const header = row(['一一级指标', '二级指标', '三级指标', '绩效指标描述', '指标值', '指标值确定依据']);
    const r = readIndicatorTable([header, ind('产出指标', '数量指标', '修缮工程量'), ind('', '质量指标', '验收通过率')]);
    expect(r.value.map((i) => [i.level1, i.level2, i.level3, i.basis])).toEqual([
      ['产出指标', '数量指标', '修缮工程量', '年初预算安排'],
      ['产出指标', '质量指标', '验收通过率', '年初预算安排'],
    ]);
    // A misread label between two named columns (绩效指标描迷) is placed the same way.
    const mid = readIndicatorTable([row(['一级指标', '二级指标', '三级指标', '绩效指标描迷', '指标值', '指标值确定依据']), row(['产出指标', '数量指标', '修缮工程量', '修缮的工程量', '≥1000米', '年初预算安排'])]);
    expect(mid.value[0]!.description).toBe('修缮的工程量');
  });

  it('a header row with 二级指标 misread is still the header where three other labels name it (a page break repeats it)', async () => {
    const { readIndicatorTable } = await import('../../src/interpret/indicators.js');
    const header = row(['一级指标', '二级指标', '三级指标', '绩效指标描述', '指标值', '指标值确定依据']);
    const repeated = row(['一级指标', '级指标', '三级指标', '绩效指标描述', '指标值', '指标值确定依据']);
    const r = readIndicatorTable([header, ind('产出指标', '数量指标', '修缮工程量'), repeated, ind('效益指标', '社会效益指标', '群众满意'), ind('', '可持续影响指标', '长效机制')]);
    expect(r.value.map((i) => [i.level1, i.level3])).toEqual([
      ['产出指标', '修缮工程量'],
      ['效益指标', '群众满意'],
      ['效益指标', '长效机制'],
    ]);
    expect(r.messages.filter((m) => m.code === 'indicator-label-value')).toEqual([]);
  });

  it('a row taking its 一级指标 from a header row not told as one says so on that row', async () => {
    const { readIndicatorTable } = await import('../../src/interpret/indicators.js');
    const header = row(['一级指标', '二级指标', '三级指标', '绩效指标描述', '指标值', '指标值确定依据']);
    // Two labels only (级指标, 三级指: misread): an indicator row, with header words.
    const misread = row(['一级指标', '级指标', '三级指', '绩效描述', '指标值', '依据确定']);
    const r = readIndicatorTable([header, ind('产出指标', '数量指标', '修缮工程量'), misread, ind('', '可持续影响指标', '长效机制')]);
    expect(r.value[2]!.level1).toBe('一级指标');
    const said = r.messages.filter((m) => m.code === 'indicator-label-value');
    // The misread header's own row, and the row under it that took its 一级指标.
    expect(said.map((m) => (m.where![0] as Row).cells[2]!.text)).toEqual(['三级指', '长效机制']);
  });

  it('unnamed cells as many as the fields none names there take them in order (a photocopy lost 一 and 二: 级指标 · 级指标)', async () => {
    const { readIndicatorTable } = await import('../../src/interpret/indicators.js');
    const header = row(['级指标', '级指标', '三级指标', '绩效指标描述', '指标值', '指标值确定依据']);
    const r = readIndicatorTable([header, ind('产出指标', '数量指标', '修缮工程量'), ind('', '质量指标', '验收通过率')]);
    expect(r.value.map((i) => [i.level1, i.level2, i.level3])).toEqual([
      ['产出指标', '数量指标', '修缮工程量'],
      ['产出指标', '质量指标', '验收通过率'],
    ]);
    // Three cells for those two fields: no column is named by place.
    const extra = readIndicatorTable([row(['级指标', '某某', '级指标', '三级指标', '绩效指标描述', '指标值', '指标值确定依据']), row(['产出指标', 'x', '数量指标', '修缮工程量', '修缮工程量', '≥1000米', '年初预算安排'])]);
    expect([extra.value[0]!.level1, extra.value[0]!.level2]).toEqual([null, null]);
  });

  it('two unnamed cells where one field is missing name neither', async () => {
    const { readIndicatorTable } = await import('../../src/interpret/indicators.js');
    const header = row(['一一级指标', '某某', '二级指标', '三级指标', '绩效指标描述', '指标值', '指标值确定依据']);
    const r = readIndicatorTable([header, row(['产出指标', 'x', '数量指标', '修缮工程量', '修缮工程量', '≥1000米', '年初预算安排'])]);
    expect(r.value[0]!.level1).toBeNull();
    expect(r.value[0]!.level2).toBe('数量指标');
  });
});
