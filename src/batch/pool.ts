/**
 * The pool that parses files, and one file's extraction in it: tinypool worker processes (or
 * threads, in a cluster worker) each with a heap limit, a watchdog on the processes' whole
 * memory, and a time limit per file. A file over its time or memory, or a crashed worker, fails
 * alone with its kind (timeout, resource-limit, internal); the run goes on.
 */
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Tinypool from 'tinypool';
import type { Failure } from '../errors.js';
import { cleanupConversion } from '../loaders/legacy.js';
import type { ExtractOptions, TaskOptions } from '../options.js';
import { childPids, rssKb } from '../procmem.js';
import { type TimeLimits, timeLimitOf } from './limits.js';
import type { TaskResult } from './worker.js';

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
  // A worker that dies is reported through its task; the pool's own error event must not end the run.
  pool.on('error', () => {});
  if (runtime === 'thread') return pool;
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

/** Extracts one file (or opens one bundle: `kind` 'open') in the pool, or in this thread when `pool` is null, with the time and memory limits. */
export async function extractIn(pool: Tinypool | null, file: string, bytes: Buffer, opts: PoolLimits, kind: 'extract' | 'open' = 'extract'): Promise<TaskResult> {
  // Opening a bundle has the file's time limit (none of it is read by OCR there).
  const limit = kind === 'open' ? opts.timeoutMs : timeLimitOf(bytes, opts);
  const extract: TaskOptions = { ...opts.extract, task: randomUUID().replace(/-/g, '').slice(0, 16) };
  if (!pool) {
    // In this process (tests, --in-process): the pipeline is loaded only here.
    const { extractOne, openOne } = await import('./worker.js');
    return withTimeout((kind === 'open' ? openOne : extractOne)(bytes, file, extract), limit);
  }
  const data = new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  try {
    return (await pool.run({ path: file, bytes: data, options: extract, kind }, { signal: AbortSignal.timeout(limit) })) as TaskResult;
  } catch (err) {
    const e = err as Error & { code?: string };
    // The worker was killed mid-file: what it started outside itself (a LibreOffice conversion) is cleaned up here.
    await cleanupConversion(extract.task!);
    if (e.name === 'AbortError' || e.name === 'TimeoutError' || /abort/i.test(e.message)) {
      return failed({ kind: 'timeout', reason: timeoutReason(limit, opts) });
    }
    if (e.code === 'ERR_WORKER_OUT_OF_MEMORY' || /memory|exited unexpectedly/i.test(e.message)) {
      // Over its memory (killed by the watchdog or the heap limit) or crashed: this file alone fails.
      return failed({ kind: 'resource-limit', reason: `the worker ran out of memory or crashed on this file (limit ${opts.memoryMb} MB + ${MEMORY_MARGIN_MB} MB per worker)` });
    }
    return failed({ kind: 'internal', reason: `worker failed: ${e.message}` });
  }
}

function failed(error: Failure): TaskResult {
  return { ok: false, error };
}

function timeoutReason(limit: number, opts: Pick<PoolLimits, 'timeoutMs'>): string {
  const extra = limit > opts.timeoutMs ? `, ${Math.round((limit - opts.timeoutMs) / 1000)}s of it for pages to OCR` : '';
  return `took longer than ${Math.round(limit / 1000)}s (per-file time limit${extra})`;
}

function withTimeout(p: Promise<TaskResult>, ms: number): Promise<TaskResult> {
  return new Promise((resolve) => {
    const t = setTimeout(() => resolve(failed({ kind: 'timeout', reason: `took longer than ${Math.round(ms / 1000)}s (per-file time limit)` })), ms);
    p.then((r) => {
      clearTimeout(t);
      resolve(r);
    });
  });
}
