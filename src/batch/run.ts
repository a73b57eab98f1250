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
import { mkdir, readFile, readdir, rm, stat } from 'node:fs/promises';
import { randomUUID } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { MessageChannel } from 'node:worker_threads';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import PQueue from 'p-queue';
import lockfile from 'proper-lockfile';
import Tinypool from 'tinypool';
import type { ExtractOptions } from '../extract.js';
import { DEFAULT_EXTRACT_OPTIONS } from '../options.js';
import { sha256 } from '../hash.js';
import { OUTPUT_KINDS, type OutputKind, outputFiles, writeAggregates } from '../writers/aggregate.js';
import { writeFileAtomic } from '../writers/atomic.js';
import { VERSION } from '../version.js';
import { Deadline } from './limits.js';
import { cleanupConversion } from '../loaders/legacy.js';
import { type Input, discoverInputs } from './inputs.js';
import { childPids, rssKb } from '../procmem.js';
import { fsPath, readablePath } from '../fsname.js';
import { Manifest, type ManifestEntry } from './manifest.js';
import { type Counts, type ProgressMode, createProgress } from './progress.js';
import type { TaskResult } from './worker.js';

export interface BatchOptions {
  inputs: string[];
  outDir: string;
  formats: ReadonlySet<OutputKind>;
  bom: boolean;
  /** Escape CSV cells a spreadsheet would run as formulas (aggregate.ts). */
  escapeFormulas: boolean;
  /** Files in flight and worker threads; default: the machine's cores. */
  concurrency: number;
  /** Per-file time limit (for its text work; see ocrPageMs). */
  timeoutMs: number;
  /** Time added to a file's limit for each page it may read by OCR (limits.ts). */
  ocrPageMs: number;
  /** Per-worker heap limit, in MB. */
  memoryMb: number;
  /** Redo every input even when the manifest says it is done. */
  force: boolean;
  progress: ProgressMode;
  extract: ExtractOptions;
  /** Run in this thread instead of worker threads (tests, debugging). */
  inProcess: boolean;
  /** Glob patterns of files left out of folders and patterns. */
  exclude: string[];
  /** Record absolute source paths instead of paths relative to the input named on the command line. */
  absolutePaths: boolean;
  /** Remove the documents of inputs that no longer exist. */
  prune: boolean;
  /** Log every finished file. */
  verbose: boolean;
  /** Try again inputs that failed in an earlier run with the same bytes and extractor version. */
  retryFailed: boolean;
  /**
   * Stop cleanly on SIGINT, SIGTERM and SIGHUP: take no more files, let those in flight end,
   * write the collection files from what is done, release the lock. A second signal exits at
   * once. (The command line sets it; a library caller handles its own signals.)
   */
  handleSignals?: boolean;
  /** Called whenever a file ends (done, skipped or failed): for callers of the library. */
  onProgress?: (p: Counts & { total: number; file: string; status: 'done' | 'skipped' | 'failed' }) => void;
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
  /** Per-document JSON (absolute paths) of this run's inputs that are done, in input order. */
  documents: string[];
  /** The signal that stopped the run early, if one did (the inputs not reached are left for the next run). */
  interrupted?: NodeJS.Signals;
}

export const DEFAULT_BATCH: Omit<BatchOptions, 'inputs' | 'outDir'> = {
  formats: new Set<OutputKind>(['jsonl', 'csv']),
  bom: false,
  escapeFormulas: true,
  concurrency: availableParallelism(),
  timeoutMs: 120_000,
  ocrPageMs: 30_000,
  memoryMb: 2048,
  force: false,
  progress: 'auto',
  extract: DEFAULT_EXTRACT_OPTIONS,
  inProcess: false,
  exclude: [],
  absolutePaths: false,
  prune: false,
  verbose: false,
  retryFailed: false,
};

function workerFile(): string {
  const here = fileURLToPath(import.meta.url);
  return path.join(path.dirname(here), `worker${path.extname(here)}`);
}

const DOCS_DIR = 'docs';

export async function runBatch(opts: BatchOptions): Promise<BatchSummary> {
  const started = Date.now();
  const outDir = path.resolve(opts.outDir);
  await claimOutput(outDir);
  const release = await lockOutput(outDir);
  try {
    return await runLocked(opts, outDir, started);
  } finally {
    await release();
  }
}

