/**
 * The repair stages on small models (src/repair/): tables continued across pages stitched into
 * one, repeated headers dropped, rows cut by the page break joined back, merged level cells
 * split by the break rejoined; paragraphs cut by a page break joined; rows located.
 */
import { describe, expect, it } from 'vitest';
import { type Block, type DocModel, type Row, type Table, para } from '../../src/model.js';
import { stitchRows, stitchTables } from '../../src/repair/stitch.js';
import { joinBrokenParagraphs } from '../../src/repair/paragraphs.js';
import { locateRows } from '../../src/repair/locate.js';
import { extractBytes } from '../../src/extract.js';
import { FIXTURES } from '../helpers.js';
import { readFileSync } from 'node:fs';
import path from 'node:path';

function row(texts: string[], page = 1, extra: Partial<Row> = {}): Row {
  return { page, breakBefore: false, ...extra, cells: texts.map((t, i) => ({ text: t, paras: t ? [t] : [], col: i, colSpan: 1, merged: false })) };
}
const HEADER = ['一级指标', '二级指标', '三级指标', '绩效指标描述', '指标值', '指标值确定依据'];
const table = (rows: Row[], page: number): Table => ({ kind: 'table', rows, page, columns: 'grid' });
const model = (blocks: Block[]): DocModel => ({ format: 'pdf', pages: 2, blocks });
const texts = (rows: readonly Row[]) => rows.map((r) => r.cells.map((c) => c.text));

