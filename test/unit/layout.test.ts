/**
 * The layout engine on small pages (src/layout/page.ts, assemble.ts, text.ts): text items and
 * ruling segments → tables, lines, paragraphs, reading order; running headers and page
 * numbers dropped; boxes on the page with the origin top-left.
 */
import { describe, expect, it } from 'vitest';
import { type Item, type PageContent, type Segment, assemble, pageContent, tooLittleText } from '../../src/layout/index.js';
import type { DocModel, Para, Table } from '../../src/model.js';
import { joinBrokenParagraphs } from '../../src/repair/paragraphs.js';
import { TABLE_WORDS } from '../../src/vocab.js';

const SIZE = 10;
const A4: [number, number, number, number] = [0, 0, 595, 842];
/** An item of CJK `str` at (x, y), each character a square of the font size. */
const at = (str: string, x: number, y: number, size = SIZE): Item => ({ str, x, y, w: [...str].length * size, size });
const h = (y: number, a: number, b: number): Segment => ({ dir: 'h', pos: y, a, b });
const v = (x: number, a: number, b: number): Segment => ({ dir: 'v', pos: x, a, b });

/** Lines of a paragraph filling the column [72, 72 + width] from `y` down, 16 points apart. */
function paragraph(text: string, y: number, perLine = 40, pitch = 16): Item[] {
  const out: Item[] = [];
  const chars = [...text];
  for (let i = 0, k = 0; i < chars.length; i += perLine, k++) out.push(at(chars.slice(i, i + perLine).join(''), 72, y - k * pitch));
  return out;
}

const page = (n: number, items: Item[], segs: Segment[] = []): PageContent => pageContent(n, items, segs, { view: A4 }, TABLE_WORDS);
const paras = (blocks: ReturnType<typeof assemble>) => blocks.filter((b): b is Para => b.kind === 'para').map((b) => b.text);

