/**
 * Batch runs: outputs, resume and incremental re-runs, no duplicate rows, and a run killed
 * half-way that a re-run finishes with every input accounted for exactly once.
 */
import { spawn, spawnSync } from 'node:child_process';
import { appendFileSync, chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_BATCH, runBatch } from '../src/batch/run.js';
import { ROOT, typeCheck } from './helpers.js';

const SAMPLES = path.join(ROOT, 'samples');
const CLI = path.join(ROOT, 'dist', 'src', 'cli.js');

function tmp(prefix: string): string {
  return mkdtempSync(path.join(tmpdir(), `jixiao-${prefix}-`));
}

function lines(file: string): string[] {
  return readFileSync(file, 'utf8').split('\n').filter((l) => l !== '');
}

/** Input folder with the samples plus `copies` text dumps made distinct by trailing blank lines. */
function inputFolder(copies: number): string {
  const dir = tmp('in');
  for (const f of readdirSync(SAMPLES)) copyFileSync(path.join(SAMPLES, f), path.join(dir, f));
  const txt = readdirSync(SAMPLES).find((f) => f.endsWith('.txt'))!;
  for (let i = 0; i < copies; i++) {
    const target = path.join(dir, `copy-${i}.txt`);
    copyFileSync(path.join(SAMPLES, txt), target);
    appendFileSync(target, '\n'.repeat(i + 1));
  }
  return dir;
}

function runCli(args: string[], env: NodeJS.ProcessEnv = process.env): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'ignore', 'pipe'], env });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => resolve({ code, stderr }));
  });
}

/** Starts a run of `input` one file at a time, sends `signals` (20 ms apart) once it has finished three inputs; its exit code, stderr and output folder. */
async function stopWith(input: string, signals: NodeJS.Signals[]): Promise<{ code: unknown; stderr: string; out: string }> {
  const out = tmp('signal');
  const child = spawn(process.execPath, [CLI, 'extract', input, '--out', out, '--concurrency', '1', '--progress', 'none'], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr += d));
  const manifest = path.join(out, 'manifest.jsonl');
  await new Promise<void>((resolve) => {
    const t = setInterval(() => {
      if (existsSync(manifest) && lines(manifest).length >= 3) {
        clearInterval(t);
        signals.forEach((sig, i) => setTimeout(() => child.kill(sig), i * 20));
        resolve();
      }
    }, 20);
  });
  const code = await new Promise((r) => child.on('close', r));
  return { code, stderr, out };
}

