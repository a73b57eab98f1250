/**
 * Tables without ruling lines rebuilt from text positions (src/layout/textgrid.ts), on
 * small pages laid out the way word processors write a split 符号 / 值 / 单位 indicator table.
 */
import { describe, expect, it } from 'vitest';
import { tablesFromText } from '../../src/layout/textgrid.js';
import type { Item } from '../../src/layout/text.js';
import { TABLE_WORDS } from '../../src/vocab.js';

const SIZE = 10;
/** An item of `str` at (x, y), as wide as its characters. */
const at = (str: string, x: number, y: number): Item => ({ str, x, y, w: str.length * SIZE, size: SIZE });

/** The header, written cell by cell: 指标值 (a line above the others) over 符号 · 值 · 单位. */
const header = (y: number): Item[] => [
  at('一级指标', 60, y),
  at('三级指标', 120, y),
  at('描述', 200, y),
  at('指标值', 335, y + 14),
  at('依据', 460, y),
  at('符号', 300, y - 14),
  at('值', 345, y - 14),
  at('单位', 385, y - 14),
];

/** A data row: level, name, description, then the three value cells (any of them empty) and the basis. */
const row = (y: number, cells: Array<string | null>): Item[] =>
  [
    [cells[0], 60],
    [cells[1], 120],
    [cells[2], 200],
    [cells[3], 300],
    [cells[4], 340],
    [cells[5], 385],
    [cells[6], 460],
  ]
    .filter(([s]) => s != null)
    .map(([s, x]) => at(s as string, x as number, y));

const texts = (items: Item[]) => {
  const [t] = tablesFromText(items, TABLE_WORDS);
  const rows: string[][] = Array.from({ length: t!.rows }, () => Array(t!.xs.length - 1).fill(''));
  for (const c of t!.cells) rows[c.row]![c.col] += c.items.map((i) => i.str).join('');
  return rows;
};

describe('text-position tables', () => {
  it('keep the 值 column of the header where no data row of the page has a number', () => {
    const rows = texts([...header(700), ...row(660, ['产出指标', '完成率', '按时完成', '文字', null, '按期完成', '合同']), ...row(630, ['效果指标', '满意度', '群众满意', '文字', null, '满意', '调查'])]);
    expect(rows[1]).toEqual(['', '', '', '符号', '值', '单位', '']);
    expect(rows[2]).toEqual(['产出指标', '完成率', '按时完成', '文字', '', '按期完成', '合同']);
    expect(rows[0]).toContain('指标值');
  });

  it('put a number and its unit in their own columns, under their header cells', () => {
    const rows = texts([...header(700), ...row(660, ['产出指标', '完成率', '按时完成', '>=', '90', '%', '合同'])]);
    expect(rows[2]).toEqual(['产出指标', '完成率', '按时完成', '>=', '90', '%', '合同']);
  });

  it('end a period heading at its own text: the value under it is the next row', () => {
    const items = [at('资金支出计划', 60, 700), at('3月底', 160, 700), at('6月底', 240, 700), at('12月底', 320, 700), at('100%', 322, 680), at('绩效目标', 60, 660), at('按期完成全年工作', 160, 660)];
    const rows = texts(items);
    expect(rows.map((r) => r.filter(Boolean))).toEqual([['资金支出计划', '3月底', '6月底', '12月底'], ['100%'], ['绩效目标', '按期完成全年工作']]);
  });
});
