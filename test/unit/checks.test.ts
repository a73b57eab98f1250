/**
 * Row honesty checks (src/interpret/checks.ts): a row that disagrees with its own table is
 * said on that row; rows that agree are left alone.
 */
import { describe, expect, it } from 'vitest';
import { columnChecks, indicatorRowChecks, projectFieldChecks, tocTitleChecks, unitLineChecks, unitNameChecks } from '../../src/interpret/checks.js';
import { toWarning } from '../../src/diagnostics.js';
import type { Row } from '../../src/model.js';
import type { Project } from '../../src/schema.js';

const ind = (level1: string | null, level2: string | null, level3: string, value: string | null = '≥1个', basis: string | null = '计划') => ({
  level1,
  level2,
  level3,
  description: level3,
  value_raw: value,
  basis,
});
const rows = (n: number): Row[] => Array.from({ length: n }, (_, i) => ({ page: 1, breakBefore: false, cells: [], at: { table: 2, row: i + 1 } }));

describe('indicator rows against their table', () => {
  it('a complete, well-ordered table gives nothing', () => {
    const t = [ind('产出指标', '数量指标', 'a'), ind('产出指标', '质量指标', 'b'), ind('效益指标', '社会效益指标', 'c'), ind('满意度指标', '服务对象满意度指标', 'd')];
    expect(indicatorRowChecks(t, rows(4), '')).toEqual([]);
  });

  it('one row without the 指标值 every other row has is said on that row', () => {
    const t = [ind('产出指标', '数量指标', 'a'), ind('产出指标', '质量指标', 'b', null), ind('效益指标', '社会效益指标', 'c'), ind('满意度指标', '服务对象满意度指标', 'd')];
    const m = indicatorRowChecks(t, rows(4), 'project 1: ');
    expect(m.map((x) => x.code)).toEqual(['indicator-cell-empty']);
    expect(m[0]!.message).toContain('指标值');
    expect(m[0]!.where).toEqual([rows(4)[1]]);
  });

  it('a character that stands for none (U+FFFF, U+FFFD, private use) is said on its row', () => {
    for (const ch of ['\uFFFF', '\uFFFD', '\uE001']) {
      const t = [ind('产出指标', '数量指标', 'a'), ind('产出指标', '质量指标', 'b', `≥14 ${ch}`), ind('效益指标', '社会效益指标', 'c'), ind('满意度指标', '服务对象满意度指标', 'd')];
      const m = indicatorRowChecks(t, rows(4), '');
      expect(m.map((x) => x.code)).toEqual(['text-unreadable-char']);
      expect(m[0]!.where).toEqual([rows(4)[1]]);
    }
  });

  it('a column the table leaves empty on many rows is the table\'s own pattern, not a doubt', () => {
    const t = [ind('产出指标', '数量指标', 'a', '1', null), ind('产出指标', '质量指标', 'b', '1', null), ind('效益指标', '社会效益指标', 'c', '1', '计划'), ind('满意度指标', '服务对象满意度指标', 'd', '1', null)];
    expect(indicatorRowChecks(t, rows(4), '')).toEqual([]);
  });

  it('a 二级指标 under a 一级指标 that never holds it, and a 一级指标 coming back, are said', () => {
    const t = [ind('产出指标', '数量指标', 'a'), ind('产出指标', '社会效益指标', 'b'), ind('效益指标', '经济效益指标', 'c'), ind('产出指标', '质量指标', 'd')];
    const m = indicatorRowChecks(t, rows(4), '');
    expect(m.map((x) => [x.code, x.where])).toEqual([
      ['indicator-level-pattern', [rows(4)[1]]],
      ['indicator-level-pattern', [rows(4)[3]]],
    ]);
  });

  it('names no template knows are not judged', () => {
    const t = [ind('产出', '工作量', 'a'), ind('产出', '完成质量', 'b'), ind('效果', '社会影响', 'c')];
    expect(indicatorRowChecks(t, rows(3), '')).toEqual([]);
  });
});

