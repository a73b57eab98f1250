/**
 * Text dumps with wrap points and page breaks in other places than the corpus's: variants are
 * made from the corpus dumps by the transformations other dump tools apply, and each must
 * still give the gold's indicators, values and project fields.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { extractBytes } from '../src/extract.js';
import { scoreDocument } from '../src/eval/score.js';
import type { BudgetDocument } from '../src/schema.js';
import { CORPUS, FIXTURES } from './helpers.js';

const PDF_STYLE = 'chengde-office-2024';
const DOCX_STYLE = 'laoting-park-2023';
const source = (id: string) => readFileSync(path.join(CORPUS, id, 'source.txt'), 'utf8');
const gold = (id: string) => JSON.parse(readFileSync(path.join(CORPUS, id, 'gold.json'), 'utf8')) as BudgetDocument;

async function expectExact(text: string, id: string): Promise<void> {
  const { record } = await extractBytes(Buffer.from(text, 'utf8'), `${id}.txt`);
  const s = scoreDocument(record, gold(id));
  const wrong = s.diffs.filter((d) => !d.startsWith('part_one') && !d.startsWith('document'));
  expect(wrong).toEqual([]);
  for (const c of ['indicators', 'values', 'projectFields'] as const) expect(s[c].ok, c).toBe(s[c].total);
}

const HEADER = '一级指标\t二级指标\t三级指标\t绩效指标描述\t指标值\t指标值确定依据\t';
const isIndicatorRow = (l: string) => l.split('\t').length >= 6 && /指标\t/.test(l) && !l.startsWith('一级指标');

/** Splits a string at a character boundary near the middle. */
function halves(s: string): [string, string] {
  const chars = [...s];
  const k = Math.ceil(chars.length / 2);
  return [chars.slice(0, k).join(''), chars.slice(k).join('')];
}

/** Cuts indicator row `n` of the dump by a page break: part of every long cell above, the rest below. */
function cutRow(text: string, n: number, repeatHeader: boolean): string {
  const lines = text.split('\n');
  const idx = lines.map((l, i) => [l, i] as const).filter(([l]) => isIndicatorRow(l))[n]![1];
  const fields = lines[idx]!.replace(/\t$/, '').split('\t');
  const above = fields.map((f, i) => (i < 2 || [...f].length < 4 ? f : halves(f)[0]));
  const below = fields.map((f, i) => (i < 2 || [...f].length < 4 ? '' : halves(f)[1]));
  const replacement = [`${above.join('\t')}\t`, '', ...(repeatHeader ? [HEADER] : []), `${below.join('\t')}\t`];
  lines.splice(idx, 1, ...replacement);
  return lines.join('\n');
}

describe('PDF-style dumps laid out differently', () => {
  it('the corpus dump itself', async () => {
    await expectExact(source(PDF_STYLE), PDF_STYLE);
  });

  for (const n of [1, 7, 20, 33, 50, 71, 90]) {
    it(`a row cut by a page break (row ${n}, header repeated)`, async () => {
      await expectExact(cutRow(source(PDF_STYLE), n, true), PDF_STYLE);
    });
    it(`a row cut by a page break (row ${n}, header not repeated)`, async () => {
      await expectExact(cutRow(source(PDF_STYLE), n, false), PDF_STYLE);
    });
  }

  it('wrapped cells shown as space-separated pieces', async () => {
    // Every table cell of 8+ characters gets wrap points every 5 characters.
    const wrapped = source(PDF_STYLE)
      .split('\n')
      .map((l) => (l.includes('\t') ? l.split('\t').map((f) => ([...f].length >= 8 && !f.includes('<') ? [...f].map((ch, i) => (i > 0 && i % 5 === 0 ? ` ${ch}` : ch)).join('') : f)).join('\t') : l))
      .join('\n');
    await expectExact(wrapped, PDF_STYLE);
  });

  it('no repeated header where the corpus repeats it', async () => {
    const lines = source(PDF_STYLE).split('\n');
    const repeats = lines.map((l, i) => [l, i] as const).filter(([l, i]) => l.startsWith('一级指标') && lines[i - 1] === '');
    expect(repeats.length).toBeGreaterThan(0);
    for (const [, i] of repeats.reverse()) lines.splice(i, 1);
    await expectExact(lines.join('\n'), PDF_STYLE);
  });

  it('page numbers between pages', async () => {
    const withNumbers = source(PDF_STYLE).replace(/\n\n(?=[^\n]*\t)/g, '\n\n- 12 -\n\n');
    await expectExact(withNumbers, PDF_STYLE);
  });
});

describe('DOCX-style dumps', () => {
  it('the corpus dump itself', async () => {
    await expectExact(source(DOCX_STYLE), DOCX_STYLE);
  });

  it('empty merged cells missing instead of a bare tab', async () => {
    // Drop the bare-tab lines that stand for the empty 一级指标 of merged rows.
    const lines = source(DOCX_STYLE).split('\n');
    const dropped = lines.filter((l, i) => !(l === '\t' && lines[i - 1] === '' && /^\t\S*指标$/.test(lines[i + 1] ?? '')));
    expect(dropped.length).toBeLessThan(lines.length);
    await expectExact(dropped.join('\n'), DOCX_STYLE);
  });

  it('CRLF line ends and a byte-order mark', async () => {
    await expectExact(`\uFEFF${source(DOCX_STYLE).replace(/\n/g, '\r\n')}`, DOCX_STYLE);
  });
});

describe('documents missing their part headings', () => {
  it('finds part one and the project tables without 第一部分/第二部分 lines', async () => {
    const lines = source(DOCX_STYLE).split('\n').filter((l) => !/^\s*第[一二]部分\s*$/.test(l) && !/^\s*(部门整体绩效目标|预算项目绩效目标)\s*$/.test(l));
    await expectExact(lines.join('\n'), DOCX_STYLE);
  });
});

describe('encodings', () => {
  it('reads a GB18030 dump (test/fixtures/laoting-park-2023.gb18030.txt, the corpus dump re-encoded)', async () => {
    const bytes = readFileSync(path.join(FIXTURES, 'laoting-park-2023.gb18030.txt'));
    const { record } = await extractBytes(bytes, 'x.txt');
    const s = scoreDocument(record, gold(DOCX_STYLE));
    for (const c of ['indicators', 'values', 'projectFields'] as const) expect(s[c].ok, c).toBe(s[c].total);
  });

  it('reads a dump cut inside a character, with a warning', async () => {
    const bytes = Buffer.from(source(PDF_STYLE), 'utf8');
    const cut = bytes.subarray(0, bytes.length - 2); // the last character loses a byte
    const { record } = await extractBytes(cut, 'x.txt');
    expect(record.warnings.map((w) => `${w.code}: ${w.message}`).join('\n')).toMatch(/^text-damaged: .*not valid UTF-8 were replaced/);
    expect(record.projects).toHaveLength(10);
  });
});