describe('stitching tables across pages', () => {
  it('a cell wrapped a character a line, its rest set apart as short paragraphs (指 · 标) at the top of the next page, goes back into its cell', () => {
    const a = table([row(HEADER), { ...row(['产出指标', '生态效益', '资源消耗', '资源消耗', '≥1次', '节能']), bbox: [50, 700, 500, 740] }], 1);
    a.xs = [50, 100, 150, 250, 350, 420, 500];
    const p = (t: string, y: number) => ({ ...para(t, { page: 2 }), bbox: [110, y, 120, y + 10] as [number, number, number, number] });
    const b = table([{ ...row(['', '社会效益指标', '满意度', '满意度', '≥95%', '调查'], 2), bbox: [50, 100, 500, 140] }], 2);
    b.xs = a.xs;
    const out = stitchTables(model([a, p('指', 60), p('标', 75), b])).value.blocks;
    expect(out).toHaveLength(1);
    expect((out[0] as Table).rows[1]!.cells[1]!.text).toBe('生态效益指标');
  });

  it('a table going on at the top of the next page is one table; its repeated header is dropped', () => {
    const a = table([row(HEADER), row(['产出指标', '数量指标', '培训次数', '培训次数', '≥2次', '计划'])], 1);
    const b = table([row(HEADER, 2), row(['效益指标', '社会效益', '满意度', '满意度', '≥95%', '调查'], 2)], 2);
    const out = stitchTables(model([a, b])).value.blocks;
    expect(out).toHaveLength(1);
    expect(texts((out[0] as Table).rows)).toEqual([HEADER, ['产出指标', '数量指标', '培训次数', '培训次数', '≥2次', '计划'], ['效益指标', '社会效益', '满意度', '满意度', '≥95%', '调查']]);
  });

  it('a row cut by the break (its rest lacks 三级指标 and the cells after it) is joined back cell by cell', () => {
    const rows = [
      row(HEADER),
      row(['产出指标', '数量指标', '完成各类文稿的', '完成文稿', '≥20', '工作']),
      row(['', '', '起草工作', '', '篇', '计划'], 2, { breakBefore: true }),
    ];
    const out = stitchRows(rows);
    expect(texts(out)).toEqual([HEADER, ['产出指标', '数量指标', '完成各类文稿的起草工作', '完成文稿', '≥20篇', '工作计划']]);
  });

  it('a new row after the break, complete in every core cell, stays a row of its own', () => {
    const rows = [row(HEADER), row(['产出指标', '数量指标', '培训次数', '培训次数', '≥2次', '计划']), row(['', '质量指标', '合格率', '合格率', '100%', '标准'], 2, { breakBefore: true })];
    expect(stitchRows(rows)).toHaveLength(3);
  });

  it('a row no rule closes at the foot of the page nor above its rest is joined whatever its cells look like', () => {
    const rows = [
      row(HEADER),
      row(['产出指标', '数量指标', '培训次数', '培训次数', '≥2', '计划'], 1, { openBelow: true }),
      row(['', '', '与人数', '与人数', '次', '文件'], 2, { breakBefore: true, openAbove: true }),
    ];
    expect(texts(stitchRows(rows))[1]).toEqual(['产出指标', '数量指标', '培训次数与人数', '培训次数与人数', '≥2次', '计划文件']);
  });

  it('a level name cut by the break (产出指 + 标) is completed', () => {
    const rows = [row(HEADER), row(['产出指', '数量指标', '培训次数', '培训次数', '≥2次', '计划']), row(['标', '', '', '', '', ''], 2, { breakBefore: true })];
    expect(texts(stitchRows(rows))[1]![0]).toBe('产出指标');
  });

  it('a merged level cell empty at the foot of the page, its text printed on the next, is its rows\' before the break too', () => {
    const merged = (r: Row, col: number): Row => ({ ...r, cells: r.cells.map((c) => (c.col === col ? { ...c, merged: true } : c)) });
    const rows = [
      row(HEADER),
      row(['', '数量指标', '培训次数', '培训次数', '≥2次', '计划']),
      merged(row(['', '质量指标', '合格率', '合格率', '100%', '标准']), 0),
      row(['产出指标', '时效指标', '完成时间', '完成时间', '年底', '计划'], 2, { breakBefore: true }),
    ];
    expect(texts(stitchRows(rows)).map((r) => r[0])).toEqual(['一级指标', '产出指标', '产出指标', '产出指标']);
  });

  it('a row after the break opening a level name of its own is a new row, even with a split 指标值 whose 符号 and 单位 are empty', () => {
    const split = ['一级指标', '二级指标', '三级指标', '绩效指标描述', '指标值', '', '', '指标值确定依据'];
    const head = row(split);
    head.cells = [...head.cells.slice(0, 4), { ...head.cells[4]!, colSpan: 3 }, head.cells[7]!];
    const rows = [head, row(['产出指标', '质量指标', '规范性', '是否规范', '≥', '90', '%', '资料']), row(['效益指标', '社会效益指标', '完成时间', '完成时间', '', '2021-06-30', '', '记录'], 2, { breakBefore: true })];
    expect(stitchRows(rows)).toHaveLength(3);
  });

  it("a cell's rest that the page break set apart (指标值确定依 + 据 alone at the top of the next page) goes back into its cell", () => {
    const xs = [72, 132, 192, 252, 312, 372, 432];
    const cut = [...HEADER.slice(0, 5), '指标值确定依'];
    const a: Table = { ...table([row(cut, 1, { bbox: [72, 700, 432, 730] })], 1), xs };
    const rest = { ...para('据', { page: 2 }), bbox: [380, 60, 390, 70] as [number, number, number, number] };
    const b: Table = { ...table([row(['产出指标', '数量指标', '培训次数', '培训次数', '≥2次', '计划'], 2, { bbox: [72, 80, 432, 100] })], 2), xs };
    const out = stitchTables(model([a, rest, b])).value.blocks;
    expect(out).toHaveLength(1);
    expect(texts((out[0] as Table).rows)).toEqual([HEADER, ['产出指标', '数量指标', '培训次数', '培训次数', '≥2次', '计划']]);
    // Text that is no cell's rest (a paragraph across columns) stays a paragraph between the tables.
    const wide = { ...para('说明文字', { page: 2 }), bbox: [72, 60, 300, 70] as [number, number, number, number] };
    expect(stitchTables(model([a, wide, b])).value.blocks).toHaveLength(3);
  });

  it('text of a cell set apart at the foot of the page, under the last row, goes back into its cell before the table goes on', () => {
    const xs = [72, 132, 192, 252];
    const a: Table = { ...table([row(['预算规模', '预算数', '5.00'], 1, { bbox: [72, 740, 252, 760] })], 1), xs };
    const foot = { ...para('及资', { page: 1 }), bbox: [76, 764, 96, 774] as [number, number, number, number] };
    const b: Table = { ...table([row(['金用途', '', ''], 2, { bbox: [72, 60, 252, 80] })], 2), xs };
    const out = stitchTables(model([a, foot, b])).value.blocks;
    expect(out).toHaveLength(1);
    expect((out[0] as Table).rows.map((r) => r.cells[0]!.text).join('')).toBe('预算规模及资金用途');
  });

  it('a row after the break whose text stands under a whole label (预算数) is the next row, its own label merged from above', () => {
    const rows = [
      row(['项目编码', '13010124P001', '项目名称', '某项目']),
      row(['预算规模及资金用途', '预算数', '10.00', '其中：财政资金', '8.00', '其他资金', '2.00']),
      row(['', '用于测试'], 2, { breakBefore: true }),
    ];
    expect(texts(stitchRows(rows))).toHaveLength(3);
  });

  it('a row all of whose cells are merged copies of the row above but for its empty value is that row\'s rest, with no page break', () => {
    const copy = (r: Row): Row => ({ ...r, cells: r.cells.map((c) => (c.col === 4 ? c : { ...c, merged: true })) });
    const cut = row(['效益指标', '生态效益指标', '美化乡村环境', '美化乡村环境', '', '计划']);
    const rest = copy(row(['效益指标', '生态效益指标', '美化乡村环境', '美化乡村环境', '32.38万元', '计划']));
    const next = row(['效益指标', '生态效益指标', '环评执行率', '环评执行率', '365次', '预算']);
    expect(texts(stitchRows([row(HEADER), cut, rest, next]))).toEqual([HEADER, ['效益指标', '生态效益指标', '美化乡村环境', '美化乡村环境', '32.38万元', '计划'], texts([next])[0]]);
  });

  it('a row after the break with only the 单位 of a split 指标值 (and a level name cut short) is the rest of the row before it', () => {
    const split = ['一级指标', '二级指标', '三级指标', '绩效指标描述', '指标值', '', '', '指标值确定依据'];
    const head = row(split);
    head.cells = [...head.cells.slice(0, 4), { ...head.cells[4]!, colSpan: 3 }, head.cells[7]!];
    const rows = [head, row(['满意度', '12', '社会公众', '社会公众或服', '<=', '5.0090', '%（含）', '以社会调']), row(['指标', '', '或服务对象满意度', '务对象是指', '', '', '以上计5分', '查的结果'], 2, { breakBefore: true })];
    const out = texts(stitchRows(rows));
    expect(out).toHaveLength(2);
    expect(out[1]!.slice(0, 3)).toEqual(['满意度指标', '12', '社会公众或服务对象满意度']);
  });

  it('a cut row whose level cell is empty before the break and holds the merged cell\'s name after it (set at the cell\'s bottom) is joined', () => {
    const rows = [row(HEADER), row(['', '成本指标', '预算执行率', '预算执行率', '文字', '项目是否按']), row(['产出指标', '', '', '', '描述', '预期进度执行'], 2, { breakBefore: true })];
    expect(texts(stitchRows(rows))).toEqual([HEADER, ['产出指标', '成本指标', '预算执行率', '预算执行率', '文字描述', '项目是否按预期进度执行']]);
  });

  it('the rest of a header cut by the break (二级 | 指标, 依据 on the next page) makes the row before it the header', () => {
    const cut = row(['一级指标', '二级', '三级指标', '绩效指标描述', '指标值']);
    const rest = { ...row(['', '指标'], 2, { breakBefore: true }) };
    rest.cells.push({ text: '指标值确定依据', paras: ['指标值确定依据'], col: 5, colSpan: 1, merged: false });
    const out = stitchRows([cut, rest, row(['产出指标', '数量指标', '培训次数', '培训次数', '≥2次', '计划'], 2)]);
    expect(texts(out)).toEqual([HEADER, ['产出指标', '数量指标', '培训次数', '培训次数', '≥2次', '计划']]);
  });

  it('a row after the break under merged levels is a new row where the cells before the break ended with room to spare (Cell.room), not a cut row\'s rest', () => {
    // Seed 15 through LibreOffice: 时效指标 merged over a row on each page.
    const before = row(['产出指标', '时效指标', '预算执行率', '计划完成率', '=12,080.89人数', '预决算数据']);
    before.cells.forEach((c, i) => (c.room = [2.2, 2.1, 3.2, 3.0, 3.5, 3.9][i]));
    const after = row(['', '', '办公用房运行费用支出及时性', '反映办公用房运行费用支出及时性情况', '<=365条', '参照本年度专项预算资金实际分配情况'], 2, { breakBefore: true });
    expect(stitchRows([row(HEADER), before, after])).toHaveLength(3);
    // The same cells filled to their edge before the break: the row was cut.
    before.cells.forEach((c) => (c.room = 0.4));
    expect(stitchRows([row(HEADER), before, after])).toHaveLength(2);
  });

  it('text set lower than a rule drawn through one column\'s cell goes on from that cell where its last line above is full (…次督导检 + 查)', () => {
    const above = row(['产出指标', '质量指标', '专款专用率', '财政拨款专款专用情况', '<91,084.73次督导检', '预决算数据']);
    above.cells[4]!.room = 0.6;
    const rest = { ...above, cells: above.cells.map((c) => (c.col === 4 ? { ...c, text: '查', paras: ['查'], room: 8.8 } : { ...c, merged: true })) };
    expect(texts(stitchRows([row(HEADER), above, rest]))).toEqual([HEADER, ['产出指标', '质量指标', '专款专用率', '财政拨款专款专用情况', '<91,084.73次督导检查', '预决算数据']]);
    // A value that ended short above it is no part of it.
    above.cells[4]!.room = 5;
    expect(stitchRows([row(HEADER), above, rest])).toHaveLength(3);
  });

  it('a row with no text of its own at the foot of the page (moved whole to the next page, its borders drawn on both) is dropped', () => {
    const last = row(['产出指标', '数量指标', '租赁面积', '租赁面积', '有效提升', '协议']);
    last.cells.forEach((c) => (c.room = 3));
    const empty = { ...row(['产出指标', '', '', '', '', '']), cells: row(['产出指标', '', '', '', '', '']).cells.map((c, i) => ({ ...c, merged: i === 0 })) };
    const moved = row(['产出指标', '数量指标', '设备检修维护次数', '设备检修维护次数', '≥10次', '软硬件设备维护次数'], 2, { breakBefore: true });
    expect(texts(stitchRows([row(HEADER), last, empty, moved]))).toEqual([HEADER, texts([last])[0], texts([moved])[0]]);
  });

  it('header words alone after the break, under a whole header (指标值确定依据 printed on the next page), are the header\'s rest, no indicator row', () => {
    const head = row(HEADER.slice(0, 5), 1, { openBelow: true });
    head.cells.push({ text: '', paras: [], col: 5, colSpan: 1, merged: false });
    const rest = row(['', '', '', '', '', '指标值确定依据'], 2, { breakBefore: true, openAbove: true });
    const next = row(['产出指标', '时效指标', '案件代理手续及答辩状递交及时率', '按程序递交', '较上年有所提高', '依据上年度标准'], 2);
    expect(texts(stitchRows([head, rest, next]))).toEqual([HEADER, texts([next])[0]]);
  });

  it('a table of a one-cell-per-line dump (only the order of its cells known) is left alone', () => {
    const a: Table = { kind: 'table', rows: [row(HEADER)], page: null, columns: 'order' };
    const b: Table = { kind: 'table', rows: [row(HEADER)], page: null, columns: 'order' };
    expect(stitchTables(model([a, b])).value.blocks).toHaveLength(2);
  });
});