describe('unit lines across projects', () => {
  const project = (seq: number, unit_code: string | null, money_unit: string | null) => ({ seq, title: `项目${seq}`, unit_code, money_unit }) as Project;
  it('a project without the unit line the others have is said; a document without any is left alone', () => {
    const m = unitLineChecks([project(1, '101001', '万元'), project(2, null, null), project(3, '101001', '万元')], [[], rows(1), []]);
    expect(m.map((x) => x.code)).toEqual(['project-unit-line-missing']);
    expect(m[0]!.message).toContain('project 2');
    expect(unitLineChecks([project(1, null, null), project(2, null, null)], [[], []])).toEqual([]);
  });
});

describe('a 一级指标 not read', () => {
  it('a row with a known 二级指标 and no 一级指标 is said on that row; rows with both are not', () => {
    const t = [ind('产出指标', '数量指标', 'a'), ind(null, '经济效益指标', 'b'), ind('效益指标', '社会效益指标', 'c'), ind(null, '自定义', 'd')];
    const m = indicatorRowChecks(t, rows(4), '').filter((x) => x.code === 'indicator-level-pattern');
    expect(m.map((x) => [x.code, x.where])).toEqual([['indicator-level-pattern', [rows(4)[1]]]]);
    expect(m[0]!.message).toContain('效益指标');
  });
});

describe('level cells against their table', () => {
  it('a 二级指标 empty where the other rows name theirs is said on each such row, however many', () => {
    const t = [ind('产出指标', null, 'a'), ind('产出指标', '质量指标', 'b'), ind('效益指标', null, 'c'), ind('满意度指标', '服务对象满意度指标', 'd'), ind('满意度指标', null, 'e')];
    const m = indicatorRowChecks(t, rows(5), '');
    expect(m.map((x) => [x.code, x.where])).toEqual([0, 2, 4].map((i) => ['indicator-cell-empty', [rows(5)[i]]]));
    expect(m[0]!.message).toContain('二级指标');
  });
  it('a level of no 汉字 where the others are names is said; a table of no names at all is not judged', () => {
    const t = [ind('效果指标', '产出指标', 'a'), ind('效果指标', '7', 'b'), ind('效果指标', '社会效益指标', 'c')];
    const m = indicatorRowChecks(t, rows(3), '');
    expect(m.map((x) => [x.code, x.where])).toEqual([['indicator-level-pattern', [rows(3)[1]]]]);
    expect(indicatorRowChecks([ind('1', '1', 'a'), ind('2', '2', 'b'), ind('3', '3', 'c')], rows(3), '')).toEqual([]);
  });
});

describe('a rate over 100%', () => {
  it('that reads as a rate with its 2 taken for a ≥ is said; growth, and 100% itself, are not', () => {
    const t = [ind('产出指标', '质量指标', '资金到位率', '260%'), ind('产出指标', '质量指标', '完成率', '100%'), ind('效益指标', '经济效益指标', '收入增长率', '250%'), ind('满意度指标', '服务对象满意度指标', '满意度', '95%')];
    const m = indicatorRowChecks(t, rows(4), '');
    expect(m.map((x) => [x.code, x.where])).toEqual([['indicator-value-symbol', [rows(4)[0]]]]);
    expect(m[0]!.message).toContain('≥60%');
  });
});

describe('a ≥ read as 2', () => {
  it('a value opening with 2 before more digits, in a table of ≥ values, is said on its row', () => {
    const t = [ind('产出指标', '数量指标', 'a', '≥1000米'), ind('产出指标', '数量指标', 'b', '25次'), ind('产出指标', '质量指标', 'c', '≥90%'), ind('效益指标', '社会效益指标', 'd', '≤5天')];
    const m = indicatorRowChecks(t, rows(4), '');
    expect(m.map((x) => [x.code, x.where])).toEqual([['indicator-value-symbol', [rows(4)[1]]]]);
  });

  it('a 2 in a table whose values mostly have no symbol, and values not opening with 2, are left alone', () => {
    const plain = [ind('产出指标', '数量指标', 'a', '25次'), ind('产出指标', '数量指标', 'b', '100%'), ind('产出指标', '质量指标', 'c', '≥90%'), ind('效益指标', '社会效益指标', 'd', '10天')];
    expect(indicatorRowChecks(plain, rows(4), '')).toEqual([]);
    const ok = [ind('产出指标', '数量指标', 'a', '≥1000米'), ind('产出指标', '数量指标', 'b', '2次'), ind('产出指标', '质量指标', 'c', '≥90%'), ind('效益指标', '社会效益指标', 'd', '≤5天')];
    expect(indicatorRowChecks(ok, rows(4), '')).toEqual([]);
  });
});

