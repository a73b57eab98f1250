/**
 * Checks that keep OCR misreadings from coming out in silence: each says a doubtful record on
 * that record's own place (its table row, its project table, its paragraphs), and leaves the
 * sure ones alone; and the scorer's count of wrong records nobody warned of (silent rows)
 * against right records warned all the same (false alarms).
 */
import { describe, expect, it } from 'vitest';
import { readPartOne } from '../../src/interpret/partOne.js';
import { para, type Block } from '../../src/model.js';
import { toWarnings } from '../../src/diagnostics.js';
import { namedOn } from '../../src/eval/score.js';
import { implausibleLatin, inkCheck, loneMarks, markWidths, openingMarks, signGlyph, skippedAt, strayPieces, tinyPieces } from '../../src/ocr/read.js';
import type { Loc, Warning } from '../../src/schema.js';

const p = (text: string, confidence?: number, top = 100): Block => ({ ...para(text, { page: 1 }), bbox: [90, top, 500, top + 14], ...(confidence == null ? {} : { confidence }) });

describe('part-one paragraphs read by OCR', () => {
  const blocks = (conf: number) => [
    p('二、分项绩效目标', 0.99, 80),
    p('1.招商经费', 0.99, 100),
    p('绩效目标：接待投资客商考察，介绍园区招商资源', 0.99, 120),
    p('2.企业服务及基础设施维护费', 0.99, 140),
    p('绩效目标：指导企业加强制度和管理创新', conf, 160),
    p('三、保障措施', 0.99, 180),
    p('1.招商工作力求精准化', 0.99, 200),
  ];

  it('a sub-goal holding a paragraph read with low confidence is warned on that sub-goal alone', () => {
    const r = readPartOne(blocks(0.5));
    const w = toWarnings(r.messages);
    expect(w.map((x) => x.code)).toEqual(['ocr-low-confidence']);
    expect(w[0]!.message).toContain('sub-goal 2');
    expect(w[0]!.loc).toEqual(r.value.sub_goals[1]!.loc);
    expect(namedOn(w, r.value.sub_goals[1]!.loc, 'item')).toBe(true);
  });

  it('a sub-goal with no 绩效目标 or 绩效指标, or titled with marks alone, is a line taken for an item', () => {
    const r = readPartOne([...blocks(0.97).slice(0, 5), p('…………', 0.99, 170), p('五、部门整体支出绩效指标情况表', 0.99, 175), p('三、保障措施', 0.99, 180)]);
    const w = toWarnings(r.messages);
    expect(w.map((x) => [x.code, x.loc])).toEqual([['part-one-missing', r.value.sub_goals[2]!.loc], ['part-one-missing', r.value.sub_goals[3]!.loc]]);
  });

  it('items whose numbers skip one are said from the last in order on; an item with no number takes a number\'s place', () => {
    const item = (n: string, top: number) => [p(`${n}招商经费`, 0.99, top), p('绩效目标：接待投资客商考察', 0.99, top + 10)];
    const head = p('二、分项绩效目标', 0.99, 80);
    // 1. 2. 4.: the heading of 3. was not read (its text is in 2.'s).
    const skipped = readPartOne([head, ...item('1.', 100), ...item('2.', 200), ...item('4.', 300)]);
    const said = toWarnings(skipped.messages).filter((w) => w.code === 'part-one-missing');
    expect(said.map((w) => w.loc)).toEqual([skipped.value.sub_goals[1]!.loc, skipped.value.sub_goals[2]!.loc]);
    expect(said[0]!.message).toContain('2 → 4');
    // 1. 2. (an item with no number) 4.: in order.
    const unnumbered = readPartOne([head, ...item('1.', 100), ...item('2.', 200), p('应急工作管理', 0.99, 250), p('绩效目标：加强应急管理工作', 0.99, 260), ...item('4.', 300)]);
    expect(unnumbered.value.sub_goals.map((g) => g.seq)).toEqual(['1', '2', null, '4']);
    expect(unnumbered.messages).toEqual([]);
  });

  it('paragraphs read surely, and paragraphs not read by OCR, give nothing', () => {
    expect(readPartOne(blocks(0.97)).messages).toEqual([]);
    expect(readPartOne(blocks(0.97).map((b) => ({ ...b, confidence: undefined }))).messages).toEqual([]);
  });
});

