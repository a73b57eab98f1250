/**
 * The review and correction workspace end to end, in a real browser (test/browser.ts): the
 * samples (corpus documents as PDF, DOCX and text dump) are extracted by the command line,
 * `jixiao serve` opens on the output, and a person's work is done through the UI with the
 * keyboard and the mouse — a value (parsed as it is typed), a level and a project code
 * corrected, a table marked reviewed, an edit undone, a missed row inserted and filled, a
 * phantom row deleted, two tabs editing the same document
 * (the stale one refused and refreshed, neither losing the other's edits), a reload. A line
 * written against another extraction is shown as a conflict on its row. Then `extract
 * --force` runs while the workspace is open, and every correction is found in docs/*.json,
 * documents.jsonl, the CSV and Parquet tables (read by DuckDB) with its marks, the conflict
 * reported and not applied. Screenshots go to $JIXIAO_SCREENSHOTS when set (the README's).
 */
import { DuckDBInstance } from '@duckdb/node-api';
import { type ChildProcess, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { appendFileSync, cpSync, mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Correction } from '../src/corrections/model.js';
import type { DocumentRecord } from '../src/schema.js';
import { CHROMIUM, openBrowser } from './browser.js';
import { ROOT } from './helpers.js';

if (!CHROMIUM) console.warn('[serve.test] no Chromium installed (apt-get install chromium): the workspace tests are skipped');

const CLI = path.join(ROOT, 'dist', 'src', 'cli.js');
const input = mkdtempSync(path.join(tmpdir(), 'jixiao-serve-in-'));
const out = mkdtempSync(path.join(tmpdir(), 'jixiao-serve-out-'));
const shots = process.env.JIXIAO_SCREENSHOTS ?? mkdtempSync(path.join(tmpdir(), 'jixiao-shots-'));
const idOf = (f: string) => createHash('sha256').update(readFileSync(path.join(ROOT, 'samples', f))).digest('hex').slice(0, 16);
const park = idOf('laoting-park-2023.pdf');
const office = idOf('chengde-office-2024.pdf');

let server: ChildProcess | null = null;
let url = '';
let browser: BrowserContext | null = null;
let a: Page;

function cli(args: string[]): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    p.stderr!.on('data', (d) => (stderr += d));
    p.on('exit', (code) => resolve({ code, stderr }));
  });
}