describe('a faint sign not read', () => {
  // Rows read by OCR: their cells say how sure the reading is.
  const ocrRows = (n: number): Row[] => rows(n).map((r) => ({ ...r, cells: [{ text: 'x', paras: ['x'], col: 0, colSpan: 1, merged: false, confidence: 0.97 }] }));
  it('a number with no sign, read by OCR, where three in four of its table\'s values open with one, is said on its row', () => {
    const t = [ind('产出指标', '数量指标', 'a', '≥1000米'), ind('产出指标', '数量指标', 'b', '100%'), ind('产出指标', '质量指标', 'c', '≥90%'), ind('效益指标', '社会效益指标', 'd', '≤5天')];
    const r = ocrRows(4);
    expect(indicatorRowChecks(t, r, '').map((x) => [x.code, x.where])).toEqual([['indicator-value-symbol', [r[1]]]]);
    // From a text layer: what is printed.
    expect(indicatorRowChecks(t, rows(4), '')).toEqual([]);
    // A point after a number that no digit follows: a speck.
    const dotted = [ind('产出指标', '数量指标', 'a', '3.万'), ind('产出指标', '数量指标', 'b', '3.5万'), ind('产出指标', '质量指标', 'c', '5万元')];
    expect(indicatorRowChecks(dotted, r.slice(0, 3), '').map((x) => x.where)).toEqual([[r[0]]]);
    expect(indicatorRowChecks(dotted, rows(3), '')).toEqual([]);
    // Values with a sign and without, in like numbers: a table of both kinds.
    const mixed = [ind('产出指标', '数量指标', 'a', '≥1000米'), ind('产出指标', '数量指标', 'b', '100%'), ind('产出指标', '质量指标', 'c', '≥90%'), ind('效益指标', '社会效益指标', 'd', '5天'), ind('效益指标', '社会效益指标', 'e', '10次')];
    expect(indicatorRowChecks(mixed, ocrRows(5), '')).toEqual([]);
  });
});

describe('the values of several rows read as one', () => {
  it('a value holding two comparison signs is said on its row; one sign, or >= written in two characters, is not', () => {
    const t = [ind('产出指标', '数量指标', 'a', '≥48条≥90%10%'), ind('产出指标', '数量指标', 'b', '>=90%'), ind('产出指标', '质量指标', 'c', '≥90%'), ind('效益指标', '社会效益指标', 'd', '<=5天>=1天')];
    const m = indicatorRowChecks(t, rows(4), '');
    expect(m.map((x) => [x.code, x.where])).toEqual([['indicator-value-symbol', [rows(4)[0]]], ['indicator-value-symbol', [rows(4)[3]]]]);
  });
});

describe('project fields left empty', () => {
  const proj = (seq: number, o: Partial<Project> = {}) => ({ seq, title: `项目${seq}`, project_name: `项目${seq}`, project_code: `13000${seq}`, budget_total: 10, budget_fiscal: 10, fund_use: '用途', goals: ['目标'], ...o }) as Project;
  const places = (n: number) => Array.from({ length: n }, (_, i) => rows(3).map((r) => ({ ...r, at: { table: i, row: r.at!.row } })));

  it('a project without the 项目名称 its table always has is said on its table', () => {
    const m = projectFieldChecks([proj(1), proj(2, { project_name: null })], places(2));
    expect(m.map((x) => [x.code, x.where])).toEqual([['project-field-missing', places(2)[1]]]);
    expect(m[0]!.message).toContain('project_name');
    // A single project is held to the fields every template fills.
    expect(projectFieldChecks([proj(1, { fund_use: null })], places(1)).map((x) => x.code)).toEqual(['project-field-missing']);
  });

  it('a project code of another length than the document\'s other codes is said on its table', () => {
    const codes = ['13081124P00010210002G', '13081124P000049100058', '13081124P000102100034', '13081124P00010210002'];
    const m = projectFieldChecks(codes.map((c, i) => proj(i + 1, { project_code: c })), places(4));
    expect(m.map((x) => [x.code, x.where])).toEqual([['project-field-missing', places(4)[3]]]);
    // Two other codes only: no usual length to hold it to.
    expect(projectFieldChecks(codes.slice(1).map((c, i) => proj(i + 1, { project_code: c })), places(3))).toEqual([]);
  });

  it('fields the document\'s projects leave empty alike, and projects without a table, give nothing', () => {
    expect(projectFieldChecks([proj(1, { budget_total: null }), proj(2, { budget_total: null }), proj(3)], places(3))).toEqual([]);
    expect(projectFieldChecks([proj(1), proj(2, { project_name: null })], [places(2)[0]!, []])).toEqual([]);
    expect(projectFieldChecks([proj(1, { project_code: null })], places(1))).toEqual([]);
  });
});

