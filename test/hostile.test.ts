/**
 * Dirty archives: every hostile fixture (made by test/fixtures/make_hostile.py) ends with its
 * expected error or warning, the batch completes with the right counts and exit code, and no
 * input is lost.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_BATCH, runBatch } from '../src/batch/run.js';
import { FIXTURES, ROOT } from './helpers.js';

const DIR = path.join(FIXTURES, 'hostile');
/**
 * `ocrPages`: pages whose text layer was glyph garbage, read from their drawing by OCR instead.
 * `opened` (a bundle that opens): `members` names each member (path in the bundle) that fails, with its kind.
 */
type Expect = { status: string; kind?: string; reason?: string; warnings?: string[]; ocrPages?: number[]; members?: Record<string, { kind: string; reason?: string }> };
const expected = JSON.parse(readFileSync(path.join(DIR, 'expected.json'), 'utf8')) as Record<string, Expect>;

function hasSoffice(): boolean {
  try {
    execFileSync('soffice', ['--version'], { stdio: 'ignore', timeout: 20_000 });
    return true;
  } catch {
    return false;
  }
}

const jsonl = (f: string) => readFileSync(f, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));

describe('hostile inputs', () => {
  const inputs = readdirSync(DIR).filter((f) => f !== 'expected.json');
  const soffice = hasSoffice();

  it('has an expectation for every fixture', () => {
    expect(inputs.sort()).toEqual(Object.keys(expected).sort());
  });

  it('ends every input as done or failed with its reason, and the batch goes on', async () => {
    const out = mkdtempSync(path.join(tmpdir(), 'jixiao-hostile-'));
    const summary = await runBatch({ ...DEFAULT_BATCH, inputs: [DIR], outDir: out, progress: 'none', inProcess: true });
    const errors = jsonl(path.join(out, 'errors.jsonl'));
    const docs = jsonl(path.join(out, 'documents.jsonl'));
    const byName = (p: string) => path.basename(p);
    let failed = 0;
    let total = 0;
    for (const [name, e] of Object.entries(expected)) {
      const status = e.status === 'done-with-libreoffice' ? (soffice ? 'done' : 'failed') : e.status;
      if (status === 'opened') {
        // A bundle that opens: each member that must fail, with its member path and kind.
        for (const [member, m] of Object.entries(e.members ?? {})) {
          const err = errors.find((x) => x.path.endsWith(`/${name}!/${member}`));
          expect(err, `${name}!/${member}`).toBeDefined();
          expect(err.kind, `${name}!/${member}`).toBe(m.kind);
          if (m.reason) expect(err.reason, `${name}!/${member}`).toContain(m.reason);
        }
        const given = errors.filter((x) => x.path.includes(`/${name}!/`)).length + docs.filter((d) => d.source.path.startsWith(`${name}!/`)).length;
        expect(given, name).toBe(Object.keys(e.members ?? {}).length);
        failed += Object.keys(e.members ?? {}).length;
        total += given;
        continue;
      }
      total++;
      if (status === 'failed') {
        failed++;
        const err = errors.find((x) => byName(x.path) === name);
        expect(err, name).toBeDefined();
        expect(err.kind, name).toBe(e.kind);
        expect(err.reason, name).toContain(e.reason);
        expect(err.reason, name).not.toMatch(/\n\s+at /); // never a stack trace
      } else {
        const doc = docs.find((d) => byName(d.source.path) === name);
        expect(doc, name).toBeDefined();
        for (const w of e.warnings ?? []) expect(doc.warnings.map((x: { message: string }) => x.message).join('\n'), name).toContain(w);
        if (e.ocrPages) expect(doc.source.ocr?.pages, name).toEqual(e.ocrPages);
      }
    }
    expect(summary).toMatchObject({ total, failed, done: total - failed, skipped: 0 });
    expect(errors).toHaveLength(failed);
  }, 300_000);

  it('keeps a project without indicators as a project', async () => {
    const out = mkdtempSync(path.join(tmpdir(), 'jixiao-partial-'));
    await runBatch({ ...DEFAULT_BATCH, inputs: [path.join(DIR, 'partial.txt')], outDir: out, progress: 'none', inProcess: true });
    const [doc] = jsonl(path.join(out, 'documents.jsonl'));
    const p = doc.projects.find((x: { title: string }) => x.title === '老区建设促进会经费绩效目标表');
    expect(p.indicators).toEqual([]);
    expect(p.project_code).toBe('13081124P000102100034');
    expect(doc.projects).toHaveLength(10);
    expect(doc.document.toc.at(-1)).toEqual({ seq: 11, title: '商贸流通企业奖补绩效目标表', page: null });
  });

  it('exits 1 from the CLI when an input failed, and names the file and reason', () => {
    const out = mkdtempSync(path.join(tmpdir(), 'jixiao-exit-'));
    const r = spawnSync(process.execPath, [path.join(ROOT, 'dist/src/cli.js'), 'extract', path.join(DIR, 'error-page.pdf'), path.join(DIR, 'partial.txt'), '--out', out, '--progress', 'log'], { encoding: 'utf8' });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`failed: ${path.join(DIR, 'error-page.pdf')}: not a PDF: starts with <html>`);
    expect(r.stderr).toContain('1 done, 0 skipped, 1 failed');
  });

  it('stops a file at the per-file time limit and goes on', async () => {
    const out = mkdtempSync(path.join(tmpdir(), 'jixiao-timeout-'));
    const summary = await runBatch({
      ...DEFAULT_BATCH, inputs: [path.join(ROOT, 'samples', 'chengde-office-2024.pdf')], outDir: out, progress: 'none', inProcess: true, timeoutMs: 1,
    });
    expect(summary.failed).toBe(1);
    expect(jsonl(path.join(out, 'errors.jsonl'))[0].kind).toBe('timeout');
  });
});
