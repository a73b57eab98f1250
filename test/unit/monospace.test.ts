/**
 * Text dumps set in monospace columns (`pdftotext -layout` of a LibreOffice PDF) read as
 * positioned text through the layout engine's rule-less table rules (src/layout/monospace.ts),
 * and plain pdftotext dumps (a table's text block by block) read honestly (src/loaders/txt.ts).
 * The inputs are excerpts of the generated documents' dumps (test/fixtures/dumps), and whole
 * dumps of generated seeds (seedNNN-layout.txt: `pdftotext -layout` of seed NNN's LibreOffice PDF).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { monospacePage, runsOf } from '../../src/layout/monospace.js';
import { pageContent } from '../../src/layout/index.js';
import { TABLE_WORDS } from '../../src/vocab.js';
import { detectLayout, loadTxt } from '../../src/loaders/txt.js';
import { FIXTURES } from '../helpers.js';
import { extractBytes } from '../../src/extract.js';
import type { BudgetDocument } from '../../src/schema.js';
import { namedOn } from '../../src/eval/score.js';

const dump = (name: string) => readFileSync(path.join(FIXTURES, 'dumps', name), 'utf8').split('\n');

/** The dump's tables as rows of [column, text]. */
function tables(lines: string[]): Array<Array<Array<[number, string]>>> {
  const page = monospacePage(lines, TABLE_WORDS);
  return pageContent(1, page.items, [], { view: page.view }, TABLE_WORDS).tables.map((t) => t.table.rows.map((r) => r.cells.map((c) => [c.col, c.text] as [number, string])));
}

describe('monospace dumps (pdftotext -layout)', () => {
  it('part a line into pieces at two spaces or more, one space staying inside a piece', () => {
    expect(runsOf('产出指标    数量指标          完成 1.1 万户配送', 0).map((r) => [r.col, r.text])).toEqual([
      [0, '产出指标'],
      [8, '数量指标'],
      [22, '完成 1.1 万户配送'],
    ]);
  });

  it('rebuild rows whose cells wrap, a merged label set at the foot of its rows going to the first of them', () => {
    const [t] = tables(dump('layout-bottom.txt'));
    expect(t![0]!.map(([, x]) => x)).toEqual(['一级指标', '二级指标', '三级指标', '绩效指标描述', '指标值', '指标值确定依据']);
    expect(t![1]).toEqual([[0, '产出指标'], [1, '数量指标'], [2, '广通数字电视传输中心租赁面积'], [3, '广通数字电视传输中心租赁面积'], [4, '≥1387.93m²'], [5, '协议']]);
    // 时效指标 stands on the last line of the second of its two rows: it is written in the first.
    expect(t![2]).toEqual([[0, '产出指标'], [1, '时效指标'], [2, '预算支出相关性'], [3, '反映支出是否按照预算批复、法律法规规定的用途使用'], [4, '1期'], [5, '参照部门预算、决算数据进行评价']]);
    expect(t![3]!.find(([c]) => c === 1)).toBeUndefined();
    // 服务对象满意度指 · 标 at the foot of its two rows (the label filling its row) goes to the first.
    expect(t![8]!.find(([c]) => c === 1)).toEqual([1, '服务对象满意度指标']);
    expect(t![9]!.find(([c]) => c === 1)).toBeUndefined();
  });

  it('part cells set one space apart, and give a label set in the middle of its rows to the first of them', () => {
    const [t] = tables(dump('layout-middle.txt'));
    // 有效提升 one space after its description; 产出指标 in the middle of its three rows.
    expect(t![1]).toEqual([[0, '产出指标'], [1, '数量指标'], [2, '设备检修维护次数'], [3, '设备检修维护次数'], [4, '有效提升'], [5, '软硬件设备维护次数']]);
    expect(t![2]).toEqual([[1, '数量指标'], [2, '租赁隔离点(酒店)'], [3, '租赁隔离点数量达到公共卫生防控要求'], [4, '≦100.00m2'], [5, '《承德高新技术产业开发区新冠疫情防控指挥部关于集中隔离医学观察点设置管理实施方案(试行)》、《承德市“三道防线”疫情防控工作实施方案》']]);
    expect(t![3]).toEqual([[1, '时效指标'], [2, '租赁及时性'], [3, '租赁及时性'], [4, '可及时入驻'], [5, '实际入驻情况']]);
    expect(t![4]![4]).toEqual([5, '依据上年度标准']);
    // The next 一级指标 (效益指标) opens its own rows.
    expect(t![5]![0]).toEqual([0, '效益指标']);
  });

  it('read the dump through the loader as a table drawn without lines, its rows on their dump lines', async () => {
    const lines = dump('layout-bottom.txt');
    expect(detectLayout(lines)).toBe('columns');
    const { value } = await loadTxt(Buffer.from(lines.join('\n')));
    const table = value.blocks.find((b) => b.kind === 'table');
    expect(table && table.kind === 'table' && table.rules).toBe('text');
    expect(table && table.kind === 'table' && table.rows.map((r) => r.line)).toEqual([1, 3, 7, 11, 14, 16, 19, 21, 25, 28]);
  });
});

