/**
 * Row honesty checks (src/interpret/checks.ts): a row that disagrees with its own table is
 * said on that row; rows that agree are left alone.
 */
import { describe, expect, it } from 'vitest';
import { indicatorRowChecks, unitLineChecks } from '../../src/interpret/checks.js';
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
