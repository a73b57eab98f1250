/**
 * Text dumps with one cell per line and no tab at all (LibreOffice's text export of a DOCX):
 * an empty cell is an empty line, a merged cell continuing from the row above too, a cell of
 * several paragraphs several lines. Small dumps built that way, read through the whole pipeline.
 */
import { describe, expect, it } from 'vitest';
import { extractBytes } from '../../src/extract.js';
import { detectLayout } from '../../src/loaders/txt.js';

const HEAD = ['部门预算绩效文本', '', '第一部分 部门整体绩效目标', '一、总体绩效目标', '做好工作。', '第二部分', '预算项目绩效目标'];

/** One project as LibreOffice writes it: label lines, value lines, the indicator rows cell by cell. */
function project(seq: number, code: string, indicatorLines: string[], header = ['一级指标', '二级指标', '三级指标', '绩效指标描述', '指标值', '指标值确定依据']): string[] {
  return [
    `${seq}.测试项目${seq}绩效目标表`,
    '101001 测试单位',
    '单位：万元',
    '项目编码',
    code,
    '项目名称',
    `测试项目${seq}`,
    '预算规模及资金用途',
    '预算数',
    '10.00',
    '其中：财政资金',
    '10.00',
    '其他资金',
    '', // 其他资金 empty
    '', // 预算规模及资金用途 merged on the fund-use row
    '用于测试',
    '资金支出计划（累计进度%）',
    '3月底',
    '6月底',
    '10月底',
    '', // the label merged on the values row
    '',
    '50.00',
    '100.00',
    '绩效目标',
    '1.目标一',
    '2.目标二',
    ...header,
    ...indicatorLines,
  ];
}

const ROWS = [
  ['产出指标', '数量指标', '培训次数', '培训次数', '≥2次', '计划'],
  ['', '质量指标', '合格率', '合格率', '100%', '标准'],
  ['效益指标', '社会效益指标', '群众知晓', '群众知晓率', '≥90%', '上年'],
];

async function read(lines: string[]) {
  const out = await extractBytes(Buffer.from(lines.join('\n'), 'utf8'), 'dump.txt');
  return out.record;
}

describe('cell-per-line text dumps', () => {
  it('is told from the tabbed layouts by its lines', () => {
    const lines = [...HEAD, ...project(1, '13010124P001', ROWS.flat())];
    expect(detectLayout(lines)).toBe('cells');
    // The same labels with tabs between the cells are a tabbed dump.
    expect(detectLayout(lines.map((l) => (l === '项目编码' ? '项目编码\t13010124P001\t项目名称\tx' : l)))).not.toBe('cells');
  });

  it('reads the project fields from label and value lines, and the indicator rows cell by cell', async () => {
    const doc = await read([...HEAD, ...project(1, '13010124P001', ROWS.flat()), ...project(2, '13010124P002', ROWS.flat())]);
    expect(doc.projects).toHaveLength(2);
    const p = doc.projects[0]!;
    expect(p).toMatchObject({ project_code: '13010124P001', project_name: '测试项目1', budget_total: 10, budget_fiscal: 10, budget_other: null, fund_use: '用于测试', unit_code: '101001', money_unit: '万元' });
    expect(p.spending_plan).toEqual([
      { period: '3月底', value: null },
      { period: '6月底', value: '50.00' },
      { period: '10月底', value: '100.00' },
    ]);
    expect(p.goals).toEqual(['1.目标一', '2.目标二']);
    expect(p.indicators.map((i) => [i.level1, i.level2, i.level3, i.value_raw, i.basis])).toEqual([
      ['产出指标', '数量指标', '培训次数', '≥2次', '计划'],
      ['产出指标', '质量指标', '合格率', '100%', '标准'],
      ['效益指标', '社会效益指标', '群众知晓', '≥90%', '上年'],
    ]);
    expect(doc.warnings.filter((w) => w.loc?.row != null)).toEqual([]);
  });

  it('takes the column count from the 符号 · 值 · 单位 sub-header', async () => {
    const header = ['一级指标', '二级指标', '三级指标', '绩效指标描述', '指标值', '指标值确定依据', '', '', '', '', '符号', '值', '单位（文字描述）', ''];
    const rows = [
      ['产出指标', '数量指标', '培训次数', '培训次数', '≥', '2', '次', '计划'],
      ['', '时效指标', '完成时间', '完成时间', '=', '2024年6月', '', '进度'],
      ['', '质量指标', '质量', '质量达标', '文字描述', '', '达到标准', '标准'],
    ];
    const doc = await read([...HEAD, ...project(1, '13010124P001', rows.flat(), header)]);
    const ind = doc.projects[0]!.indicators;
    expect(ind.map((i) => [i.level1, i.level2, i.value_raw, i.basis])).toEqual([
      ['产出指标', '数量指标', '≥2次', '计划'],
      ['产出指标', '时效指标', '=2024年6月', '进度'],
      ['产出指标', '质量指标', '达到标准', '标准'],
    ]);
  });

  it('reads a cell of several lines and says on its row that the extra line may belong elsewhere', async () => {
    const rows = [
      ['产出指标', '数量指标', '培训次数', '培训次数', '≥2次', '计划'],
      ['', '质量指标', '合格率', '合格率第一段', '合格率第二段', '100%', '标准'],
      ['效益指标', '社会效益指标', '群众知晓', '群众知晓率', '≥90%', '上年'],
    ];
    const doc = await read([...HEAD, ...project(1, '13010124P001', rows.flat())]);
    const ind = doc.projects[0]!.indicators;
    expect(ind).toHaveLength(3);
    expect(ind[2]!.level3).toBe('群众知晓');
    expect(ind[1]!.value_raw).toBe('100%');
    const onRow = doc.warnings.filter((w) => w.code === 'cells-unplaced');
    expect(onRow).toHaveLength(1);
    expect(onRow[0]!.loc?.row).toBe(ind[1]!.loc.row);
  });

  it('ends the table where the lines no longer fit its columns, and reads a stand-alone indicator table with its caption', async () => {
    const dept = ['四、部门整体支出绩效指标情况表', '一级指标', '二级指标', '三级指标', '绩效指标描述', '指标值', '指标值确定依据', ...ROWS[0]!];
    const lines = [...HEAD.slice(0, 5), '二、保障措施', '1.加强管理', '严格执行制度。', ...dept, ...HEAD.slice(5), ...project(1, '13010124P001', ROWS.flat()), '第三部分 其他', '说明文字。'];
    const doc = await read(lines);
    expect(doc.part_one.dept_indicators.map((i) => i.level3)).toEqual(['培训次数']);
    expect(doc.part_one.safeguards.map((s) => s.text)).toEqual(['严格执行制度。']);
    expect(doc.projects[0]!.indicators).toHaveLength(3);
  });

  it('says on the plan row itself when its values are fewer than its periods (the warning keeps its row through the repairs)', async () => {
    const lines = project(1, '13010124P001', ROWS.flat());
    const at = lines.indexOf('10月底');
    // Only the last period's value is left: the others' periods cannot be told.
    lines.splice(at + 1, 4, '100.00');
    const doc = await read([...HEAD, ...lines]);
    const w = doc.warnings.filter((x) => x.code === 'plan-unplaced');
    expect(w).toHaveLength(1);
    expect(w[0]!.loc?.table).not.toBeNull();
    expect(w[0]!.loc?.row).not.toBeNull();
    expect(w[0]!.loc?.line).toBe(HEAD.length + at + 2);
  });
});
