/**
 * The pool that parses files, and one file's extraction in it: tinypool worker processes (or
 * threads, in a cluster worker) each with a heap limit, a watchdog on the processes' whole
 * memory, and a time limit per file that runs from the moment a worker takes the file. A file
 * over its time or memory, or a crashed worker, fails alone with its kind (timeout,
 * resource-limit, internal); the run goes on. Each result carries the CPU time the worker spent.
 */
import { randomUUID } from 'node:crypto';
import { MessageChannel, type MessagePort } from 'node:worker_threads';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Tinypool from 'tinypool';
import { type Failure, oneLine } from '../errors.js';
import { cleanupConversion } from '../loaders/legacy.js';
import type { ExtractOptions, TaskOptions } from '../options.js';
import { childPids, cpuMsOf, rssKb } from '../procmem.js';
import { Deadline, type TimeLimits } from './limits.js';
import type { Recognition, Started, Task, TaskResult } from './worker.js';

/** The limits of one file's extraction. */
export interface PoolLimits extends TimeLimits {
  /** The extractor's options; the name of the file's work is given here. */
  extract: ExtractOptions;
  /** Heap limit of each worker, in MB. */
  memoryMb: number;
}

/** The worker entry beside this module: compiled JavaScript, or TypeScript under tsx and vitest. */
export function workerFile(): string {
  const here = fileURLToPath(import.meta.url);
  return path.join(path.dirname(here), `worker${path.extname(here)}`);
}

/** The runtime of each pool (a child process per worker, or a thread in a cluster worker). */
const RUNTIMES = new WeakMap<Tinypool, 'process' | 'thread'>();

/**
 * The pool of worker processes that parse files: `workers` child processes, each with a heap
 * limit, watched for their whole memory (ArrayBuffers and native memory included): a process
 * over `memoryMb` + a margin is killed, and only its file fails (resource-limit). A fatal error
 * in a process — a heap limit reached, a crash — cannot reach this one.
 */
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
  RUNTIMES.set(pool, runtime);
  // A worker that dies is reported through its task; the pool's own error event must not end the run.
  pool.on('error', () => {});
  if (runtime === 'thread') return pool;
  const watchdog = setInterval(() => killOverMemory(memoryMb + MEMORY_MARGIN_MB - WATCH_HEADROOM_MB), WATCH_EVERY_MS);
  watchdog.unref();
  const destroy = pool.destroy.bind(pool);
  pool.destroy = async () => {
    clearInterval(watchdog);
    await destroy();
  };
  return pool;
}

/** What a worker process may use beyond its heap limit (code, pdf.js's caches, buffers in flight): never more. */
export const MEMORY_MARGIN_MB = 256;
/** How often the watchdog reads the workers' resident memory. */
const WATCH_EVERY_MS = 50;
/**
 * The watchdog stops a worker this far below the promised bound, so that what it may allocate
 * between two readings (stages that allocate in bulk check their sizes first) stays under it.
 */
const WATCH_HEADROOM_MB = 64;

/** Worker processes the watchdog stopped, with the resident memory they had (MB). */
const stoppedForMemory = new Map<number, number>();

/** Kills this process's children whose resident memory is over `limitMb` (Linux /proc; elsewhere the heap limit alone holds). */
function killOverMemory(limitMb: number): void {
  for (const pid of childPids()) {
    const kb = rssKb(pid);
    if (kb != null && kb / 1024 > limitMb) {
      try {
        process.kill(Number(pid), 'SIGKILL');
        stoppedForMemory.set(Number(pid), Math.round(kb / 1024));
      } catch {
        /* gone meanwhile */
      }
    }
  }
}

function isStarted(msg: unknown): msg is Started {
  return typeof msg === 'object' && msg != null && (msg as Started).jixiao === 'started';
}

function isRecognition(msg: unknown): msg is Recognition {
  return typeof msg === 'object' && msg != null && (msg as Recognition).jixiao === 'recognition' && typeof (msg as Recognition).page === 'number';
}

/**
 * Extracts one file (or opens one bundle: `kind` 'open') in the pool, or in this thread when
 * `pool` is null, with the time and memory limits. The time limit runs from the moment a worker
 * takes the file (it says so), so neither a wait behind other files nor a worker still starting
 * up counts against it; the worker tells each page it sends to recognition (OCR of the page or
 * of its glyphs) as it finds it, and the limit grows with them, within a bound (limits.ts).
 */