describe('cross-checks the document offers', () => {
  const loc = (table: number) => ({ page: 5, page_end: 5, bbox: null, table, row: 0, line: null });
  const proj = (seq: number, title: string, unit_name: string | null = '乐亭经济开发区管理委员会') => ({ seq, title, unit_name, loc: loc(seq) }) as unknown as Project;

  it('a project title a character off its contents entry is said on the project\'s table', () => {
    const projects = [proj(1, '园区基础设施维护及企业服务费绩效目标表'), proj(2, '招商经费绩效目标表')];
    const m = tocTitleChecks([{ seq: 1, title: '园区基础设施维护及企业服务费绩效目标表' }, { seq: 2, title: '招商经费绩效日标表' }], projects);
    expect(m.map((x) => x.code)).toEqual(['toc-title-mismatch']);
    expect(m[0]!.where).toEqual([{ page: 5, pageEnd: 5, bbox: null, at: { table: 2, row: 0 } }]);
  });

  it('titles that agree, and entries naming another text altogether, give nothing', () => {
    const projects = [proj(1, '招商经费绩效目标表')];
    expect(tocTitleChecks([{ seq: 1, title: '招商经费绩效目标表' }], projects)).toEqual([]);
    expect(tocTitleChecks([{ seq: 1, title: '园区基础设施维护及企业服务费绩效目标表' }], projects)).toEqual([]);
  });

  it('a 单位名 a character off the one the other projects print is said on its table; another unit is not', () => {
    const projects = [proj(1, 'a'), proj(2, 'b', '乐亭经济开发区管理委贝会'), proj(3, 'c'), proj(4, 'd', '乐亭县财政局'), proj(5, 'e')];
    const m = unitNameChecks(projects, [rows(1), rows(2), rows(1), rows(1), rows(1)]);
    expect(m.map((x) => [x.code, x.where])).toEqual([['unit-line-mismatch', rows(2)]]);
  });
});

describe('rows without their datum, rows of marks', () => {
  it('a row without its 指标值 is said, however many rows lost theirs', () => {
    const t = [ind('产出指标', '数量指标', 'a'), ind('产出指标', '质量指标', 'b2', null), ind('效益指标', '社会效益指标', 'c', null), ind('满意度指标', '服务对象满意度指标', 'd', null)];
    const m = indicatorRowChecks(t, rows(4), '');
    expect(m.map((x) => [x.code, x.where])).toEqual([1, 2, 3].map((i) => ['indicator-cell-empty', [rows(4)[i]]]));
  });
  it('a fragment of a row without 指标值 under a row makes the row above doubtful too', () => {
    const t = [ind('产出指标', '数量指标', 'a'), ind('效益指标', '社会效益指标', '为人民群众卫生健康提供安全保'), ind(null, null, '障。', null), ind('满意度指标', '服务对象满意度指标', 'd')];
    const m = indicatorRowChecks(t, rows(4), '');
    expect(m.map((x) => x.where![0])).toEqual([rows(4)[2], rows(4)[1]]);
  });
  it('a row of dot leaders is said on its row', () => {
    const t = [ind('产出指标', '数量指标', 'a'), ind(null, null, '…………', '……'), ind('效益指标', '社会效益指标', 'c')];
    const m = indicatorRowChecks(t, rows(3), '');
    expect(m.map((x) => [x.code, x.where])).toEqual([['indicator-row-marks', [rows(3)[1]]]]);
  });
});