/** Errors of the output's file system: the run cannot go on, and no input is to blame. */
const OUTPUT_FAULTS = new Set(['ENOSPC', 'EDQUOT', 'EROFS', 'EACCES', 'EPERM', 'EIO', 'ENOTDIR']);

const FAULT_WORDS: Record<string, string> = {
  ENOSPC: 'the disk is full',
  EDQUOT: 'the disk quota is used up',
  EROFS: 'the file system is read-only',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EIO: 'input/output error',
  ENOTDIR: 'a path component is not a folder',
};

/** One clear line for a fault of the output (naming the path), or the error as it was. */
function asOutputFault(err: unknown): Error {
  const e = err as NodeJS.ErrnoException;
  if (!e?.code || !OUTPUT_FAULTS.has(e.code)) return e instanceof Error ? e : new Error(String(err));
  const where = e.path ? readablePath(String(e.path).replace(/\.tmp-\d+-\d+-\d+$/, '')) : 'the output folder';
  return new Error(`cannot write ${where}: ${FAULT_WORDS[e.code]} (${e.code}); free space or fix the folder, then run the same command again`);
}

/** The mark jixiao leaves in every output folder it writes. */
export const OUTPUT_MARK = '.jixiao';

/**
 * Makes sure `outDir` is a folder jixiao may write: new, empty (hidden files aside), or one it
 * wrote before (its mark or its manifest is there). jixiao only ever replaces or deletes what it
 * wrote, so a folder holding other files is refused with a clear message.
 */
export async function claimOutput(outDir: string): Promise<void> {
  const st = await stat(outDir).catch(() => null);
  if (st && !st.isDirectory()) throw new Error(`--out ${readablePath(outDir)} is a file, not a folder`);
  if (st) {
    const names = await readdir(outDir);
    const ours = names.includes(OUTPUT_MARK) || names.includes('manifest.jsonl');
    const foreign = names.filter((n) => !n.startsWith('.'));
    if (!ours && foreign.length > 0) {
      throw new Error(
        `output folder ${readablePath(outDir)} holds files jixiao did not write (${foreign.slice(0, 3).map(readablePath).join(', ')}${foreign.length > 3 ? ', …' : ''}); choose an empty or new folder, or one jixiao wrote before`,
      );
    }
  }
  try {
    // The mark first: another run looking at the folder meanwhile must see it as jixiao's.
    await mkdir(outDir, { recursive: true });
    await writeFileAtomic(path.join(outDir, OUTPUT_MARK), 'This folder is written by jixiao: it replaces and deletes only the files it wrote here.\n');
    await mkdir(path.join(outDir, DOCS_DIR), { recursive: true });
  } catch (err) {
    throw asOutputFault(err);
  }
}

/** A lock not refreshed for this long belongs to a run that died (its heartbeat stopped). */
const LOCK_STALE_MS = 5000;

/**
 * One run at a time per output folder: a second one would interleave the manifest. The lock is
 * proper-lockfile's (an atomic mkdir of `.jixiao.lock`, refreshed every second while the run
 * lives): a lock whose refresh stopped for 5 s is a dead run's and is taken over, atomically,
 * by exactly one of the runs that find it; a lock still being refreshed stops the next run.
 */
export async function lockOutput(outDir: string): Promise<() => Promise<void>> {
  const lockfilePath = path.join(outDir, '.jixiao.lock');
  const options = { lockfilePath, realpath: false, stale: LOCK_STALE_MS, update: 1000 };
  if (await lockfile.check(outDir, options).catch(() => false)) {
    // A fresh lock: a live run refreshes it every second; a run killed a moment ago does not.
    const mtime = () => stat(lockfilePath).then((s) => s.mtimeMs, () => 0);
    const before = await mtime();
    await new Promise((r) => setTimeout(r, 2500));
    if ((await mtime()) !== before) throw lockedError(outDir, lockfilePath);
  }
  try {
    // A stale lock (a killed run's) is taken over; wait for it to go stale if it is about to.
    return await lockfile.lock(outDir, { ...options, retries: { retries: 12, minTimeout: 250, maxTimeout: 1000, factor: 1.5 } });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ELOCKED') throw lockedError(outDir, lockfilePath);
    throw asOutputFault(err);
  }
}