describe('a merged level cell over three pages', () => {
  it('its empty middle part at the top of a page goes on from the text above the break, not the next cell below the next break', () => {
    const head = row(HEADER);
    const mid = (l1: string, merged: boolean, page: number, l3: string, extra: Partial<Row> = {}): Row => {
      const r = row([l1, '时效指标', l3, l3, '≥1次', '计划'], page, extra);
      r.cells[0] = { ...r.cells[0]!, merged };
      return r;
    };
    // A merged cell's rows below its first carry its text as merged copies; a browser draws the
    // cell again at the top of each page, empty where its text was printed on an earlier page.
    const rows = [head, mid('产出指标', false, 1, 'a'), mid('产出指标', true, 1, 'b'), mid('', false, 2, 'c', { breakBefore: true }), mid('', true, 2, 'd'), mid('效益指标', false, 3, 'e', { breakBefore: true })];
    expect(stitchRows(rows).slice(1).map((r) => r.cells[0]!.text)).toEqual(['产出指标', '产出指标', '产出指标', '产出指标', '效益指标']);
  });
});

describe('a project label merged over two rows, cut by a page break', () => {
  it('预算规模 | 及资金用途: the whole label stands on the 预算数 row, the 资金用途 row goes on without it', () => {
    const a = table([row(['项目编码', '13022426P39824', '项目名称', '信息网络建设专项']), row(['预算规模', '预算数', '6258.00', '其中：财政资金', '6258.00', '其他资金'])], 1);
    const b = table([row(['及资金用途', '用于高新区各条互联网专线租赁'], 2), row(['资金支出计划', '3月底', '12月底'], 2)], 2);
    const rows = (stitchTables(model([a, b])).value.blocks[0] as Table).rows.map((r) => r.cells.map((c) => c.text));
    expect(rows).toEqual([
      ['项目编码', '13022426P39824', '项目名称', '信息网络建设专项'],
      ['预算规模及资金用途', '预算数', '6258.00', '其中：财政资金', '6258.00', '其他资金'],
      ['用于高新区各条互联网专线租赁'],
      ['资金支出计划', '3月底', '12月底'],
    ]);
  });

  it('a label of one row wrapped over the break (项目 | 编码) is its row\'s, the rest of the row joined to it', () => {
    const a = table([row(['项目', '236-0744-', '项目名称', '法制专项经费'])], 1);
    const b = table([row(['编码', 'YBN-704D'], 2), row(['资金用途', '聘请常年法律顾问'], 2)], 2);
    const rows = (stitchTables(model([a, b])).value.blocks[0] as Table).rows.map((r) => r.cells.map((c) => c.text));
    expect(rows).toEqual([
      ['项目编码', '236-0744-YBN-704D', '项目名称', '法制专项经费'],
      ['资金用途', '聘请常年法律顾问'],
    ]);
  });
});

