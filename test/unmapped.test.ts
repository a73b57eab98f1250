/**
 * Fonts without a Unicode map — a print driver's round trip through PostScript — are read from
 * the shapes of their glyphs: each font judged on its own, each distinct glyph recognised once,
 * the page read as the producer's own PDF reads, with no page sent to OCR; a glyph the
 * recogniser is unsure of says so on its row; and the file's time limit counts the pages sent
 * to recognition, within a bound.
 *
 * Fixture (test/fixtures/make_unmapped.sh): three pages of a generated document as LibreOffice
 * printed them, and the same pages through pdftops and ps2pdf (the eval's `ps` producer). The
 * pieces (suspect fonts, glyph shapes, readings) are test/unit/glyphs.test.ts.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { extractBytes } from '../src/extract.js';
import { Deadline, recognitionBound } from '../src/batch/limits.js';
import { namedOn, scoreDocument } from '../src/eval/score.js';
import { glyphStats } from '../src/loaders/pdf/recover.js';
import { isGarbage, plausibility } from '../src/text/plausible.js';
import type { DocumentRecord } from '../src/schema.js';
import { CORPUS, FIXTURES, requireShared } from './helpers.js';

const DIR = path.join(FIXTURES, 'unmapped');
const MAPPED = path.join(DIR, 'seed.lo.pdf');
const ROUND_TRIP = path.join(DIR, 'seed.ps.pdf');
/** A whole generated document (seed 17) through the same round trip, whose driver wrote two
 * subsets of a font under one name: ps2pdf kept none of the second's glyphs, so the PDF itself
 * draws its empty box for every code of two of its fonts. lost.gold.json: the seed's gold. */
const LOST = path.join(DIR, 'lost.ps.pdf');
const LOST_GOLD = path.join(DIR, 'lost.gold.json');
/** Pages 7–8 of the corpus document chengde-office-2024 (its first project's table) through the
 * same round trip: the producer emptied one of its fonts, so a level cell (产出指标, 效益指标, 满意度指标)
 * loses a character into an item of its own that holds nothing else, and the rows below inherit it. */
const CELLS = path.join(DIR, 'cells.ps.pdf');
/** Page 4 of generated seed 16 through the round trip: its fund use lists items with 、, which the
 * recogniser reads as the radical 丶 (a 汉字, read with certainty). */
const COMMA = path.join(DIR, 'comma.ps.pdf');

/** Pages 3–4 of generated seed 6 through the round trip: the driver showed two cells' first lines
 * in one string (热线服务人员费 单人年服务费成本), the first cell's wrapped 用 written after it;
 * and a value runs on into the gutter before the 单位 column (2022 年 6月 over 底, the 单位 cells
 * starting 2.5 ems further right). */
const WRAP = path.join(DIR, 'wrap.ps.pdf');
/** Page 5 of generated seed 13 through the round trip: “第一责任人” whose closing mark a Latin
 * font draws, which the recogniser reads as a straight ". */
const QUOTE = path.join(DIR, 'quote.ps.pdf');
/** Page 3 of generated seed 20 through the round trip: 办公OA in AR PL UMing, whose Latin letters
 * and digits are all half an em wide (O as narrow as 0). */
const LATIN = path.join(DIR, 'latin.ps.pdf');

interface Read {
  record: DocumentRecord;
  /** Distinct glyphs recognised, and the pages reported as sent to recognition. */
  glyphs: number;
  reported: number[];
}

async function read(file: string, ocr: 'auto' | 'off' = 'auto'): Promise<Read> {
  const reported: number[] = [];
  const before = glyphStats.glyphs;
  const { record } = await extractBytes(readFileSync(file), path.basename(file), { maxPages: 50, maxBytes: 50e6, maxCells: 1e5, ocr, onRecognition: (n) => reported.push(n) });
  return { record, glyphs: glyphStats.glyphs - before, reported };
}