/** The document read from a whole seed's dump. */
async function seed(n: string): Promise<BudgetDocument> {
  return (await extractBytes(readFileSync(path.join(FIXTURES, 'dumps', `seed${n}-layout.txt`)), 'x.txt')).record;
}
const row = (d: BudgetDocument, p: number, level3: string) => d.projects[p]!.indicators.find((i) => i.level3 === level3);
const warnedOn = (d: BudgetDocument, loc: BudgetDocument['projects'][number]['loc']) => d.warnings.filter((w) => w.loc?.table === loc?.table && w.loc?.row === loc?.row).map((w) => w.code);

describe('monospace dumps: rows and columns against the header (generated seeds)', () => {
  it('keep a row whole where a value holds digits (wider in columns than on the page) and the other cells go on wrapped', async () => {
    // Seed 7: 办公用房运行费用支 · 出及时性 under ≤22.82 以 · 上完成率: had been read as two rows,
    // every row after it one row off.
    const d = await seed('007');
    expect(row(d, 1, '办公用房运行费用支出及时性')).toMatchObject({ description: '反映办公用房办公用房运行费用支出及时性情况', value_raw: '≤22.82以上完成率', basis: '参照本年度专项预算资金实际分配与支出情况进行评价' });
    expect(d.projects[1]!.indicators.map((i) => i.level3)).toEqual(['广通数字电视传输中心租赁面积', '及时率', '办公用房运行费用支出及时性', '项目预期使用寿命', '规范因公出国境经费管理', '项目对生态效益提升比', '办公资源循环利用率', '签约项目金额', '常年法律服务协议有效率', '综合部满意度', '服务对象满意度指标', '服务对象满意度(%)']);
  });

  it('part a value from the text before it where values parted at their signs show the column edge', async () => {
    // Seed 1: `信息系统漏洞处置 100 次` (no sign) parts at the column where `≥90 百分比` and
    // `<10 平方米` start once parted from their descriptions; whole, it had made its column look
    // wide enough for the next line's 率（%） to start a row of its own.
    const d = await seed('001');
    expect(row(d, 1, '信息系统漏洞处置率（%）')).toMatchObject({ description: '信息系统漏洞处置率（%）', value_raw: '100次', basis: '系统出现漏洞解决情况' });
    expect(d.projects[1]!.indicators.map((i) => i.level3)).toEqual(['基础设施验收通过率（%）', '信息系统漏洞处置率（%）', '经济效益指标', '常年法律服务协议有效率', '服务对象满意度指标', '满意率']);
  });

  it('set the rows of a page without the header under the header carried from the page before', async () => {
    // Seed 15: page 7 goes on with project 1's table two or three columns left of its header on
    // page 6; its values and their bases had been read as one cell (basis empty), unwarned.
    const d = await seed('015');
    expect(row(d, 0, '招商活动支出及时性')).toMatchObject({ value_raw: '有效提升', basis: '参照本年实际支出情况为依据' });
    expect(row(d, 0, '综合部满意度')).toMatchObject({ value_raw: '≥95%', basis: '综合部对服务人员的评价结果' });
  });

  it('say on their rows the rows of a page without the header that stand off the columns of the header carried to it', async () => {
    // Seed 13: page 7 holds rows under a merged 一级指标, each laid out by its own text (数量 ·
    // 指标 at the 一级 column); they had been measured against each other and read unwarned.
    const d = await seed('013');
    const shifted = row(d, 0, '修缮工程量') ?? d.projects[0]!.indicators[1]!;
    expect(warnedOn(d, shifted.loc)).toContain('cells-unplaced');
    // Project 3's 办公用房管理规范性 leaves 一级指标 to the merged cell above, which came from a
    // row set off the header (时效指标 read as its 一级指标): it says so too.
    const inherits = row(d, 2, '办公用房管理规范性')!;
    expect(inherits.level1).toBe('时效指标');
    expect(warnedOn(d, inherits.loc)).toContain('cells-unplaced');
  });

  it('say where a row starts on a line that also goes on with a cell wrapped from the line above', async () => {
    // Seed 17: 预算规模及资 · 金用途 (a label over the budget row and the 资金用途 row, wrapped
    // at their boundary): 金用途 had been read into the fund use with no warning.
    const d = await seed('017');
    const p = d.projects[1]!;
    expect(p.fund_use).toBe('金用途下沉驻村干补助的发放');
    expect(d.warnings.some((w) => w.code === 'cells-unplaced' && w.loc?.table === p.loc?.table && /where the row above ends is a guess/.test(w.message))).toBe(true);
  });

  it('say on their rows where a merged label may be one wrapped among the rows\' lines or two', async () => {
    // Seed 12: 产出 · (数量指标's line) · 指标 in a column that wraps its labels (效果 · 指标):
    // read as two labels 产出 and 指标, their rows had said nothing.
    const d = await seed('012');
    for (const level3 of ['完成工作需要的资金', '返聘人员数量', '服务期限', '租赁及时性']) {
      const r = row(d, 1, level3)!;
      expect(r.level1).not.toBe('产出指标');
      expect(warnedOn(d, r.loc)).toContain('cells-unplaced');
    }
  });

  it('say on a table\'s last row that its cells may run on into the paragraph set in its columns after it', async () => {
    // Seed 17: the 依据 of 租赁隔离点(酒店) goes on at the top of the next page, in the table's
    // 依据 column, read as a paragraph: the row, its 依据 cut short, had said nothing.
    const d = await seed('017');
    const r = row(d, 1, '租赁隔离点(酒店)')!;
    expect(r.basis).toBe('《承德高新技术产业开发区新冠疫情防控指挥部关于集中隔离医学观察点设置管理实施方案');
    expect(warnedOn(d, r.loc)).toContain('cells-unplaced');
  });

  it('measure a column by the pieces within it, not by two cells set one space apart over the next column', async () => {
    // Seed 16: `12345 热线服务 12345 热线服务人员数` (三级指标 and its description one space
    // apart, one piece) ran over the description's column and made the 三级指标 column look wide
    // enough for every wrapped line under it (机制，充分调 under 完善招商引资) to start a row: 14
    // rows were read for 9.
    const d = await seed('016');
    expect(d.projects[0]!.indicators.map((i) => i.level3)).toEqual(['12345热线服务12345热线服务人员数人员数量', '按时完成率', '下沉工作完成情况', '保障日常办公', '完善招商引资机制，充分调动社会各界参与高新区招商引资工作的积极性', '宣传党和政府的工作方针，反映社情民意', '资金的使用效率', '签约项目金额', '领导满意度']);
    expect(row(d, 0, '领导满意度')).toMatchObject({ level1: '满意度指标', description: '历任领导及各部门对志书的满意度', value_raw: '8万', basis: '方案' });
  });

  it('measure a column without the spaces pdftotext writes between CJK text and digits', async () => {
    // Seed 11: `2020 年 6 月` (ten columns wide on the page, twelve in the dump) had made the value
    // column look wide enough for 准 under 达到国家标 to start a row of its own.
    const d = await seed('011');
    expect(row(d, 2, '按期完成率')).toMatchObject({ value_raw: '达到国家标准', basis: '营业执照' });
    expect(row(d, 2, '高科技项目占比')).toMatchObject({ level2: '质量指标', value_raw: '>90m2', basis: '年初预算安排' });
  });

  it('read a merged label below its row\'s first line as spanning two rows or more', async () => {
    // Seed 15 (labels centred): 时效指标 stands on the last line of the first of its two rows;
    // read as set at the foot it had spanned that row alone, and 及时率 went to 质量指标, unwarned.
    const d = await seed('015');
    expect(row(d, 0, '招商活动支出及时性')!.level2).toBe('时效指标');
    expect(row(d, 0, '及时率')).toMatchObject({ level1: '产出指标', level2: '时效指标', value_raw: '3万', basis: '实际支出情况' });
    expect(row(d, 0, '信息系统漏洞处置率（%）')!.level2).toBe('质量指标');
  });

  it('give a merged label the rows above it down to the table\'s header, where it stands on the first line of a row', async () => {
    // Seed 9 (labels at the foot, 一级指标 merged): project 2's 产出指标 stands on the first
    // line of its third row; read as that row's own, the two rows above had no 一级指标.
    const d = await seed('009');
    expect(d.projects[1]!.indicators.slice(0, 2).map((i) => [i.level1, i.level3])).toEqual([['产出指标', '预算执行率（%）'], ['产出指标', '劳务费支出']]);
    expect(row(d, 1, '劳务费支出')).toMatchObject({ level2: '成本指标', description: '劳务费本年支出总额', value_raw: '≤500万元', basis: '审计数据' });
  });

  it('read a table whose header names stand one space apart, and whose 单位 cells stand left of the sub-header\'s 单位', async () => {
    // Seed 19: `一级指标 二级指 三级指标` squeezed left of the rows' columns (二级指 between 一级指标
    // and the rows' 二级指标) read as one column; the sub-header 符号 · 值 · 单位（文字描 had run
    // on into the first row; `95 万/人` and `333 以上完成率` (a number and its 单位 cell one
    // space apart, the 单位 a column or two left of the sub-header's) hid the column between
    // 值 and 单位. The project's table had been read as no indicator rows at all.
    const d = await seed('019');
    const got = d.projects[0]!.indicators;
    expect(got.map((i) => [i.level1, i.level2, i.level3, i.value_raw, i.basis])).toEqual([
      ['产出指标', '成本指标', '人均费用', '≥95万/人', '合同'],
      ['产出指标', '成本指标', '成本控制率', '＜3336以上完成率', '预决算数据'],
      ['产出指标', '数量指标', '大数据研发展示中心租赁面积', '<2022年12月底', '协议'],
      ['产出指标', '时效指标', '预算执行率', '≥48.72项', '预决算数据'],
      ['产出指标', '时效指标', '实施进度', '≥85,681.30百分率', '年初预算安排'],
      ['效益指标', '可持续影响指标', '项目预期使用寿命', '＞30篇', '志书'],
      ['效益指标', '生态效益指标', '生态效益指标', '符合相关规定', '生态效益指标'],
      ['效益指标', '生态效益指标', '美化乡村环境', '＞14454每村1次', '老促会工作计划'],
      ['效益指标', '社会效益指标', '宣传党和政府的工作方针，反映社情民意', '%', '社情民意反馈'],
      ['效益指标', '社会效益指标', '满足机关工作的正常开展', '完成1.1万户配送', '满足机关工作的正常开展'],
    ]);
  });

  it('say on a row cut by a page break that its rest on the next page was read with a guess', async () => {
    // Seed 11: the last row's rest (指标 · 意度指标 · 务人员的评 · 价结果) stands alone at the top of
    // the next page, off the carried header's columns: said on that rest, but not on the row
    // it was joined to, whose 三级指标 took the 依据's rest unwarned.
    const d = await seed('011');
    const r = row(d, 2, '综合部满意度务人员的评价结果')!;
    expect(warnedOn(d, r.loc)).toContain('cells-unplaced');
  });

  it('say on a table\'s last row that its cells may run on into the paragraph first on the next page, whatever its column', async () => {
    // Seed 15: the department table's last row goes on at the top of the next page (记录为依 ·
    // 据。), which pdftotext sets at column 0, the page's own leftmost text: read as a paragraph
    // at the table's left edge, the row, its 依据 cut short, had said nothing.
    const d = await seed('015');
    const r = d.part_one.dept_indicators.find((i) => i.level3 === '接待对象满意度')!;
    expect(r.basis).toBe('根据评价手册测评');
    expect(warnedOn(d, r.loc)).toContain('cells-unplaced');
    // The paragraph says so too, at its line: the part-one item that took it as its text
    // (the department table's caption, numbered as the last safeguard) had said nothing.
    const item = d.part_one.safeguards.find((s) => s.text.includes('记录为依'))!;
    const line = d.warnings.find((w) => w.code === 'cells-unplaced' && w.loc?.table == null && w.loc?.page != null);
    expect(line?.message).toContain('may be the rest of that row');
    expect(namedOn(d.warnings, item.loc, 'item')).toBe(true);
  });

  it('read a header whose names wrap in columns so narrow that no line holds a level name', async () => {
    // Seed 5: 一级 · 指标, 二 · 级 · 指 · 标, 三级指 · 标 (and a split value's `＝ 46.97`, its sign
    // and number one space apart): no line read as the header, the tables had no indicator rows.
    const d = await seed('005');
    expect(d.projects[0]!.indicators.map((i) => [i.level1, i.level2, i.level3, i.value_raw, i.basis])).toEqual([
      ['产出指标', '数量指标', '拨款数额', '≥14件数', '决算数据'],
      ['产出指标', '时效指标', '案件代理手续及答辩状递交及时率', '可及时入驻', '依据上年度标准'],
      ['产出指标', '质量指标', '租赁质量情况：租赁办公用房及住宅内各项设施齐全，运转正常', '＝46.97期', '实际运转情况'],
      ['效益指标', '生态效益指标', '美化乡村环境', '8.10满意度占百分比', '老促会工作计划'],
    ]);
  });

  it('keep a number wrapped digit by digit in a narrow 值 column in its row', async () => {
    // Seed 10: `25.9 · 8`, `36.3 · 5`, `46.1 · 7`, `51,8 · 93.4 · 6` — each line of digits
    // alone had started a row of its own.
    const d = await seed('010');
    expect(d.projects[2]!.indicators.slice(1, 7).map((i) => i.value_raw)).toEqual(['<25.98平方米', '＝36.35期', '≤98,714.41个村（社区）年初预算安排', '≤60.00劳务派遣人员数量', '≤46.17百分率', '≧51,893.46满意度占百分比']);
    expect(row(d, 2, '拨款数额')).toMatchObject({ value_raw: '＝36.35期', basis: '决算数据' });
  });

  it('say at the project\'s place that fields were read from rows set by a guess', async () => {
    // Seed 10: project 1's 资金用途 and spending plan come from rows whose cells stand off their
    // columns (Row.unsure): its fields were wrong with no warning on the project's table.
    const d = await seed('010');
    const p = d.projects[0]!;
    expect(d.warnings.some((w) => w.code === 'cells-unplaced' && w.loc?.table === p.loc?.table && /fields read with a guess/.test(w.message))).toBe(true);
  });
});

