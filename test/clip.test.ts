/**
 * Text a page does not show (src/loaders/pdf/clip.ts): glyphs cut away by a clipping path,
 * by a form's box or by the page's edge, or in a layer that is off, are not text of the
 * document. Crafted pages for each way it arises, and the browser-printed corpus pages where
 * it was met: what the loader
 * calls hidden must draw no ink when pdf.js renders the page, and what it keeps must.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadPdf as loadPdfResult } from '../src/loaders/pdf/index.js';
import { toWarnings } from '../src/diagnostics.js';
import { dropGlyphs, hiddenGlyphs, placedGlyphs } from '../src/loaders/pdf/clip.js';
import { dropWholeDoubles } from '../src/loaders/pdf/doubles.js';
import type { Item } from '../src/layout/text.js';
import { fontLookup } from '../src/loaders/pdf/shown.js';
import { openPdf } from '../src/loaders/pdf/open.js';
import { drawPage } from '../src/loaders/pdf/draw.js';
import type { DocModel } from '../src/model.js';
import { CORPUS, FIXTURES } from './helpers.js';
import { pdf, pdfOf, stream, HELVETICA } from './pdfs.js';

const OPTS = { maxPages: 100, ocr: 'off' as const };
/** Enough shown text on the page for it to count as a text layer. */
const BODY = 'BT /F1 12 Tf 60 780 Td (The budget text of the unit starts here and goes on.) Tj ET\n';

/** The loader's model with its messages as the document's warnings would carry them. */
async function loadPdf(bytes: Uint8Array, opts: { maxPages: number; ocr: 'off' }) {
  const r = await loadPdfResult(Buffer.from(bytes), opts);
  return { ...r.value, warnings: toWarnings(r.messages) };
}

function text(doc: DocModel): string {
  return doc.blocks.map((b) => (b.kind === 'para' ? b.text : b.rows.flatMap((r) => r.cells.map((c) => c.text)).join(' '))).join('\n');
}

describe('text outside the clip', () => {
  it('leaves out a line drawn outside a clipping rectangle, keeps the one inside, and says so with the page and box', async () => {
    const doc = await loadPdf(pdf(`${BODY}q 50 300 400 200 re W n BT /F1 12 Tf 60 400 Td (Shown inside) Tj ET BT /F1 12 Tf 60 200 Td (Hidden below) Tj ET Q`), OPTS);
    const t = text(doc);
    expect(t).toContain('Shown inside');
    expect(t).not.toContain('Hidden');
    const w = doc.warnings.find((x) => x.code === 'page-hidden-text');
    expect(w?.loc?.page).toBe(1);
    // Top-left origin: the hidden line's baseline at y 200 of an 842-point page.
    const [, top, , bottom] = w!.loc!.bbox!;
    expect(top).toBeGreaterThan(842 - 200 - 12);
    expect(bottom).toBeLessThan(842 - 200 + 4);
  });

  it('gives the clip back at Q: the same place after the clip is restored is shown', async () => {
    const doc = await loadPdf(pdf(`${BODY}q 50 300 400 200 re W n Q BT /F1 12 Tf 60 200 Td (Below but unclipped) Tj ET`), OPTS);
    expect(text(doc)).toContain('Below but unclipped');
    expect(doc.warnings.some((x) => x.code === 'page-hidden-text')).toBe(false);
  });

  it('places glyphs through the transform, the text matrix, leading and TJ spacing', async () => {
    // The clip is drawn in a scaled space; the text moves by Tm, T*, and a TJ kern that pushes the last word out.
    const content = `${BODY}q 2 0 0 2 0 0 cm 25 150 150 100 re W n 0.5 0 0 0.5 0 0 cm BT /F1 12 Tf 14 TL 1 0 0 1 60 480 Tm (Line one inside) Tj T* (Line two inside) Tj T* [(Kept) -20000 (Pushed)] TJ ET Q`;
    const doc = await loadPdf(pdf(content), OPTS);
    const t = text(doc);
    expect(t).toContain('Line one inside');
    expect(t).toContain('Line two inside');
    expect(t).toContain('Kept');
    expect(t).not.toContain('Pushed');
  });

  it('cuts the hidden end off a line that runs out of its clip, keeping the part shown', async () => {
    const doc = await loadPdf(pdf(`${BODY}q 50 300 110 200 re W n BT /F1 12 Tf 60 400 Td (Visible words then cut) Tj ET Q`), OPTS);
    const t = text(doc);
    expect(t).toContain('Visible');
    expect(t).not.toContain('cut');
  });

  it('leaves out text a form XObject draws outside its own box', async () => {
    const form = stream('/Type /XObject /Subtype /Form /BBox [0 0 200 100] /Resources << /Font << /F1 5 0 R >> >>', 'BT /F1 12 Tf 10 50 Td (In the form) Tj ET BT /F1 12 Tf 10 150 Td (Over the form) Tj ET');
    const bytes = pdfOf([
      '<< /Type /Catalog /Pages 2 0 R >>',
      '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
      '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> /XObject << /X 6 0 R >> >> >>',
      stream('', `${BODY}q 1 0 0 1 50 300 cm /X Do Q`),
      HELVETICA,
      form,
    ]);
    const t = text(await loadPdf(bytes, OPTS));
    expect(t).toContain('In the form');
    expect(t).not.toContain('Over the form');
  });

  // pdf.js's text layer already leaves such text out; the clip walk must agree, not bring it back.
  it('leaves out text placed off the page', async () => {
    const t = text(await loadPdf(pdf(`${BODY}BT /F1 12 Tf 60 900 Td (Above the page) Tj ET BT /F1 12 Tf 700 400 Td (Right of the page) Tj ET`), OPTS));
    expect(t).not.toContain('Above the page');
    expect(t).not.toContain('Right of the page');
  });
});

