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
import { fsPath } from '../fsname.js';
import { Worker } from 'bullmq';
import type { ErrorKind } from '../errors.js';
import { sha256 } from '../hash.js';
import { unreadable } from '../batch/manifest.js';
import { createPool, extractIn } from '../batch/pool.js';
import { writeDocuments } from '../writers/document.js';
import { type JobData, type JobResult, connectionOf, failureOfJob, jobError } from './connection.js';

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
const RETRYABLE = new Set<ErrorKind>(['timeout', 'resource-limit', 'internal']);

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
        throw jobError(unreadable(err), true);
      }
      if (sha256(bytes) !== d.sha256) throw jobError({ kind: 'changed', reason: 'the file changed after it was queued; queue it again' }, true);
      // Parsed in a worker thread, so the time limit really stops it.
      const result = await extractIn(pool, d.shown, bytes, {
        extract: { maxPages: d.maxPages, maxBytes: d.maxBytes, maxCells: d.maxCells, ocr: d.ocr ?? 'auto' },
        timeoutMs: d.timeoutMs,
        ocrPageMs: d.ocrPageMs ?? 30_000,
        memoryMb: opts.memoryMb,
      });
      if (!result.ok) throw jobError(result.error, !RETRYABLE.has(result.error.kind));
      if (!('records' in result) || result.records.length === 0) throw jobError({ kind: 'internal', reason: 'extractor error: no document and no failure' }, true);
      // Every text a file holds is a document of its own (a compiled volume's are its parts).
      const facts = await writeDocuments(d.outDir, result.records);
      return { ...facts, ms: Date.now() - t0 };
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
  worker.on('failed', (job, err) => {
    const { kind, reason } = failureOfJob(err.message);
    opts.log(`[jixiao worker] failed: ${job?.data.shown}: ${kind}: ${reason}`);
  });
  worker.on('error', (err) => opts.log(`[jixiao worker] ${err.message}`));
  return {
    async close() {
      await worker.close();
      await pool.destroy();
    },
  };
}
