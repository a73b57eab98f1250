/**
 * `jixiao extract … --queue redis://…`: the batch handed to a cluster. Every input becomes a
 * BullMQ job whose id is the input's sha256, so an input is never extracted twice and a
 * re-enqueue of a finished input is a no-op. With `--wait`, progress over the whole cluster is
 * shown until this batch's jobs are finished, and the collection files are then rebuilt from
 * the per-document JSON exactly as a local run does (manifest, errors.jsonl, JSONL/CSV/Parquet).
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { type Job, Queue } from 'bullmq';
import { sha256 } from '../extract.js';
import { type BatchOptions, type BatchSummary, claimOutput, lockOutput, writeOutputs } from '../batch/run.js';
import { fsPath, readablePath } from '../fsname.js';
import { discoverInputs } from '../batch/inputs.js';
import { Manifest, type ManifestEntry } from '../batch/manifest.js';
import { VERSION } from '../version.js';
import { type JobData, type JobResult, connectionOf } from './connection.js';

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

/** "kind: reason" of a failed job → its parts (BullMQ keeps the message). */
function failure(reason: string | undefined): { kind: string; reason: string } {
  const m = /^([a-z-]+): ([\s\S]*)$/.exec(reason ?? '');
  return m ? { kind: m[1]!, reason: m[2]! } : { kind: 'internal', reason: reason || 'worker failed' };
}

export async function enqueueBatch(batch: BatchOptions, q: QueueOptions): Promise<BatchSummary> {
  const started = Date.now();
  const outDir = path.resolve(batch.outDir);
  const { inputs, missing } = await discoverInputs(batch.inputs, { skipDirs: [outDir], exclude: batch.exclude });
  for (const m of missing) q.log(`[jixiao] no such file or folder: ${readablePath(m)}`);
  // Workers write docs/<doc_id>.json straight into the shared output folder.
  await claimOutput(outDir);
  const queue = new Queue<JobData, JobResult>(q.name, { connection: connectionOf(q.url) });
  const ids: Array<{ file: string; id: string | null; error?: string }> = [];
  try {
    for (const input of inputs) {
      let hash: string;
      try {
        hash = sha256(await readFile(fsPath(input.file)));
      } catch (err) {
        ids.push({ file: input.file, id: null, error: `cannot read file: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}` });
        continue;
      }
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
      await queue.add('extract', data, {
        jobId: hash,
        attempts: q.attempts,
        backoff: { type: 'exponential', delay: q.backoffMs },
        removeOnComplete: false,
        removeOnFail: false,
      });
      ids.push({ file: input.file, id: hash });
    }
    q.log(`[jixiao] queued ${ids.filter((i) => i.id).length} input(s) on ${q.name}`);
    if (!q.wait) {
      return { total: inputs.length, done: 0, skipped: 0, failed: 0, pages: 0, elapsedMs: Date.now() - started, missing, documents: [] };
    }
    // Progress over the cluster until every job of this batch is finished; finished jobs are
    // not asked about again, so the polling stays light beside the workers' own traffic.
    const jobIds = [...new Set(ids.map((i) => i.id).filter((x): x is string => x != null))];
    const pending = new Set(jobIds);
    let done = 0;
    let pages = 0;
    let last = 0;
    const waitStarted = Date.now();
    for (;;) {
      const ask = [...pending];
      const states = await Promise.all(ask.map((id) => queue.getJobState(id)));
      let active = 0;
      const completed: string[] = [];
      ask.forEach((id, k) => {
        if (states[k] === 'completed' || states[k] === 'failed') {
          pending.delete(id);
          if (states[k] === 'completed') completed.push(id);
        } else if (states[k] === 'active') active++;
      });
      done += completed.length;
      // Pages of the jobs just finished (read once each), for the cluster's pages/s.
      for (const job of await Promise.all(completed.map((id) => queue.getJob(id)))) pages += job?.returnvalue?.pages ?? 0;
      const finished = jobIds.length - pending.size;
      if (Date.now() - last > 2000 || pending.size === 0) {
        last = Date.now();
        const rate = pages / Math.max(0.001, (Date.now() - waitStarted) / 1000);
        q.log(`[jixiao] cluster: ${finished}/${jobIds.length} finished (done ${done}, failed ${finished - done}, in flight ${active}) | ${rate.toFixed(1)} pages/s`);
      }
      if (pending.size === 0) break;
      await new Promise((r) => setTimeout(r, 500));
    }
    const jobs = new Map<string, Job<JobData, JobResult> | undefined>();
    for (const id of jobIds) jobs.set(id, await queue.getJob(id));
    return await rebuild(outDir, batch, ids, jobs, started, missing);
  } finally {
    await queue.close();
  }
}

/** Manifest entries of this batch from its jobs, then the outputs, as a local run writes them. */
async function rebuild(
  outDir: string,
  batch: BatchOptions,
  ids: Array<{ file: string; id: string | null; error?: string }>,
  jobs: Map<string, Job<JobData, JobResult> | undefined>,
  started: number,
  missing: string[],
): Promise<BatchSummary> {
  const release = await lockOutput(outDir);
  try {
    const manifest = await Manifest.open(path.join(outDir, 'manifest.jsonl'));
    const counts = { done: 0, failed: 0, pages: 0 };
    const base = { version: VERSION, warnings: 0, at: new Date().toISOString() };
    for (const { file, id, error } of ids) {
      const job = id ? jobs.get(id) : undefined;
      let entry: ManifestEntry;
      if (job?.returnvalue && job.finishedOn && !job.failedReason) {
        const r = job.returnvalue;
        entry = { ...base, path: file, sha256: id!, status: 'done', doc_id: r.doc_id, output: r.output, pages: r.pages, warnings: r.warnings, ms: r.ms, error: null };
        counts.done++;
        counts.pages += r.pages ?? 0;
      } else {
        entry = { ...base, path: file, sha256: id ?? '', status: 'failed', doc_id: null, output: null, pages: null, ms: 0, error: error ? { kind: 'unreadable', reason: error } : failure(job?.failedReason) };
        counts.failed++;
      }
      await manifest.record(entry);
    }
    await writeOutputs(outDir, manifest, batch);
    const documents = ids.map((i) => manifest.get(i.file)).filter((e) => e?.status === 'done' && e.output).map((e) => path.join(outDir, e!.output!));
    return { total: ids.length, done: counts.done, skipped: 0, failed: counts.failed, pages: counts.pages, elapsedMs: Date.now() - started, missing, documents: [...new Set(documents)] };
  } finally {
    await release();
  }
}
