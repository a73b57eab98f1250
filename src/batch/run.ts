/**
 * Batch conversion: many inputs → one output folder, in parallel, resumable, observable.
 *
 * - p-queue bounds how many files are in flight; the parsing runs in a tinypool of worker
 *   threads (one per core by default), each file with a time limit and a memory limit.
 * - The manifest records every finished input (sha256, status, output); a re-run skips inputs
 *   already done with the same bytes by the same extractor version and redoes changed ones.
 * - Per-document JSON is written atomically as each file finishes; documents.jsonl, the CSV
 *   views and errors.jsonl are rebuilt from the manifest at the end (temporary file + rename),
 *   so no row is ever duplicated or half-written, even after a killed run.
 * - Every input ends as exactly one of done, failed or skipped.
 */
import { mkdir, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import PQueue from 'p-queue';
import Tinypool from 'tinypool';
import { DEFAULT_EXTRACT_OPTIONS, type ExtractOptions, sha256 } from '../extract.js';
import { OUTPUT_KINDS, type OutputKind, outputFiles, writeAggregates } from '../writers/aggregate.js';
import { writeFileAtomic } from '../writers/atomic.js';
import { VERSION } from '../version.js';
import { discoverInputs } from './inputs.js';
import { Manifest, type ManifestEntry } from './manifest.js';
import { type Counts, type ProgressMode, createProgress } from './progress.js';
import { type TaskResult, extractOne } from './worker.js';

export interface BatchOptions {
  inputs: string[];
  outDir: string;
  formats: ReadonlySet<OutputKind>;
  bom: boolean;
  /** Escape CSV cells a spreadsheet would run as formulas (aggregate.ts). */
  escapeFormulas: boolean;
  /** Files in flight and worker threads; default: the machine's cores. */
  concurrency: number;
  /** Per-file time limit. */
  timeoutMs: number;
  /** Per-worker heap limit, in MB. */
  memoryMb: number;
  /** Redo every input even when the manifest says it is done. */
  force: boolean;
  progress: ProgressMode;
  extract: ExtractOptions;
  /** Run in this thread instead of worker threads (tests, debugging). */
  inProcess: boolean;
}

export interface BatchSummary {
  total: number;
  done: number;
  skipped: number;
  failed: number;
  pages: number;
  elapsedMs: number;
  /** Arguments that matched no file. */
  missing: string[];
}

export const DEFAULT_BATCH: Omit<BatchOptions, 'inputs' | 'outDir'> = {
  formats: new Set<OutputKind>(['jsonl', 'csv']),
  bom: false,
  escapeFormulas: true,
  concurrency: availableParallelism(),
  timeoutMs: 120_000,
  memoryMb: 2048,
  force: false,
  progress: 'auto',
  extract: DEFAULT_EXTRACT_OPTIONS,
  inProcess: false,
};

function workerFile(): string {
  const here = fileURLToPath(import.meta.url);
  return path.join(path.dirname(here), `worker${path.extname(here)}`);
}

const DOCS_DIR = 'docs';

export async function runBatch(opts: BatchOptions): Promise<BatchSummary> {
  const started = Date.now();
  const outDir = path.resolve(opts.outDir);
  await mkdir(path.join(outDir, DOCS_DIR), { recursive: true });
  const release = await lockOutput(outDir);
  try {
    return await runLocked(opts, outDir, started);
  } finally {
    await release();
  }
}

/** One run at a time per output folder: a second one would interleave the manifest. */
async function lockOutput(outDir: string): Promise<() => Promise<void>> {
  const lock = path.join(outDir, '.jixiao.lock');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      await writeFile(lock, String(process.pid), { flag: 'wx' });
      return () => rm(lock, { force: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const pid = Number(await readFile(lock, 'utf8').catch(() => ''));
      if (pid && pid !== process.pid && alive(pid)) {
        throw new Error(`output folder ${outDir} is in use by another jixiao run (pid ${pid})`);
      }
      await rm(lock, { force: true }); // left by a run that was killed
    }
  }
  throw new Error(`cannot lock output folder ${outDir}`);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function runLocked(opts: BatchOptions, outDir: string, started: number): Promise<BatchSummary> {
  await removeStaleTemps(outDir);
  const manifest = await Manifest.open(path.join(outDir, 'manifest.jsonl'));
  const { files, missing } = await discoverInputs(opts.inputs, [outDir]);
  const progress = createProgress(opts.progress);
  for (const m of missing) process.stderr.write(`[jixiao] no such file or folder: ${m}\n`);
  const counts: Counts = { done: 0, skipped: 0, failed: 0, pages: 0 };
  const concurrency = Math.max(1, opts.concurrency);

  // Worker threads run compiled JavaScript; from TypeScript sources (tsx, vitest) parse in this thread.
  const inProcess = opts.inProcess || workerFile().endsWith('.ts');
  const pool = inProcess
    ? null
    : new Tinypool({
        filename: workerFile(),
        // Keep every worker alive for the whole run: a new worker re-imports pdf.js and mammoth.
        minThreads: concurrency,
        maxThreads: concurrency,
        idleTimeout: 60_000,
        // A larger young generation: mammoth and pdf.js allocate many short-lived objects.
        resourceLimits: { maxOldGenerationSizeMb: opts.memoryMb, maxYoungGenerationSizeMb: 64 },
      });
  // A worker that dies is reported through its task; the pool's own error event must not end the run.
  pool?.on('error', () => {});
  // Twice as many files in flight as workers, so a worker never waits on the main thread's I/O.
  const queue = new PQueue({ concurrency: inProcess ? concurrency : concurrency * 2 });
  progress.start(files.length);

  const finish = async (entry: ManifestEntry) => {
    await manifest.record(entry);
    if (entry.status === 'done') {
      counts.done++;
      counts.pages += entry.pages ?? 0;
    } else {
      counts.failed++;
      progress.log(`[jixiao] failed: ${entry.path}: ${entry.error?.reason}`);
    }
    progress.update(counts);
  };

  const one = async (file: string) => {
    const t0 = Date.now();
    const base: Omit<ManifestEntry, 'status' | 'sha256' | 'error' | 'ms'> = {
      path: file, version: VERSION, doc_id: null, output: null, pages: null, warnings: 0, at: '',
    };
    const fail = (sha: string, kind: string, reason: string) =>
      finish({ ...base, sha256: sha, status: 'failed', error: { kind, reason }, ms: Date.now() - t0, at: new Date().toISOString() });
    let bytes: Buffer;
    try {
      const st = await stat(file);
      if (st.size > opts.extract.maxBytes) return fail('', 'too-large', `file too large: ${st.size} bytes (limit ${opts.extract.maxBytes})`);
      bytes = await readFile(file);
    } catch (err) {
      return fail('', 'unreadable', `cannot read file: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
    }
    const hash = sha256(bytes);
    const prev = manifest.get(file);
    if (!opts.force && prev?.status === 'done' && prev.sha256 === hash && prev.version === VERSION && prev.output) {
      const exists = await stat(path.join(outDir, prev.output)).then(() => true, () => false);
      if (exists) {
        counts.skipped++;
        progress.update(counts);
        return;
      }
    }
    const result = await extractIn(pool, file, bytes, opts);
    if (!result.ok) return fail(hash, result.kind, result.reason);
    const rel = path.join(DOCS_DIR, `${result.record.doc_id}.json`);
    await writeFileAtomic(path.join(outDir, rel), `${JSON.stringify(result.record, null, 2)}\n`);
    await finish({
      ...base,
      sha256: hash,
      status: 'done',
      doc_id: result.record.doc_id,
      output: rel,
      pages: result.record.source.pages,
      warnings: result.record.warnings.length,
      error: null,
      ms: Date.now() - t0,
      at: new Date().toISOString(),
    });
  };

  try {
    await Promise.all(files.map((f) => queue.add(() => one(f))));
  } finally {
    await pool?.destroy();
    progress.stop();
  }
  await writeOutputs(outDir, manifest, opts);
  return { total: files.length, ...counts, elapsedMs: Date.now() - started, missing };
}

/** Temporary files a killed run left behind are never outputs: remove them. */
async function removeStaleTemps(outDir: string): Promise<void> {
  for (const dir of [outDir, path.join(outDir, DOCS_DIR)]) {
    for (const f of await readdir(dir)) if (/\.tmp-\d+-\d+-\d+$/.test(f)) await rm(path.join(dir, f), { force: true });
  }
}

async function extractIn(pool: Tinypool | null, file: string, bytes: Buffer, opts: BatchOptions): Promise<TaskResult> {
  if (!pool) return withTimeout(extractOne(bytes, file, opts.extract), opts.timeoutMs);
  // Hand the bytes to the worker without a copy.
  const own = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength ? bytes : Buffer.from(bytes);
  const data = new Uint8Array(own.buffer, own.byteOffset, own.byteLength);
  try {
    return (await pool.run(
      { path: file, bytes: data, options: opts.extract },
      { transferList: [data.buffer as ArrayBuffer], signal: AbortSignal.timeout(opts.timeoutMs) },
    )) as TaskResult;
  } catch (err) {
    const e = err as Error & { code?: string };
    if (e.name === 'AbortError' || e.name === 'TimeoutError' || /abort/i.test(e.message)) {
      return { ok: false, kind: 'timeout', reason: `took longer than ${Math.round(opts.timeoutMs / 1000)}s (per-file time limit)` };
    }
    if (e.code === 'ERR_WORKER_OUT_OF_MEMORY' || /memory/i.test(e.message)) {
      return { ok: false, kind: 'resource-limit', reason: `ran out of memory (limit ${opts.memoryMb} MB per worker)` };
    }
    return { ok: false, kind: 'internal', reason: `worker failed: ${e.message}` };
  }
}

function withTimeout(p: Promise<TaskResult>, ms: number): Promise<TaskResult> {
  return new Promise((resolve) => {
    const t = setTimeout(() => resolve({ ok: false, kind: 'timeout', reason: `took longer than ${Math.round(ms / 1000)}s (per-file time limit)` }), ms);
    p.then((r) => {
      clearTimeout(t);
      resolve(r);
    });
  });
}

/** Rebuilds the collection outputs, errors.jsonl and the compacted manifest. */
async function writeOutputs(outDir: string, manifest: Manifest, opts: BatchOptions): Promise<void> {
  const entries = [...manifest.entries.values()].sort((a, b) => a.path.localeCompare(b.path));
  const seen = new Set<string>();
  const docFiles: string[] = [];
  for (const e of entries) {
    if (e.status !== 'done' || !e.doc_id || !e.output || seen.has(e.doc_id)) continue;
    seen.add(e.doc_id);
    docFiles.push(path.join(outDir, e.output));
  }
  await writeAggregates(outDir, docFiles, { formats: opts.formats, bom: opts.bom, escapeFormulas: opts.escapeFormulas });
  // A collection format not asked for this time is not left behind stale.
  for (const kind of OUTPUT_KINDS.filter((k) => !opts.formats.has(k))) {
    for (const f of outputFiles(kind)) await rm(path.join(outDir, f), { force: true });
  }
  const failures = entries.filter((e) => e.status === 'failed');
  await writeFileAtomic(
    path.join(outDir, 'errors.jsonl'),
    failures.map((e) => `${JSON.stringify({ path: e.path, sha256: e.sha256 || null, kind: e.error?.kind, reason: e.error?.reason, ms: e.ms, at: e.at })}\n`).join(''),
  );
  // Per-document JSON that no input refers to any more (its file changed) is removed.
  const keep = new Set(docFiles.map((f) => path.basename(f)));
  for (const f of await readdir(path.join(outDir, DOCS_DIR))) {
    if (f.endsWith('.json') && !keep.has(f)) await rm(path.join(outDir, DOCS_DIR, f), { force: true });
  }
  await manifest.compact();
}
