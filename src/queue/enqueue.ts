/**
 * `jixiao extract … --queue redis://…`: the batch handed to a cluster. Every input becomes a
 * BullMQ job whose id is the input's sha256, so an input is never extracted twice and a
 * re-enqueue of a finished input is a no-op. With `--wait`, progress over the whole cluster is
 * shown until this batch's jobs are finished, and the collection files are then rebuilt from
 * the per-document JSON exactly as a local run does (manifest, errors.jsonl, JSONL/CSV/Parquet).
 */
import path from 'node:path';
import { type Job, type JobsOptions, Queue, QueueEvents } from 'bullmq';
import { sha256 } from '../hash.js';
import type { BatchOptions, BatchSummary } from '../batch/run.js';
import { claimOutput, lockOutput } from '../batch/folder.js';
import { dropOutputsMark } from '../batch/mark.js';
import { readablePath } from '../fsname.js';
import { discoverInputs } from '../batch/inputs.js';
import type { Failure } from '../errors.js';
import { Manifest, manifestEntry, missingInput } from '../batch/manifest.js';
import { readInput } from '../batch/read.js';
import { documentsOf, writeOutputs } from '../batch/rebuild.js';
import type { FileEvent } from '../batch/progress.js';
import { type JobData, type JobResult, connectionOf, failureOfJob } from './connection.js';

export interface QueueOptions {
  url: string;
  name: string;
  /** Attempts per job (a crash or timeout is retried; an unreadable input fails at once). */
  attempts: number;
  /** First back-off between attempts, ms (doubling). */
  backoffMs: number;
  /** Wait for the jobs, show progress, then rebuild the outputs. */
  wait: boolean;
  log: (line: string) => void;
  /** How each input ended, told when the outputs are rebuilt (`--log-format json`: one event per input). */
  file?: (event: FileEvent) => void;
}

export interface QueueCounts {
  waiting: number;
  active: number;
  delayed: number;
  completed: number;
  failed: number;
}

export async function queueCounts(url: string, name: string): Promise<QueueCounts> {
  const queue = new Queue(name, { connection: connectionOf(url) });
  try {
    const c = await queue.getJobCounts('waiting', 'active', 'delayed', 'completed', 'failed', 'prioritized', 'waiting-children');
    return { waiting: (c.waiting ?? 0) + (c.prioritized ?? 0) + (c['waiting-children'] ?? 0), active: c.active ?? 0, delayed: c.delayed ?? 0, completed: c.completed ?? 0, failed: c.failed ?? 0 };
  } finally {
    await queue.close();
  }
}

/** An input of the batch: its job id (its sha256), or why it could not be queued. */
interface Queued {
  file: string;
  id: string | null;
  error?: Failure;
}