describe('silent rows: which warning names a record', () => {
  const loc = (o: Partial<Loc>): Loc => ({ page: 1, page_end: 1, bbox: null, table: null, row: null, line: null, ...o });
  const warn = (l: Loc | null): Warning => ({ code: 'ocr-low-confidence', message: '', loc: l });

  it('a warning on a paragraph names a table row on its page only where their boxes meet', () => {
    const row = loc({ table: 0, row: 3, bbox: [90, 400, 500, 420] });
    expect(namedOn([warn(loc({ bbox: [90, 100, 500, 200] }))], row, 'row')).toBe(false);
    expect(namedOn([warn(loc({ bbox: [90, 390, 500, 430] }))], row, 'row')).toBe(true);
    // A warning on the whole page (no box, or a page-… code) names everything on it.
    expect(namedOn([{ ...warn(loc({ bbox: [90, 100, 500, 200] })), code: 'page-hidden-text' }], row, 'row')).toBe(true);
    expect(namedOn([warn(loc({}))], row, 'row')).toBe(true);
    expect(namedOn([warn(loc({ table: 0, row: 3 }))], row, 'row')).toBe(true);
    expect(namedOn([warn(loc({ table: 0, row: 4 }))], row, 'row')).toBe(false);
  });
});

describe('marks alone on their line are specks', () => {
  const piece = (x0: number, y0: number, w: number, h = 30) => ({ x0, y0, x1: x0 + w, y1: y0 + h });
  it('a dot far from any text is noise; a comma beside its line, and text, are not', () => {
    const words = [piece(40, 1000, 6, 5), piece(300, 1200, 400), piece(705, 1220, 8, 10), piece(300, 1400, 30)];
    expect([...loneMarks(words, ['.', '接待投资客商考察', '，', '。'], 30)]).toEqual([0, 3]);
  });
});

describe('specks read as characters', () => {
  const piece = (x0: number, y0: number, w: number, h = 30) => ({ x0, y0, x1: x0 + w, y1: y0 + h });
  const r = (text: string, confidence: number) => ({ text, confidence });
  // A ruled cell round (500–700, 900–1000): rules above, below, left and right of its middle.
  const rules = [
    { dir: 'h' as const, pos: 900, a: 400, b: 800, thick: 2 },
    { dir: 'h' as const, pos: 1000, a: 400, b: 800, thick: 2 },
    { dir: 'v' as const, pos: 500, a: 850, b: 1050, thick: 2 },
    { dir: 'v' as const, pos: 700, a: 850, b: 1050, thick: 2 },
  ];
  it('one or two characters read with little confidence, alone outside a table, are specks', () => {
    const words = [piece(1056, 1800, 48), piece(563, 1956, 39, 7), piece(300, 1200, 400), piece(520, 930, 30), piece(720, 1205, 30), piece(95, 2400, 30)];
    const readings = [r('心', 0.03), r('ae', 0.38), r('接待投资客商考察', 0.99), r('无', 0.4), r('元', 0.5), r('4', 0.99)];
    // 心 and ae stand alone; 无 stands in a ruled cell (kept, its doubt said on its row); 元 beside a line of text; 4 is sure.
    expect([...strayPieces(words, readings, rules, 30)]).toEqual([0, 1]);
  });
});

/**
 * markWidths on a 30 px line `width` px wide whose ink is the boxes [x0, x1, y0, y1?) (y1 30
 * unless given), read as `text` with its characters at the pixel places `at`.
 */
function marksOn(width: number, inks: ReadonlyArray<readonly number[]>, text: string, at: number[], confidence = 0.99) {
  const mask = new Uint8Array(width * 30);
  for (const [x0, x1, y0, y1 = 30] of inks) for (let y = y0!; y < y1; y++) for (let x = x0!; x < x1!; x++) mask[y * width + x] = 1;
  return markWidths({ text, confidence, at: at.map((x) => x / width) }, { x0: 0, y0: 0, x1: width, y1: 30 }, width, mask, width);
}

describe('a comma\'s width told by the white after it', () => {
  // 全 , 运 in a 30 px line: two inked squares of 28 px and a comma's blot of 4 between them.
  const line = (after: number) => marksOn(28 + 2 + 4 + after + 28, [[0, 28, 0], [30, 34, 22], [34 + after, 62 + after, 0]], '全,运', [14, 32, 34 + after + 14]);
  it('half a character of white after it: full width; little white between two 汉字: half width, and a guess', () => {
    expect(line(14)).toEqual({ text: '全，运', guessed: false });
    expect(line(3)).toEqual({ text: '全,运', guessed: true });
  });
  it('told half width after a 汉字 at the end of the piece (its line goes on below): a guess too', () => {
    // 针 , and a speck 3 px after the comma: the white after it is little, the piece ends there.
    expect(marksOn(28 + 2 + 4 + 3 + 2, [[0, 28, 0], [30, 34, 22], [37, 39, 26, 28]], '针，', [14, 32], 0.96)).toEqual({ text: '针,', guessed: true });
  });
  it('read half width between two 汉字 where no ink stands at its place (lost to the copy): a guess all the same', () => {
    expect(marksOn(28 + 8 + 28, [[0, 28, 0], [36, 64, 0]], '机,充', [14, 32, 50])).toEqual({ text: '机,充', guessed: true });
  });
  it('told half width by the little white before a speck read as a dot, between two 汉字: a guess', () => {
    // 机 ， · 充: the comma's blot at 30–34, a speck at 36–38 taking the white after it.
    expect(marksOn(70, [[0, 28, 0], [30, 34, 22], [36, 38, 14, 16], [42, 70, 0]], '机，·充', [14, 32, 37, 56], 0.95)).toEqual({ text: '机,·充', guessed: true });
  });
});

