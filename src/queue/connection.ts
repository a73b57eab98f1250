/**
 * The Redis connection of the cluster mode (BullMQ), from a `redis://[:password@]host:port/db`
 * URL. Workers and the coordinator retry for ever while Redis is away (a restart), waiting
 * longer between attempts the longer it is away, so a run goes on when Redis comes back.
 */
import type { OcrMode } from '../options.js';
import { type ConnectionOptions, UnrecoverableError } from 'bullmq';
import { type Failure, isErrorKind, oneLine } from '../errors.js';
import type { DocumentFacts } from '../writers/document.js';

export function connectionOf(url: string): ConnectionOptions {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new Error(`--queue must be a redis:// URL (got ${JSON.stringify(url)})`);
  }
  if (u.protocol !== 'redis:' && u.protocol !== 'rediss:') throw new Error(`--queue must be a redis:// URL (got ${JSON.stringify(url)})`);
  const db = Number(u.pathname.replace(/^\//, '') || 0);
  return {
    host: u.hostname || '127.0.0.1',
    port: Number(u.port || 6379),
    db: Number.isInteger(db) ? db : 0,
    ...(u.password ? { password: decodeURIComponent(u.password) } : {}),
    ...(u.username ? { username: decodeURIComponent(u.username) } : {}),
    ...(u.protocol === 'rediss:' ? { tls: {} } : {}),
    // Required by BullMQ workers; commands wait for a reconnect instead of failing.
    maxRetriesPerRequest: null,
    retryStrategy: reconnectDelay,
  };
}

/** The wait before reconnect attempt `times` (1, 2, …) to a Redis that is away: doubling from 250 ms to 10 s. */
export function reconnectDelay(times: number): number {
  return Math.min(250 * 2 ** Math.min(Math.max(times, 1) - 1, 10), 10_000);
}

/** One queue serves one output folder; the name is shared by `extract --queue` and `worker`. */
export const DEFAULT_QUEUE_NAME = 'jixiao';

/** What a job carries: everything a worker on any machine needs, no state of the enqueuer. */
export interface JobData {
  /** Absolute path of the input, as the shared file system shows it. */
  path: string;
  /** The path recorded as source.path (relative to the folder named, unless --absolute-paths). */
  shown: string;
  /** Absolute output folder. */
  outDir: string;
  /** sha256 of the input when it was enqueued (also the job id). */
  sha256: string;
  maxPages: number;
  maxBytes: number;
  maxCells: number;
  timeoutMs: number;
  /** Time added per page to OCR, and when pages are read by OCR. */
  ocrPageMs: number;
  ocr: OcrMode;
}

/** What a finished job returns: its document's facts for the manifest entry, the time it took and the CPU time of its parsing. */
export interface JobResult extends DocumentFacts {
  ms: number;
  cpu_ms?: number | null;
  /** A compiled volume: each text it holds (the fields above are its first text's). */
  parts?: Array<{ doc_id: string; output: string; pages: [number, number] | null; warnings: number }>;
}

/**
 * A job's failure: its kind and reason, as a local run records them. BullMQ keeps only the
 * message of a failed job's error, so the failure travels in it as JSON, written and read by
 * these two functions alone. `final`: no other attempt (the input's own failure).
 */
export function jobError(failure: Failure, final: boolean): Error {
  const message = JSON.stringify({ kind: failure.kind, reason: failure.reason });
  return final ? new UnrecoverableError(message) : new Error(message);
}

/** The failure of a failed job from its message; one BullMQ gave itself (a job stalled too often) is `internal`. */
export function failureOfJob(message: string | undefined): Failure {
  try {
    const f = JSON.parse(message ?? '') as Partial<Failure> | null;
    if (typeof f?.kind === 'string' && isErrorKind(f.kind) && typeof f.reason === 'string') return { kind: f.kind, reason: oneLine(f.reason) };
  } catch {
    /* not one of ours */
  }
  return { kind: 'internal', reason: oneLine(message || 'worker failed') };
}