describe('rows cut by a page break, on generated documents (test/fixtures/seeds)', () => {
  // Each rendition's indicator rows as its gold has them: before, a complete row after the
  // break was joined to the row before it (or a row's rest, or an empty row, read as a row),
  // and every later row of the table was read one row off.
  const cases: Array<[string, string]> = [
    ['s015', 'lo.pdf'],
    ['s015', 'wkhtmltopdf.pdf'],
    ['s011', 'wkhtmltopdf.pdf'],
    ['s009', 'wkhtmltopdf.pdf'],
    // Tables without column rules: a row whose 依据 is all after the break, the rest filling
    // every other core column too (文字 + 描述 under 符号), is that row's rest where every other
    // row of the table fills 依据 (WeasyPrint); a page holding a row's rest beside empty 值 and
    // 单位 puts its 依据 where its text starts (LibreOffice).
    ['s005', 'weasyprint.pdf'],
    ['s005', 'lo.pdf'],
  ];
  for (const [seed, file] of cases) {
    it(`${seed}/${file}: every indicator row as the document has it`, async () => {
      const dir = path.join(FIXTURES, 'seeds', seed);
      const out = await extractBytes(readFileSync(path.join(dir, file)), file);
      const gold = JSON.parse(readFileSync(path.join(dir, 'gold.json'), 'utf8')) as { projects: Array<{ indicators: Array<{ level3: string; value_raw: string }>; spending_plan: unknown }> };
      const rows = (ps: typeof gold.projects) => ps.map((p) => p.indicators.map((i) => `${i.level3} | ${i.value_raw}`));
      expect(rows(out.record.projects as typeof gold.projects)).toEqual(rows(gold.projects));
      expect(out.record.projects.map((p) => p.spending_plan)).toEqual(gold.projects.map((p) => p.spending_plan));
    });
  }
});

