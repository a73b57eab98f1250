/**
 * Tables without ruling lines rebuilt from text positions (src/layout/textgrid.ts), on
 * small pages laid out the way word processors write a split 符号 / 值 / 单位 indicator table.
 */
import { describe, expect, it } from 'vitest';
import { tablesFromText } from '../../src/layout/textgrid.js';
import type { Item } from '../../src/layout/text.js';
import { TABLE_WORDS } from '../../src/vocab.js';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { extractBytes } from '../../src/extract.js';
import { FIXTURES } from '../helpers.js';

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
  // A cell's text in reading order (lines top down, left to right), as the page reads it.
  const reading = (a: Item, b: Item) => (Math.abs(a.y - b.y) < SIZE / 2 ? a.x - b.x : b.y - a.y);
  for (const c of t!.cells) rows[c.row]![c.col] += [...c.items].sort(reading).map((i) => i.str).join('');
  return rows;
};

describe('text-position tables', () => {
  it('keep the 值 column of the header where no data row of the page has a number', () => {
    const rows = texts([...header(700), ...row(660, ['产出指标', '完成率', '按时完成', '文字', null, '按期完成', '合同']), ...row(630, ['效果指标', '满意度', '群众满意', '文字', null, '满意', '调查'])]);
    expect(rows[1]).toEqual(['', '', '', '符号', '值', '单位', '']);
    expect(rows[2]).toEqual(['产出指标', '完成率', '按时完成', '文字', '', '按期完成', '合同']);
    expect(rows[0]).toContain('指标值');
  });

  it('keep the wrapped end of a table\'s last row, a word and a number a tab apart, as that row\'s rest, not a contents entry', () => {
    // 服务对象满意 · 度指标 and 248 · 23, written cell by cell as word processors write them: the
    // rest on the next line, read as a line, looks like 'title <tab> page'.
    const last = [at('满意度', 60, 640), at('服务对象满意', 120, 640), at('度指标', 120, 628), at('村民满意', 200, 640), at('>=', 300, 640), at('248', 340, 640), at('23', 340, 628), at('次', 385, 640), at('调查', 460, 640)];
    const items = [...header(700), ...row(660, ['产出指标', '完成率', '按时完成', '>=', '90', '%', '合同']), ...last];
    const rows = texts(items);
    expect(rows).toHaveLength(4);
    expect(rows[3]).toEqual(['满意度', '服务对象满意度指标', '村民满意', '>=', '24823', '次', '调查']);
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

  it('end a table at a project title and a unit line under it: neither is a row of any table', () => {
    const title = at('2.办公用房租赁项目绩效目标表', 100, 620);
    const unit = at('202006隆化县财政局', 60, 600);
    const money = at('单位：万元', 60, 584);
    const items = [...header(700), ...row(660, ['产出指标', '完成率', '按时完成', '>=', '90', '%', '合同']), ...row(640, ['效果指标', '满意度', '群众满意', '>=', '95', '%', '调查']), title, unit, money];
    const tables = tablesFromText(items, TABLE_WORDS);
    expect(tables).toHaveLength(1);
    for (const it of [title, unit, money]) expect(tables[0]!.items).not.toContain(it);
  });

  it('end a table before a line opening the next one (its first label), with no gap between them', () => {
    const next = [at('项目编码', 60, 620), at('13010124P001', 160, 620), at('项目名称', 300, 620), at('某项目', 400, 620)];
    const items = [...header(700), ...row(660, ['产出指标', '完成率', '按时完成', '>=', '90', '%', '合同']), ...row(640, ['效果指标', '满意度', '群众满意', '>=', '95', '%', '调查']), ...next];
    const tables = tablesFromText(items, TABLE_WORDS);
    expect(tables).toHaveLength(2);
    expect(tables[1]!.items).toEqual(next);
  });

  it('keep a sign written after the text it stands before (another font) in its cell', () => {
    // The PDF writes 100m², then ≦ from a fallback font, just left of it on the same baseline.
    const items = [...header(700), at('产出指标', 60, 660), at('完成率', 120, 660), at('按时完成', 200, 660), at('100m²', 310, 660), { str: '≦', x: 302, y: 660, w: 8, size: SIZE }, at('合同', 460, 660), ...row(640, ['效果指标', '满意度', '群众满意', '>=', '95', '%', '调查'])];
    const rows = texts(items);
    expect(rows).toHaveLength(4);
    expect(rows[2]!.join('|')).toContain('≦100m²');
  });

  it('part two cells whose text nearly touches at the gutter the other rows show', () => {
    // 满意度指标 ends 5 points (half an em) before 服务对象 starts: read as one piece.
    const items = [
      at('一级指标', 60, 700), at('二级指标', 160, 700), at('三级指标', 260, 700), at('依据', 360, 700),
      at('产出指标', 60, 680), at('数量指标', 160, 680), at('培训次数', 260, 680), at('计划', 360, 680),
      at('效益指标', 60, 660), at('社会效益', 160, 660), at('满意程度', 260, 660), at('调查', 360, 660),
      { str: '满意度指标', x: 60, y: 640, w: 95, size: SIZE }, at('服务对象', 160, 640), at('满意率', 260, 640), at('问卷', 360, 640),
    ];
    const rows = texts(items);
    expect(rows[3]).toEqual(['满意度指标', '服务对象', '满意率', '问卷']);
  });

  it('keep CJK punctuation set close (overlapping the text before it) in its cell: the wrapped rest of the cell is not the next row', () => {
    // 依据 wraps over three lines; its second line is 行)》、《承, the punctuation squeezed so that
    // 、 starts inside 》; the third line 德市… starts back at the cell's left edge.
    const items = [
      ...header(700),
      ...row(660, ['产出指标', '完成率', '按时完成', '>=', '90', '%', null]), at('实施方案(试', 460, 660),
      { str: '行)》', x: 460, y: 648, w: 26, size: SIZE }, { str: '、', x: 482, y: 648, w: 10, size: SIZE }, { str: '《承', x: 488, y: 648, w: 20, size: SIZE },
      at('德市方案', 460, 636),
      ...row(620, ['效果指标', '满意度', '群众满意', '>=', '95', '%', '调查']),
    ];
    const rows = texts(items);
    expect(rows).toHaveLength(4);
    expect(rows[2]![6]).toBe('实施方案(试行)》、《承德市方案');
  });

  it('part two cells written as one item with a space between them, the right one going on over more lines', () => {
    // 指标值 and 依据 of one row: `100次 系统出现` as one item, 依据's wrapped rest under its own column.
    const items = [
      at('一级指标', 60, 700), at('三级指标', 160, 700), at('指标值', 260, 700), at('依据', 330, 700),
      at('产出指标', 60, 680), at('培训次数', 160, 680), { str: '100次 系统出现', x: 260, y: 680, w: 110, size: SIZE }, at('漏洞情况', 330, 668),
      at('效益指标', 60, 650), at('满意程度', 160, 650), at('≥90%', 260, 650), at('调查', 330, 650),
    ];
    const rows = texts(items);
    expect(rows[1]).toEqual(['产出指标', '培训次数', '100次', '系统出现漏洞情况']);
  });

  it('keep a row as far below the one above as the table\'s rows stand from each other (padding wider than the line pitch)', () => {
    const items = [
      at('一级指标', 60, 700), at('三级指标', 160, 700), at('指标值', 260, 700), at('依据', 330, 700),
      at('产出指标', 60, 674), at('培训次数', 160, 674), at('2次', 260, 674), at('计划', 330, 674),
      at('效益指标', 60, 646), at('满意程度', 160, 646), at('≥90%', 260, 646), at('调查', 330, 646),
      at('满意度', 60, 618), at('满意率', 160, 618), at('≥95%', 260, 618), at('问卷', 330, 618),
    ];
    expect(tablesFromText(items, TABLE_WORDS)).toHaveLength(1);
    expect(texts(items)[3]).toEqual(['满意度', '满意率', '≥95%', '问卷']);
  });

  it('keep rows that the table\'s own horizontal rules part, however far apart their padding sets them', () => {
    const items = [
      at('一级指标', 60, 700), at('三级指标', 160, 700), at('指标值', 260, 700), at('依据', 330, 700),
      at('产出指标', 60, 660), at('培训次数', 160, 660), at('2次', 260, 660), at('计划', 330, 660),
      at('效益指标', 60, 620), at('满意程度', 160, 620), at('≥90%', 260, 620), at('调查', 330, 620),
    ];
    const rules = [715, 680, 640, 600].map((y) => ({ y, x0: 55, x1: 380 }));
    expect(tablesFromText(items, TABLE_WORDS)).toHaveLength(3);
    const [t, ...more] = tablesFromText(items, TABLE_WORDS, rules);
    expect(more).toHaveLength(0);
    expect(t!.rows).toBe(3);
  });

  it('keep a header label wrapped over two lines (指标值 / 确定依据) one cell of the header', () => {
    const items = [
      at('一级指标', 60, 700), at('三级指标', 160, 700), at('指标值', 260, 700), at('指标值', 330, 700), at('确定依据', 330, 688),
      at('产出指标', 60, 670), at('培训次数', 160, 670), at('2次', 260, 670), at('计划', 330, 670),
      at('效益指标', 60, 650), at('满意程度', 160, 650), at('≥90%', 260, 650), at('调查', 330, 650),
    ];
    const rows = texts(items);
    expect(rows).toHaveLength(3);
    expect(rows[0]).toEqual(['一级指标', '三级指标', '指标值', '指标值确定依据']);
  });
  it('keep a header label wrapped over three lines (指标值 / 确定依 / 据) one cell of the header', () => {
    const items = [
      at('一级指标', 60, 700), at('三级指标', 160, 700), at('指标值', 260, 700), at('指标值', 330, 700), at('确定依', 330, 688), at('据', 330, 676),
      at('产出指标', 60, 650), at('培训次数', 160, 650), at('2次', 260, 650), at('计划', 330, 650),
      at('效益指标', 60, 630), at('满意程度', 160, 630), at('≥90%', 260, 630), at('调查', 330, 630),
    ];
    const rows = texts(items);
    expect(rows).toHaveLength(3);
    expect(rows[0]).toEqual(['一级指标', '三级指标', '指标值', '指标值确定依据']);
  });

  it('anchor the value columns on a sub-header cut by the page break (符 · 值 · 单位（文字描 at the foot of the page)', () => {
    // The page holds the header and the top half of the sub-header only: no data row shows the
    // gutter between 符(号) and 值, the sub-header itself does.
    const items = [
      at('一级指标', 60, 700), at('三级指标', 120, 700), at('描述', 200, 700), at('指标值', 335, 700), at('依据', 460, 700),
      at('符', 300, 680), at('值', 345, 680), at('单位（文字描', 385, 680),
    ];
    const rows = texts(items);
    expect(rows[1]!.filter(Boolean)).toEqual(['符', '值', '单位（文字描']);
  });
  it('part two cells written as one item with a space where the text after it starts at the column edge other rows start at', () => {
    // Cells of little padding: 一级指标 and 二级指标 nearly touch, written as `一级指标 二级` | `指标`,
    // the space narrower than the gap that would part them; 二 starts where the rows below start their 二级指标.
    const items = [
      { str: '一级指标 二级', x: 60, y: 700, w: 64, size: SIZE }, at('指标', 104, 688), at('三级指标', 160, 700), at('依据', 260, 700),
      { str: '产出指标 成本', x: 60, y: 670, w: 64, size: SIZE }, at('指标', 104, 658), at('支出控制率', 160, 670), at('预算', 260, 670),
      at('数量指标', 104, 640), at('培训次数', 160, 640), at('计划', 260, 640),
      at('时效指标', 104, 620), at('完成时间', 160, 620), at('方案', 260, 620),
    ];
    const rows = texts(items);
    expect(rows[0]).toEqual(['一级指标', '二级指标', '三级指标', '依据']);
    expect(rows[1]).toEqual(['产出指标', '成本指标', '支出控制率', '预算']);
  });

  it('keep a number and its unit written apart one cell, wherever other rows start their cells', () => {
    const items = [
      at('一级指标', 60, 700), at('三级指标', 120, 700), at('指标值', 220, 700), at('依据', 330, 700),
      at('产出指标', 60, 680), at('培训次数', 120, 680), { str: '≤15 万元', x: 220, y: 680, w: 44, size: SIZE }, at('计划', 330, 680),
      at('效益指标', 60, 660), at('满意程度', 120, 660), at('≥90%', 220, 660), at('%', 244, 648), at('调查', 330, 660),
      at('满意度', 60, 630), at('满意率', 120, 630), at('≥95', 220, 630), at('%', 244, 618), at('问卷', 330, 630),
    ];
    expect(texts(items)[1]).toEqual(['产出指标', '培训次数', '≤15 万元', '计划']);
  });

  it('part a label and its value written as two items 4 points apart (no space), so that the label under it opens the next row', () => {
    // A project table of little padding: 项目编码 ends at 100, its value starts at 104 where the
    // value cells of the rows below start; 资金用途's value wraps, and the next label
    // (资金支出) under 资金用途 is the next row, not the rest of a joined cell.
    const items = [
      at('项目编码', 60, 700), at('101-01', 104, 700), at('项目名称', 220, 700), at('经费', 300, 700),
      at('资金用途', 60, 680), at('支付热线服务费', 104, 680), at('全年', 104, 668),
      at('资金支出', 60, 650), at('3月底', 104, 650), at('6月底', 220, 650), at('9月底', 300, 650),
      at('计划', 60, 638), at('33.00', 104, 630), at('67.00', 220, 630), at('100.00', 300, 630),
    ];
    const rows = texts(items);
    expect(rows[0]).toEqual(['项目编码', '101-01', '项目名称', '经费']);
    expect(rows[1]!.slice(0, 2)).toEqual(['资金用途', '支付热线服务费全年']);
    expect(rows[2]![0]).toContain('资金支出');
  });

  it('keep two items of one cell together where a gap as narrow as a word space parts them at another column\'s edge', () => {
    // 健全 6 分: justified text sets the number 2 points from the character before it.
    const items = [
      at('一级指标', 60, 700), at('三级指标', 120, 700), at('依据', 200, 700),
      at('产出指标', 60, 680), at('管理制度', 120, 680), at('健全', 200, 680), { str: '6', x: 222, y: 680, w: 5, size: SIZE }, at('分', 227, 680),
      at('效益指标', 60, 660), at('满意程度', 120, 660), at('调查', 200, 660), at('问卷', 222, 648),
      at('满意度', 60, 640), at('满意率', 120, 640), at('问卷', 200, 640), at('结果', 222, 628),
    ];
    expect(texts(items)[1]).toEqual(['产出指标', '管理制度', '健全6分']);
  });

  it('keep the wrapped end of the last row\'s cell, its lines as far apart as the table\'s cells set their lines (more than 1.7 lines)', () => {
    // Lines 18 points apart (1.8 em): 依据 of the last row wraps over four lines, the last two alone on theirs.
    const items = [
      at('一级指标', 60, 700), at('三级指标', 120, 700), at('依据', 200, 700),
      at('产出指标', 60, 682), at('培训', 120, 682), at('次数', 120, 664), at('计划', 200, 682),
      at('效益指标', 60, 640), at('满意', 120, 640), at('程度', 120, 622), at('根据', 200, 640), at('单位', 200, 622),
      at('资料', 200, 604), at('为据', 200, 586),
    ];
    const [t] = tablesFromText(items, TABLE_WORDS);
    expect(t!.items.map((i) => i.str)).toContain('为据');
    expect(texts(items)[2]![2]).toBe('根据单位资料为据');
  });

  it('part a project code too long for its cell from the 项目名称 label its text runs up to, or over (XeLaTeX, 1 pt of padding)', () => {
    for (const end of [238, 245]) {
      const items = [
        at('项目编码', 60, 700), { str: '13088126P6R6677K0821W', x: 110, y: 700, w: end - 110, size: SIZE }, at('项目名称', 240, 700), at('区志专项', 300, 700),
        at('预算数', 110, 680), at('13.50', 170, 680), at('其中：财政资金', 240, 680), at('13.50', 380, 680),
        at('资金用途', 60, 660), at('支付欠款', 110, 660),
      ];
      expect(texts(items)[0]!.filter(Boolean), `code ending at ${end}`).toEqual(['项目编码', '13088126P6R6677K0821W', '项目名称', '区志专项']);
    }
  });

  it('keep a wrapped goal of a XeLaTeX span one paragraph: a span is as wide as XeLaTeX shares out, not as the table (seed 15)', async () => {
    // 绩效目标's cell spans the table's columns but ends 30 points short of the table's edge: its
    // first line, full, had read as a paragraph of its own.
    const file = path.join(FIXTURES, 'seeds', 's015', 'xelatex.pdf');
    const { record } = await extractBytes(readFileSync(file), file);
    const gold = JSON.parse(readFileSync(path.join(FIXTURES, 'seeds', 's015', 'gold.json'), 'utf8')) as { projects: Array<{ goals: string[] }> };
    expect(record.projects.map((p) => p.goals)).toEqual(gold.projects.map((p) => p.goals));
  });

  it('keep the 2020 template\'s 项目绩效模板 wrapped at the foot of a page with its table, and 目标 1 one cell (XeLaTeX, seed 20)', async () => {
    // 项目绩 · 效模板 had been read as two paragraphs, and the project's code lost; 目标 1 (a space
    // XeLaTeX sets between CJK and a number) had been parted where a wide cell's line sets the
    // same space after 2519, and 目标 and 1 read as two goals.
    const file = path.join(FIXTURES, 'seeds', 's020', 'xelatex.pdf');
    const { record } = await extractBytes(readFileSync(file), file);
    const gold = JSON.parse(readFileSync(path.join(FIXTURES, 'seeds', 's020', 'gold.json'), 'utf8')) as { projects: Array<{ project_code: string; goals: string[] }> };
    expect(record.projects.map((p) => p.project_code)).toEqual(gold.projects.map((p) => p.project_code));
    expect(record.projects.map((p) => p.goals)).toEqual(gold.projects.map((p) => p.goals));
  });
});