describe('text in a layer', () => {
  /** A page with a layer (optional content group) holding one line; `off` lists it in the default configuration's OFF array. */
  const layered = (off: boolean) =>
    pdfOf([
      `<< /Type /Catalog /Pages 2 0 R /OCProperties << /OCGs [5 0 R] /D << ${off ? '/OFF [5 0 R]' : '/ON [5 0 R]'} >> >> >>`,
      '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
      `<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 ${HELVETICA} >> /Properties << /L1 5 0 R >> >> >>`,
      stream('', `${BODY}/OC /L1 BDC BT /F1 12 Tf 60 700 Td (Draft layer line) Tj ET EMC BT /F1 12 Tf 60 650 Td (After the layer) Tj ET`),
      '<< /Type /OCG /Name (Draft) >>',
    ]);

  it('leaves out the text of a layer the document turns off', async () => {
    const doc = await loadPdf(layered(true), OPTS);
    expect(text(doc)).not.toContain('Draft layer');
    expect(text(doc)).toContain('After the layer');
    expect(doc.warnings.find((w) => w.code === 'page-hidden-text')?.message).toContain('layer');
  });

  it('keeps the text of a layer that is on', async () => {
    const doc = await loadPdf(layered(false), OPTS);
    expect(text(doc)).toContain('Draft layer line');
    expect(doc.warnings.some((w) => w.code === 'page-hidden-text')).toBe(false);
  });
});