export async function enqueueBatch(batch: BatchOptions, q: QueueOptions): Promise<BatchSummary> {
  const started = Date.now();
  const outDir = path.resolve(batch.outDir);
  const { inputs, missing, skipped, refused } = await discoverInputs(batch.inputs, { skipDirs: [outDir], exclude: batch.exclude });
  for (const m of missing) q.log(`[jixiao] failed: ${readablePath(m)}: ${missingInput().reason}`);
  // Workers write docs/<doc_id>.json straight into the shared output folder: until this
  // batch's outputs are written, the next run compares every document (../batch/mark.ts).
  await claimOutput(outDir);
  await dropOutputsMark(outDir);
  const connection = connectionOf(q.url);
  const queue = new Queue<JobData, JobResult>(q.name, { connection });
  // Listening before the first job is added: no job of this batch finishes unheard.
  const events = q.wait ? new QueueEvents(q.name, { connection }) : null;
  // What a scanned folder held but could not be taken fails here, as in a local run: never dropped in silence.
  const ids: Queued[] = [
    ...skipped.map((f): Queued => ({ file: f, id: null, error: { kind: 'in-output-folder', reason: 'inside the output folder: move it out, or choose another --out' } })),
    ...refused.map(({ path: file, ...error }): Queued => ({ file, id: null, error })),
  ];
  try {
    await events?.waitUntilReady();
    const finished = events ? listen(events) : null;
    // Jobs go to Redis in bulks of 1, 2, 4 … up to BULK (one round trip each): workers start on
    // the first job at once while the rest are hashed.
    let bulk: Array<{ name: string; data: JobData; opts: JobsOptions }> = [];
    let size = 1;
    const flush = async () => {
      if (bulk.length) await queue.addBulk(bulk);
      bulk = [];
      size = Math.min(BULK, size * 2);
    };
    for (const input of inputs) {
      const read = await readInput(input.file, batch.extract.maxBytes);
      if ('error' in read) {
        ids.push({ file: input.file, id: null, error: read.error });
        continue;
      }
      const hash = sha256(read.bytes);
      const data: JobData = {
        path: input.file,
        shown: readablePath(batch.absolutePaths ? input.file : input.relative),
        outDir,
        sha256: hash,
        maxPages: batch.extract.maxPages,
        maxBytes: batch.extract.maxBytes,
        maxCells: batch.extract.maxCells,
        timeoutMs: batch.timeoutMs,
        ocrPageMs: batch.ocrPageMs,
        ocr: batch.extract.ocr ?? 'auto',
      };
      // The same id twice is one job: BullMQ keeps the first and ignores the second.
      bulk.push({
        name: 'extract',
        data,
        opts: { jobId: hash, attempts: q.attempts, backoff: { type: 'exponential', delay: q.backoffMs }, removeOnComplete: false, removeOnFail: false },
      });
      ids.push({ file: input.file, id: hash });
      if (bulk.length >= size) await flush();
    }
    await flush();
    q.log(`[jixiao] queued ${ids.filter((i) => i.id).length} input(s) on ${q.name}`);
    if (!events || !finished) {
      return { total: inputs.length, done: 0, skipped: 0, failed: 0, pages: 0, elapsedMs: Date.now() - started, missing, documents: [] };
    }
    const jobIds = [...new Set(ids.map((i) => i.id).filter((x): x is string => x != null))];
    await waitFor(queue, jobIds, finished, q.log);
    const jobs = new Map<string, Job<JobData, JobResult> | undefined>();
    for (let i = 0; i < jobIds.length; i += BULK) {
      const some = jobIds.slice(i, i + BULK);
      (await Promise.all(some.map((id) => queue.getJob(id)))).forEach((job, k) => jobs.set(some[k]!, job));
    }
    return await rebuild(outDir, batch, ids, jobs, started, missing, q.file);
  } finally {
    await events?.close();
    await queue.close();
  }
}

/** Jobs added or asked about per round trip. */
const BULK = 100;

/** What the queue's event stream told of finished jobs, and a way to be woken by the next one. */
interface Finished {
  /** Job ids heard completed, with their pages. */
  completed: Map<string, number>;
  /** Job ids heard failed (an attempt, maybe not the last: checked against the job's state). */
  failed: Set<string>;
  /** Resolves at the next event, or after `ms`. */
  next(ms: number): Promise<void>;
}

function listen(events: QueueEvents): Finished {
  let wake: (() => void) | null = null;
  const f: Finished = {
    completed: new Map(),
    failed: new Set(),
    next: (ms) =>
      new Promise<void>((resolve) => {
        const t = setTimeout(() => {
          wake = null;
          resolve();
        }, ms);
        wake = () => {
          clearTimeout(t);
          wake = null;
          resolve();
        };
      }),
  };
  events.on('completed', ({ jobId, returnvalue }) => {
    f.completed.set(jobId, pagesOf(returnvalue));
    wake?.();
  });
  events.on('failed', ({ jobId }) => {
    f.failed.add(jobId);
    wake?.();
  });
  return f;
}

function pagesOf(returnvalue: unknown): number {
  try {
    const r = (typeof returnvalue === 'string' ? JSON.parse(returnvalue) : returnvalue) as JobResult | null;
    return r?.pages ?? 0;
  } catch {
    return 0;
  }
}

/**
 * Until every job of the batch is finished: woken by the queue's events as jobs finish, and every
 * few seconds the jobs not yet heard of are asked for their state (an event missed while Redis
 * restarted, a job finished before this run). Progress over the cluster every two seconds.
 */
