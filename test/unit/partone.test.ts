/**
 * Part one's sections (src/interpret/partOne.ts) from a model's blocks: where a section ends
 * at the caption of the department indicator table.
 */
import { describe, expect, it } from 'vitest';
import { type Block, type Row, type Table, cellOf, para } from '../../src/model.js';
import { readPartOne } from '../../src/interpret/partOne.js';

const row = (cells: string[]): Row => ({ cells: cells.map((c, i) => cellOf([c], i)), page: null, breakBefore: false });
const table: Table = {
  kind: 'table',
  page: null,
  columns: 'grid',
  rows: [row(['一级指标', '二级指标', '三级指标', '绩效指标描述', '指标值', '指标值确定依据']), row(['产出指标', '数量指标', '培训次数', '培训次数', '≥2次', '计划'])],
};

function safeguardsOf(items: string[], caption: string): Array<{ seq: string | null; title: string | null; text: string | null }> {
  const blocks: Block[] = [para('三、保障措施'), ...items.map((t) => para(t)), para(caption), table];
  return readPartOne(blocks).value.safeguards.map(({ seq, title, text }) => ({ seq, title, text }));
}

describe('the department indicator table after the safeguards', () => {
  it('its caption, numbered as a section (四、) under items numbered otherwise, closes the safeguards: it is no text of the last one', () => {
    const got = safeguardsOf(['1.完善制度建设', '认真贯彻国家政策。', '2.规范财务资产管理', '做到支出合理，物尽其用。'], '四、部门整体支出绩效指标情况表');
    expect(got).toEqual([
      { seq: '1', title: '完善制度建设', text: '认真贯彻国家政策。' },
      { seq: '2', title: '规范财务资产管理', text: '做到支出合理，物尽其用。' },
    ]);
  });

  it('its caption, numbered as the next safeguard (（三） after （一）（二）, sub-items numbered ① between), is that safeguard, as the templates number it', () => {
    const got = safeguardsOf(['（一）完善制度建设', '认真贯彻国家政策。', '（二）规范财务资产管理', '①健全制度。'], '（三）部门整体支出绩效指标情况表');
    expect(got.map((g) => [g.seq, g.title, g.text])).toEqual([
      ['一', '完善制度建设', '认真贯彻国家政策。'],
      ['二', '规范财务资产管理', '①健全制度。'],
      ['三', '部门整体支出绩效指标情况表', null],
    ]);
  });

  it('the department table is read in both cases', () => {
    const blocks: Block[] = [para('三、保障措施'), para('1.完善制度建设'), para('四、部门整体支出绩效指标情况表'), table];
    expect(readPartOne(blocks).value.dept_indicators.map((i) => i.level3)).toEqual(['培训次数']);
  });
});

describe('a safeguard whose text holds no word', () => {
  it('a number alone read as its text (a page number, a speck) is said on it; a text of words is not', () => {
    const blocks: Block[] = [para('三、保障措施'), para('（一）完善制度建设'), para('认真贯彻国家政策。'), para('（二）部门整体支出绩效指标情况表'), para('1'), table];
    const r = readPartOne(blocks);
    expect(r.value.safeguards.map((g) => g.text)).toEqual(['认真贯彻国家政策。', '1']);
    const said = r.messages.filter((m) => /holds no word/.test(m.message));
    expect(said.map((m) => m.message)).toEqual(['part one safeguard 二 "部门整体支出绩效指标情况表": its text "1" holds no word']);
  });
});