describe('plain pdftotext dumps (a table block by block)', () => {
  const plain = [
    '第二部分 预算项目绩效目标',
    '1.测试项目绩效目标表',
    '单位：万元',
    '项目编码 271-0852-YBN-JWQN',
    '项目名称',
    '测试项目',
    '一级指标 二级指 三级指标',
    '标',
    '产出指标',
    '2.另一项目绩效目标表',
    '项目编码 271-0852-YBN-JWQX',
  ];

  it('keep each table as its lines, every row saying it could not be rebuilt, and say the tables were not read', async () => {
    expect(detectLayout(plain)).toBe('blocks');
    const { value, messages } = await loadTxt(Buffer.from(plain.join('\n')));
    const tables = value.blocks.filter((b) => b.kind === 'table');
    expect(tables).toHaveLength(2);
    // Above the indicator header, the fields the document confirms (test/unit/blocks.test.ts).
    const first = tables[0]!.kind === 'table' ? tables[0]!.rows : [];
    expect(first.slice(0, 2).map((r) => [r.cells.map((c) => c.text), r.unsure])).toEqual([[['项目编码', '271-0852-YBN-JWQN'], undefined], [['项目名称', '测试项目'], undefined]]);
    for (const r of [...first.slice(2), ...(tables[1]!.kind === 'table' ? tables[1]!.rows : [])]) expect(r.unsure).toMatch(/block by block/);
    expect(first.map((r) => r.line)).toEqual([4, 6, 7, 8, 9]);
    expect(messages.filter((m) => m.code === 'cells-unplaced' && m.where == null)).toHaveLength(1);
    expect(value.blocks.filter((b) => b.kind === 'para').map((b) => b.kind === 'para' && b.text)).toEqual(['第二部分预算项目绩效目标', '1.测试项目绩效目标表', '单位：万元', '2.另一项目绩效目标表']);
  });
});