describe('a page: tables from rules, lines outside them', () => {
  it('a table ruled across only, each rule drawn cell by cell (a browser\'s borders), stays one table however far its padding sets the rows apart', () => {
    // Rows 40 points apart (more than the lines' own pitch allows), each rule drawn as three pieces.
    const rule = (y: number) => [h(y, 70, 140), h(y, 140, 240), h(y, 240, 340)];
    const segs = [720, 680, 640, 600].flatMap(rule);
    const items = [
      at('一级指标', 72, 700), at('三级指标', 150, 700), at('依据', 250, 700),
      at('产出指标', 72, 660), at('培训次数', 150, 660), at('计划', 250, 660),
      at('效益指标', 72, 620), at('满意程度', 150, 620), at('调查', 250, 620),
    ];
    const p = page(1, items, segs);
    expect(p.tables).toHaveLength(1);
    expect(p.tables[0]!.table.rows).toHaveLength(3);
  });

  it('a title or a label written with a radical for its ideograph (绩效⽬标表, 项⽬编码) is read as one', () => {
    expect(TABLE_WORDS.title('3.外事活动经费绩效\u2F6C标表')).toBe(true);
    expect(TABLE_WORDS.opensTable('项\u2F6C编码')).toBe(true);
    expect(TABLE_WORDS.title('3.外事活动经费绩效\u2F6C标')).toBe(false);
  });

  it('a page that is one table with little text around it is text to read: its cells count, an empty grid does not', () => {
    const segs = [h(700, 72, 372), h(680, 72, 372), h(660, 72, 372), v(72, 660, 700), v(222, 660, 700), v(372, 660, 700)];
    const cells = [at('项目编码', 80, 686), at('13010124P001', 230, 686), at('项目名称', 80, 666), at('园区基础设施维护', 230, 666)];
    const full = page(1, [at('11', 200, 60), ...cells], segs);
    expect(full.lines.map((l) => l.text)).toEqual(['11']);
    expect(tooLittleText([full])).toBe(false);
    expect(tooLittleText([page(1, [at('11', 200, 60)], segs)])).toBe(true);
  });

  it('text inside a ruled grid becomes its cells; text outside stays lines; boxes are top-left based', () => {
    const segs = [h(700, 72, 372), h(680, 72, 372), h(660, 72, 372), v(72, 660, 700), v(222, 660, 700), v(372, 660, 700)];
    const items = [at('标题行', 72, 760), at('项目编码', 80, 686), at('13010124P001', 230, 686), at('项目名称', 80, 666), at('测试项目', 230, 666)];
    const p = page(1, items, segs);
    expect(p.tables).toHaveLength(1);
    const rows = p.tables[0]!.table.rows;
    expect(rows.map((r) => r.cells.map((c) => c.text))).toEqual([
      ['项目编码', '13010124P001'],
      ['项目名称', '测试项目'],
    ]);
    expect(p.tables[0]!.table.rules).toBe('drawn');
    expect(p.lines.map((l) => l.text)).toEqual(['标题行']);
    // The first row lies between y 700 and 680 of an 842-point page: 142 to 162 from the top.
    expect(rows[0]!.bbox).toEqual([72, 142, 372, 162]);
  });

  it("a cell's wrapped lines are joined without a space between 汉字; a new numbered item is its own paragraph", () => {
    const segs = [h(700, 72, 372), h(640, 72, 372), v(72, 640, 700), v(272, 640, 700), v(372, 640, 700)];
    const items = [at('1.完成各类文稿的起草与修改审核的各项', 76, 686), at('工作', 76, 672), at('2.做好会议服务', 76, 658), at('合同', 280, 686)];
    // The first line fills the cell (19 characters of 10 points from 76 to 266, the rule at 272).
    const cell = page(1, items, segs).tables[0]!.table.rows[0]!.cells[0]!;
    expect(cell.paras).toEqual(['1.完成各类文稿的起草与修改审核的各项工作', '2.做好会议服务']);
  });

  it('a page of more rules than any table has says so instead of rebuilding tables', () => {
    // 4,500 short rules, none touching another (a pattern, a drawing).
    const many = Array.from({ length: 4500 }, (_, i) => h(100 + (i % 100) * 5, 72 + Math.floor(i / 100) * 10, 77 + Math.floor(i / 100) * 10));
    const p = page(3, [at('正文', 72, 760)], many);
    expect(p.messages.map((m) => m.code)).toEqual(['page-too-many-lines']);
    expect(p.messages[0]!.where).toEqual([{ page: 3, pageEnd: 3, bbox: null }]);
  });

  it('control characters in the text are said once for the page', () => {
    const p = page(1, [at('正文\u202E内容', 72, 760), at('其他\u0007', 72, 740)]);
    expect(p.messages.filter((m) => m.code === 'text-control-chars')).toHaveLength(1);
  });

  it('items in table form without any rule become a text-position table (rules: text)', () => {
    const header = [at('一级指标', 72, 700), at('二级指标', 172, 700), at('三级指标', 272, 700), at('指标值', 372, 700)];
    const row1 = [at('产出指标', 72, 680), at('数量指标', 172, 680), at('培训次数', 272, 680), at('≥2次', 372, 680)];
    const row2 = [at('效益指标', 72, 660), at('社会效益', 172, 660), at('满意度', 272, 660), at('≥95%', 372, 660)];
    const p = page(1, [...header, ...row1, ...row2]);
    expect(p.tables).toHaveLength(1);
    const t = p.tables[0]!.table as Table;
    expect(t.rules).toBe('text');
    expect(t.rows.map((r) => r.cells.map((c) => c.text))).toEqual([
      ['一级指标', '二级指标', '三级指标', '指标值'],
      ['产出指标', '数量指标', '培训次数', '≥2次'],
      ['效益指标', '社会效益', '满意度', '≥95%'],
    ]);
  });
});

describe('merged cells and page edges in a ruled grid', () => {
  it('rules drawn past the page edge are cut there; a band the table lines do not enclose is no row, a merged cell starting there starts on the next row', () => {
    // A 一级指标 cell whose box starts 60 points above the other columns (as wkhtmltopdf draws a
    // merged cell going on from the previous page) and runs past the foot of the page.
    const segs = [
      h(760, 72, 172), h(700, 172, 472), h(660, 172, 472), h(620, 172, 472), h(-40, 72, 172),
      v(72, -40, 760), v(172, -40, 760), v(272, 620, 700), v(372, 620, 700), v(472, 620, 700),
    ];
    const items = [at('产出指标', 80, 680), at('培训次数', 180, 686), at('≥2次', 280, 686), at('计划', 380, 686), at('合格率', 180, 646), at('100%', 280, 646), at('标准', 380, 646)];
    const rows = page(1, items, segs).tables[0]!.table.rows;
    expect(rows.map((r) => r.cells.map((c) => c.text))).toEqual([
      ['产出指标', '培训次数', '≥2次', '计划'],
      ['产出指标', '合格率', '100%', '标准'],
    ]);
    expect(rows.map((r) => r.cells[0]!.merged)).toEqual([false, true]);
  });
});

