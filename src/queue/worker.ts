/**
 * `jixiao worker --queue redis://…`: takes extraction jobs from the BullMQ queue, extracts each
 * file, writes `docs/<doc_id>.json` atomically into the job's output folder, and acknowledges.
 * Any number of workers, on any machines that see the inputs and the output folder through a
 * shared file system. A worker killed mid-file loses nothing: BullMQ's stalled-job check puts
 * the job back in the queue. Failures carry the local run's error kinds: an input that cannot
 * be read as a budget text fails at once (retrying would change nothing); a timeout or a crash
 * is retried up to the job's attempts.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fsPath } from '../fsname.js';
import { UnrecoverableError, Worker } from 'bullmq';
import { sha256 } from '../hash.js';
import { createPool, extractIn } from '../batch/run.js';
import { writeFileAtomic } from '../writers/atomic.js';
import { type JobData, type JobResult, connectionOf } from './connection.js';

export interface QueueWorkerOptions {
  url: string;
  name: string;
  /** Jobs this process works on at once. */
  concurrency: number;
  /** How often a stalled job (its worker died) is looked for, in ms. */
  stalledIntervalMs: number;
  /** Heap limit of each parsing thread, MB. */
  memoryMb: number;
  log: (line: string) => void;
}

/** Kinds of failure another attempt may not meet (the input's own failures are final). */
const RETRYABLE = new Set(['timeout', 'resource-limit', 'internal']);

export async function runQueueWorker(opts: QueueWorkerOptions): Promise<{ close(): Promise<void> }> {
  // Threads: this worker process is the unit of isolation here (a crash puts its jobs back in the
  // queue), and it saves a process and a copy of every file per job.
  const pool = createPool(opts.concurrency, opts.memoryMb, 'thread');
  const worker = new Worker<JobData, JobResult>(
    opts.name,
    async (job) => {
      const t0 = Date.now();
      const d = job.data;
      let bytes: Buffer;
      try {
        bytes = await readFile(fsPath(d.path));
      } catch (err) {
        throw new UnrecoverableError(`unreadable: cannot read file: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
      }
      if (sha256(bytes) !== d.sha256) throw new UnrecoverableError('changed: the file changed after it was queued; queue it again');
      // Parsed in a worker thread, so the time limit really stops it.
      const result = await extractIn(pool, d.shown, bytes, {
        extract: { maxPages: d.maxPages, maxBytes: d.maxBytes, maxCells: d.maxCells, ocr: d.ocr ?? 'auto' },
        timeoutMs: d.timeoutMs,
        ocrPageMs: d.ocrPageMs ?? 30_000,
        memoryMb: opts.memoryMb,
      });
      if (!result.ok) {
        const message = `${result.kind}: ${result.reason}`;
        throw RETRYABLE.has(result.kind) ? new Error(message) : new UnrecoverableError(message);
      }
      if (!('records' in result) || result.records.length === 0) throw new UnrecoverableError('internal: extractor error: no document and no failure');
      // Each text a document of its own (a compiled volume holds several).
      const parts: NonNullable<JobResult['parts']> = [];
      for (const record of result.records) {
        const output = path.join('docs', `${record.doc_id}.json`);
        await writeFileAtomic(path.join(d.outDir, output), `${JSON.stringify(record, null, 2)}\n`);
        parts.push({ doc_id: record.doc_id, output, pages: record.source.part?.pages ?? null, warnings: record.warnings.length });
      }
      const first = result.records[0]!;
      return { doc_id: first.doc_id, output: parts[0]!.output, pages: first.source.pages, warnings: first.warnings.length, ms: Date.now() - t0, ...(parts.length > 1 ? { parts } : {}) };
    },
    {
      connection: connectionOf(opts.url),
      concurrency: opts.concurrency,
      stalledInterval: opts.stalledIntervalMs,
      // A job whose worker vanished goes back to the queue (twice at most, then it fails).
      maxStalledCount: 2,
      lockDuration: Math.max(opts.stalledIntervalMs, 5000),
    },
  );
  worker.on('completed', (job) => opts.log(`[jixiao worker] done: ${job.data.shown}`));
  worker.on('failed', (job, err) => opts.log(`[jixiao worker] failed: ${job?.data.shown}: ${err.message}`));
  worker.on('error', (err) => opts.log(`[jixiao worker] ${err.message}`));
  return {
    async close() {
      await worker.close();
      await pool.destroy();
    },
  };
}