function lockedError(outDir: string, lock: string): Error {
  return new Error(
    `output folder ${readablePath(outDir)} is in use by another jixiao run; if no run is alive, wait ${LOCK_STALE_MS / 1000} s (its lock goes stale) or remove ${readablePath(lock)}`,
  );
}

async function runLocked(opts: BatchOptions, outDir: string, started: number): Promise<BatchSummary> {
  await removeStaleTemps(outDir);
  const manifest = await Manifest.open(path.join(outDir, 'manifest.jsonl'));
  const { inputs, missing, skipped, refused } = await discoverInputs(opts.inputs, { skipDirs: [outDir], exclude: opts.exclude });
  const progress = createProgress(opts.progress);
  for (const m of missing) process.stderr.write(`[jixiao] no such file or folder: ${readablePath(m)}\n`);
  // Inputs inside the output folder are not read (its files are jixiao's), and what a scanned
  // folder held but could not be taken (an unreadable subfolder, a link to a folder) is not
  // either: each is a failed entry with its reason, never dropped in silence, and the batch goes on.
  const notTaken = [
    ...skipped.map((f) => ({ path: f, kind: 'in-output-folder', reason: 'inside the output folder: move it out, or choose another --out' })),
    ...refused,
  ];
  for (const r of notTaken) {
    await manifest.record({ path: r.path, sha256: '', status: 'failed', version: VERSION, doc_id: null, output: null, pages: null, warnings: 0, ms: 0, error: { kind: r.kind, reason: r.reason }, at: new Date().toISOString() });
    process.stderr.write(`[jixiao] failed: ${readablePath(r.path)}: ${r.reason}\n`);
  }

  const counts: Counts = { done: 0, skipped: 0, failed: 0, pages: 0 };
  const concurrency = Math.max(1, Math.min(opts.concurrency, Math.max(1, inputs.length)));
  const tell = (file: string, status: 'done' | 'skipped' | 'failed') => {
    progress.update(counts);
    opts.onProgress?.({ ...counts, total: inputs.length, file, status });
  };

  // Worker threads run compiled JavaScript; from TypeScript sources (tsx, vitest) parse in this thread.
  const inProcess = opts.inProcess || workerFile().endsWith('.ts');
  const pool = inProcess ? null : createPool(concurrency, opts.memoryMb);
  // N files in flight for N workers: a file's time limit starts when a worker takes it.
  const queue = new PQueue({ concurrency });
  progress.start(inputs.length);

  const finish = async (entry: ManifestEntry) => {
    await manifest.record(entry);
    if (entry.status === 'done') {
      counts.done++;
      counts.pages += entry.pages ?? 0;
      if (opts.verbose) progress.log(`[jixiao] done: ${readablePath(entry.path)} (${entry.pages ?? '-'} pages, ${entry.warnings} warnings, ${entry.ms} ms)`);
    } else {
      counts.failed++;
      progress.log(`[jixiao] failed: ${readablePath(entry.path)}: ${entry.error?.reason}`);
    }
    tell(entry.path, entry.status);
  };
  const skip = (file: string, why: string) => {
    counts.skipped++;
    if (opts.verbose) progress.log(`[jixiao] skipped: ${readablePath(file)} (${why})`);
    tell(file, 'skipped');
  };

  // Signals: the first stops taking files, the second exits at once.
  let interrupted: NodeJS.Signals | undefined;
  const onSignal = (sig: NodeJS.Signals) => {
    if (interrupted) {
      if (process.stderr.isTTY) process.stderr.write('\x1b[?25h');
      process.exit(128 + (sig === 'SIGINT' ? 2 : sig === 'SIGHUP' ? 1 : 15));
    }
    interrupted = sig;
    progress.log(`[jixiao] ${sig}: finishing the files in flight (again to stop at once)`);
  };
  const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
  if (opts.handleSignals) for (const sig of signals) process.on(sig, onSignal);

  /** A fault of the output (disk full, read-only, no permission): the run stops, no input is blamed. */
  let outputFault: Error | null = null;
  const one = async (input: Input) => {
    if (interrupted || outputFault) return; // left for the next run: not recorded
    try {
      await oneFile(input);
    } catch (err) {
      outputFault ??= asOutputFault(err);
    }
  };
  const oneFile = async (input: Input) => {
    const file = input.file;
    const t0 = Date.now();
    const base: Omit<ManifestEntry, 'status' | 'sha256' | 'error' | 'ms'> = {
      path: file, version: VERSION, doc_id: null, output: null, pages: null, warnings: 0, at: '',
    };
    const fail = (sha: string, kind: string, reason: string) =>
      finish({ ...base, sha256: sha, status: 'failed', error: { kind, reason }, ms: Date.now() - t0, at: new Date().toISOString() });
    let bytes: Buffer;
    try {
      const st = await stat(fsPath(file));
      if (st.size > opts.extract.maxBytes) return fail('', 'too-large', `file too large: ${st.size} bytes (limit ${opts.extract.maxBytes})`);
      bytes = await readFile(fsPath(file));
    } catch (err) {
      return fail('', 'unreadable', `cannot read file: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
    }
    const hash = sha256(bytes);
    const prior = opts.force ? null : priorOf(manifest, file, hash, opts.retryFailed);
    if (prior?.kind === 'failed-before') {
      counts.failed++;
      tell(file, 'failed');
      return;
    }
    // Done before, and its document still there: not redone.
    if (prior && (await stat(path.join(outDir, prior.entry.output!)).then(() => true, () => false))) {
      if (prior.kind === 'unchanged') return skip(file, 'unchanged');
      await manifest.record({ ...prior.entry, path: file, at: new Date().toISOString() });
      return skip(file, `same content as ${readablePath(prior.entry.path)}`);
    }
    const shown = readablePath(opts.absolutePaths ? file : input.relative);
    const result = await extractIn(pool, shown, bytes, opts);
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
    await Promise.all(inputs.map((f) => queue.add(() => one(f))));
  } finally {
    await pool?.destroy();
    progress.stop();
    for (const sig of signals) process.off(sig, onSignal);
  }
  if (opts.prune) {
    // Inputs recorded by earlier runs whose files are gone: their documents leave the outputs.
    for (const e of [...manifest.entries.values()]) {
      if (!(await stat(fsPath(e.path)).then(() => true, () => false))) {
        manifest.forget(e.path);
        if (opts.verbose) progress.log(`[jixiao] pruned: ${readablePath(e.path)} (no longer exists)`);
      }
    }
  }
  if (outputFault) throw outputFault;
  try {
    await writeOutputs(outDir, manifest, opts);
  } catch (err) {
    throw asOutputFault(err);
  }
  const documents = inputs
    .map((i) => manifest.get(i.file))
    .filter((e): e is ManifestEntry => e?.status === 'done' && e.output != null)
    .map((e) => path.join(outDir, e.output!));
  return { total: inputs.length + notTaken.length, ...counts, failed: counts.failed + notTaken.length, elapsedMs: Date.now() - started, missing, documents: [...new Set(documents)], interrupted };
}

/** Why an input with these bytes need not be extracted again, by what the manifest says. */
type Prior = { kind: 'unchanged' | 'failed-before' | 'same-content'; entry: ManifestEntry };

/**
 * The manifest's word on an input, shared by a run and its dry run: done with the same bytes
 * by this version (unchanged); failed with them (the same bytes fail the same way, unless
 * `retryFailed`); or its bytes done under another path (a moved archive). Null: extract it.
 */
function priorOf(manifest: Manifest, file: string, hash: string, retryFailed: boolean): Prior | null {
  const prev = manifest.get(file);
  const same = (e: ManifestEntry | undefined) => e != null && e.sha256 === hash && e.version === VERSION;
  if (same(prev) && prev!.status === 'done' && prev!.output != null) return { kind: 'unchanged', entry: prev! };
  if (same(prev) && prev!.status === 'failed' && !retryFailed) return { kind: 'failed-before', entry: prev! };
  const other = manifest.doneWith(hash, VERSION);
  return other?.output != null ? { kind: 'same-content', entry: other } : null;
}

export interface PlannedInput {
  path: string;
  action: 'extract' | 'skip';
  reason: string;
}

/**
 * What a run would do (`--dry-run`): every input found, and whether it would be extracted or
 * skipped, read from the manifest without writing or locking anything.
 */
export async function planBatch(opts: BatchOptions): Promise<{ planned: PlannedInput[]; missing: string[] }> {
  const outDir = path.resolve(opts.outDir);
  const manifest = await Manifest.read(path.join(outDir, 'manifest.jsonl'));
  const { inputs, missing } = await discoverInputs(opts.inputs, { skipDirs: [outDir], exclude: opts.exclude });
  const planned: PlannedInput[] = [];
  for (const { file } of inputs) {
    const hash = await readFile(fsPath(file)).then(sha256, () => null);
    if (hash == null) {
      planned.push({ path: file, action: 'extract', reason: 'cannot be read (would fail)' });
      continue;
    }
    const prior = opts.force ? null : priorOf(manifest, file, hash, opts.retryFailed);
    const prev = manifest.get(file);
    if (opts.force) planned.push({ path: file, action: 'extract', reason: '--force' });
    else if (prior?.kind === 'unchanged') planned.push({ path: file, action: 'skip', reason: 'unchanged' });
    else if (prior?.kind === 'failed-before') planned.push({ path: file, action: 'skip', reason: `failed before: ${prior.entry.error?.kind} (--retry-failed tries again)` });
    else if (prior?.kind === 'same-content') planned.push({ path: file, action: 'skip', reason: `same content as ${readablePath(prior.entry.path)}` });
    else planned.push({ path: file, action: 'extract', reason: prev ? (prev.status === 'failed' ? 'failed before, --retry-failed' : prev.sha256 !== hash ? 'changed' : 'new extractor version') : 'new' });
  }
  return { planned, missing };
}

/** Temporary files a killed run left behind are never outputs: remove them. */
async function removeStaleTemps(outDir: string): Promise<void> {
  for (const dir of [outDir, path.join(outDir, DOCS_DIR)]) {
    for (const f of await readdir(dir)) if (/\.tmp-\d+-\d+-\d+$/.test(f)) await rm(path.join(dir, f), { force: true });
  }
}

/**
 * The pool of worker processes that parse files: `workers` child processes, each with a heap
 * limit, watched for their whole memory (ArrayBuffers and native memory included): a process
 * over `memoryMb` + a margin is killed, and only its file fails (resource-limit). A fatal error
 * in a process — a heap limit reached, a crash — cannot reach this one.
 */
/** Pools whose workers are threads (their reports come over a port, not as process messages). */
const THREAD_POOLS = new WeakSet<Tinypool>();

export function createPool(workers: number, memoryMb: number, runtime: 'process' | 'thread' = 'process'): Tinypool {
  const common = {
    filename: workerFile(),
    // Keep every worker alive for the whole run: a new worker re-imports pdf.js and mammoth.
    minThreads: workers,
    maxThreads: workers,
    idleTimeout: 60_000,
  };
  const pool = new Tinypool(
    runtime === 'process'
      ? ({
          ...common,
          runtime: 'child_process',
          // Structured clone over IPC: the input bytes travel as bytes.
          serialization: 'advanced',
          // The workers' environment is this process's (tinypool would give them none: no PATH,
          // no TMPDIR, no locale).
          env: { ...process.env },
          execArgv: [`--max-old-space-size=${memoryMb}`, '--max-semi-space-size=32'],
        } as ConstructorParameters<typeof Tinypool>[0])
      : // Threads, where the process around them is itself the unit of isolation (a cluster worker).
        { ...common, resourceLimits: { maxOldGenerationSizeMb: memoryMb, maxYoungGenerationSizeMb: 96 } },
  );
  // A worker that dies is reported through its task; the pool's own error event must not end the run.
  pool.on('error', () => {});
  if (runtime === 'thread') {
    THREAD_POOLS.add(pool);
    return pool;
  }
  const watchdog = setInterval(() => killOverMemory(memoryMb + MEMORY_MARGIN_MB), 200);
  watchdog.unref();
  const destroy = pool.destroy.bind(pool);
  pool.destroy = async () => {
    clearInterval(watchdog);
    await destroy();
  };
  return pool;
}

/** What a worker process may use beyond its heap limit (code, pdf.js's caches, buffers in flight). */
export const MEMORY_MARGIN_MB = 256;

/** Kills this process's children whose resident memory is over `limitMb` (Linux /proc; elsewhere the heap limit alone holds). */
function killOverMemory(limitMb: number): void {
  for (const pid of childPids()) {
    const kb = rssKb(pid);
    if (kb != null && kb / 1024 > limitMb) {
      try {
        process.kill(Number(pid), 'SIGKILL');
      } catch {
        /* gone meanwhile */
      }
    }
  }
}

/**
 * Extracts one file in the pool (or in this thread), with the time and memory limits. The
 * worker reports each page it sends to recognition (OCR of the page or of its glyphs) as it
 * finds it, and the file's time limit grows with them (limits.ts).
 */
export async function extractIn(pool: Tinypool | null, file: string, bytes: Buffer, opts: Pick<BatchOptions, 'extract' | 'timeoutMs' | 'ocrPageMs' | 'memoryMb'>): Promise<TaskResult> {
  const extract = { ...opts.extract, task: randomUUID().replace(/-/g, '').slice(0, 16) };
  const abort = new AbortController();
  const deadline = new Deadline(bytes, opts, () => abort.abort());
  const onPage = (m: unknown) => {
    const page = (m as { recognition?: unknown } | null)?.recognition;
    if (typeof page === 'number') deadline.page(page);
  };
  try {
    if (!pool) {
      // In this process (tests, --in-process): the pipeline is loaded only here.
      const { extractOne } = await import('./worker.js');
      const timedOut = new Promise<TaskResult>((resolve) => abort.signal.addEventListener('abort', () => resolve({ ok: false, kind: 'timeout', reason: timeoutReason(deadline, opts) })));
      return await Promise.race([extractOne(bytes, file, { ...extract, onRecognition: (page) => deadline.page(page) }), timedOut]);
    }
    const data = new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    if (THREAD_POOLS.has(pool)) {
      // Worker threads: the reports come over a port of their own.
      const { port1, port2 } = new MessageChannel();
      port1.on('message', onPage);
      try {
        return (await pool.run({ path: file, bytes: data, options: extract, progress: port2 }, { signal: abort.signal, transferList: [port2] })) as TaskResult;
      } finally {
        port1.close();
      }
    }
    // Worker processes: the reports come as the process's own messages.
    return (await pool.run({ path: file, bytes: data, options: extract }, { signal: abort.signal, channel: { postMessage: onPage } })) as TaskResult;
  } catch (err) {
    const e = err as Error & { code?: string };
    // The worker was killed mid-file: what it started outside itself (a LibreOffice conversion) is cleaned up here.
    await cleanupConversion(extract.task);
    if (e.name === 'AbortError' || e.name === 'TimeoutError' || /abort/i.test(e.message)) {
      return { ok: false, kind: 'timeout', reason: timeoutReason(deadline, opts) };
    }
    if (e.code === 'ERR_WORKER_OUT_OF_MEMORY' || /memory|exited unexpectedly/i.test(e.message)) {
      // Over its memory (killed by the watchdog or the heap limit) or crashed: this file alone fails.
      return { ok: false, kind: 'resource-limit', reason: `the worker ran out of memory or crashed on this file (limit ${opts.memoryMb} MB + ${MEMORY_MARGIN_MB} MB per worker)` };
    }
    return { ok: false, kind: 'internal', reason: `worker failed: ${e.message}` };
  } finally {
    deadline.stop();
  }
}

function timeoutReason(deadline: Deadline, opts: Pick<BatchOptions, 'timeoutMs'>): string {
  const limit = deadline.limitMs;
  const pages = deadline.counted ? ` (${deadline.counted} page(s) sent to recognition)` : '';
  const extra = limit > opts.timeoutMs ? `, ${Math.round((limit - opts.timeoutMs) / 1000)}s of it for pages to OCR${pages}` : '';
  return `took longer than ${Math.round(limit / 1000)}s (per-file time limit${extra})`;
}

/** Rebuilds the collection outputs, errors.jsonl and the compacted manifest. */
export async function writeOutputs(outDir: string, manifest: Manifest, opts: BatchOptions): Promise<void> {
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
    failures.map((e) => `${JSON.stringify({ path: readablePath(e.path), sha256: e.sha256 || null, kind: e.error?.kind, reason: e.error?.reason, ms: e.ms, at: e.at })}\n`).join(''),
  );
  // Per-document JSON that no input refers to any more (its file changed) is removed.
  const keep = new Set(docFiles.map((f) => path.basename(f)));
  for (const f of await readdir(path.join(outDir, DOCS_DIR))) {
    if (f.endsWith('.json') && !keep.has(f)) await rm(path.join(outDir, DOCS_DIR, f), { force: true });
  }
  await manifest.compact();
}