describe('a clause mark opening a line', () => {
  const piece = (x0: number, y0: number, w: number, h = 30) => ({ x0, y0, x1: x0 + w, y1: y0 + h });
  it('is a speck where the line opens there; kept where the piece goes on from another on its line', () => {
    const words = [piece(100, 100, 300), piece(100, 200, 120), piece(240, 200, 200), piece(100, 300, 60)];
    const texts = ['：常年法律服务协议是否有效', '绩效目标', '：接待投资客商考察', '、'];
    expect(openingMarks(words, texts, 30)).toEqual(['常年法律服务协议是否有效', '绩效目标', '：接待投资客商考察', '、']);
  });
});

describe('pieces smaller than any character', () => {
  const piece = (x0: number, y0: number, w: number, h: number) => ({ x0, y0, x1: x0 + w, y1: y0 + h });
  it("a blot under a third of an em read as a digit, a letter or a 汉字 is a speck; a dash, a mark, a digit's height are not", () => {
    const words = [piece(100, 100, 3, 3), piece(200, 100, 5, 7), piece(300, 100, 4, 4), piece(400, 100, 8, 2), piece(500, 100, 4, 4), piece(600, 100, 6, 17), piece(700, 100, 300, 29)];
    const texts = ['9', 'e', '电', '-', '.', '1', '接待投资客商考察'];
    // em 29 px: 9, e and 电 are specks; - is a value's dash; . is loneMarks' to judge; 1 stands 17 px tall.
    expect([...tinyPieces(words, texts, 29)]).toEqual([0, 1, 2]);
  });
});

describe('a sign dropped before a number', () => {
  // A 100 × 40 piece at (10, 10) of a 200 × 60 mask; em 30 px; the digit 1 a bar at columns 50–53.
  const mask = (before: 'sign' | 'speck' | 'none') => {
    const m = new Uint8Array(200 * 60);
    const ink = (x: number, y: number) => (m[y * 200 + x] = 1);
    for (let y = 14; y < 44; y++) for (let x = 50; x < 54; x++) ink(x, y);
    if (before === 'sign') for (let k = 0; k < 14; k++) for (let t = 0; t < 3; t++) ink(36 + Math.floor((k * 10) / 14) + t, 20 + k); // a stroke of ≤, 14 px tall, 12 wide, two columns from the 1
    if (before === 'speck') for (let y = 12; y < 15; y++) for (let x = 38; x < 41; x++) ink(x, y); // a dot of toner
    return m;
  };
  const p = { x0: 10, y0: 10, x1: 110, y1: 50 };
  const read = { text: '1', confidence: 0.98, at: [(51.5 - 10) / 100] };
  it('ink apart before the first digit, taller than a quarter of an em, is a character not read (though narrower than the run no character covers)', () => {
    expect(inkCheck(read, p, 100, mask('sign'), 200, 30).uncovered.length).toBe(1);
  });
  it('a speck there, or nothing, is no character', () => {
    expect(inkCheck(read, p, 100, mask('speck'), 200, 30).uncovered).toEqual([]);
    expect(inkCheck(read, p, 100, mask('none'), 200, 30).uncovered).toEqual([]);
  });
});

