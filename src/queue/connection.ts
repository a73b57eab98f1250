/**
 * The Redis connection of the cluster mode (BullMQ), from a `redis://[:password@]host:port/db`
 * URL. Workers and the coordinator retry for ever while Redis is away (a restart), so a run
 * goes on when Redis comes back.
 */
import type { OcrMode } from '../options.js';
import type { ConnectionOptions } from 'bullmq';

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
    retryStrategy: (times: number) => Math.min(200 * times, 2000),
  };
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

/** What a finished job returns: its manifest entry's facts. */
export interface JobResult {
  doc_id: string;
  output: string;
  pages: number | null;
  warnings: number;
  ms: number;
  /** A compiled volume: each text it holds (the fields above are its first text's). */
  parts?: Array<{ doc_id: string; output: string; pages: [number, number] | null; warnings: number }>;
}
