/**
 * The review report, opened as a person would: the samples are extracted, `writeReview`
 * builds the report, and headless Chromium (Debian's, driven by playwright-core) loads the
 * index, follows the links, and the DOM is checked for every document, project and warning;
 * PDF pages must show their images with the records' boxes. A screenshot is taken.
 * Skipped, saying so, only where no Chromium is installed (.ci/run installs it).
 */
import { existsSync, mkdtempSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_BATCH, runBatch } from '../src/batch/run.js';
import { writeReview } from '../src/review/index.js';
import type { DocumentRecord } from '../src/schema.js';
import { ROOT } from './helpers.js';

const CHROMIUM = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'].find((p) => existsSync(p));
if (!CHROMIUM) console.warn('[review.test] no Chromium installed (apt-get install chromium): the browser checks are skipped');

let out = '';
let docs: DocumentRecord[] = [];

beforeAll(async () => {
  out = mkdtempSync(path.join(tmpdir(), 'jixiao-review-'));
  await runBatch({ ...DEFAULT_BATCH, inputs: [path.join(ROOT, 'samples')], outDir: out, progress: 'none', inProcess: true });
  docs = readdirSync(path.join(out, 'docs')).map((f) => JSON.parse(readFileSync(path.join(out, 'docs', f), 'utf8')) as DocumentRecord);
  await writeReview(out);
});

describe('review report', () => {
  it('writes an index, one page per document, and the source pages of PDF inputs', () => {
    expect(existsSync(path.join(out, 'review', 'index.html'))).toBe(true);
    for (const d of docs) {
      const html = readFileSync(path.join(out, 'review', `${d.doc_id}.html`), 'utf8');
      expect(html).not.toMatch(/https?:\/\//); // offline: nothing to fetch
      if (d.source.format === 'pdf') {
        const pages = readdirSync(path.join(out, 'review', 'pages', d.doc_id));
        expect(pages.length).toBeGreaterThan(0);
        for (const p of pages) expect(statSync(path.join(out, 'review', 'pages', d.doc_id, p)).size).toBeGreaterThan(10_000);
      }
    }
  });

  it.skipIf(!CHROMIUM)('opens in a real browser: every document, project and warning is on screen, boxes over page images', async () => {
    const { chromium } = await import('playwright-core');
    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    try {
      const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
      const requests: string[] = [];
      page.on('request', (r) => requests.push(r.url()));
      await page.goto(pathToFileURL(path.join(out, 'review', 'index.html')).href);
      expect(await page.locator('tr.doc').count()).toBe(docs.length);
      // Most warnings first.
      const counts = (await page.locator('tr.doc td:first-child').allTextContents()).map(Number);
      expect(counts).toEqual([...counts].sort((a, b) => b - a));

      for (const d of docs) {
        await page.goto(pathToFileURL(path.join(out, 'review', 'index.html')).href);
        await page.locator(`a[href="${d.doc_id}.html"]`).click();
        await page.waitForLoadState('load');
        const titles = await page.locator('section.project h2').allTextContents();
        expect(titles).toEqual(d.projects.map((p) => `${p.seq}. ${p.title}`));
        const rows = await page.locator('tr.indicator').count();
        expect(rows).toBe(d.projects.reduce((n, p) => n + p.indicators.length, 0) + d.part_one.dept_indicators.length);
        const shown = await page.locator('ul.warnlist').first().locator('li.warning').allTextContents();
        expect(shown.length).toBe(d.warnings.length);
        for (const w of d.warnings) expect(shown.some((t) => t.includes(w.message))).toBe(true);
        if (d.source.format === 'pdf') {
          const images = page.locator('figure.page img');
          expect(await images.count()).toBeGreaterThan(0);
          const loaded = await images.evaluateAll((els) => els.every((e) => (e as HTMLImageElement).complete && (e as HTMLImageElement).naturalWidth > 0));
          expect(loaded).toBe(true);
          expect(await page.locator('figure.page .box').count()).toBeGreaterThan(rows);
        }
      }
      // Screenshot of a PDF document's first project beside its page.
      const pdf = docs.find((d) => d.source.format === 'pdf' && d.projects.length > 1)!;
      await page.goto(`${pathToFileURL(path.join(out, 'review', `${pdf.doc_id}.html`)).href}#project-1`);
      const shot = process.env.JIXIAO_SCREENSHOT ?? path.join(out, 'review-screenshot.png');
      await page.screenshot({ path: shot });
      expect(statSync(shot).size).toBeGreaterThan(50_000);
      expect(requests.every((u) => u.startsWith('file:'))).toBe(true);
    } finally {
      await browser.close();
    }
  });
});
