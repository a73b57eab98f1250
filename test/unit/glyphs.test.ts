/**
 * Reading fonts without a Unicode map by their glyphs' shapes, piece by piece: which fonts are
 * suspect (fonts.ts), how a glyph's shape is named and measured (glyphs.ts), and how readings of
 * one glyph settle and are checked against where its ink stands (recover.ts). The whole path,
 * on a print driver's round trip, is test/unmapped.test.ts.
 */
import { OPS } from 'pdfjs-dist/legacy/build/pdf.mjs';
import { describe, expect, it } from 'vitest';
import { type FontGlyph, sameChar, suspicion } from '../../src/loaders/pdf/fonts.js';
import { type Outline, inkBox, isBlank, outlineKey, outlineOf, signOf } from '../../src/loaders/pdf/glyphs.js';
import { type RawItem, type Reading, asInked, fitsInk, fontVerdict, joinRuns, pairQuotes, settle } from '../../src/loaders/pdf/recover.js';

/** pdf.js path data: moveTo 0, lineTo 1, curveTo 2, closePath 4. */
const square = (x0: number, y0: number, x1: number, y1: number) => [0, x0, y0, 1, x1, y0, 1, x1, y1, 1, x0, y1, 4];
const outline = (path: number[], m: [number, number, number, number, number, number] = [1, 0, 0, 1, 0, 0]): Outline => ({ paths: [{ m, path, evenOdd: false, stroke: 0 }], masks: [] });

describe('a font is suspect by its characters', () => {
  const glyphs = (claims: string, ratio = 1): FontGlyph[] => [...claims].map((claim) => ({ claim, ratio, inked: true }));
  it('codes taken for characters, glyph ids taken for code points, ASCII a whole em wide', () => {
    expect(suspicion(glyphs('\u0001\u0002\u0003\u0004\u0005'))).toMatch(/characters of no budget text/);
    expect(suspicion(glyphs('俸偭偣'))).toMatch(/rare/);
    expect(suspicion(glyphs('yXEoT'))).toMatch(/ASCII drawn a whole em wide/);
    expect(suspicion(glyphs('✁✂✄☎✆✸'))).not.toBeNull();
    expect(suspicion([{ claim: '', ratio: 1, inked: true }])).toMatch(/no character/);
  });
  it('text as budget texts are written is not suspect, a rare 汉字 among many is not', () => {
    expect(suspicion(glyphs('一级指标产出数量质量时效成本'))).toBeNull();
    expect(suspicion(glyphs('2023.50%', 0.5))).toBeNull();
    expect(suspicion(glyphs(`${'部门整体绩效目标'.repeat(2)}堃`))).toBeNull();
    expect(suspicion([{ claim: ' ', ratio: 0.25, inked: false }])).toBeNull();
  });
  it('a character and its compatibility form are the same character', () => {
    expect(sameChar('，', ',')).toBe(true);
    expect(sameChar('１', '1')).toBe(true);
    expect(sameChar('委', 'W')).toBe(false);
  });
});

describe('a font judged by the readings of its shapes', () => {
  const judged = { read: 0, agree: 0, boxes: 0, suspect: true, spent: false };
  it('is unmapped when its readings disagree with its characters, mapped when they agree', () => {
    expect(fontVerdict({ ...judged, read: 20, agree: 0 })).toBe(true);
    expect(fontVerdict({ ...judged, read: 20, agree: 19 })).toBe(false);
    expect(fontVerdict({ ...judged, suspect: false, read: 4, agree: 4 })).toBe(false);
  });
  it('is unmapped when it draws its empty box for every code (the producer kept none of its glyphs), its codes no text', () => {
    // A print driver's second subset of a font, written under the first one's name: every
    // code of the round trip's font draws .notdef, and pdf.js gives the codes as \u0001, A, @.
    expect(fontVerdict({ ...judged, boxes: 78 })).toBe(true);
    // A font not suspect by its characters keeps them: boxes alone do not make its text garbage.
    expect(fontVerdict({ ...judged, suspect: false, boxes: 4 })).toBe(false);
  });
  it('with nothing read and the budget spent, is unmapped when suspect, else undecided', () => {
    expect(fontVerdict({ ...judged, spent: true })).toBe(true);
    expect(fontVerdict({ ...judged, suspect: false, spent: true })).toBeNull();
  });
});

