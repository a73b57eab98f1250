/**
 * Worker-process entry (tinypool, child_process runtime): extracts one file. CPU-heavy parsing (mammoth, pdf.js,
 * table rebuilding) runs here so that every core works. Failures come back as values with a
 * human-readable reason, never as a stack trace.
 */
import type { MessagePort } from 'node:worker_threads';
import { extractBytes, type ExtractOptions } from '../extract.js';
import { InputError } from '../model.js';
import type { DocumentRecord } from '../schema.js';

export interface Task {
  path: string;
  bytes: Uint8Array;
  options: ExtractOptions;
  /** Where a worker thread reports the pages it sends to recognition (a worker process sends them as its messages). */
  progress?: MessagePort;
}

export type TaskResult =
  | { ok: true; record: DocumentRecord }
  | { ok: false; kind: string; reason: string };

export default async function run(task: Task): Promise<TaskResult> {
  const bytes = Buffer.from(task.bytes.buffer, task.bytes.byteOffset, task.bytes.byteLength);
  // Each page sent to recognition is reported as it is found: the file's time limit grows with them.
  const progress = task.progress;
  const onRecognition = progress ? (page: number) => progress.postMessage({ recognition: page }) : process.send ? (page: number) => process.send!({ recognition: page }) : undefined;
  try {
    return await extractOne(bytes, task.path, { ...task.options, onRecognition });
  } finally {
    progress?.close();
  }
}

export async function extractOne(bytes: Buffer, file: string, options: ExtractOptions): Promise<TaskResult> {
  try {
    const { record } = await extractBytes(bytes, file, options);
    return { ok: true, record };
  } catch (err) {
    if (err instanceof InputError) return { ok: false, kind: err.kind, reason: err.message };
    const e = err as Error;
    if (/contract/.test(e.message)) return { ok: false, kind: 'invalid-output', reason: e.message };
    return { ok: false, kind: 'internal', reason: `extractor error: ${e?.message ?? String(err)}` };
  }
}