async function waitFor(queue: Queue<JobData, JobResult>, jobIds: string[], heard: Finished, log: (line: string) => void): Promise<void> {
  const pending = new Set(jobIds);
  let done = 0;
  let pages = 0;
  let lastAsk = 0;
  let inFlight = 0;
  const started = Date.now();
  const finish = (id: string, ok: boolean, p = 0) => {
    if (!pending.delete(id)) return;
    if (ok) {
      done++;
      pages += p;
    }
  };
  for (;;) {
    for (const [id, p] of heard.completed) finish(id, true, p);
    heard.completed.clear();
    // A failed attempt may be retried: the job's own state says whether it is finished.
    const failed = [...heard.failed].filter((id) => pending.has(id));
    heard.failed.clear();
    const full = Date.now() - lastAsk >= ASK_EVERY_MS;
    if (full) lastAsk = Date.now();
    const ask = full ? [...pending] : failed;
    let active = 0;
    for (let i = 0; i < ask.length; i += BULK) {
      const some = ask.slice(i, i + BULK);
      const states = await Promise.all(some.map((id) => queue.getJobState(id)));
      const completed: string[] = [];
      some.forEach((id, k) => {
        if (states[k] === 'failed') finish(id, false);
        else if (states[k] === 'completed') completed.push(id);
        else if (states[k] === 'active') active++;
      });
      // Pages of jobs finished unheard, read once each.
      for (const job of await Promise.all(completed.map((id) => queue.getJob(id)))) if (job) finish(job.id!, true, job.returnvalue?.pages ?? 0);
    }
    if (full) inFlight = active;
    if (full || pending.size === 0) {
      const rate = pages / Math.max(0.001, (Date.now() - started) / 1000);
      const over = jobIds.length - pending.size;
      log(`[jixiao] cluster: ${over}/${jobIds.length} finished (done ${done}, failed ${over - done}, in flight ${pending.size ? inFlight : 0}) | ${rate.toFixed(1)} pages/s`);
    }
    if (pending.size === 0) return;
    await heard.next(Math.max(0, lastAsk + ASK_EVERY_MS - Date.now()));
  }
}

/** How often jobs not heard of are asked for their state, and progress shown. */
const ASK_EVERY_MS = 2000;

/** Manifest entries of this batch from its jobs, then the outputs, as a local run writes them. */
async function rebuild(
  outDir: string,
  batch: BatchOptions,
  ids: Queued[],
  jobs: Map<string, Job<JobData, JobResult> | undefined>,
  started: number,
  missing: string[],
  tell?: (event: FileEvent) => void,
): Promise<BatchSummary> {
  const release = await lockOutput(outDir);
  try {
    const manifest = await Manifest.open(path.join(outDir, 'manifest.jsonl'));
    const counts = { done: 0, failed: 0, pages: 0 };
    const at = new Date().toISOString();
    // Inputs named that do not exist fail like any other (kind `missing`).
    const all: Queued[] = [...missing.map((m) => ({ file: path.resolve(m), id: null, error: missingInput() })), ...ids];
    for (const { file, id, error } of all) {
      const job = id ? jobs.get(id) : undefined;
      if (job?.returnvalue && job.finishedOn && !job.failedReason) {
        const r = job.returnvalue;
        await manifest.record(manifestEntry(file, id!, { status: 'done', ...r }, r.ms, at));
        counts.done++;
        counts.pages += r.pages ?? 0;
        tell?.({ path: readablePath(file), status: 'done', kind: null, reason: null, pages: r.pages, ms: r.ms });
      } else {
        const failure = error ?? failureOfJob(job?.failedReason);
        await manifest.record(manifestEntry(file, id ?? '', { status: 'failed', error: failure }, 0, at));
        counts.failed++;
        tell?.({ path: readablePath(file), status: 'failed', kind: failure.kind, reason: failure.reason, pages: null, ms: null });
      }
    }
    const collections = await writeOutputs(outDir, manifest, batch);
    const documents = documentsOf(manifest, ids.map((i) => i.file), outDir);
    return { total: all.length, done: counts.done, skipped: 0, failed: counts.failed, pages: counts.pages, elapsedMs: Date.now() - started, missing, documents, collections };
  } finally {
    await release();
  }
}