describe('text items across cell boundaries', () => {
  it('an item that a cell boundary runs through is cut at the space nearest it, each part in its own cell', () => {
    const segs = [h(700, 72, 372), h(680, 72, 372), h(660, 72, 372), v(72, 660, 700), v(132, 660, 700), v(372, 660, 700)];
    // pdf.js joined the label and the code of two narrow cells into one item.
    const items = [{ str: '项目编码 13010124P001', x: 76, y: 686, w: 40 + 13 * 6, size: SIZE }, at('项目名称', 76, 666), at('测试项目', 140, 666)];
    const rows = page(1, items, segs).tables[0]!.table.rows;
    expect(rows.map((r) => r.cells.map((c) => c.text))).toEqual([
      ['项目编码', '13010124P001'],
      ['项目名称', '测试项目'],
    ]);
  });
});

describe('assembling pages', () => {
  it('keeps a caption repeated at the same height on every page when a title stands above it: body text, not a running header', () => {
    const names = ['甲', '乙', '丙', '丁'];
    const pages = names.map((name, n) => page(n + 1, [at(`${name}项目绩效目标表`, 200, 810), at('单位：万元', 72, 792), ...paragraph(`${name}项目的正文内容。`, 700)]));
    const text = paras(assemble(pages, TABLE_WORDS));
    expect(text.filter((t) => t === '单位：万元')).toHaveLength(4);
  });

  it('starts a paragraph at a numbered line whose number a typesetter spaced from its text (1. 区志…)', () => {
    const long = `1. ${'区志专项绩效目标表的说明文字写满了这一整行直到右边的页边为止的内容'.slice(0, 37)}`;
    const items = [...paragraph(long, 700), ...paragraph('2. 办公用房租赁项目绩效目标表', 684)];
    expect(paras(assemble([page(1, items)]))).toEqual([long.replace('1. ', '1.'), '2.办公用房租赁项目绩效目标表']);
  });

  it('ends a paragraph after a line set against the right edge: the next line at the left margin is another paragraph', () => {
    const long = '为贯彻落实预算绩效管理要求，本单位结合工作实际，制定本年度部门整体绩效目标，并细化分解到各项工作任务之中，确保目标可衡量。';
    const items = [...paragraph(long, 700), at('单位：万元', 422, 668), ...paragraph('项目实施内容包括培训与宣传两部分工作。', 652)];
    const text = paras(assemble([page(1, items)]));
    expect(text).toEqual([long, '单位：万元', '项目实施内容包括培训与宣传两部分工作。']);
  });

  it('drops a running header repeated on every page and the page numbers, keeps the body', () => {
    const pages = [1, 2, 3, 4].map((n) => page(n, [at('某某局2024年部门预算绩效文本', 200, 800), ...paragraph(`第${n}页的正文内容。`, 700), at(String(n), 290, 40)]));
    const text = paras(assemble(pages));
    expect(text).toEqual(['第1页的正文内容。', '第2页的正文内容。', '第3页的正文内容。', '第4页的正文内容。']);
  });

  it('drops a page number read by OCR beside specks read unsurely as letters (a photocopy\'s 7 CR), and keeps a word read surely beside a number', () => {
    const ocr = (str: string, x: number, y: number, conf: number) => ({ ...at(str, x, y), conf });
    const pages = [1, 2].map((n) => page(n, [...paragraph(`第${n}页的正文内容。`, 700).map((i) => ({ ...i, conf: 0.99 })), ocr(String(n + 6), 296, 40, 0.95), ocr('CR', 306, 40, 0.21)]));
    expect(paras(assemble(pages))).toEqual(['第1页的正文内容。', '第2页的正文内容。']);
    const sure = [page(1, [...paragraph('正文内容。', 700).map((i) => ({ ...i, conf: 0.99 })), ocr('7', 296, 40, 0.95), ocr('CR', 306, 40, 0.9)])];
    expect(paras(assemble(sure))).toEqual(['正文内容。', '7CR']);
  });

  it("joins a paragraph's wrapped lines and starts a new paragraph after a short last line", () => {
    const long = '为贯彻落实预算绩效管理要求，本单位结合工作实际，制定本年度部门整体绩效目标，并细化分解到各项工作任务之中，确保目标可衡量。';
    const items = [...paragraph(long, 700), ...paragraph('二、分项绩效目标', 600)];
    const text = paras(assemble([page(1, items)]));
    expect(text).toEqual([long, '二、分项绩效目标']);
  });

  it('joins the wrapped lines of text set at 1.5 or double line spacing (a pitch over two font sizes), and still parts paragraphs set further apart', () => {
    const a = '为贯彻落实预算绩效管理要求，本单位结合工作实际，制定本年度部门整体绩效目标，并细化分解到各项工作任务之中，确保目标可衡量，任务可考核，责任可追究。';
    const b = '加强人员培训，提高本部门职工业务素质；加强调研，提出优化财政资金配置、提高资金使用效益的意见；加大宣传力度，强化预算绩效管理意识。';
    for (const pitch of [23, 29]) {
      const items = [...paragraph(a, 760, 40, pitch), ...paragraph(b, 760 - 4 * pitch - 2 * pitch, 40, pitch)];
      expect(paras(assemble([page(1, items)], TABLE_WORDS))).toEqual([a, b]);
    }
  });

  it('says where a sentence closing a full line may have ended its paragraph, only where the paragraphs open without indent', () => {
    // 40 characters a line: the second paragraph's first line fills the column and ends a sentence.
    const a = '为贯彻落实预算绩效管理要求，本单位结合工作实际，制定本年度部门整体绩效目标，并细化分解到各项工作任务之中，确保目标可衡量。';
    const b = '加强人员培训，提高职工的业务素质；加强调研，提出优化资金配置、提高资金使用效益。进一步做好宣传工作，强化预算绩效管理意识。';
    const c = '完成各项工作任务，确保资金安全。';
    expect([...b].slice(0, 40).join('')).toMatch(/。$/);
    const flush = [...paragraph(a, 760), ...paragraph(b, 710), ...paragraph(c, 660)];
    const read = assemble([page(1, flush)], TABLE_WORDS).filter((x): x is Para => x.kind === 'para');
    expect(read.map((p) => p.text)).toEqual([a, b, c]);
    expect(read.map((p) => p.unsureBreaks ?? [])).toEqual([[], ['配置、提高资金使用效益。'], []]);
    // The same paragraphs each opening two characters in: a next line at the margin is a wrap.
    const indent = (items: Item[]) => items.map((it, k) => (k === 0 ? { ...it, x: it.x + 2 * SIZE } : it));
    const indented = [...indent(paragraph(a, 760)), ...indent(paragraph(b, 710)), ...indent(paragraph(c, 660))];
    expect(assemble([page(1, indented)], TABLE_WORDS).some((x) => x.kind === 'para' && x.unsureBreaks)).toBe(false);
  });

  it('learns paragraph spacing a little wider than the line pitch from the breaks the text shows, and parts paragraphs by it where a full line closes a sentence', () => {
    // Paragraphs opening flush, 16 points between lines, 19 between paragraphs.
    const a = '为贯彻落实预算绩效管理要求，本单位结合工作实际，制定本年度部门整体绩效目标，并细化分解到各项工作任务之中，确保目标可衡量。';
    // Paragraphs whose short last line closes a sentence: the breaks the text shows.
    const shown = [a + a, a + a, a + a];
    const full = '加强人员培训，提高职工的业务素质；加强调研，提出优化资金配置、提高资金使用效益。';
    const next = '进一步做好宣传工作，强化预算绩效管理意识。';
    const wraps = '加强人员培训，提高职工的业务素质；加强调研，提出优化资金配置、提高资金使用效益。按时完成全年各项工作任务。';
    const items: Item[] = [];
    let y = 780;
    for (const text of [...shown, full, next, wraps]) {
      const lines = paragraph(text, y);
      items.push(...lines);
      y = lines.at(-1)!.y - 19;
    }
    const read = assemble([page(1, items)], TABLE_WORDS).filter((x): x is Para => x.kind === 'para');
    expect(read.map((p) => p.text)).toEqual([...shown, full, next, wraps]);
    // The space tells: no break is unsure.
    expect(read.some((p) => p.unsureBreaks)).toBe(false);
  });

  it('a paragraph closing a sentence at the foot of a page goes on where the next page opens at the margin and paragraphs open indented (the repair stage joins it); where they open flush, they stay two and the place is said', () => {
    const a = '为贯彻落实预算绩效管理要求，本单位结合工作实际，制定本年度部门整体绩效目标，并细化分解到各项工作任务之中，确保目标可衡量。';
    const foot = '加强人员培训，提高职工的业务素质；加强调研，提出优化资金配置、提高资金使用效益。';
    const rest = '进一步做好宣传工作，强化预算绩效管理意识，按时完成全年各项工作任务。';
    // A paragraph's lines in the column [72, 472]: an indented first line two characters in and two shorter.
    const lines = (text: string, y: number, indented: boolean): Item[] => {
      const chars = [...text];
      const first = indented ? 38 : 40;
      const out = [at(chars.slice(0, first).join(''), indented ? 92 : 72, y)];
      for (let i = first, k = 1; i < chars.length; i += 40, k++) out.push(at(chars.slice(i, i + 40).join(''), 72, y - k * 16));
      return out;
    };
    for (const indented of [true, false]) {
      const cut = a.slice(0, indented ? 38 : 40) + foot;
      const one = [...lines(a, 700, indented), ...lines(a, 620, indented), ...lines(cut, 540, indented)];
      const two = [...lines(rest, 780, false), ...lines(a, 700, indented)];
      const blocks = assemble([page(1, one), page(2, two)], TABLE_WORDS);
      const foot1 = blocks.filter((x): x is Para => x.kind === 'para' && x.page === 1).at(-1)!;
      expect(foot1.runsOn).toBe(indented ? true : undefined);
      expect(foot1.unsureBreaks).toEqual(indented ? undefined : [foot.slice(-12)]);
      const joined = joinBrokenParagraphs({ format: 'pdf', blocks, pages: 2 } as DocModel).value.blocks.filter((x): x is Para => x.kind === 'para');
      expect(joined.map((p) => p.text)).toEqual(indented ? [a, a, cut + rest, a] : [a, a, cut, rest, a]);
    }
  });

  it('reads a page of a photograph on its own column, however it leans: a full line closing a clause goes on below', () => {
    const a = '为贯彻落实预算绩效管理要求，本单位结合工作实际，制定本年度部门整体绩效目标，并细化分解到各项工作任务之中，确保目标可衡量。';
    // Page 1 a PDF page on the column [72, 472]; page 2 read by OCR from a photograph, its
    // column narrower (characters 9.5 points) and leaning: [60 + d, 440 + d], d = (800 − y) / 50.
    const one = [...paragraph(a + a, 780), ...paragraph(a + a, 700), ...paragraph(a, 620)];
    const clause = '加强人员培训，提高职工的业务素质；加强调研，提出优化资金配置、提高资金使用效益；';
    const lines = [a.slice(0, 40), clause, a.slice(0, 40), a.slice(20, 60), a.slice(0, 40), a.slice(0, 12) + '。'];
    const photo = (texts: string[], y0: number): Item[] =>
      texts.map((t, k) => {
        const y = y0 - k * 16;
        const d = (800 - y) / 50;
        return { str: t, x: 60 + d, y, w: [...t].length * 9.5, size: 9.5, conf: 0.99 };
      });
    const two = [...photo(lines, 780), ...photo(lines, 660)];
    const read = paras(assemble([page(1, one), page(2, two)], TABLE_WORDS));
    expect(read.slice(-2)).toEqual([lines.join(''), lines.join('')]);
  });

  it('starts a paragraph at a lead-in label (绩效指标：) under a line that fills the column', () => {
    const goal = '绩效目标：加强行政事务管理（接待办、外事办、港澳台办、节能办）工作，完成各项任务';
    const indicator = '绩效指标：完成机关所有行政事务管理工作。';
    const items = [at(goal, 72, 700), at(indicator, 72, 684)];
    expect([...goal].length).toBe(40);
    expect(paras(assemble([page(1, items)], TABLE_WORDS))).toEqual([goal, indicator]);
  });

  it('reads a unit name wrapped in the first of two cells side by side (a borderless one-row table, 单位：万元 in the second) whole before the second cell', () => {
    // XeLaTeX seed 15: 190009 · 围场…（人民防空办 · 单位：万元, then 公室） under the first cell.
    const items = [
      ...paragraph('一、项目绩效目标表说明如下，本表列明各项目的预算与指标。', 740),
      at('190009', 72, 700), { ...at('围场满族蒙古族自治县住房和城乡建设局（人民防空办', 115, 700), w: 291 }, at('单位：万元', 426, 700),
      at('公室）', 72, 686),
      ...paragraph('二、下一段落。', 650),
    ];
    expect(paras(assemble([page(1, items)], TABLE_WORDS))).toEqual(['一、项目绩效目标表说明如下，本表列明各项目的预算与指标。', '190009围场满族蒙古族自治县住房和城乡建设局（人民防空办公室） 单位：万元', '二、下一段落。']);
  });

  it("puts a page's tables and paragraphs in reading order, top to bottom", () => {
    const segs = [h(600, 72, 372), h(580, 72, 372), h(560, 72, 372), v(72, 560, 600), v(222, 560, 600), v(372, 560, 600)];
    const items = [at('上方段落。', 72, 700), at('项目编码', 80, 586), at('A1', 230, 586), at('项目名称', 80, 566), at('B1', 230, 566), at('下方段落。', 72, 500)];
    const blocks = assemble([page(1, items, segs)]);
    expect(blocks.map((b) => b.kind)).toEqual(['para', 'table', 'para']);
    expect(blocks[0]!.page).toBe(1);
  });
});
