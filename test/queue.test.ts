/**
 * The cluster mode against a real redis-server started here on a free 127.0.0.1 port (with
 * persistence on): worker processes take the corpus batch, one is SIGKILLed mid-file, Redis is
 * restarted mid-run, and a poisoned input fails after its attempts — every input ends exactly
 * once, and the outputs are byte-identical to a local run's. Skipped, saying so, only where no
 * redis-server is installed (.ci/run installs it).
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync, cpSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CORPUS, ROOT, requireShared } from './helpers.js';

const REDIS = ['/usr/bin/redis-server', '/usr/local/bin/redis-server'].find((p) => existsSync(p));
if (!REDIS) console.warn('[queue.test] no redis-server installed (apt-get install redis-server): the cluster tests are skipped');

const CLI = path.join(ROOT, 'dist/src/cli.js');
let port = 0;
let redisDir = '';
let redis: ChildProcess | null = null;
const workers: ChildProcess[] = [];

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const p = (s.address() as { port: number }).port;
      s.close(() => resolve(p));
    });
  });
}

async function startRedis(): Promise<void> {
  redis = spawn(REDIS!, ['--port', String(port), '--bind', '127.0.0.1', '--dir', redisDir, '--appendonly', 'yes', '--save', ''], { stdio: 'ignore' });
  for (let i = 0; i < 100; i++) {
    if (spawnSync('redis-cli', ['-p', String(port), 'ping'], { encoding: 'utf8' }).stdout?.trim() === 'PONG') return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('redis-server did not start');
}

async function stopRedis(): Promise<void> {
  if (!redis) return;
  const r = redis;
  redis = null;
  await new Promise<void>((resolve) => {
    r.once('exit', () => resolve());
    r.kill('SIGTERM');
  });
}

const url = (db: number) => `redis://127.0.0.1:${port}/${db}`;

function worker(db: number, env: NodeJS.ProcessEnv = process.env): ChildProcess & { log: string[] } {
  const w = spawn(process.execPath, [CLI, 'worker', '--queue', url(db), '--stalled-interval', '1'], { stdio: ['ignore', 'ignore', 'pipe'], env }) as ChildProcess & { log: string[] };
  w.log = [];
  w.stderr!.on('data', (d) => w.log.push(...String(d).split('\n').filter(Boolean)));
  workers.push(w);
  return w;
}

/**
 * A folder holding a stand-in `soffice` that runs `convert` (shell) instead of converting, so
 * that a .doc takes as long as the test needs: wall time that a busy machine does not stretch.
 */
function standInSoffice(convert: string): string {
  const bin = mkdtempSync(path.join(tmpdir(), 'jixiao-q-bin-'));
  writeFileSync(path.join(bin, 'soffice'), `#!/bin/sh\n${convert}\n`, { mode: 0o755 });
  return bin;
}

/** A legacy Word file by its OLE2 signature (no stand-in converter can read it). */
const oleDoc = () => Buffer.concat([Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]), Buffer.alloc(4096)]);

const delay = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** `extract --queue --wait` as a child; resolves with its exit code and stderr (`ended` once it has). */
function extractWait(inputs: string[], out: string, db: number, extra: string[] = []): Promise<{ code: number | null; stderr: string }> & { ended: boolean } {
  const run = new Promise<{ code: number | null; stderr: string }>((resolve) => {
    const p = spawn(process.execPath, [CLI, 'extract', ...inputs, '--out', out, '--queue', url(db), '--wait', ...extra], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    p.stderr!.on('data', (d) => (stderr += d));
    p.on('exit', (code) => resolve({ code, stderr }));
  }) as Promise<{ code: number | null; stderr: string }> & { ended: boolean };
  run.ended = false;
  void run.then(() => (run.ended = true));
  return run;
}

async function until(cond: () => boolean | Promise<boolean>, ms = 600_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 100));
  }
}

const activeJobs = (db: number) => Number(spawnSync('redis-cli', ['-p', String(port), '-n', String(db), 'LLEN', 'bull:jixiao:active'], { encoding: 'utf8' }).stdout.trim() || 0);

