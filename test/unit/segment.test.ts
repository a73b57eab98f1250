/**
 * The segmenter (src/segment.ts) on small block lists: cover, table of contents, part one and
 * part two, whatever a loader's model looks like.
 */
import { describe, expect, it } from 'vitest';
import { type Block, type Table, para } from '../../src/model.js';
import { isProjectTable, isProjectTitle, isTocEntry, segment } from '../../src/segment.js';

const text = (bs: readonly Block[]) => bs.map((b) => (b.kind === 'para' ? b.text : '[table]'));
const projectTable: Table = {
  kind: 'table',
  page: null,
  columns: 'grid',
  rows: [{ page: null, breakBefore: false, cells: [{ text: '项目编码', paras: ['项目编码'], col: 0, colSpan: 1, merged: false }] }],
};

describe('segmenting a document', () => {
  it('cover, contents, part one and part two', () => {
    const blocks = [
      para('某某局2024年部门预算绩效文本'),
      para('某某局编制'),
      para('目 录'),
      para('第一部分 部门整体绩效目标……………1'),
      para('一、总体绩效目标\t1'),
      para('第二部分 项目绩效目标……………3'),
      para('1.甲项目绩效目标表……………3'),
      para('第一部分 部门整体绩效目标'),
      para('一、总体绩效目标'),
      para('做好工作。'),
      para('第二部分 项目绩效目标'),
      para('1.甲项目绩效目标表'),
      projectTable,
    ];
    const s = segment(blocks);
    expect(text(s.cover)).toEqual(['某某局2024年部门预算绩效文本', '某某局编制']);
    expect(text(s.toc)).toEqual(['第一部分 部门整体绩效目标……………1', '一、总体绩效目标\t1', '第二部分 项目绩效目标……………3', '1.甲项目绩效目标表……………3']);
    expect(text(s.partOne)).toEqual(['第一部分 部门整体绩效目标', '一、总体绩效目标', '做好工作。']);
    expect(text(s.partTwo)).toEqual(['第二部分 项目绩效目标', '1.甲项目绩效目标表', '[table]']);
  });

  it('contents entries whose page number met their title with nothing between are taken while the numbers go up', () => {
    const s = segment([para('目录'), para('一、总体绩效目标1'), para('二、分项绩效目标2'), para('第一部分 部门整体绩效目标'), para('一、总体绩效目标')]);
    expect(text(s.toc)).toEqual(['一、总体绩效目标1', '二、分项绩效目标2']);
    expect(text(s.partOne)[0]).toBe('第一部分 部门整体绩效目标');
  });

  it('a contents heading whose two characters a text dump set on lines of their own (目, 录) opens the contents', () => {
    // pdftotext gives each character of a widely spaced 目  录 a line: without its heading the
    // contents' 第一部分 entry was taken for part one and part one's goals went unread.
    const s = segment([
      para('某某局2024年部门预算绩效文本'),
      para('目'),
      para('录'),
      para('第一部分 部门整体绩效目标'),
      para('一、部门整体绩效目标........................1'),
      para('第二部分 预算项目绩效目标'),
      para('1.甲项目绩效目标表........................5'),
      para('第一部分 部门整体绩效目标'),
      para('一、部门整体绩效目标'),
      para('做好工作。'),
      para('第二部分 预算项目绩效目标'),
      projectTable,
    ]);
    expect(text(s.cover)).toEqual(['某某局2024年部门预算绩效文本']);
    expect(text(s.toc)).toEqual(['第一部分 部门整体绩效目标', '一、部门整体绩效目标........................1', '第二部分 预算项目绩效目标', '1.甲项目绩效目标表........................5']);
    expect(text(s.partOne)).toEqual(['第一部分 部门整体绩效目标', '一、部门整体绩效目标', '做好工作。']);
    // 目 and 录 apart, with text between, are no heading.
    expect(segment([para('目'), para('做好工作。'), para('录'), para('第一部分 部门整体绩效目标')]).toc).toEqual([]);
  });

  it('without a 第二部分 heading, part two starts at the first project title or table', () => {
    const s = segment([para('第一部分 部门整体绩效目标'), para('做好工作。'), para('2.乙项目绩效目标申报表'), projectTable]);
    expect(text(s.partTwo)).toEqual(['2.乙项目绩效目标申报表', '[table]']);
  });

  it('no cover and no contents: everything before part one is the cover, which is then empty', () => {
    const s = segment([para('第一部分 部门整体绩效目标'), para('做好工作。')]);
    expect(s.cover).toEqual([]);
    expect(s.toc).toEqual([]);
  });

  it('tells project titles, project tables and contents entries', () => {
    expect(isProjectTitle(para('1.高新区“亩均效益”综合评价专项绩效目标表'))).toBe(true);
    expect(isProjectTitle(para('二、乙项目绩效目标表（2024年）'))).toBe(true);
    expect(isProjectTitle(para('1.甲项目绩效目标表……………3'))).toBe(false);
    expect(isProjectTable(projectTable)).toBe(true);
    expect(isTocEntry(para('一、总体绩效目标\t1'))).toBe(true);
    expect(isTocEntry(para('为做好工作，制定本目标。'))).toBe(false);
  });
});