describe("a glyph's shape", () => {
  it('is named the same in any font that draws it, and apart from every other shape', () => {
    const a = outline(square(0.1, 0, 0.4, 0.7));
    // The same shape in a font of 1000 units to the em (its matrix taking them to em).
    const units = outline(square(100, 0, 400, 700), [0.001, 0, 0, 0.001, 0, 0]);
    expect(outlineKey(units, 0.5)).toBe(outlineKey(a, 0.5));
    expect(outlineKey(a, 0.5)).not.toBe(outlineKey(outline(square(0.1, 0, 0.4, 0.72)), 0.5));
    // The same drawing on another advance is another glyph (， and , draw alike).
    expect(outlineKey(a, 0.5)).not.toBe(outlineKey(a, 1));
  });

  it('has an ink box in em through its matrix, and none when it draws nothing', () => {
    expect(inkBox(outline(square(0.1, -0.1, 0.5, 0.7), [2, 0, 0, 2, 0, 0]))).toEqual({ x0: 0.2, y0: -0.2, x1: 1, y1: 1.4 });
    expect(isBlank({ paths: [], masks: [] })).toBe(true);
    expect(isBlank(outline([]))).toBe(true);
    expect(isBlank(outline(square(0, 0, 1, 1)))).toBe(false);
    expect(isBlank(outline([4, 4]))).toBe(true);
    expect(isBlank({ paths: [], masks: [{ m: [1, 0, 0, 1, 0, 0], width: 1, height: 1, bits: new Uint8Array([1]) }] })).toBe(false);
  });

  it("is the font's path for its character, a Type 3 glyph's drawing, or nothing for a code the font lacks", () => {
    const path = square(0, 0, 0.5, 0.5);
    const objs = new Map<string, unknown>([['f1_path_A', { path }]]);
    const store = { has: (id: string) => objs.has(id), get: (id: string) => objs.get(id) };
    expect(outlineOf(store, 'f1', {}, { fontChar: 'A' })?.paths[0]!.path).toBe(path);
    expect(outlineOf(store, 'f1', {}, { fontChar: 'B' })).toBeNull();
    // pdf.js's canvas draws nothing for a glyph not in the font, whatever its character's path.
    expect(isBlank(outlineOf(store, 'f1', {}, { fontChar: 'A', isInFont: false })!)).toBe(true);
    // A Type 3 glyph: its procedure's fill, in glyph space (1000 to the em here).
    const type3 = {
      isType3Font: true,
      fontMatrix: [0.001, 0, 0, 0.001, 0, 0],
      charProcOperatorList: { g1: { fnArray: [OPS.constructPath], argsArray: [[OPS.fill, [square(100, 0, 600, 700)]]] } },
    };
    const t3 = outlineOf(store, 'f2', type3, { operatorListId: 'g1' })!;
    const box = inkBox(t3)!;
    for (const [k, v] of Object.entries({ x0: 0.1, y0: 0, x1: 0.6, y1: 0.7 })) expect(box[k as keyof typeof box]).toBeCloseTo(v, 9);
  });
});