/** A batch: the corpus in all formats, and copies so that the run lasts. */
function batch(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'jixiao-q-in-'));
  cpSync(CORPUS, path.join(dir, 'corpus'), { recursive: true, filter: (f) => !f.endsWith('gold.json') });
  return dir;
}

function localRun(input: string): string {
  const out = mkdtempSync(path.join(tmpdir(), 'jixiao-q-local-'));
  const r = spawnSync(process.execPath, [CLI, 'extract', input, '--out', out, '-q'], { encoding: 'utf8' });
  expect(r.status).toBe(0);
  return out;
}

function sameOutputs(a: string, b: string): void {
  for (const f of ['documents.jsonl', 'documents.csv', 'projects.csv', 'indicators.csv', 'sub_goals.csv', 'safeguards.csv', 'warnings.csv', 'corrections.csv', 'errors.jsonl']) {
    expect(readFileSync(path.join(b, f), 'utf8'), f).toBe(readFileSync(path.join(a, f), 'utf8'));
  }
}

beforeAll(async () => {
  if (!REDIS) return;
  requireShared();
  port = await freePort();
  redisDir = mkdtempSync(path.join(tmpdir(), 'jixiao-redis-'));
  await startRedis();
});

afterAll(async () => {
  for (const w of workers) w.kill('SIGKILL');
  await stopRedis();
});