describe('a table\'s last row cut by a page break, its rests side by side at the top of the next page', () => {
  it('wkhtmltopdf s005: the rests of two cells (的比率 · 交的实际使, then 用面积为依 · 据) go back into their cells', async () => {
    // The table ends with the row (the next project's title follows the rests): before, the
    // row kept its cells cut short (…与实际使用面积, …及各单位提), with no warning, and the
    // rests were read as paragraphs.
    const dir = path.join(FIXTURES, 'seeds', 's005');
    const out = await extractBytes(readFileSync(path.join(dir, 'wkhtmltopdf.pdf')), 'wkhtmltopdf.pdf');
    const row = out.record.projects[1]!.indicators.find((i) => i.level3 === '办公用房综合利用率')!;
    expect(row.description).toBe('办公用房租用面积与实际使用面积的比率');
    expect(row.basis).toBe('参照办公用房租赁合同及各单位提交的实际使用面积为依据');
    expect(row.loc).toMatchObject({ page: 4, page_end: 5 });
    expect(out.record.projects[2]!.title).toBe('外事活动经费绩效目标表');
  });

  it('a line of one piece, or pieces off the columns\' text, at the top of the next page stays a paragraph', () => {
    const t = (rows: Row[]): Table => ({ kind: 'table', rows, page: 1, columns: 'grid', xs: [0, 50, 100, 150], starts: [2, 52, 102], rules: 'text' });
    const last: Row = { ...row(['甲', '乙的', '丙的']), page: 1 };
    const rest = (text: string, parts: Array<[number, number]>): Block => ({ ...para(text, { page: 2 }), bbox: [parts[0]![0], 10, parts[parts.length - 1]![1], 20], ...(parts.length > 1 ? { parts: parts.map(([a, b]) => [a, 10, b, 20] as [number, number, number, number]) } : {}) });
    const title = para('2.乙项目绩效目标表', { page: 2 });
    const joined = (b: Block) => ((stitchTables(model([t([last]), b, title])).value.blocks[0] as Table).rows[0]!.cells.map((c) => c.text));
    expect(joined(rest('比率\t依据', [[52, 70], [102, 120]]))).toEqual(['甲', '乙的比率', '丙的依据']);
    // One piece: no rest of several cells (a heading, a paragraph's line).
    expect(joined(rest('比率', [[52, 70]]))).toEqual(['甲', '乙的', '丙的']);
    // Pieces not where the columns' text starts (a paragraph's words set apart).
    expect(joined(rest('比率\t依据', [[60, 80], [102, 120]]))).toEqual(['甲', '乙的', '丙的']);
  });
});