const readDoc = (id: string) => JSON.parse(readFileSync(path.join(out, 'docs', `${id}.json`), 'utf8')) as DocumentRecord;
const lines = () => readFileSync(path.join(out, 'corrections.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Correction);
const cellOf = (page: Page, ref: string, field: string) => page.locator(`[data-ref="${ref}"] td[data-field="${field}"]`).first();

async function saved(page: Page): Promise<void> {
  await expect.poll(() => page.locator('.actions .status').textContent(), { timeout: 120_000 }).toMatch(/^(saved|undone) /);
  await page.locator('.actions .status').evaluate((e) => (e.textContent = ''));
}

/** Waits, on a condition and never on the clock, until a value read from the page is the one expected. */
async function until<T>(read: () => Promise<T>, expected: T): Promise<void> {
  await expect.poll(read, { timeout: 120_000 }).toEqual(expected);
}

/** Waits until the source page holding the selected row's box has its image drawn and loaded. */
async function pageShown(page: Page): Promise<void> {
  const img = page.locator('figure.page:has(.box.sel) img').first();
  await until(() => img.evaluate((e) => (e as HTMLImageElement).complete && (e as HTMLImageElement).naturalWidth > 0), true);
}

async function shot(page: Page, name: string): Promise<void> {
  mkdirSync(shots, { recursive: true });
  await page.screenshot({ path: path.join(shots, name) });
}

beforeAll(async () => {
  if (!CHROMIUM) return;
  cpSync(path.join(ROOT, 'samples'), input, { recursive: true });
  const r = await cli(['extract', input, '--out', out, '-f', 'jsonl,csv,parquet', '-q']);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  server = spawn(process.execPath, [CLI, 'serve', out, '--port', '0', '--user', 'e2e'], { stdio: ['ignore', 'pipe', 'inherit'] });
  url = await new Promise<string>((resolve, reject) => {
    let text = '';
    server!.stdout!.on('data', (d) => {
      text += d;
      const m = /at (http:\/\/127\.0\.0\.1:\d+\/)/.exec(text);
      if (m) resolve(m[1]!);
    });
    server!.once('exit', (code) => reject(new Error(`jixiao serve exited with ${code}`)));
  });
  browser = await openBrowser();
  a = await browser.newPage();
});

afterAll(async () => {
  await browser?.close();
  server?.kill('SIGTERM');
});

describe.skipIf(!CHROMIUM)('review workspace (jixiao serve) in a real browser', () => {
  it('opens the queue: every document, renditions of one text grouped, filters by code and year', async () => {
    const requests: string[] = [];
    a.on('request', (r) => requests.push(r.url()));
    await a.goto(url);
    await expect.poll(() => a.locator('tr.doc').count(), { timeout: 60_000 }).toBe(6);
    expect(await a.locator('tr.group').count()).toBe(2); // two texts, three renditions each
    await a.selectOption('select[name="code"]', 'plan-incomplete');
    const shown = await a.locator('tr.doc td.codes').allTextContents();
    expect(shown.length).toBe(3);
    expect(shown.every((t) => t.includes('plan-incomplete'))).toBe(true);
    await a.selectOption('select[name="code"]', '');
    await a.selectOption('select[name="year"]', '2023');
    expect(await a.locator('tr.doc').count()).toBe(3);
    expect(await a.locator('.filters .count').textContent()).toBe('3 of 6 shown');
    await a.selectOption('select[name="year"]', '');
    await shot(a, 'queue.png');
    expect(requests.every((u) => u.startsWith(url))).toBe(true); // nothing from the network
  });

  it('corrects a value, a level and a project code, marks a table reviewed and undoes an edit, all through the UI', async () => {
    await a.goto(`${url}doc/${park}`);
    // A value: typed, parsed as it is typed, saved with Enter.
    await cellOf(a, 'indicators:1:1', 'value_raw').click();
    expect(await a.locator('.box.sel').count()).toBe(1); // the row's box on its page
    await a.keyboard.press('Enter');
    await a.keyboard.press('Control+A');
    await a.keyboard.type('≥1200米');
    expect(await cellOf(a, 'indicators:1:1', 'value').locator('.numv').textContent()).toBe('1200');
    expect(await cellOf(a, 'indicators:1:1', 'value').locator('.unit').textContent()).toBe('米');
    await pageShown(a); // the row's page, drawn by the workspace on first view (WebP)
    await shot(a, 'edit.png');
    await a.keyboard.press('Enter');
    await saved(a);
    // A level.
    await cellOf(a, 'indicators:1:2', 'level3').click();
    await a.keyboard.press('F2');
    await a.keyboard.press('Control+A');
    await a.keyboard.type('基础设施验收合格率（%）');
    await a.keyboard.press('Enter');
    await saved(a);
    // A project code, in the project's fields.
    await cellOf(a, 'projects:2', 'project_code').dblclick();
    await a.keyboard.press('Control+A');
    await a.keyboard.type('13022523P00CXF810004Q');
    await a.keyboard.press('Enter');
    await saved(a);
    // The table reviewed.
    await a.locator('#project-1 button.mark').click();
    await saved(a).catch(() => undefined);
    await expect.poll(() => a.locator('#project-1 .badge.ok').count(), { timeout: 120_000 }).toBe(1);
    // A slip (typing on a cell starts editing it), undone.
    await cellOf(a, 'indicators:1:3', 'basis').click();
    await a.keyboard.type('xx');
    await a.keyboard.press('Enter');
    await saved(a);
    await until(() => cellOf(a, 'indicators:1:3', 'basis').textContent(), 'xx');
    await a.keyboard.press('Control+z');
    await saved(a);
    await until(() => cellOf(a, 'indicators:1:3', 'basis').textContent(), '年初预算安排');

    const written = lines();
    expect(written.map((l) => [l.op, l.field ?? null, l.after ?? null])).toEqual([
      ['set', 'value_raw', '≥1200米'],
      ['set', 'level3', '基础设施验收合格率（%）'],
      ['set', 'project_code', '13022523P00CXF810004Q'],
      ['reviewed', null, null],
      ['set', 'basis', 'xx'],
      ['set', 'basis', '年初预算安排'],
    ]);
    expect(written.every((l) => l.by === 'e2e' && l.doc_id === park && l.extractor === '0.1.0')).toBe(true);
    expect(written[0]).toMatchObject({ target: { table: 'indicators', project_seq: 1, indicator_seq: 1 }, before: '≥1000米', match: { level3: '修缮工程量' } });
  });

  it('two tabs never lose each other\'s edits: a stale edit is refused and the tab refreshed; other edits go through', async () => {
    const b = await browser!.newPage();
    await b.goto(`${url}doc/${park}`);
    await b.route('**/api/revision', (r) => r.abort()); // tab B does not hear of A's edit: it stays stale
    await cellOf(a, 'indicators:1:4', 'basis').click();
    await a.keyboard.type('A值');
    await a.keyboard.press('Enter');
    await saved(a);
    // B edits the same cell from what it showed: refused, and B now shows A's value.
    await cellOf(b, 'indicators:1:4', 'basis').click();
    await b.keyboard.type('B值');
    await b.keyboard.press('Enter');
    await expect.poll(() => b.locator('.toast.bad').count(), { timeout: 120_000 }).toBe(1);
    await until(() => cellOf(b, 'indicators:1:4', 'basis').textContent(), 'A值');
    // B's edit of another cell goes through, and A hears of it without a reload.
    await cellOf(b, 'indicators:1:5', 'basis').click();
    await b.keyboard.type('B二');
    await b.keyboard.press('Enter');
    await saved(b);
    await expect.poll(() => cellOf(a, 'indicators:1:5', 'basis').textContent(), { timeout: 120_000 }).toBe('B二');
    expect(await cellOf(a, 'indicators:1:4', 'basis').textContent()).toBe('A值');
    expect(lines().map((l) => l.after)).not.toContain('B值');
    await b.close();
  });

  it('inserts a row the extraction missed and fills it, and deletes a phantom row, through the UI', async () => {
    await a.goto(`${url}doc/${office}`);
    const before = readDoc(office).projects[0]!.indicators;
    // + on row 3 inserts a row below it, with the levels of the row above; its 三级指标 typed in.
    await a.locator('[data-ref="indicators:1:3"] button.ins').click();
    await saved(a);
    await until(() => a.locator('table[data-project="1"] tr[data-ref^="indicators:1:"]').count(), before.length + 1);
    await until(() => cellOf(a, 'indicators:1:4', 'level2').textContent(), before[2]!.level2);
    await cellOf(a, 'indicators:1:4', 'level3').click();
    await a.keyboard.press('Enter');
    await a.keyboard.type('会议室租赁面积');
    await a.keyboard.press('Enter');
    await saved(a);
    await until(() => cellOf(a, 'indicators:1:5', 'level3').textContent(), before[3]!.level3); // the rows after it moved down
    // ✕ deletes a row the document does not have (here: the 8th extracted row, now the 9th), once confirmed.
    a.once('dialog', (d) => void d.accept());
    await a.locator('[data-ref="indicators:1:9"] button.del').click();
    await saved(a);
    await until(() => a.locator('table[data-project="1"] tr[data-ref^="indicators:1:"]').count(), before.length);
    await until(() => cellOf(a, 'indicators:1:9', 'level3').textContent(), before[8]!.level3);
    const mine = lines().filter((l) => l.doc_id === office);
    expect(mine.map((l) => [l.op, l.field ?? null])).toEqual([['insert', null], ['set', 'level3'], ['delete', null]]);
    expect(mine[2]).toMatchObject({ target: { table: 'indicators', project_seq: 1, indicator_seq: 9 }, match: { level3: before[7]!.level3, value_raw: before[7]!.value_raw } });
  });

  it('keeps everything over a reload, and shows a line made against another extraction as a conflict on its row', async () => {
    const stale: Correction = {
      id: 'hand01', doc_id: park, target: { table: 'indicators', project_seq: 2, indicator_seq: 1 }, match: { level3: '招商活动次数' },
      op: 'set', field: 'value_raw', before: '≥6次', after: '≥8次', by: 'script', at: '2026-12-01T00:00:00Z', extractor: '0.0.9',
    };
    await a.goto(`${url}doc/${park}`);
    appendFileSync(path.join(out, 'corrections.jsonl'), `${JSON.stringify(stale)}\n`);
    await a.reload();
    expect(await cellOf(a, 'indicators:1:1', 'value_raw').textContent()).toBe('≥1200米');
    expect(await cellOf(a, 'indicators:1:1', 'value_raw').getAttribute('class')).toContain('corr');
    expect(await cellOf(a, 'indicators:1:2', 'level3').textContent()).toBe('基础设施验收合格率（%）');
    expect(await cellOf(a, 'projects:2', 'project_code').textContent()).toBe('13022523P00CXF810004Q');
    expect(await a.locator('#project-1 .badge.ok').count()).toBe(1);
    expect(await a.locator('li.line.conflict[data-id="hand01"]').count()).toBe(1);
    expect(await a.locator('tr[data-ref="indicators:2:1"]').getAttribute('class')).toContain('conflict');
    expect(await cellOf(a, 'indicators:2:1', 'value_raw').textContent()).toBe('≥5次数');
    await a.locator('li.line.conflict[data-id="hand01"] a.goto').click();
    await until(async () => (await a.locator('tr[data-ref="indicators:2:1"]').getAttribute('class'))?.includes('sel'), true);
    await pageShown(a);
    await shot(a, 'conflict.png');
    await a.goto(url);
    expect(await a.locator('.progress .ptext').textContent()).toMatch(/^1 \/ \d+ tables reviewed/);
  });

  it('extract --force with the workspace open: every correction in docs/*.json, JSONL, CSV and Parquet, the conflict reported, not applied', async () => {
    const r = await cli(['extract', input, '--out', out, '-f', 'jsonl,csv,parquet', '--force', '-q']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const d = readDoc(park);
    const p1 = d.projects[0]!;
    expect(p1.indicators[0]).toMatchObject({ value_raw: '≥1200米', value: { symbol: '≥', number: 1200, unit: '米' }, corrected: ['value_raw', 'value'] });
    expect(p1.indicators[1]).toMatchObject({ level3: '基础设施验收合格率（%）', corrected: ['level3'] });
    expect(p1.indicators[2]!.basis).toBe('年初预算安排');
    expect(p1.reviewed).toMatchObject({ by: 'e2e' });
    expect(d.projects[1]).toMatchObject({ project_code: '13022523P00CXF810004Q', corrected: ['project_code'] });
    expect(d.projects[1]!.indicators[0]!.value_raw).toBe('≥5次数'); // not applied blindly
    const conflict = d.warnings.find((w) => w.code === 'correction-conflict')!;
    expect(conflict.message).toContain('hand01');
    expect(conflict.loc).toEqual(d.projects[1]!.indicators[0]!.loc);
    // The inserted row (no loc: the document was not read there) and the deleted one gone, in the document's JSON.
    const o = readDoc(office).projects[0]!.indicators;
    const extracted = JSON.parse(readFileSync(path.join(out, 'extracted', `${office}.json`), 'utf8')) as DocumentRecord;
    const x = extracted.projects[0]!.indicators;
    expect(o.length).toBe(x.length);
    expect(o[3]).toMatchObject({ level1: x[2]!.level1, level2: x[2]!.level2, level3: '会议室租赁面积', loc: null, corrected: ['*'] });
    const expected = x.map((i) => i.level3);
    expected.splice(7, 1); // the 8th extracted row deleted
    expected.splice(3, 0, '会议室租赁面积'); // a row inserted below the 3rd
    expect(o.map((i) => i.level3)).toEqual(expected);
    const jsonl = readFileSync(path.join(out, 'documents.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as DocumentRecord);
    expect(jsonl.find((x) => x.doc_id === park)).toEqual(d);

    const db = await DuckDBInstance.create(':memory:');
    const con = await db.connect();
    const q = async (sql: string) => (await con.runAndReadAll(sql)).getRowObjectsJson() as Array<Record<string, unknown>>;
    try {
      for (const src of [`'${path.join(out, 'parquet', 'indicators', '*.parquet')}'`, `read_csv('${path.join(out, 'indicators.csv')}', header=true, types={'corrected': 'VARCHAR'})`]) {
        const rows = await q(`SELECT indicator_seq, value_raw, number, level3, basis, corrected FROM ${src} WHERE doc_id = '${park}' AND project_seq = 1 ORDER BY indicator_seq LIMIT 5`);
        const list = (v: unknown) => (typeof v === 'string' ? JSON.parse(v) : v);
        expect(rows[0], src).toMatchObject({ value_raw: '≥1200米', number: 1200 });
        expect(list(rows[0]!.corrected)).toEqual(['value_raw', 'value']);
        expect(rows[1]!.level3).toBe('基础设施验收合格率（%）');
        expect(rows.slice(3).map((x) => x.basis)).toEqual(['A值', 'B二']);
      }
      const [p] = await q(`SELECT project_code, corrected, checked_by FROM '${path.join(out, 'parquet', 'projects', '*.parquet')}' WHERE doc_id = '${park}' AND project_seq = 2`);
      expect(p).toEqual({ project_code: '13022523P00CXF810004Q', corrected: ['project_code'], checked_by: null });
      const [c1] = await q(`SELECT checked_by FROM read_csv('${path.join(out, 'projects.csv')}', header=true) WHERE doc_id = '${park}' AND project_seq = 1`);
      expect(c1!.checked_by).toBe('e2e');
      const statuses = await q(`SELECT id, status FROM '${path.join(out, 'corrections.parquet')}' ORDER BY correction_seq`);
      expect(statuses.map((s) => s.status)).toEqual([...Array(statuses.length - 1).fill('applied'), 'conflict']);
      const inserted = await q(`SELECT level3, corrected FROM read_csv('${path.join(out, 'indicators.csv')}', header=true, types={'corrected': 'VARCHAR'}) WHERE doc_id = '${office}' AND project_seq = 1 AND indicator_seq = 4`);
      expect(inserted).toEqual([{ level3: '会议室租赁面积', corrected: '["*"]' }]);
      expect(statuses.at(-1)!.id).toBe('hand01');
    } finally {
      con.closeSync();
    }
    // The workspace shows the same after the run (the extraction kept in extracted/).
    await a.goto(`${url}doc/${park}`);
    expect(await cellOf(a, 'indicators:1:1', 'value_raw').textContent()).toBe('≥1200米');
    expect(await a.locator('li.line.applied').count()).toBe(lines().filter((l) => l.doc_id === park).length - 1);
  });
});