describe('a value\'s sign read as another character', () => {
  // A piece drawn in ASCII (# ink), one row a line; em 29 px.
  const piece = (art: string) => {
    const rows = art.trim().split('\n').map((r) => r.trim());
    const width = rows[0]!.length;
    const mask = new Uint8Array(width * rows.length);
    rows.forEach((r, y) => [...r].forEach((c, x) => (mask[y * width + x] = c === '#' ? 1 : 0)));
    return { p: { x0: 0, y0: 0, x1: width, y1: rows.length }, mask, width };
  };
  // ≥1 of a photocopy (read 21 at 0.82): the chevron's foot touches the bar.
  const geq1 = `
    ......................##..
    ....................#####.
    ...................######.
    .###................#####.
    .#####...............####.
    ...#####..............###.
    ....######............###.
    .......#####..........###.
    .........####.........###.
    .........####.........###.
    .........####.........###.
    ......#####...........###.
    ....######............###.
    ..#####...............###.
    .####.................###.
    .##...................###.
    .##...................###.
    .############........#####
    .############.......######
    .############........####.`;
  // A 2 beside a 1: its arc centred at the top, its foot a bar.
  const two1 = `
    ....######............##..
    ..##########........#####.
    .###......###......######.
    .##........###......#####.
    ...........###.......####.
    ...........###........###.
    ..........###.........###.
    .........###..........###.
    ........###...........###.
    .......###............###.
    ......###.............###.
    .....###..............###.
    ....###...............###.
    ...###................###.
    ..###.................###.
    .###..................###.
    .###..................###.
    .############........#####
    .############.......######
    .############........####.`;
  it('a chevron over a bar before a digit is ≥ (its middle right) or ≤ (its middle left)', () => {
    const g = piece(geq1);
    expect(signGlyph('21', g.p, g.mask, g.width, 29)).toBe('≥1');
    expect(signGlyph('S1', g.p, g.mask, g.width, 29)).toBe('≥1');
    // Mirrored: ≤.
    const m = piece(geq1.split('\n').map((r) => { const t = r.trim(); const sign = t.slice(0, 14); return [...sign].reverse().join('') + t.slice(14); }).join('\n'));
    expect(signGlyph('<1', m.p, m.mask, m.width, 29)).toBe('≤1');
    // Read right: nothing to change.
    expect(signGlyph('≥1', g.p, g.mask, g.width, 29)).toBeNull();
  });
  // The 2 of 2800.00 on a clean scan turned 1° (its arc leans left, its top as high as the 8's).
  const two8 = `
    ....###..............#...
    ..########.......########
    .###....###.....####...##
    .##......###....###.....#
    .........###....###.....#
    .........###....###.....#
    .........###....###.....#
    .........###....###.....#
    .........###.....###...##
    ........###......########
    ........###......########
    .......###......###.....#
    ......###......###......#
    .....###.......###.......
    ....###........###.......
    ...###.........###.......
    ..###..........###.......
    .########.#.....##......#
    .############...###....##
    .############....########`;
  it('a 2, and a reading not opening with a sign\'s misreading, are left alone', () => {
    const t = piece(two1);
    expect(signGlyph('21', t.p, t.mask, t.width, 29)).toBeNull();
    const e = piece(two8);
    expect(signGlyph('2800.00', e.p, e.mask, e.width, 29)).toBeNull();
    const g = piece(geq1);
    expect(signGlyph('31', g.p, g.mask, g.width, 29)).toBeNull();
    expect(signGlyph('2年', g.p, g.mask, g.width, 29)).toBeNull();
  });
});

describe('Latin letters the documents never print so', () => {
  it('a letter alone against 汉字, or a small letter before capitals, is a misreading', () => {
    expect(['进出E', 'E进出', 'pPP项目', '合计A'].filter(implausibleLatin)).toEqual(['进出E', 'E进出', 'pPP项目', '合计A']);
  });
  it('acronyms, grades, units and numbers are not', () => {
    expect(['进出口贸易', 'PPP项目', 'GDP增长', 'A级景区', '达到4A级', '≥90%', 'km²', '100m'].filter(implausibleLatin)).toEqual([]);
  });
});

describe('a line of 汉字 read with a character skipped', () => {
  // Ten characters one em (33 px) apart, each read at its middle.
  const at = (n: number, skipAfter = -1) => Array.from({ length: n }, (_, i) => 16 + 33 * i + (skipAfter >= 0 && i > skipAfter ? 33 : 0));
  it('two 汉字 two pitches apart had a character between them (a full-width comma dropped)', () => {
    // 多储备意向投资项目，大力 read without its comma.
    expect(skippedAt('多储备意向投资项目大力', at(11, 8), 0, 12 * 33)).toEqual([8]);
  });
  it('ink a character beyond the last (or before the first) read is a character dropped there', () => {
    expect(skippedAt('意向或协议加强京津冀', at(10), 0, 11 * 33)).toEqual([9]);
    expect(skippedAt('意向或协议加强京津冀', at(10).map((x) => x + 33), 0, 11 * 33)).toEqual([-1]);
  });
  it('an evenly read line, a short piece and a line with digits are left alone', () => {
    expect(skippedAt('意向或协议，加强京津冀项目', at(13), 0, 13 * 33)).toEqual([]);
    expect(skippedAt('修缮工程量', at(5, 1), 0, 6 * 33)).toEqual([]);
    expect(skippedAt('接待投资客商考察90次以上', at(13, 3), 0, 14 * 33)).toEqual([]);
  });
});