describe('a print driver round trip (pdftops → ps2pdf) read from its glyphs', () => {
  let ref: Read;
  let rt: Read;
  beforeAll(async () => {
    ref = await read(MAPPED);
    rt = await read(ROUND_TRIP);
  }, 300_000);

  it('the mapped rendition reads as text, with nothing sent to recognition', () => {
    expect(ref.glyphs).toBe(0);
    expect(ref.reported).toEqual([]);
    expect(ref.record.projects.length).toBeGreaterThan(0);
    expect(ref.record.warnings.some((w) => w.code === 'font-unmapped')).toBe(false);
  });

  it('reads as the mapped rendition, positions intact, without OCR of a page', () => {
    expect(rt.record.source.ocr).toBeNull();
    const s = scoreDocument(rt.record, ref.record);
    expect(rt.record.projects.map((p) => [p.project_code, p.project_name, p.budget_total])).toEqual(ref.record.projects.map((p) => [p.project_code, p.project_name, p.budget_total]));
    expect(s.projectFields.ok).toBe(s.projectFields.total);
    // Most rows read exactly; a row that does not holds a glyph the recogniser was unsure of.
    expect(s.indicators.total).toBeGreaterThanOrEqual(10);
    expect(s.indicators.ok).toBeGreaterThanOrEqual(0.75 * s.indicators.total);
    expect(s.silentRows).toBe(0);
    // Never garbage taken as text: the cells read are text as budget texts are written.
    const cells = rt.record.projects.flatMap((p) => p.indicators.map((i) => `${i.level3 ?? ''}${i.description ?? ''}${i.value_raw ?? ''}${i.basis ?? ''}`)).join('');
    expect(cells.length).toBeGreaterThan(200);
    expect(isGarbage(cells)).toBe(false);
    expect(plausibility(cells).odd).toBeLessThan(0.01);
  });

  it('relation signs standing alone in their cells read as drawn (＞2条, <=90, ≧24: the recogniser alone read V, Λ, ²)', () => {
    const signed = ref.record.projects.flatMap((p, i) => p.indicators.map((ind, k) => ({ want: ind.value_raw, got: rt.record.projects[i]?.indicators[k]?.value_raw }))).filter(({ want }) => /[<>=＜＞＝≤≥≦≧]/u.test(want ?? ''));
    const partOne = ref.record.part_one.dept_indicators.map((ind, k) => ({ want: ind.value_raw, got: rt.record.part_one.dept_indicators[k]?.value_raw })).filter(({ want }) => /[<>=＜＞＝≤≥≦≧]/u.test(want ?? ''));
    expect(signed.length + partOne.length).toBeGreaterThanOrEqual(3);
    for (const { want, got } of [...signed, ...partOne]) expect(got).toBe(want);
  });

  it('each wrong row says so on its own row', () => {
    const wrong = rt.record.projects.flatMap((p, i) =>
      p.indicators.filter((ind, k) => JSON.stringify(ind.value_raw) !== JSON.stringify(ref.record.projects[i]?.indicators[k]?.value_raw)),
    );
    for (const ind of wrong) {
      expect(namedOn(rt.record.warnings, ind.loc, 'row')).toBe(true);
    }
    const unsure = rt.record.warnings.filter((w) => w.code === 'ocr-low-confidence');
    expect(unsure.every((w) => w.loc?.table != null && w.loc.row != null)).toBe(true);
  });

  it('each page drawn in such fonts says so, by its page; each distinct glyph is recognised once', () => {
    const pages = rt.record.warnings.filter((w) => w.code === 'font-unmapped').map((w) => w.loc?.page ?? 0);
    expect(pages).toEqual([1, 2, 3]);
    // Pages are reported to the time limit as they are sent to recognition, each once.
    expect(rt.reported).toEqual([...new Set(rt.reported)].sort((a, b) => a - b));
    expect(rt.reported[0]).toBe(1);
    const chars = JSON.stringify(rt.record).replace(/[^\u4e00-\u9fff]/gu, '').length;
    expect(rt.glyphs).toBeGreaterThan(100);
    // A glyph is recognised once per font that draws it (the print driver splits a face into
    // several subsets, so one character may be several glyphs), never once per place it is drawn.
    expect(rt.glyphs).toBeLessThan(chars);
  });

  it('with OCR off, glyph garbage is left out and said, never taken as text', async () => {
    const off = await read(ROUND_TRIP, 'off').catch((e: Error) => e);
    if (off instanceof Error) expect(off.message).toMatch(/not readable|Unicode map/);
    else expect(off.record.warnings.some((w) => w.code === 'page-unreadable')).toBe(true);
  }, 120_000);

  it('a PDF whose fonts have their maps sends nothing to recognition', async () => {
    requireShared();
    const normal = await read(path.join(CORPUS, 'laoting-park-2023', 'document.pdf'));
    expect(normal.glyphs).toBe(0);
    expect(normal.reported).toEqual([]);
    expect(normal.record.warnings.some((w) => w.code === 'font-unmapped')).toBe(false);
  }, 120_000);
});