describe('readings of one glyph', () => {
  it('settle where they agree, and stay unsure where they do not', () => {
    const agreed = settle([
      { char: '5', p: 0.9, weight: 0.5 },
      { char: '5', p: 0.95, weight: 1 },
      { char: '5', p: 0.93, weight: 1 },
    ]);
    expect(agreed).toMatchObject({ text: '5', sure: true });
    expect(agreed.conf).toBeGreaterThanOrEqual(0.9);
    const split = settle([
      { char: '≤', p: 0.99, weight: 0.5 },
      { char: 'M', p: 0.9, weight: 1 },
    ]);
    expect(split.sure).toBe(false);
    expect(split.conf).toBeLessThan(0.9);
    // Readings that agree, each unlikely, settle nothing (缮 read as 鳝, alone and in two places).
    const guessed = settle([
      { char: '鳝', p: 0.1, weight: 1 },
      { char: '鳝', p: 0.086, weight: 1 },
      { char: '鳝', p: 0.044, weight: 1 },
    ]);
    expect(guessed.sure).toBe(false);
    expect(guessed.conf).toBeLessThan(0.9);
    // Two readings of a 汉字 settle it only where both are likely: 辦 (generated seed 8 through
    // the round trip, 完善资金管理辦法) read 瓣 alone at 0.84, then at 0.37 among its neighbours.
    const rare = settle([
      { char: '瓣', p: 0.8360532522201538, weight: 1 },
      { char: '瓣', p: 0.37196168303489685, weight: 1 },
    ]);
    expect(rare.sure).toBe(false);
    expect(rare.conf).toBeLessThan(0.9);
    expect(settle([{ char: '绩', p: 0.84, weight: 1 }, { char: '绩', p: 0.6, weight: 1 }]).sure).toBe(true);
    // A 汉字 read alone with near certainty is read.
    expect(settle([{ char: '绩', p: 0.99, weight: 1 }])).toMatchObject({ text: '绩', sure: true });
    expect(settle([{ char: '绩', p: 0.6, weight: 1 }]).sure).toBe(false);
  });

  it('straight quotation marks that close (or open) a curly pair on their line are its partners', () => {
    const line = (s: string) => [...s].map((text, o) => ({ o, text }));
    const text = (s: string) => {
      const got = pairQuotes(line(s));
      return [...s].map((c, k) => got.get(k) ?? c).join('');
    };
    expect(text('履行好“第一责任人"责任')).toBe('履行好“第一责任人”责任');
    expect(text('把好"三关”（')).toBe('把好“三关”（');
    expect(text("‘一岗双责'")).toBe('‘一岗双责’');
    // Unpaired, or a pair of straight marks: as read.
    expect(text('长度"为')).toBe('长度"为');
    expect(text('"甲"')).toBe('"甲"');
    expect(text('“甲”"乙"')).toBe('“甲”"乙"');
  });

  it('are checked against where the ink stands on the line', () => {
    const sure = (text: string): Reading => ({ text, conf: 0.98, sure: true });
    // A digit raised off the baseline is its superscript (m²).
    expect(asInked(sure('2'), { bottom: 0.33, top: 0.74 })).toMatchObject({ text: '²', sure: true });
    // A capital reaching below the baseline is no capital (≦ read as M): unsure, under the row warning's threshold.
    const m = asInked(sure('M'), { bottom: -0.08, top: 0.64 });
    expect(m.sure).toBe(false);
    expect(m.conf).toBeLessThan(0.9);
    // A raised letter is not what the recogniser took it for.
    expect(asInked(sure('N'), { bottom: 0.33, top: 0.74 }).sure).toBe(false);
    // Letters with descenders, and glyphs on the baseline, are as read.
    expect(asInked(sure('p'), { bottom: -0.2, top: 0.5 })).toEqual(sure('p'));
    expect(asInked(sure('7'), { bottom: 0, top: 0.7 })).toEqual(sure('7'));
    expect(asInked(sure('≤'), { bottom: -0.08, top: 0.64 })).toEqual(sure('≤'));
  });

  it('that the ink contradicts give way: a period as tall as a digit is none', () => {
    const digit = { bottom: -0.01, top: 0.74 };
    expect(fitsInk('.', digit)).toBe(false);
    expect(fitsInk('6', digit)).toBe(true);
    expect(fitsInk('.', { bottom: 0, top: 0.12 })).toBe(true);
    expect(fitsInk('M', { bottom: -0.08, top: 0.64 })).toBe(false);
    expect(fitsInk('委', digit)).toBe(true);
    expect(fitsInk('.', null)).toBe(true);
  });
});

