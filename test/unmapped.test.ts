/**
 * Fonts without a Unicode map — a print driver's round trip through PostScript, a writer that
 * leaves the maps out — are read from the shapes of their glyphs: each font judged on its own,
 * each distinct glyph recognised once, the page read exactly as the producer's own PDF reads,
 * with no page sent to OCR; and the file's time limit counts the pages sent to recognition.
 *
 * Fixtures (test/fixtures/make_unmapped.sh): three pages of a corpus document as LibreOffice,
 * Chromium and WeasyPrint printed them, and the same pages through pdf2ps, pdftops -level3
 * and pdftocairo -ps with ps2pdf, or with one font's ToUnicode map taken out.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { extractBytes } from '../src/extract.js';
import { Deadline, recognitionBound } from '../src/batch/limits.js';
import { scoreDocument } from '../src/eval/score.js';
import { type FontGlyph, suspicion } from '../src/loaders/pdf/fonts.js';
import { glyphStats } from '../src/loaders/pdf/recover.js';
import type { DocumentRecord } from '../src/schema.js';
import { CORPUS, FIXTURES, requireShared } from './helpers.js';

const DIR = path.join(FIXTURES, 'unmapped');
const ID = 'chengde-office-2024';

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

const renditions = [
  ['pdf2ps-lo', 'lo', 'CFF fonts re-encoded without maps, the Latin font too'],
  ['pdftops3-chromium', 'chromium', 'CID fonts with Identity-H and no maps, Type 3 glyphs named by their ids'],
  ['pdf2ps-weasy', 'weasy', 'Type 3 fonts of traced bitmaps at size 0.1, mapped to dingbats'],
  ['cairops-chromium', 'chromium', 'one Type 3 font without a map among mapped fonts'],
  ['strip1-lo', 'lo', 'one font whose map was taken out'],
] as const;

describe('fonts without a Unicode map read from their glyphs', () => {
  const got = new Map<string, Read>();
  beforeAll(async () => {
    requireShared();
    for (const producer of ['lo', 'chromium', 'weasy']) got.set(producer, await read(path.join(DIR, `${ID}.${producer}.pdf`)));
    for (const [variant] of renditions) got.set(variant, await read(path.join(DIR, `${ID}.${variant}.pdf`)));
  }, 600_000);

  for (const [variant, producer, what] of renditions) {
    it(`${variant} (${what}): reads as the producer's own PDF, without OCR of a page`, () => {
      const rt = got.get(variant)!;
      const ref = got.get(producer)!;
      // The reference reads its three pages as they are.
      expect(ref.glyphs).toBe(0);
      expect(ref.record.projects.length).toBeGreaterThan(0);
      expect(rt.record.source.ocr).toBeNull();
      const s = scoreDocument(rt.record, ref.record);
      expect(s.diffs).toEqual([]);
      expect(s.indicators.ok).toBe(s.indicators.total);
      expect(s.values.ok).toBe(s.values.total);
      expect(s.projectFields.ok).toBe(s.projectFields.total);
      expect(rt.record.projects.map((p) => p.project_code)).toEqual(ref.record.projects.map((p) => p.project_code));
      // Each page drawn in such fonts says so, by its page.
      const pages = rt.record.warnings.filter((w) => w.code === 'font-unmapped').map((w) => w.loc?.page ?? 0);
      expect(pages.length).toBeGreaterThan(0);
      expect(pages).toEqual([...new Set(pages)].sort((a, b) => a - b));
      expect(pages.every((p) => p >= 1 && p <= 3)).toBe(true);
    });
  }

  it('each distinct glyph is recognised once: fewer glyphs than the text has characters, pages reported as found', () => {
    const rt = got.get('pdf2ps-lo')!;
    const chars = rt.record.projects.flatMap((p) => p.indicators.map((i) => `${i.level3}${i.description}${i.value_raw}${i.basis}`)).join('').length;
    expect(rt.glyphs).toBeGreaterThan(50);
    expect(rt.glyphs).toBeLessThan(chars);
    expect(rt.reported).toEqual([...new Set(rt.reported)].sort((a, b) => a - b));
    expect(rt.reported[0]).toBe(1);
  });

  it('a font is judged on its own: one font without its map is read by its shapes, the others stay text', () => {
    const one = got.get('strip1-lo')!;
    const all = got.get('pdf2ps-lo')!;
    const fonts = one.record.warnings.filter((w) => w.code === 'font-unmapped').map((w) => w.message.match(/(\d+) font\(s\)/)?.[1]);
    expect(fonts.length).toBeGreaterThan(0);
    expect(fonts.every((n) => n === '1')).toBe(true);
    // Only that font's glyphs (and a sample of the others') were recognised.
    expect(one.glyphs).toBeLessThan(all.glyphs);
    const cairo = got.get('cairops-chromium')!;
    expect(cairo.glyphs).toBeLessThan(all.glyphs / 2);
  });

  it('a PDF whose fonts have their maps sends nothing to recognition', async () => {
    const normal = await read(path.join(CORPUS, 'laoting-park-2023', 'document.pdf'));
    expect(normal.glyphs).toBe(0);
    expect(normal.reported).toEqual([]);
    expect(normal.record.warnings.some((w) => w.code === 'font-unmapped')).toBe(false);
  }, 120_000);

  it('with OCR off, glyph garbage is left out and said, as before', async () => {
    const off = await read(path.join(DIR, `${ID}.pdf2ps-lo.pdf`), 'off').catch((e: Error) => e);
    if (off instanceof Error) expect(off.message).toMatch(/not readable|Unicode map/);
    else expect(off.record.warnings.some((w) => w.code === 'page-unreadable')).toBe(true);
  }, 120_000);
});

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
});

describe('the time limit counts pages sent to recognition, within a bound', () => {
  afterEach(() => {
    vi.useRealTimers();
  });
  const limits = { timeoutMs: 10_000, ocrPageMs: 5_000, extract: { ocr: 'auto' as const, maxPages: 100 } };

  it('grows by a page once for each page reported, never past the pages the file holds', () => {
    requireShared();
    const bytes = readFileSync(path.join(DIR, `${ID}.pdf2ps-lo.pdf`));
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
    requireShared();
    const bytes = readFileSync(path.join(DIR, `${ID}.pdf2ps-lo.pdf`));
    vi.useFakeTimers();
    const d = new Deadline(bytes, { ...limits, extract: { ocr: 'off', maxPages: 100 } }, () => {});
    d.page(1);
    expect(d.limitMs).toBe(10_000);
    d.stop();
  });
});