describe('text drawn off the page', () => {
  it('is said on each page it runs off, even where pdf.js leaves it out of its text content (a XeLaTeX table\'s 依据 column past the page\'s edge)', async () => {
    // The corpus's chengde-office-2020 DOCX through pandoc and XeLaTeX (as src/eval/roundtrips.ts
    // makes it): a header cell as wide as the line pushes the 依据 column off every indicator
    // page; only page 8's text content held any of it, and the other pages' rows had been silent.
    const doc = await loadPdf(readFileSync(path.join(FIXTURES, 'xelatex', 'chengde-office-2020.xelatex.pdf')), OPTS);
    const pages = doc.warnings.filter((w) => w.code === 'page-hidden-text').map((w) => w.loc?.page);
    expect(pages).toEqual([5, 6, 7, 9, 10, 11, 12]);
    expect(doc.warnings.find((w) => w.code === 'page-hidden-text' && w.loc?.page === 9)?.message).toMatch(/^page 9: 98 character\(s\) drawn where the page does not show them/);
    // Page 8's fund-use text runs past the edge from cells the page shows: read, and said.
    expect(doc.warnings.filter((w) => w.code === 'page-text-overflow').map((w) => w.loc?.page)).toEqual([8, 11]);
  });

  it('reads a string run past the page\'s edge from where the page shows it, and says so; a string placed off the page stays out', async () => {
    const doc = await loadPdf(pdf(`${BODY}BT /F1 12 Tf 480 400 Td (Basis runs past the edge) Tj ET BT /F1 12 Tf 700 300 Td (Right of the page) Tj ET`), OPTS);
    expect(text(doc)).toContain('Basis runs past the edge');
    expect(text(doc)).not.toContain('Right of the page');
    expect(doc.warnings.find((w) => w.code === 'page-text-overflow')?.message).toMatch(/^page 1: \d+ character\(s\) run past the page's edge/);
  });
});

describe('text drawn twice (a faked bold face)', () => {
  it('a line drawn again 0.4 pt to the side comes out once; the same words elsewhere stay', async () => {
    const twice = 'BT /F1 14 Tf 60 700 Td (Part one heading) Tj ET BT /F1 14 Tf 60.4 700 Td (Part one heading) Tj ET';
    const doc = await loadPdf(pdf(`${BODY}${twice} BT /F1 14 Tf 60 600 Td (Part one heading) Tj ET`), OPTS);
    expect(text(doc).match(/Part one heading/g)).toHaveLength(2);
    expect(doc.warnings.some((w) => w.code === 'page-doubled-text')).toBe(false);
  });

  // The pieces and second-drawn glyphs below are as pdf.js and the operator walk give them on
  // the faked-bold rendition of chengde-office-2024 (its contents page and its safeguards).
  const glyph = (char: string, x0: number, w: number, y: number, size = 12) => ({ char, x0, x1: x0 + w, y0: y - 0.2 * size, y1: y + 0.85 * size });
  const once = (items: Item[], glyphs: ReturnType<typeof glyph>[]) => {
    const whole = dropWholeDoubles(items, glyphs);
    return dropGlyphs(whole.items, whole.left).sort((a, b) => a.x - b.x).map((i) => i.str).join('');
  };

  it('a contents entry whose page number pdf.js joined to the second draw of its leaders (…7 beside 7) reads its page once', () => {
    const y = 613.489;
    const items: Item[] = [
      { str: '.'.repeat(37), x: 386.9, y, w: 112.344, size: 12 },
      { str: `${'.'.repeat(37)}7`, x: 387.3, y, w: 118.2, size: 12 },
      { str: '7', x: 499.9, y, w: 6, size: 12 },
    ];
    const second = [...Array.from({ length: 37 }, (_, k) => glyph('.', 387.3 + k * 3.0363, 3.0363, y)), glyph('7', 500.3, 6, y)];
    expect(once(items, second)).toBe(`${'.'.repeat(37)}7`);
    // Matched glyph by glyph alone, the page number came out doubled or the leaders cut.
  });

  it('two draws cut into different pieces (会议 + 。 once, 会议。 again) come out once and in order', () => {
    const y = 566.289;
    const items: Item[] = [
      { str: '会议', x: 481, y, w: 24.288, size: 12 },
      { str: '会议。', x: 481, y, w: 36.6, size: 12 },
      { str: '。', x: 506, y, w: 12, size: 12 },
    ];
    const second = [glyph('会', 481, 12, y), glyph('议', 493.3, 12, y), glyph('。', 506, 12, y)];
    expect(once(items, second)).toBe('会议。');
    // One glyph at a time, 议 went from one piece and 会, 。 from the other: 会。议.
    expect(dropGlyphs(items, second).sort((a, b) => a.x - b.x).map((i) => i.str).join('')).not.toBe('会议。');
  });

  it('on every corpus document drawn so, the whole document reads as the plain PDF (contents, part one, every project and row), with nothing left doubled', async () => {
    const { extractBytes } = await import('../src/extract.js');
    for (const id of ['chengde-office-2020', 'chengde-office-2024', 'laoting-park-2023']) {
      const plain = await extractBytes(readFileSync(path.join(CORPUS, id, 'document.pdf')), `${id}.pdf`);
      const bold = await extractBytes(readFileSync(path.join(FIXTURES, 'layouts', `${id}.fakebold.pdf`)), `${id}.fakebold.pdf`);
      const rows = (r: typeof plain.record) => r.projects.flatMap((p) => p.indicators.map((i) => [i.level3, i.value_raw, i.symbol, i.value, i.unit]));
      expect(rows(bold.record), id).toEqual(rows(plain.record));
      // Places (boxes) differ by the 0.4 pt the second draw stands aside; the text may not.
      const text = (r: typeof plain.record) => JSON.stringify({ document: r.document, part_one: r.part_one, projects: r.projects }, (k, v) => (k === 'loc' ? undefined : v));
      expect(text(bold.record), id).toBe(text(plain.record));
      expect(bold.record.warnings.some((w) => w.code === 'page-doubled-text'), id).toBe(false);
      expect(plain.record.warnings.some((w) => w.code === 'page-doubled-text'), id).toBe(false);
    }
  });
});

describe('a browser-printed page (Chromium)', () => {
  const file = path.join(FIXTURES, 'layouts', 'chengde-office-2020.chromium.pdf');

  it.each(['chengde-office-2020', 'chengde-office-2024', 'laoting-park-2023'].flatMap((id) => [`${id}.chromium.pdf`, `${id}.chromium-hf.pdf`]))('%s: what the loader calls hidden draws no ink, and the text it keeps does', async (name) => {
    const doc = await openPdf(readFileSync(path.join(FIXTURES, 'layouts', name)));
    try {
      let checked = 0;
      for (let n = 1; n <= doc.numPages; n++) {
        const page = await doc.getPage(n);
        const ol = await page.getOperatorList();
        const { hidden } = hiddenGlyphs(placedGlyphs(ol.fnArray, ol.argsArray, page.view, fontLookup(page)));
        if (hidden.length === 0) continue;
        const scale = 4;
        const canvas = await drawPage(page, scale);
        const img = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height);
        // Dark pixels inside a box given in PDF space (y up).
        const ink = (x0: number, y0: number, x1: number, y1: number) => {
          let dark = 0;
          for (let y = Math.floor((page.view[3] - y1) * scale); y < Math.ceil((page.view[3] - y0) * scale); y++) {
            for (let x = Math.floor(x0 * scale); x < Math.ceil(x1 * scale); x++) {
              if (x >= 0 && y >= 0 && x < img.width && y < img.height && img.data[(y * img.width + x) * 4]! < 128) dark++;
            }
          }
          return dark;
        };
        for (const g of hidden) {
          expect(ink(g.x0, g.y0, g.x1, g.y1), `page ${n} ${g.char}`).toBeLessThan(4);
          checked++;
        }
        // The same glyph shown on the page draws plenty (the text kept).
        const tc = await page.getTextContent();
        const shown = (tc.items as Array<{ str: string; transform: number[]; width: number }>).find((i) => i.str.includes(hidden[0]!.char) && !hidden.some((g) => Math.abs(g.y0 - i.transform[5]!) < 12));
        expect(shown).toBeDefined();
        const [, , , , sx, sy] = shown!.transform as [number, number, number, number, number, number];
        expect(ink(sx!, sy! - 3, sx! + shown!.width, sy! + 11)).toBeGreaterThan(50);
        page.cleanup();
      }
      // No line of Laoting's straddles a page break: nothing is hidden there.
      if (!name.startsWith('laoting')) expect(checked).toBeGreaterThan(0);
    } finally {
      await doc.destroy();
    }
  });

  it("the paragraph before a page break comes out without the next line's first character", async () => {
    const doc = await loadPdf(readFileSync(file), { maxPages: 100, ocr: 'off' });
    const t = text(doc);
    expect(t).toMatch(/1\.完善制度建设\n/);
    expect(doc.warnings.filter((w) => w.code === 'page-hidden-text').map((w) => w.loc?.page)).toEqual([4]);
  });
});