describe('a relation sign is told by its shape', () => {
  /** A glyph of closed polygons as a font draws it (font units, 1000 an em): each a run of x, y. */
  const polygons = (...runs: number[][]): Outline => {
    const path: number[] = [];
    for (const run of runs) {
      path.push(0, run[0]!, run[1]!);
      for (let i = 2; i < run.length; i += 2) path.push(1, run[i]!, run[i + 1]!);
      path.push(4);
    }
    return outline(path, [0.001, 0, 0, 0.001, 0, 0]);
  };
  // Outlines as the generated documents' round trips draw them (GBZenKai, DejaVu Sans, WenQuanYi Zen Hei).
  const lt = polygons([479, 563, 22, 402, 22, 345, 479, 171, 479, 229, 102, 372, 479, 505, 479, 563]);
  const gtFull = polygons([700, 410, 300, 634, 300, 578, 650, 382, 300, 189, 300, 134, 700, 354, 700, 410]);
  const eq = polygons([22, 515, 22, 457, 479, 457, 479, 515, 22, 515], [22, 306, 22, 248, 479, 248, 479, 306, 22, 306]);
  const leqq = polygons([106, 0, 732, 0, 732, -83, 106, -83, 106, 0], [732, 552, 264, 417, 732, 283, 732, 196, 106, 376, 106, 459, 732, 638, 732, 552], [106, 139, 732, 139, 732, 56, 106, 56, 106, 139]);
  it('a chevron on its side, with no bar, one or two under it, and two bars one over the other', () => {
    expect(signOf(lt)).toBe('<');
    expect(signOf(gtFull)).toBe('>');
    expect(signOf(eq)).toBe('=');
    expect(signOf(leqq)).toBe('≦');
    // Turned the other way round: the same chevron points right, the bars stay under it.
    const mirror = (o: Outline): Outline => ({ ...o, paths: o.paths.map((p) => ({ ...p, m: [-0.001, 0, 0, 0.001, 0.838, 0] as [number, number, number, number, number, number] })) });
    expect(signOf(mirror(leqq))).toBe('≧');
    expect(signOf(mirror(lt))).toBe('>');
  });
  it('a lower stroke slanting with the arm is the same sign (GB fonts draw ≤ as ⩽); a bar may touch the arm', () => {
    // WenQuanYi Zen Hei's ≥, and AR PL's ≤ (Bousung), their lower strokes slanting.
    const geSlanted = polygons([750, 357, 250, 127, 250, 76, 750, 307, 750, 357], [750, 457, 250, 678, 250, 627, 692, 432, 250, 235, 250, 185, 750, 406, 750, 457]);
    expect(signOf(geSlanted)).toBe('≥');
    const leSlanted = polygons([164, 335, 840, -13, 840, -53, 164, 290, 164, 335], [840, 831, 840, 790, 210, 480, 840, 150, 840, 111, 164, 460, 164, 500, 840, 831]);
    expect(signOf(leSlanted)).toBe('≤');
    // GB ≦ whose upper bar meets the chevron's lower arm end.
    const leqqTouching = polygons([55, 135, 436, 135, 436, 193, 55, 193, 55, 135], [55, -34, 436, -34, 436, 25, 55, 25, 55, -34], [425, 610, 100, 420, 425, 240, 425, 164, 45, 390, 45, 460, 425, 683, 425, 610]);
    expect(signOf(leqqTouching)).toBe('≦');
    // A stroke steeper than the arm, or one crossing the chevron's middle, is no such sign.
    expect(signOf(polygons([164, 700, 840, -13, 840, -53, 164, 660, 164, 700], [840, 831, 840, 790, 210, 480, 840, 150, 840, 111, 164, 460, 164, 500, 840, 831]))).toBeNull();
    expect(signOf(polygons([164, 520, 840, 520, 840, 460, 164, 460, 164, 520], [840, 831, 840, 790, 210, 480, 840, 150, 840, 111, 164, 460, 164, 500, 840, 831]))).toBeNull();
  });
  it('no other shape: 二 and 三, a 汉字 of one contour, a V', () => {
    expect(signOf(polygons([141, 695, 855, 695, 855, 621, 141, 621], [55, 74, 941, 74, 941, 0, 55, 0]))).toBeNull();
    expect(signOf(polygons([125, 734, 875, 734, 875, 660, 125, 660], [168, 398, 832, 398, 832, 324, 168, 324], [78, 55, 922, 55, 922, -20, 78, -20]))).toBeNull();
    // 长 (WenQuanYi Zen Hei): one contour, its stem's foot at the middle of its left edge.
    const chang = polygons([301, 350, 301, -16, 498, 82, 517, 21, 491, 13, 421, -25, 351, -63, 311, -88, 246, -127, 216, -61, 229, -23, 229, 16, 229, 350, 143, 350, 80, 350, 18, 347, 21, 381, 18, 414, 80, 411, 143, 411, 229, 411, 229, 674, 229, 748, 225, 821, 265, 817, 305, 821, 301, 748, 301, 674, 301, 487, 484, 564, 585, 662, 652, 729, 713, 803, 744, 771, 780, 746, 555, 511, 337, 411, 787, 411, 850, 411, 912, 414, 909, 381, 912, 347, 850, 350, 787, 350, 501, 350, 589, 210, 694, 121, 800, 32, 958, -21, 922, -44, 908, -85, 736, -21, 616, 102, 504, 214, 424, 350, 301, 350]);
    expect(signOf(chang)).toBeNull();
    expect(signOf(polygons([0, 700, 80, 700, 300, 80, 520, 700, 600, 700, 340, 0, 260, 0]))).toBeNull();
  });
});