describe('batch', () => {
  it('writes per-document JSON, JSONL and CSV views, then skips unchanged inputs', async () => {
    const input = inputFolder(0);
    const out = tmp('out');
    const opts = { ...DEFAULT_BATCH, inputs: [input], outDir: out, progress: 'none' as const, inProcess: true };
    const first = await runBatch(opts);
    const n = readdirSync(input).length;
    expect(first).toMatchObject({ total: n, done: n, failed: 0, skipped: 0 });
    const docs = lines(path.join(out, 'documents.jsonl')).map((l) => JSON.parse(l));
    expect(docs).toHaveLength(n);
    const indicators = lines(path.join(out, 'indicators.csv'));
    const expected = docs.reduce((s, d) => s + d.projects.reduce((k: number, p: { indicators: unknown[] }) => k + p.indicators.length, 0) + d.part_one.dept_indicators.length, 0);
    expect(indicators.length - 1).toBe(expected);
    // The contract's columns first, in its order; keys and provenance after them (no name that SQL would need quoted).
    expect(indicators[0]).toBe('doc_id,project_code,project_name,level1,level2,level3,description,value_raw,symbol,number,unit,value_text,basis,scope,department,year,project_seq,indicator_seq,page,page_end,table_index,row_index,line,confidence,corrected');

    const again = await runBatch(opts);
    expect(again).toMatchObject({ total: n, done: 0, skipped: n, failed: 0 });
    expect(lines(path.join(out, 'documents.jsonl'))).toHaveLength(n);

    // A changed input is redone; its old document leaves the outputs.
    const txt = readdirSync(input).find((f) => f.endsWith('.txt'))!;
    appendFileSync(path.join(input, txt), '\n');
    const third = await runBatch(opts);
    expect(third).toMatchObject({ done: 1, skipped: n - 1 });
    const ids = lines(path.join(out, 'documents.jsonl')).map((l) => JSON.parse(l).doc_id);
    expect(new Set(ids).size).toBe(n);
    expect(readdirSync(path.join(out, 'docs'))).toHaveLength(n);
  });

  it('adds a UTF-8 BOM to CSV files when asked', async () => {
    const out = tmp('bom');
    await runBatch({ ...DEFAULT_BATCH, inputs: [path.join(SAMPLES, 'laoting-park-2023.docx')], outDir: out, progress: 'none', inProcess: true, bom: true });
    expect(readFileSync(path.join(out, 'projects.csv')).subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
  });

  it('survives being killed half-way: the re-run accounts for every input exactly once', async () => {
    const input = inputFolder(24);
    const out = tmp('kill');
    const total = readdirSync(input).length;
    const child = spawn(process.execPath, [CLI, 'extract', input, '--out', out, '--concurrency', '1', '--progress', 'none'], { stdio: 'ignore' });
    // Kill once a few files are done.
    const manifest = path.join(out, 'manifest.jsonl');
    await new Promise<void>((resolve, reject) => {
      const t0 = Date.now();
      const timer = setInterval(() => {
        const done = existsSync(manifest) ? lines(manifest).length : 0;
        if (done >= 3 || Date.now() - t0 > 600_000) {
          clearInterval(timer);
          child.kill('SIGKILL');
          done >= 3 ? resolve() : reject(new Error('no progress before the kill'));
        }
      }, 20);
    });
    await new Promise((r) => child.on('close', r));
    const before = lines(manifest).length;
    expect(before).toBeLessThan(total);

    const rerun = await runCli(['extract', input, '--out', out, '--progress', 'none']);
    expect(rerun.code).toBe(0);
    const entries = lines(manifest).map((l) => JSON.parse(l));
    expect(entries).toHaveLength(total);
    expect(new Set(entries.map((e) => e.path)).size).toBe(total);
    expect(entries.every((e) => e.status === 'done')).toBe(true);
    expect(rerun.stderr).toMatch(new RegExp(`${total} input\\(s\\): ${total - before} done, ${before} skipped, 0 failed`));
    const ids = lines(path.join(out, 'documents.jsonl')).map((l) => JSON.parse(l).doc_id);
    expect(ids).toHaveLength(new Set(ids).size);
    expect(new Set(ids).size).toBe(new Set(entries.map((e) => e.doc_id)).size);
    expect(readdirSync(out).filter((f) => f.includes('.tmp-'))).toEqual([]);
    expect(readdirSync(path.join(out, 'docs')).filter((f) => f.includes('.tmp-'))).toEqual([]);
  });

  it('a series of kill -9s at random moments ends byte-identical to a clean run', async () => {
    // A mixed batch (PDF, DOCX, text dumps, copies): the samples plus unique copies.
    const input = inputFolder(10);
    const clean = tmp('clean');
    expect((await runCli(['extract', input, '--out', clean, '--progress', 'none', '-f', 'jsonl,csv'])).code).toBe(0);
    const out = tmp('killed');
    // Fixed seed: the same moments on every run of the test.
    let seed = 20261123;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32);
    for (let round = 0; round < 4; round++) {
      const child = spawn(process.execPath, [CLI, 'extract', input, '--out', out, '--concurrency', '2', '--progress', 'none', '-f', 'jsonl,csv'], { stdio: 'ignore' });
      await new Promise((r) => setTimeout(r, 300 + rnd() * 1500));
      child.kill('SIGKILL');
      await new Promise((r) => child.on('close', r));
    }
    expect((await runCli(['extract', input, '--out', out, '--progress', 'none', '-f', 'jsonl,csv'])).code).toBe(0);
    const files = (dir: string) => [
      ...['documents.jsonl', 'projects.csv', 'indicators.csv', 'documents.csv', 'sub_goals.csv', 'safeguards.csv', 'warnings.csv'].map((f) => path.join(dir, f)),
      ...readdirSync(path.join(dir, 'docs')).sort().map((f) => path.join(dir, 'docs', f)),
    ];
    expect(files(out).map((f) => path.relative(out, f))).toEqual(files(clean).map((f) => path.relative(clean, f)));
    for (const [a, b] of files(clean).map((f, i) => [f, files(out)[i]!] as const)) expect(readFileSync(b).equals(readFileSync(a)), path.relative(clean, a)).toBe(true);
    expect(readdirSync(out).filter((f) => f.includes('.tmp-'))).toEqual([]);
  });

  it('refuses an output folder another live run holds, and takes over a dead run\'s lock', async () => {
    const out = tmp('lock');
    // A live holder: a process keeping the lock fresh, as a running jixiao does, until it is killed.
    const holder = spawn(process.execPath, ['-e', `require('proper-lockfile').lockSync(${JSON.stringify(out)}, { lockfilePath: ${JSON.stringify(path.join(out, '.jixiao.lock'))}, realpath: false, stale: 5000, update: 1000 }); setInterval(() => {}, 1 << 30)`], { stdio: 'ignore', cwd: ROOT });
    try {
      await new Promise<void>((resolve) => {
        const t = setInterval(() => existsSync(path.join(out, '.jixiao.lock')) && (clearInterval(t), resolve()), 20);
      });
      const busy = await runCli(['extract', path.join(SAMPLES, 'laoting-park-2023.txt'), '--out', out, '--progress', 'none']);
      expect(busy.code).toBe(2);
      expect(busy.stderr).toContain('is in use by another jixiao run; if no run is alive, wait 5 s');
    } finally {
      // Killed: its lock stops being refreshed, goes stale, and the next run takes it over.
      holder.kill('SIGKILL');
    }
    await new Promise((r) => holder.on('close', r));
    const after = await runCli(['extract', path.join(SAMPLES, 'laoting-park-2023.txt'), '--out', out, '--progress', 'none']);
    expect(after.code).toBe(0);
    expect(existsSync(path.join(out, '.jixiao.lock'))).toBe(false);
  });

  it('two runs started together on a folder with a stale lock never both run', async () => {
    for (let round = 0; round < 3; round++) {
      const out = tmp('race');
      // A killed run's lock: present, and not refreshed for a minute.
      const { mkdirSync, utimesSync } = await import('node:fs');
      mkdirSync(path.join(out, '.jixiao.lock'));
      const old = new Date(Date.now() - 60_000);
      utimesSync(path.join(out, '.jixiao.lock'), old, old);
      const a = inputFolder(4);
      const b = inputFolder(5);
      const [ra, rb] = await Promise.all([
        runCli(['extract', a, '--out', out, '--progress', 'none', '-j', '1']),
        runCli(['extract', b, '--out', out, '--progress', 'none', '-j', '1']),
      ]);
      // Each run either ran alone or was turned away; what ran is in the outputs, whole.
      for (const r of [ra, rb]) expect([0, 2]).toContain(r.code);
      expect([ra.code, rb.code]).toContain(0);
      for (const r of [ra, rb]) if (r.code === 2) expect(r.stderr).toContain('in use by another jixiao run');
      const entries = lines(path.join(out, 'manifest.jsonl')).map((l) => JSON.parse(l));
      const expected = (ra.code === 0 ? readdirSync(a).length : 0) + (rb.code === 0 ? readdirSync(b).length : 0);
      expect(entries.filter((e) => e.status === 'done')).toHaveLength(expected);
      const docs = new Set(readdirSync(path.join(out, 'docs')));
      for (const e of entries) expect(docs.has(path.basename(e.output))).toBe(true);
      expect(lines(path.join(out, 'documents.jsonl'))).toHaveLength(new Set(entries.map((e) => e.doc_id)).size);
    }
  });

  it('writes only into a folder it owns: a folder of other files is refused, untouched', async () => {
    const out = tmp('foreign');
    mkdirSync(path.join(out, 'docs'));
    writeFileSync(path.join(out, 'docs', 'notes.json'), '{"mine":true}');
    writeFileSync(path.join(out, 'projects.csv'), 'my,own,data\n');
    const r = await runCli(['extract', path.join(SAMPLES, 'laoting-park-2023.txt'), '--out', out, '--progress', 'none']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('holds files jixiao did not write');
    expect(readFileSync(path.join(out, 'projects.csv'), 'utf8')).toBe('my,own,data\n');
    expect(readFileSync(path.join(out, 'docs', 'notes.json'), 'utf8')).toBe('{"mine":true}');
    // Another tool's folder with files named as jixiao names its own (manifest.jsonl among them) is not jixiao's.
    const other = tmp('other-tool');
    mkdirSync(path.join(other, 'docs'));
    const theirs: Record<string, string> = {
      'manifest.jsonl': '{"path":"/data/a.pdf","sha256":"00","status":"done"}\n',
      'projects.csv': 'their,own,table\n',
      'docs/report.json': '{"theirs":true}',
    };
    for (const [f, text] of Object.entries(theirs)) writeFileSync(path.join(other, f), text);
    const refused = await runCli(['extract', path.join(SAMPLES, 'laoting-park-2023.txt'), '--out', other, '--progress', 'none']);
    expect(refused.code).toBe(2);
    expect(refused.stderr.trim().split('\n')).toHaveLength(1);
    expect(refused.stderr).toContain('holds files jixiao did not write');
    for (const [f, text] of Object.entries(theirs)) expect(readFileSync(path.join(other, f), 'utf8'), f).toBe(text);
    expect(readdirSync(other).sort()).toEqual(['docs', 'manifest.jsonl', 'projects.csv']);
    // In its own folder jixiao deletes only what it wrote: a file someone put in docs/ stays.
    const own = tmp('own');
    expect((await runCli(['extract', path.join(SAMPLES, 'laoting-park-2023.txt'), '--out', own, '--progress', 'none'])).code).toBe(0);
    writeFileSync(path.join(own, 'docs', 'notes.json'), '{"mine":true}');
    expect((await runCli(['extract', path.join(SAMPLES, 'laoting-park-2023.docx'), '--out', own, '--progress', 'none'])).code).toBe(0);
    expect(readFileSync(path.join(own, 'docs', 'notes.json'), 'utf8')).toBe('{"mine":true}');
    // Inputs inside the output folder are reported, never dropped in silence.
    const inside = tmp('inside');
    copyFileSync(path.join(SAMPLES, 'laoting-park-2023.txt'), path.join(inside, 'a.txt'));
    expect((await runCli(['extract', inside, '--out', path.join(inside, 'out'), '--progress', 'none'])).code).toBe(0);
    copyFileSync(path.join(SAMPLES, 'laoting-park-2023.txt'), path.join(inside, 'out', 'stray.txt'));
    const again = await runCli(['extract', inside, '--out', path.join(inside, 'out'), '--progress', 'none']);
    expect(again.code).toBe(1);
    const errors = lines(path.join(inside, 'out', 'errors.jsonl')).map((l) => JSON.parse(l));
    expect(errors.map((e) => [path.basename(e.path), e.kind])).toEqual([['stray.txt', 'in-output-folder']]);
  });

  it('stops cleanly on SIGTERM: the lock released, the outputs whole, a re-run resumes', async () => {
    const input = inputFolder(24);
    const total = readdirSync(input).length;
    const { code, stderr, out } = await stopWith(input, ['SIGTERM']);
    const manifest = path.join(out, 'manifest.jsonl');
    expect(code).toBe(143);
    expect(stderr).toMatch(/stopped by SIGTERM with \d+ input\(s\) not reached; run the same command again to resume/);
    expect(existsSync(path.join(out, '.jixiao.lock'))).toBe(false);
    const done = lines(manifest).length;
    expect(done).toBeLessThan(total);
    expect(lines(path.join(out, 'documents.jsonl'))).toHaveLength(new Set(lines(manifest).map((l) => JSON.parse(l).doc_id)).size);
    const rerun = await runCli(['extract', input, '--out', out, '--progress', 'none']);
    expect(rerun.code).toBe(0);
    expect(lines(manifest)).toHaveLength(total);
  });

  it('stops the same way on SIGHUP and on one SIGINT; a second SIGINT exits at once', async () => {
    const input = inputFolder(24);
    const hup = await stopWith(input, ['SIGHUP']);
    expect(hup.code).toBe(129);
    expect(hup.stderr).toMatch(/stopped by SIGHUP with \d+ input\(s\) not reached; run the same command again to resume/);
    expect(existsSync(path.join(hup.out, '.jixiao.lock'))).toBe(false);
    const twice = await stopWith(input, ['SIGINT', 'SIGINT']);
    expect(twice.code).toBe(130);
    expect(twice.stderr).not.toMatch(/run the same command again/); // did not wait to finish
    // Even so, what it wrote is a folder the next run resumes from.
    const rerun = await runCli(['extract', input, '--out', twice.out, '--progress', 'none']);
    expect(rerun.code).toBe(0);
    expect(lines(path.join(twice.out, 'manifest.jsonl'))).toHaveLength(readdirSync(input).length);
  });

  it('an output folder it may not write is one line naming it, exit 2, no input blamed', async () => {
    // As root every folder is writable: the run is made as user nobody on a folder of root's.
    const asRoot = process.getuid?.() === 0;
    const base = mkdtempSync(path.join('/tmp', 'jixiao-perm-'));
    try {
      chmodSync(base, 0o755);
      const out = path.join(base, 'out');
      mkdirSync(out, { mode: 0o755 });
      if (!asRoot) chmodSync(out, 0o555);
      const r = spawnSync(process.execPath, [CLI, 'extract', SAMPLES, '--out', out, '--progress', 'none'], {
        encoding: 'utf8',
        timeout: 1_200_000,
        env: { ...process.env, TMPDIR: '/tmp' },
        ...(asRoot ? { uid: 65534, gid: 65534 } : {}),
      });
      expect(r.status).toBe(2);
      expect(r.stderr.trim().split('\n')).toEqual([expect.stringMatching(new RegExp(`^jixiao: cannot write ${out}.*: permission denied \\(EACCES\\)`))]);
      expect(readdirSync(out)).toEqual([]);
    } finally {
      rmSync(base, { recursive: true, force: true });
    }
  });

  it('waits for its workers to stop, however slowly, before it writes its outputs and exits', async () => {
    // Worker processes that take 3 s to stop when told to (as on a busy machine): the run must
    // neither end before they are gone nor leave its outputs unwritten (it used to exit 0 there).
    const preload = path.join(tmp('slow-stop'), 'slow-stop.cjs');
    writeFileSync(preload, "if (process.env.TINYPOOL_WORKER_ID) process.on('SIGTERM', () => { Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 3000); process.exit(0); });\n");
    const env = { ...process.env, NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --require ${preload}` };
    const out = tmp('slow-stop-out');
    const good = await runCli(['extract', path.join(SAMPLES, 'laoting-park-2023.txt'), '--out', out, '-q'], env);
    expect(good.code).toBe(0);
    expect(lines(path.join(out, 'documents.jsonl'))).toHaveLength(1);
    const bad = path.join(tmp('slow-stop-bad'), 'bad.pdf');
    writeFileSync(bad, '%PDF-1.4 nothing else');
    const failed = await runCli(['extract', bad, '--out', tmp('slow-stop-out2'), '-q'], env);
    expect(failed.code).toBe(1);
  });

  it('reports a missing input and exits 1; no input at all exits 2', async () => {
    const out = tmp('missing');
    const r = await runCli(['extract', path.join(SAMPLES, 'laoting-park-2023.txt'), '/no/such/file.pdf', '--out', out, '-q']);
    expect(r.code).toBe(1);
    // Failed like any other input: said, and recorded in errors.jsonl with its kind.
    expect(r.stderr).toContain('failed: /no/such/file.pdf: no such file or folder');
    expect(JSON.parse(readFileSync(path.join(out, 'errors.jsonl'), 'utf8'))).toMatchObject({ path: '/no/such/file.pdf', kind: 'missing' });
    const none = await runCli(['extract', tmp('empty'), '--out', out, '--progress', 'none']);
    expect(none.code).toBe(2);
  });
});

describe('library options', () => {
  it("a library caller's batch and extractor options hold none of the run's own switches", async () => {
    // Checked against the shipped declarations: each @ts-expect-error must meet its error.
    const dir = tmp('types');
    const file = path.join(dir, 'use.ts');
    const index = JSON.stringify(path.join(ROOT, 'dist', 'src', 'index.js'));
    writeFileSync(
      file,
      `import { type BatchOptions, type ExtractOptions, extractBatch, extractBytes } from ${index};
const extract: ExtractOptions = { maxPages: 10, maxBytes: 1000, maxCells: 100, ocr: 'off' };
export const ok = () => extractBatch(['in'], { outDir: 'out', concurrency: 2, extract, onProgress: (p) => p.done });
// @ts-expect-error the run's own switch
export const a = () => extractBatch(['in'], { outDir: 'out', inProcess: true });
// @ts-expect-error the command line's own switch
export const b = () => extractBatch(['in'], { outDir: 'out', handleSignals: true });
// @ts-expect-error the name the batch gives each file's work
export const c = () => extractBytes(new Uint8Array(), 'x', { task: 'abc' });
// @ts-expect-error the same, inside a batch's extractor options
export const d = () => extractBatch(['in'], { outDir: 'out', extract: { ...extract, task: 'abc' } });
// @ts-expect-error not a key of the public options
export const e: keyof BatchOptions = 'inProcess';
`,
    );
    const check = await typeCheck(file, dir);
    expect(check.output).toBe('');
    expect(check.status).toBe(0);
  });
});
