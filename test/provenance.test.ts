/**
 * Provenance (output-contract.md, "Provenance and confidence") checked against the corpus:
 * every PDF indicator's page is the page its text is on and its box holds that text; DOCX
 * records name their table and row; text-dump records name the line their text is on.
 */
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { extractBytes } from '../src/extract.js';
import type { DocumentRecord, Indicator, Loc } from '../src/schema.js';
import { CORPUS, FIXTURES, requireShared } from './helpers.js';

const squash = (s: string) => s.replace(/\s+/g, '');

type PdfJs = typeof import('pdfjs-dist/legacy/build/pdf.mjs');

interface PageText {
  items: Array<{ str: string; x: number; y: number }>;
}

/**
 * Text items of every page, each at its middle, in the contract's page coordinates: points on
 * the page as a viewer shows it (its /Rotate applied), origin top-left.
 */
async function pageTexts(file: string): Promise<PageText[]> {
  const pdfjs: PdfJs = await import('pdfjs-dist/legacy/build/pdf.mjs');
  const doc = await pdfjs.getDocument({ data: new Uint8Array(readFileSync(file)), verbosity: 0, cMapUrl: 'node_modules/pdfjs-dist/cmaps/', cMapPacked: true }).promise;
  const out: PageText[] = [];
  for (let n = 1; n <= doc.numPages; n++) {
    const page = await doc.getPage(n);
    const [va, vb, vc, vd, ve, vf] = page.getViewport({ scale: 1 }).transform as number[];
    const tc = await page.getTextContent();
    out.push({
      items: (tc.items as Array<{ str: string; transform: number[]; width: number }>)
        .filter((i) => i.str.trim() !== '')
        .map((i) => {
          const [a, b, c, d, e, f] = i.transform as [number, number, number, number, number, number];
          // Half the width along the text's direction, a third of its size up from the baseline.
          const size = Math.hypot(a, b);
          const x = e + (a / size) * (i.width / 2) + (c / Math.hypot(c, d)) * size * 0.35;
          const y = f + (b / size) * (i.width / 2) + (d / Math.hypot(c, d)) * size * 0.35;
          return { str: i.str, x: va! * x + vc! * y + ve!, y: vb! * x + vd! * y + vf! };
        }),
    });
  }
  await doc.destroy();
  return out;
}

function allIndicators(doc: DocumentRecord): Indicator[] {
  return [...doc.part_one.dept_indicators, ...doc.projects.flatMap((p) => p.indicators)];
}

function textInBox(pages: PageText[], loc: Loc): string {
  const [x0, y0, x1, y1] = loc.bbox!;
  return squash(pages[loc.page! - 1]!.items.filter((i) => i.x >= x0 - 1 && i.x <= x1 + 1 && i.y >= y0 - 1 && i.y <= y1 + 1).map((i) => i.str).join(''));
}

const pdfs = (): string[] => [
  ...readdirSync(CORPUS).map((id) => path.join(CORPUS, id, 'document.pdf')),
  ...readdirSync(path.join(FIXTURES, 'layouts')).filter((f) => f.endsWith('.pdf')).map((f) => path.join(FIXTURES, 'layouts', f)),
];

describe('provenance', () => {
  beforeAll(() => requireShared());

  it('every PDF indicator is on its page, inside its box, on a numbered table row', async () => {
    for (const file of pdfs()) {
      const { record } = await extractBytes(readFileSync(file), file);
      const pages = await pageTexts(file);
      for (const ind of allIndicators(record)) {
        const where = `${path.basename(file)} ${ind.level3}`;
        expect(ind.loc.page, where).not.toBeNull();
        expect(ind.loc.bbox, where).not.toBeNull();
        expect(ind.loc.table, where).not.toBeNull();
        expect(ind.loc.row, where).not.toBeNull();
        expect(ind.loc.page_end! >= ind.loc.page!, where).toBe(true);
        expect(ind.confidence, where).toBeNull();
        // The row's box on its first page holds the start of its 三级指标 or, for a row cut by a
        // page break whose 三级指标 lies on the next page, the start of some other cell.
        const inBox = textInBox(pages, ind.loc);
        const starts = [ind.level3, ind.description, ind.value_raw, ind.basis].filter((t): t is string => !!t).map((t) => squash(t).slice(0, 3));
        expect(starts.some((s) => inBox.includes(s)), `${where}: box holds "${inBox.slice(0, 40)}"`).toBe(true);
      }
      for (const p of record.projects) {
        expect(p.loc.page, p.title).not.toBeNull();
        expect(p.loc.bbox, p.title).not.toBeNull();
        expect(textInBox(pages, p.loc), p.title).toContain(squash(p.project_code ?? p.project_name ?? '').slice(0, 6));
      }
      for (const g of [...record.part_one.sub_goals, ...record.part_one.safeguards]) {
        expect(g.loc.page, g.title ?? '').not.toBeNull();
        expect(textInBox(pages, g.loc), g.title ?? '').toContain(squash(g.title ?? '').slice(0, 4));
      }
    }
  });

  it('a row cut by a page break spans both pages', async () => {
    const spans: Loc[] = [];
    for (const file of pdfs()) {
      const { record } = await extractBytes(readFileSync(file), file);
      spans.push(...allIndicators(record).map((i) => i.loc).filter((l) => l.page_end! > l.page!));
    }
    expect(spans.length).toBeGreaterThan(0);
    for (const l of spans) expect(l.page_end).toBe(l.page! + 1);
  });

  it('DOCX records name their table and row, without pages', async () => {
    for (const id of readdirSync(CORPUS)) {
      const file = path.join(CORPUS, id, 'document.docx');
      const { record } = await extractBytes(readFileSync(file), file);
      const locs = allIndicators(record).map((i) => i.loc);
      expect(locs.length).toBeGreaterThan(0);
      for (const l of locs) expect(l).toMatchObject({ page: null, page_end: null, bbox: null, line: null, table: expect.any(Number), row: expect.any(Number) });
      // Each indicator has its own row.
      expect(new Set(locs.map((l) => `${l.table}/${l.row}`)).size).toBe(locs.length);
    }
  });

  it('text-dump records name the line their text starts on', async () => {
    for (const id of readdirSync(CORPUS)) {
      const file = path.join(CORPUS, id, 'source.txt');
      const lines = readFileSync(file, 'utf8').split(/\r?\n/);
      const { record } = await extractBytes(readFileSync(file), file);
      for (const ind of allIndicators(record)) {
        expect(ind.loc.line, ind.level3 ?? '').not.toBeNull();
        // The row starts at its line; its 三级指标 is on that line or within the next few (one cell per line).
        const near = squash(lines.slice(ind.loc.line! - 1, ind.loc.line! + 8).join(''));
        expect(near, `${id} line ${ind.loc.line}`).toContain(squash(ind.level3 ?? '').slice(0, 4));
      }
      for (const g of record.part_one.sub_goals) {
        expect(squash(lines[g.loc.line! - 1] ?? ''), g.title ?? '').toContain(squash(g.title ?? '').slice(0, 4));
      }
    }
  });

  it('warnings are coded and located', async () => {
    const file = path.join(CORPUS, 'chengde-office-2020', 'document.pdf');
    const { record } = await extractBytes(readFileSync(file), file);
    const overflow = record.warnings.filter((w) => w.code === 'value-cell-overflow');
    expect(overflow.length).toBeGreaterThan(0);
    for (const w of overflow) expect(w.loc).toMatchObject({ page: expect.any(Number), table: expect.any(Number), row: expect.any(Number) });
  });
});