describe('a round trip whose fonts the producer emptied: characters lost, never codes taken for text', () => {
  let lost: Read;
  beforeAll(async () => {
    lost = await read(LOST);
  }, 300_000);

  it('the empty fonts are unmapped: their codes (\\u0001, A, @) are left out, not read as text', () => {
    expect(lost.record.source.ocr).toBeNull();
    const { warnings, source: _source, ...rest } = lost.record;
    const text = JSON.stringify(rest, (k, v: unknown) => (k === 'loc' || k === 'doc_id' || k === 'text_key' ? undefined : v));
    const strings = [...text.matchAll(/"(?:[^"\\]|\\.)*"/gu)].map((m) => m[0]).filter((s) => !/^"[a-z_0-9]+"$/u.test(s)).join('');
    const gold = readFileSync(LOST_GOLD, 'utf8');
    // Every run of Latin letters or ASCII marks the document reads is one its gold holds.
    for (const [run] of strings.matchAll(/[A-Za-z@#$^`{|}~]+/gu)) expect(gold).toContain(run);
    expect(isGarbage(strings)).toBe(false);
    expect(plausibility(strings).odd).toBeLessThan(0.01);
  });

  it('each page says how many characters it draws as the empty box; rows holding them say so', () => {
    const boxes = warnings(lost.record, 'font-unmapped').filter((w) => /drawn as the font's empty box/u.test(w.message));
    expect(boxes.length).toBeGreaterThanOrEqual(5);
    const gold = JSON.parse(readFileSync(LOST_GOLD, 'utf8')) as DocumentRecord;
    const s = scoreDocument(lost.record, gold);
    expect(s.silentRows).toBe(0);
    expect(warnings(lost.record, 'ocr-low-confidence').length).toBeGreaterThan(0);
  });
});

describe('characters the producer lost in a table cell, in items of their own', () => {
  it('every row that reads otherwise than the gold says so on its own row, inherited level cells too', async () => {
    requireShared();
    const { record } = await read(CELLS);
    const gold = JSON.parse(readFileSync(path.join(CORPUS, 'chengde-office-2024', 'gold.json'), 'utf8')) as DocumentRecord;
    // The pages hold the document's first project (its name lost characters too).
    const got = record.projects[0]!;
    const want = gold.projects[0]!;
    expect(got.indicators.length).toBe(want.indicators.length);
    const strip = ({ loc: _l, confidence: _c, ...r }: (typeof got.indicators)[number]) => r;
    const wrong = got.indicators.filter((ind, k) => JSON.stringify(strip(ind)) !== JSON.stringify(strip(want.indicators[k]!)));
    // The level cells lost characters (产指标 for 产出指标): rows that only inherit them are wrong too.
    expect(got.indicators.filter((ind, k) => ind.level1 !== want.indicators[k]!.level1).length).toBeGreaterThanOrEqual(5);
    for (const ind of wrong) expect(namedOn(record.warnings, ind.loc, 'row')).toBe(true);
  }, 120_000);
});

describe('a mark the recogniser mistakes for a 汉字 of the same shape', () => {
  it('、 is read as 、, never as the radical 丶', async () => {
    const { record } = await read(COMMA);
    const text = JSON.stringify(record.projects);
    expect(text).toContain('专线租赁、信息系统维护、高新区门户网站');
    expect(text).not.toContain('丶');
  }, 120_000);
});

describe('cells a print driver showed in one string, and narrow marks', () => {
  it('a cell wrapped under two cells shown in one string, and a value run on into the gutter over its wrapped line, are one cell each', async () => {
    const { record } = await read(WRAP);
    const rows = record.projects.flatMap((p) => p.indicators).map((i) => `${i.level3} | ${i.description} | ${i.value_raw}`);
    expect(rows).toContain('热线服务人员费用 | 单人年服务费成本 | 可及时入驻');
    expect(rows.some((r) => r.startsWith('用 |'))).toBe(false);
    // Page 3's table (part one's, on these pages alone) as the layout engine reads it.
    const { loadPdf } = await import('../src/loaders/pdf/index.js');
    const model = await loadPdf(readFileSync(WRAP), { maxPages: 50, maxBytes: 50e6, maxCells: 1e5 });
    const cells = model.value.blocks.flatMap((b) => (b.kind === 'table' ? b.rows.map((r) => r.cells.map((c) => c.text).join(' | ')) : []));
    expect(cells.some((r) => r.includes('有较好的社会影响 | 有较好的社会影响 | 2022年6月底 | 社会影响力'))).toBe(true);
  }, 120_000);

  it('a straight quotation mark closing a curly one on its line is the closing curly mark', async () => {
    const { loadPdf } = await import('../src/loaders/pdf/index.js');
    const model = await loadPdf(readFileSync(QUOTE), { maxPages: 50, maxBytes: 50e6, maxCells: 1e5 });
    const text = model.value.blocks.map((b) => (b.kind === 'para' ? b.text : '')).join('\n');
    expect(text).toContain('履行好“第一责任人”责任');
  }, 120_000);

  it('O in a font whose Latin letters and digits are all half an em wide is read as the recogniser reads it, not as 0', async () => {
    const { record } = await read(LATIN);
    const text = JSON.stringify(record);
    expect(text).toContain('办公OA和');
    expect(text).not.toContain('办公0A和');
  }, 120_000);
});

function warnings(r: DocumentRecord, code: string) {
  return r.warnings.filter((w) => w.code === code);
}

describe('the time limit counts pages sent to recognition, within a bound', () => {
  afterEach(() => {
    vi.useRealTimers();
  });
  const limits = { timeoutMs: 10_000, ocrPageMs: 5_000, extract: { ocr: 'auto' as const, maxPages: 100 } };

  it('grows by a page once for each page reported, never past the pages the file holds', () => {
    const bytes = readFileSync(ROUND_TRIP);
    vi.useFakeTimers();
    let expired = 0;
    const d = new Deadline(bytes, limits, () => expired++);
    expect(recognitionBound(bytes, limits.extract)).toBe(3);
    expect(d.limitMs).toBe(10_000);
    d.page(1);
    d.page(1);
    expect(d.limitMs).toBe(15_000);
    for (const n of [2, 3, 4, 5, 6]) d.page(n);
    expect(d.counted).toBe(3);
    expect(d.limitMs).toBe(25_000);
    vi.advanceTimersByTime(24_999);
    expect(expired).toBe(0);
    vi.advanceTimersByTime(2);
    expect(expired).toBe(1);
    d.page(7);
    vi.advanceTimersByTime(60_000);
    expect(expired).toBe(1);
  });

  it('with OCR off nothing is counted', () => {
    const bytes = readFileSync(ROUND_TRIP);
    vi.useFakeTimers();
    const d = new Deadline(bytes, { ...limits, extract: { ocr: 'off', maxPages: 100 } }, () => {});
    d.page(1);
    expect(d.limitMs).toBe(10_000);
    d.stop();
  });
});