export async function extractIn(pool: Tinypool | null, file: string, bytes: Buffer, opts: PoolLimits, kind: 'extract' | 'open' = 'extract'): Promise<TaskResult> {
  // Opening a bundle has the file's time limit (none of it is read by OCR there).
  const limits: TimeLimits = kind === 'open' ? { ...opts, extract: { ...opts.extract, ocr: 'off' } } : opts;
  const extract: TaskOptions = { ...opts.extract, task: randomUUID().replace(/-/g, '').slice(0, 16) };
  if (!pool) {
    // In this process (tests, --in-process): the pipeline is loaded only here.
    const { extractOne, openOne } = await import('./worker.js');
    const cpu0 = cpuMsOf('self');
    const abort = new AbortController();
    const deadline = new Deadline(bytes, limits, () => abort.abort());
    const timedOut = new Promise<TaskResult>((resolve) => abort.signal.addEventListener('abort', () => resolve(failed({ kind: 'timeout', reason: timeoutReason(deadline, opts) }))));
    const work = kind === 'open' ? openOne(bytes, file, extract) : extractOne(bytes, file, { ...extract, onRecognition: (page) => deadline.page(page) });
    const result = await Promise.race([work, timedOut]).finally(() => deadline.stop());
    // A conversion still running after the time limit is stopped as a killed worker's would be.
    if (!result.ok && result.error.kind === 'timeout') await cleanupConversion(extract.task!);
    return { ...result, cpuMs: cpuMsOf('self') - cpu0 };
  }
  const data = new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const abort = new AbortController();
  let started: Started | null = null;
  let deadline: Deadline | null = null;
  const onStart = (msg: unknown) => {
    if (isRecognition(msg) && msg.task === extract.task) deadline?.page(msg.page);
    if (started || !isStarted(msg) || msg.task !== extract.task) return;
    started = msg;
    deadline = new Deadline(bytes, limits, () => abort.abort());
  };
  // The CPU time of a worker stopped at the limit, read before the pool kills it (this listener runs first).
  let cpuAtStop: number | null = null;
  abort.signal.addEventListener('abort', () => {
    const pid = started?.pid;
    const now = pid != null && pid !== process.pid ? cpuMsOf(pid) : null;
    cpuAtStop = now != null && started ? now - started.cpuMs : null;
  });
  const task: Task = { path: file, bytes: data, options: extract, kind };
  let port: MessagePort | null = null;
  let how: Parameters<Tinypool['run']>[1];
  if (RUNTIMES.get(pool) === 'thread') {
    // A thread tells its start on a port of its own; a child process on its IPC channel.
    const channel = new MessageChannel();
    port = channel.port1;
    port.on('message', onStart);
    task.started = channel.port2;
    how = { signal: abort.signal, transferList: [channel.port2] };
  } else how = { signal: abort.signal, channel: { postMessage: onStart } };
  try {
    return (await pool.run(task, how)) as TaskResult;
  } catch (err) {
    const e = err as Error & { code?: string };
    // The worker was killed mid-file: what it started outside itself (a LibreOffice conversion) is cleaned up here.
    await cleanupConversion(extract.task!);
    if (e.name === 'AbortError' || e.name === 'TimeoutError' || /abort/i.test(e.message)) {
      return { ...failed({ kind: 'timeout', reason: timeoutReason(deadline, opts) }), cpuMs: cpuAtStop };
    }
    const pid = (started as Started | null)?.pid;
    const rss = pid != null ? stoppedForMemory.get(pid) : undefined;
    if (rss != null) {
      stoppedForMemory.delete(pid!);
      return failed({ kind: 'resource-limit', reason: `the worker reached ${rss} MB resident on this file, near its bound of ${opts.memoryMb} MB + ${MEMORY_MARGIN_MB} MB (--memory and its margin): stopped` });
    }
    if (e.code === 'ERR_WORKER_OUT_OF_MEMORY' || /memory|exited unexpectedly/i.test(e.message)) {
      // Over its heap limit, or crashed: this file alone fails.
      return failed({ kind: 'resource-limit', reason: `the worker ran out of memory or crashed on this file (limit ${opts.memoryMb} MB + ${MEMORY_MARGIN_MB} MB per worker)` });
    }
    return failed({ kind: 'internal', reason: oneLine(`worker failed: ${e.message}`) });
  } finally {
    (deadline as Deadline | null)?.stop();
    port?.close();
  }
}

function failed(error: Failure): TaskResult {
  return { ok: false, error };
}

function timeoutReason(deadline: Deadline | null, opts: Pick<PoolLimits, 'timeoutMs'>): string {
  const limit = deadline?.limitMs ?? opts.timeoutMs;
  const pages = deadline?.counted ? ` (${deadline.counted} page(s) sent to recognition)` : '';
  const extra = limit > opts.timeoutMs ? `, ${Math.round((limit - opts.timeoutMs) / 1000)}s of it for pages to OCR${pages}` : '';
  return `took longer than ${Math.round(limit / 1000)}s (per-file time limit${extra})`;
}