describe('items written from their glyphs', () => {
  // Items of one line of a table drawn without rules, as pdf.js cut them in a print driver's
  // round trip (generated seed 6, page 3 and 4): a cell's text in pieces where the font changes.
  const item = (str: string, x: number, width: number, y = 165.8): RawItem => ({ str, transform: [12, 0, 0, 12, x, y], width });
  it('join where one goes on where the one before ends', () => {
    const a = item('有较好的社会', 236.1, 72), b = item('影', 308.1, 12);
    const got = joinRuns([a, b], new Set([a, b]));
    expect(got.map((i) => i.str)).toEqual(['有较好的社会影']);
    expect(got[0]!.width).toBeCloseTo(84, 1);
    // A blank item pdf.js put between them goes too.
    const c = item('资金用', 73.1, 36, 509), blank = item(' ', 97.1, 12, 509), d = item('途', 109.1, 12, 509);
    expect(joinRuns([c, blank, d], new Set([c, d])).map((i) => i.str)).toEqual(['资金用途']);
  });
  it('never across a space or the white between two cells, onto another line, or among items pdf.js read itself', () => {
    const g = item('2022 年 6', 490.4, 50.2), h = item('月', 542.9, 12);
    expect(joinRuns([g, h], new Set([g, h])).map((i) => i.str)).toEqual(['2022 年 6', '月']);
    const a = item('热线服务人员费', 236.1, 84, 313), b = item('单人年服务费成本', 324.7, 96, 313), c = item('用', 236.1, 12, 295.6);
    expect(joinRuns([a, b, c], new Set([a, b, c])).map((i) => i.str)).toEqual(['热线服务人员费', '单人年服务费成本', '用']);
    const e = item('2022 年 6', 490.4, 50.2), f = item('月', 542.9, 12);
    expect(joinRuns([e, f], new Set()).map((i) => i.str)).toEqual(['2022 年 6', '月']);
  });
});