describe('paragraphs cut by a page break', () => {
  const long = '为贯彻落实预算绩效管理要求，本单位结合工作实际，制定本年度部门整体绩效目标并细化分解到各项';
  it('a long paragraph stopping mid-sentence at the foot of a page goes on in the first paragraph of the next', () => {
    const out = joinBrokenParagraphs(model([para(long, { page: 1 }), para('工作任务之中。', { page: 2 })])).value.blocks;
    expect(out.map((b) => (b as { text: string }).text)).toEqual([`${long}工作任务之中。`]);
    expect(out[0]).toMatchObject({ page: 1, pageEnd: 2 });
  });

  it('a paragraph ending a sentence, or a next one opening an item, heading or part, stays apart', () => {
    for (const next of ['二、分项绩效目标', '绩效目标：做好工作', '第二部分 项目绩效目标', '1.甲项目绩效目标表']) {
      expect(joinBrokenParagraphs(model([para(long, { page: 1 }), para(next, { page: 2 })])).value.blocks, next).toHaveLength(2);
    }
    expect(joinBrokenParagraphs(model([para(`${long}。`, { page: 1 }), para('工作任务之中。', { page: 2 })])).value.blocks).toHaveLength(2);
  });

  it('a project title ends whole: the unit code alone on the line after it is no rest of it', () => {
    // Plain pdftotext of seed 9: 5.…项目项目绩效目标表, then 229002 (its unit name set further on).
    const title = '5.承德高新区管委会办公用房租赁及运行项目与信息化平台升级改造项目项目绩效目标表';
    expect(joinBrokenParagraphs(model([para(title), para('229002')])).value.blocks).toHaveLength(2);
  });

  it('never across more than one page', () => {
    expect(joinBrokenParagraphs(model([para(long, { page: 1 }), para('工作任务之中。', { page: 3 })])).value.blocks).toHaveLength(2);
  });
});

describe('locating rows', () => {
  it('numbers tables in document order and rows within each', () => {
    const out = locateRows(model([para('x'), table([row(['a']), row(['b'])], 1), table([row(['c'])], 2)])).value.blocks;
    const ats = out.filter((b): b is Table => b.kind === 'table').flatMap((t) => t.rows.map((r) => r.at));
    expect(ats).toEqual([
      { table: 0, row: 0 },
      { table: 0, row: 1 },
      { table: 1, row: 0 },
    ]);
  });
});