describe('columns across project tables', () => {
  const located = (table: number, basis: string | null) => (row: number) => ({ ...ind('产出指标', '数量指标', `r${row}`, '≥1个', basis), loc: { page: 1, page_end: 1, bbox: null, table, row, line: null } });
  const project = (seq: number, basis: string | null, n = 4) => ({ seq, title: `项目${seq}`, indicators: Array.from({ length: n }, (_, i) => located(seq, basis)(i + 1)) }) as unknown as Project;
  it("a table whose 依据 is empty on every row, where the document's other tables fill it, is said on each of its rows", () => {
    const m = columnChecks([project(1, '计划'), project(2, null), project(3, '计划')]);
    expect(m).toHaveLength(4);
    expect(m.every((x) => x.code === 'indicator-cell-empty' && x.message.includes('依据'))).toBe(true);
    expect(m.map((x) => toWarning(x).loc)).toEqual([1, 2, 3, 4].map((row) => ({ page: 1, page_end: 1, bbox: null, table: 2, row, line: null })));
  });
  it('a document whose tables all leave 依据 empty, or fill it, gives nothing', () => {
    expect(columnChecks([project(1, null), project(2, null)])).toEqual([]);
    expect(columnChecks([project(1, '计划'), project(2, '计划')])).toEqual([]);
  });
});

describe('a level name cut short or run into the next', () => {
  it('a name short of 指标 that starts a whole one, one starting with the 标 of a cut, and two names run together are said on their rows', () => {
    const t = [
      ind('产出指标', '数量指标', 'a'),
      ind('产出指标', '成本', 'b'),
      ind('效益指标', '标社会效益指标', 'c'),
      ind('满意度指标服务对象满意度指标', '服务对象满意度指标', 'd'),
      ind('满意度指标', '服务对象满意度指标', 'e'),
    ];
    const m = indicatorRowChecks(t, rows(5), '');
    expect(m.filter((x) => x.message.includes('no whole level name')).map((x) => x.where)).toEqual([[rows(5)[3]], [rows(5)[1]], [rows(5)[2]]]);
  });

  it("two names run together are said on their rows even where the table's other names are not whole", () => {
    const t = [ind('产出指标效益指标', '数量指标', 'a'), ind('产出指标效益指标', '质量指标', 'b'), ind('产出指标效益指标', '社会效益指标', 'c'), ind('满意度指标', '服务对象满意度指标', 'd')];
    const m = indicatorRowChecks(t, rows(4), '').filter((x) => x.message.includes('run together'));
    expect(m.map((x) => x.where)).toEqual([[rows(4)[0]], [rows(4)[1]], [rows(4)[2]]]);
  });

  it('three names run together (a photograph\'s merged 一级指标 cells read as one) are said too', () => {
    // chengde-office-2020, photo seed 0: the rules between three merged cells not found.
    const t = [ind('产出指标', '数量指标', 'a'), ind('产出指标效果指标满意度指标', '质量指标', 'b'), ind('效果指标', '社会效益指标', 'c'), ind('满意度指标', '服务对象满意度指标', 'd')];
    const m = indicatorRowChecks(t, rows(4), '').filter((x) => x.message.includes('level names run together'));
    expect(m.map((x) => x.where)).toEqual([[rows(4)[1]]]);
    // A name that only ends like one (自定义产出指标) is not names run together.
    expect(indicatorRowChecks([ind('自定义指标产出指标', '数量指标', 'a'), ...t.slice(2)], rows(3), '').filter((x) => x.message.includes('level names run together'))).toEqual([]);
  });

  it('scores in the 二级指标 column and names of words no template knows are left alone', () => {
    const t = [ind('产出指标', '3', 'a'), ind('产出指标', '12', 'b'), ind('效益指标', '社会效益指标', 'c'), ind('效益指标', '自定义', 'd')];
    expect(indicatorRowChecks(t, rows(4), '').filter((x) => x.message.includes('no whole level name'))).toEqual([]);
  });
});
