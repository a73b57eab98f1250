/**
 * Worker-process entry (tinypool, child_process runtime): extracts one file. CPU-heavy parsing (mammoth, pdf.js,
 * table rebuilding) runs here so that every core works. Failures come back as values with a
 * human-readable reason, never as a stack trace.
 */
import { extractBytes } from '../extract.js';
import { type Failure, failureOf } from '../errors.js';
import type { TaskOptions } from '../options.js';
import type { DocumentRecord } from '../schema.js';

export interface Task {
  path: string;
  bytes: Uint8Array;
  options: TaskOptions;
}

export type TaskResult =
  | { ok: true; record: DocumentRecord }
  | { ok: false; error: Failure };

export default async function run(task: Task): Promise<TaskResult> {
  const bytes = Buffer.from(task.bytes.buffer, task.bytes.byteOffset, task.bytes.byteLength);
  return extractOne(bytes, task.path, task.options);
}

export async function extractOne(bytes: Buffer, file: string, options: TaskOptions): Promise<TaskResult> {
  try {
    const { record } = await extractBytes(bytes, file, options);
    return { ok: true, record };
  } catch (err) {
    return { ok: false, error: failureOf(err) };
  }
}
