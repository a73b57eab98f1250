/**
 * `jixiao worker --queue redis://…`: takes extraction jobs from the BullMQ queue, extracts each
 * file, writes `docs/<doc_id>.json` atomically into the job's output folder, and acknowledges.
 * Any number of workers, on any machines that see the inputs and the output folder through a
 * shared file system. A worker killed mid-file loses nothing: BullMQ's stalled-job check puts
 * the job back in the queue. Failures carry the local run's error kinds: an input that cannot
 * be read as a budget text fails at once (retrying would change nothing); a timeout or a crash
 * is retried up to the job's attempts.
 */
import { Worker } from 'bullmq';
import type { ErrorKind } from '../errors.js';
import { sha256 } from '../hash.js';
import { readInput } from '../batch/read.js';
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

/** How long a stop waits for the queue's connections to close before it goes on without them (Redis may be away). */
const CLOSE_GRACE_MS = 3000;

const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms).unref());

/** Errors that say Redis cannot be reached (the connection retries on its own). */
function isConnectionError(err: Error & { code?: string }): boolean {
  return /^(ECONNREFUSED|ECONNRESET|ETIMEDOUT|EHOSTUNREACH|ENETUNREACH|ENOTFOUND|EAI_AGAIN|EPIPE)$/.test(err.code ?? '') || /connect|Connection is closed|ECONN/i.test(err.message);
}

export async function runQueueWorker(opts: QueueWorkerOptions): Promise<{ close(): Promise<void> }> {
  // Threads: this worker process is the unit of isolation here (a crash puts its jobs back in the
  // queue), and it saves a process and a copy of every file per job.
  const pool = createPool(opts.concurrency, opts.memoryMb, 'thread');
  /** Extractions in flight: a stop waits for them to be cut off and cleaned up (a conversion's processes), not to finish. */
  const inFlight = new Set<Promise<unknown>>();
  const worker = new Worker<JobData, JobResult>(
    opts.name,
    async (job) => {
      const t0 = Date.now();
      const d = job.data;
      const read = await readInput(d.path, d.maxBytes);
      if ('error' in read) throw jobError(read.error, true);
      const { bytes } = read;
      if (sha256(bytes) !== d.sha256) throw jobError({ kind: 'changed', reason: 'the file changed after it was queued; queue it again' }, true);
      // Parsed in a worker thread, so the time limit really stops it.
      const extraction = extractIn(pool, d.shown, bytes, {
        extract: { maxPages: d.maxPages, maxBytes: d.maxBytes, maxCells: d.maxCells, ocr: d.ocr ?? 'auto' },
        timeoutMs: d.timeoutMs,
        ocrPageMs: d.ocrPageMs ?? 30_000,
        memoryMb: opts.memoryMb,
      });
      inFlight.add(extraction);
      const result = await extraction.finally(() => inFlight.delete(extraction));
      if (!result.ok) throw jobError(result.error, !RETRYABLE.has(result.error.kind));
      if (!('records' in result) || result.records.length === 0) throw jobError({ kind: 'internal', reason: 'extractor error: no document and no failure' }, true);
      // Every text a file holds is a document of its own (a compiled volume's are its parts).
      const facts = await writeDocuments(d.outDir, result.records);
      return { ...facts, ms: Date.now() - t0, cpu_ms: result.cpuMs == null ? null : Math.round(result.cpuMs) };
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
  // Redis away: said once when it goes and once when it is back, not at every attempt to reconnect.
  let away = false;
  worker.on('error', (err) => {
    if (!isConnectionError(err)) return opts.log(`[jixiao worker] ${err.message}`);
    if (away) return;
    away = true;
    opts.log(`[jixiao worker] Redis unreachable (${err.message}): reconnecting, less often the longer it is away`);
  });
  void worker.client.then((client) =>
    client.on('ready', () => {
      if (!away) return;
      away = false;
      opts.log('[jixiao worker] Redis reachable again: taking jobs');
    }),
  ).catch(() => {});
  return {
    /**
     * Stops at once, whatever the state of the connection: the job in flight is not waited for
     * but left to the queue (its lock lapses and the stalled-job check hands it out again); the
     * parsing threads are stopped and what they started (a conversion) is cleaned up.
     */
    async close() {
      await Promise.race([worker.close(true).catch(() => {}), delay(CLOSE_GRACE_MS)]);
      await pool.destroy();
      await Promise.race([Promise.allSettled([...inFlight]), delay(CLOSE_GRACE_MS)]);
    },
  };
}