describe.skipIf(!REDIS)('cluster through Redis and BullMQ', () => {
  it('3 workers, one SIGKILLed mid-file: every input once, byte-identical to a local run', async () => {
    const input = batch();
    const out = mkdtempSync(path.join(tmpdir(), 'jixiao-q-out-'));
    const victim = worker(1);
    const run = extractWait([input], out, 1);
    await until(() => activeJobs(1) > 0 || run.ended);
    victim.kill('SIGKILL');
    worker(1);
    worker(1);
    worker(1);
    const r = await run;
    expect(r.stderr).toMatch(/9 input\(s\): 9 done, 0 skipped, 0 failed/);
    expect(r.code).toBe(0);
    sameOutputs(localRun(input), out);
    // Enqueuing the finished batch again is a no-op: nothing is extracted twice.
    const again = await extractWait([input], out, 1);
    expect(again.code).toBe(0);
    sameOutputs(localRun(input), out);
  });

  it('goes on when Redis restarts mid-run (persistence on)', async () => {
    const input = batch();
    const out = mkdtempSync(path.join(tmpdir(), 'jixiao-q-out2-'));
    worker(2);
    const run = extractWait([input], out, 2);
    await until(() => activeJobs(2) > 0 || run.ended);
    await stopRedis();
    await new Promise((r) => setTimeout(r, 500));
    await startRedis();
    const r = await run;
    expect(r.code).toBe(0);
    sameOutputs(localRun(input), out);
  });

  it('applies corrections.jsonl when the cluster rebuilds the outputs: the same corrected files as a local run', async () => {
    const input = mkdtempSync(path.join(tmpdir(), 'jixiao-q-corr-'));
    for (const f of ['laoting-park-2023.txt', 'chengde-office-2024.txt']) cpSync(path.join(ROOT, 'samples', f), path.join(input, f));
    const local = localRun(input);
    const id = readFileSync(path.join(local, 'documents.jsonl'), 'utf8').split('\n').map((l) => l && JSON.parse(l)).find((d) => d?.source.path === 'laoting-park-2023.txt').doc_id as string;
    const row = JSON.parse(readFileSync(path.join(local, 'docs', `${id}.json`), 'utf8')).projects[0].indicators[0];
    const line = { id: 'q1', doc_id: id, target: { table: 'indicators', project_seq: 1, indicator_seq: 1 }, match: { level3: row.level3 }, op: 'set', field: 'value_raw', before: row.value_raw, after: '≥1200米', by: 'wang', at: '2026-12-02T08:00:00Z', extractor: '0.1.0' };
    writeFileSync(path.join(local, 'corrections.jsonl'), `${JSON.stringify(line)}\n`);
    expect(spawnSync(process.execPath, [CLI, 'extract', input, '--out', local, '-q'], { encoding: 'utf8' }).status).toBe(0);
    expect(readFileSync(path.join(local, 'indicators.csv'), 'utf8')).toContain('≥1200米');
    // The cluster extracts the same inputs into a folder holding the same corrections.
    const out = mkdtempSync(path.join(tmpdir(), 'jixiao-q-out4-'));
    writeFileSync(path.join(out, 'corrections.jsonl'), `${JSON.stringify(line)}\n`);
    worker(5);
    const r = await extractWait([input], out, 5);
    expect(r.code).toBe(0);
    sameOutputs(local, out);
    expect(readFileSync(path.join(out, 'docs', `${id}.json`), 'utf8')).toBe(readFileSync(path.join(local, 'docs', `${id}.json`), 'utf8'));
  });

  it('fails a poisoned input after its attempts, with its reason, and the batch goes on', async () => {
    const input = mkdtempSync(path.join(tmpdir(), 'jixiao-q-poison-'));
    // A .doc whose conversion never ends (a stand-in soffice that hangs): over its limit on
    // every attempt however fast the machine; the good file has ample time.
    writeFileSync(path.join(input, 'stuck.doc'), oleDoc());
    writeFileSync(path.join(input, 'ok.txt'), readFileSync(path.join(CORPUS, 'chengde-office-2024', 'source.txt')));
    const out = mkdtempSync(path.join(tmpdir(), 'jixiao-q-out3-'));
    worker(3, { ...process.env, PATH: `${standInSoffice('sleep 600 & wait')}:${process.env.PATH}` });
    const r = await extractWait([input], out, 3, ['--timeout', '10', '--attempts', '2', '--backoff', '100']);
    expect(r.stderr).toMatch(/2 input\(s\): 1 done, 0 skipped, 1 failed/);
    expect(r.code).toBe(1);
    const errors = readFileSync(path.join(out, 'errors.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ kind: 'timeout', reason: expect.stringContaining('per-file time limit') });
    expect(path.basename(errors[0].path)).toBe('stuck.doc');
    const attempts = spawnSync('redis-cli', ['-p', String(port), '-n', '3', 'HGET', `bull:jixiao:${errors[0].sha256}`, 'atm'], { encoding: 'utf8' }).stdout.trim();
    expect(attempts).toBe('2');
  });

  it('a worker stops on SIGTERM while Redis is away, says so once, and its job goes back to the queue', async () => {
    const input = mkdtempSync(path.join(tmpdir(), 'jixiao-q-stop-'));
    writeFileSync(path.join(input, 'held.doc'), oleDoc());
    const out = mkdtempSync(path.join(tmpdir(), 'jixiao-q-out4-'));
    // The first conversion hangs (the job is in flight when Redis goes away); the next one ends at once.
    const mark = path.join(input, 'started');
    const env = { ...process.env, PATH: `${standInSoffice(`[ -e '${mark}' ] && exit 0\ntouch '${mark}'\nsleep 600 & wait`)}:${process.env.PATH}` };
    const first = worker(4, env);
    const run = extractWait([input], out, 4, ['--timeout', '3600']);
    // The run cannot end before its one file's conversion starts: if it did, say why at once.
    await until(() => existsSync(mark) || run.ended);
    if (!existsSync(mark)) throw new Error(`the run ended before a worker took held.doc: ${(await run).stderr}`);
    await stopRedis();
    // Redis stays away for a while: the worker keeps trying to reconnect meanwhile.
    await delay(4000);
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => first.once('exit', (code, signal) => resolve({ code, signal })));
    first.kill('SIGTERM');
    // A hang guard only: a worker that ignores the signal is still running when it fires.
    const stopped = await Promise.race([exited, delay(120_000).then(() => 'still running')]);
    expect(stopped).toEqual({ code: 0, signal: null });
    expect(first.log.filter((l) => /Redis unreachable/.test(l))).toHaveLength(1);
    expect(first.log.filter((l) => /ECONNREFUSED/.test(l) && !/Redis unreachable/.test(l))).toEqual([]);
    // Redis back: another worker takes the job the stopped one held, and it ends with its own kind.
    await startRedis();
    worker(4, env);
    const r = await run;
    expect(r.code).toBe(1);
    const errors = readFileSync(path.join(out, 'errors.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(errors.map((e) => [path.basename(e.path), e.kind])).toEqual([['held.doc', 'legacy-doc']]);
  });
});
