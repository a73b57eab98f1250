/**
 * The static review report (`jixiao review`, the read-only export of the workspace's views),
 * opened as a person would: the samples are extracted, `writeReview` builds the report, and
 * headless Chromium (test/browser.ts) loads it from file://: the queue with every document,
 * its filters and renditions grouped; each document's projects, indicator rows and warnings;
 * for PDF inputs the page images (WebP, loaded lazily) with every record's box, a warning's
 * place a link that selects its row and brings its box into view, zoom. Nothing is fetched
 * from the network. Skipped, saying so, only where no Chromium is installed.
 */
import { mkdtempSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_BATCH, runBatch } from '../src/batch/run.js';
import { writeReview } from '../src/review/index.js';
import { referencedPages } from '../src/review/pages.js';
import type { DocumentRecord } from '../src/schema.js';
import { CHROMIUM, openBrowser } from './browser.js';
import { ROOT } from './helpers.js';

if (!CHROMIUM) console.warn('[review.test] no Chromium installed (apt-get install chromium): the browser checks are skipped');

let out = '';
let docs: DocumentRecord[] = [];

beforeAll(async () => {
  out = mkdtempSync(path.join(tmpdir(), 'jixiao-review-'));
  await runBatch({ ...DEFAULT_BATCH, inputs: [path.join(ROOT, 'samples')], outDir: out, progress: 'none', inProcess: true });
  docs = readdirSync(path.join(out, 'docs')).map((f) => JSON.parse(readFileSync(path.join(out, 'docs', f), 'utf8')) as DocumentRecord);
  await writeReview(out);
});

const fileUrl = (f: string) => pathToFileURL(path.join(out, 'review', f)).href;

describe('review report', () => {
  it('writes the queue, one page per document, the script, and the pages of PDF inputs as WebP images', () => {
    for (const f of ['index.html', 'app.js', 'app.css']) expect(statSync(path.join(out, 'review', f)).size).toBeGreaterThan(1000);
    for (const d of docs) {
      const html = readFileSync(path.join(out, 'review', `${d.doc_id}.html`), 'utf8');
      expect(html).not.toMatch(/(src|href)="https?:/); // offline: nothing to fetch
      if (d.source.format !== 'pdf') continue;
      const pages = readdirSync(path.join(out, 'review', 'pages', d.doc_id)).filter((p) => p.endsWith('.webp'));
      expect(pages.map((p) => Number(p.slice(1, -5))).sort((x, y) => x - y)).toEqual(referencedPages(d));
      for (const p of pages) {
        const bytes = readFileSync(path.join(out, 'review', 'pages', d.doc_id, p));
        expect(bytes.subarray(8, 12).toString()).toBe('WEBP');
      }
      expect(html.match(/<img loading="lazy"/g)?.length).toBe(pages.length);
    }
  });

  it.skipIf(!CHROMIUM)('opens in a real browser: the queue filters and groups; every document, project, row and warning is on screen; boxes over page images', async () => {
    const browser = await openBrowser();
    try {
      const page = await browser.newPage();
      const requests: string[] = [];
      page.on('request', (r) => requests.push(r.url()));
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      await page.goto(fileUrl('index.html'));
      expect(await page.locator('tr.doc').count()).toBe(docs.length);
      // Renditions of one text are grouped (the samples: two texts in three formats each).
      const keys = new Set(docs.map((d) => d.text_key));
      expect(await page.locator('tr.group').count()).toBe(keys.size);
      // Most to check first, within each group and between groups.
      await page.locator('input[name="group"]').uncheck();
      const scores = (await page.locator('tr.doc td.score').allTextContents()).map(Number);
      expect(scores).toEqual([...scores].sort((x, y) => y - x));
      await page.selectOption('select[name="format"]', 'pdf');
      expect(await page.locator('tr.doc').count()).toBe(docs.filter((d) => d.source.format === 'pdf').length);
      await page.selectOption('select[name="format"]', '');

      for (const d of docs) {
        await page.goto(fileUrl('index.html'));
        await page.locator(`tr.doc[data-doc="${d.doc_id}"] td.name > a`).click();
        await page.waitForLoadState('load');
        const titles = await page.locator('section.project > h2').allTextContents();
        expect(titles.map((t) => t.replace(/\s+/g, ' '))).toEqual(d.projects.map((p) => expect.stringContaining(`${p.seq}. ${p.title}`)));
        const rows = await page.locator('tr.rec[data-ref^="indicators:"]').count();
        expect(rows).toBe(d.projects.reduce((n, p) => n + p.indicators.length, 0) + d.part_one.dept_indicators.length);
        const shown = await page.locator('ul.warnlist li.warning').allTextContents();
        expect(shown.length).toBe(d.warnings.length);
        for (const w of d.warnings) expect(shown.some((t) => t.includes(w.message))).toBe(true);
        if (d.source.format !== 'pdf') continue;
        const figures = page.locator('figure.page');
        expect(await figures.count()).toBe(referencedPages(d).length);
        expect(await page.locator('figure.page .box').count()).toBeGreaterThan(rows);
        // A warning's place is a link: its row is selected, its box highlighted on its page, which loads.
        const warned = d.warnings.find((w) => w.loc?.row != null);
        if (warned) {
          await page.locator('ul.warnlist li.warning a.goto').first().click();
          expect(await page.locator('tr.rec.sel, h2.rec.sel').count()).toBe(1);
          const sel = page.locator('.box.sel');
          expect(await sel.count()).toBe(1);
          const img = sel.locator('xpath=..').locator('img');
          await expect.poll(() => img.evaluate((e) => (e as HTMLImageElement).complete && (e as HTMLImageElement).naturalWidth > 0), { timeout: 120_000 }).toBe(true);
          const box = await sel.boundingBox();
          const view = await page.locator('.vscroll').boundingBox();
          expect(box!.y).toBeGreaterThanOrEqual(view!.y);
          expect(box!.y + box!.height).toBeLessThanOrEqual(view!.y + view!.height);
        }
        // A row clicked: its strip of the page under it, zoom in and out.
        await page.locator('tr.rec[data-ref="indicators:1:1"] td').nth(3).click();
        expect(await page.locator('tr.crop .strip').count()).toBe(1);
        await page.locator('.vbar [data-zoom="fit"]').click();
        await page.locator('.vbar [data-zoom="in"]').click();
        expect(await page.locator('.vbar .zoom').textContent()).toBe('125%');
      }
      // The report's own screenshot: a PDF document's first project beside its page.
      const pdf = docs.find((d) => d.source.format === 'pdf' && d.warnings.some((w) => w.loc?.row != null)) ?? docs.find((d) => d.source.format === 'pdf')!;
      await page.goto(`${fileUrl(`${pdf.doc_id}.html`)}#r-indicators-1-3`);
      const selImg = page.locator('figure.page:has(.box.sel) img').first();
      await expect.poll(() => selImg.evaluate((e) => (e as HTMLImageElement).complete && (e as HTMLImageElement).naturalWidth > 0), { timeout: 120_000 }).toBe(true);
      const shot = process.env.JIXIAO_SCREENSHOTS ? path.join(process.env.JIXIAO_SCREENSHOTS, 'report.png') : path.join(out, 'review-screenshot.png');
      await page.screenshot({ path: shot });
      expect(errors).toEqual([]);
      expect(requests.every((u) => u.startsWith('file:'))).toBe(true);
    } finally {
      await browser.close();
    }
  });
});
