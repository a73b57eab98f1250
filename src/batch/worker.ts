/**
 * Worker entry (tinypool: a child process, or a thread in a cluster worker): extracts one file.
 * CPU-heavy parsing (mammoth, pdf.js, table rebuilding, OCR) runs here so that every core works.
 * Failures come back as values with a human-readable reason, never as a stack trace.
 *
 * The worker tells the pool when it starts a file (its time limit is counted from then, not
 * from a wait for a worker still starting) and returns, with the result, the CPU time it spent
 * on the file: a measure of the file's work that is the same on a busy machine and an idle one.
 */
import { isMainThread } from 'node:worker_threads';
import type { MessagePort } from 'node:worker_threads';
import { extractBytes } from '../extract.js';
import { type Failure, failureOf } from '../errors.js';
import type { TaskOptions } from '../options.js';
import { cpuMsOf } from '../procmem.js';
import type { DocumentRecord } from '../schema.js';

export interface Task {
  path: string;
  bytes: Uint8Array;
  options: TaskOptions;
  /** In a thread: the port on which the start is told (a child process tells it on its IPC channel). */
  started?: MessagePort;
}

/** What a worker says when it takes a file: its process and the CPU time it had used before. */
export interface Started {
  jixiao: 'started';
  task: string;
  pid: number;
  cpuMs: number;
}

export type TaskResult = ({ ok: true; record: DocumentRecord } | { ok: false; error: Failure }) & {
  /** CPU time the worker spent on the file, ms (null when it was stopped before telling). */
  cpuMs?: number | null;
};

export default async function run(task: Task): Promise<TaskResult> {
  const bytes = Buffer.from(task.bytes.buffer, task.bytes.byteOffset, task.bytes.byteLength);
  const cpu0 = cpuMsOf('self');
  const started: Started = { jixiao: 'started', task: task.options.task ?? '', pid: process.pid, cpuMs: cpu0 };
  if (task.started) {
    task.started.postMessage(started);
    task.started.close();
  } else if (isMainThread) process.send?.(started);
  const result = await extractOne(bytes, task.path, task.options);
  return { ...result, cpuMs: cpuMsOf('self') - cpu0 };
}

export async function extractOne(bytes: Buffer, file: string, options: TaskOptions): Promise<TaskResult> {
  try {
    const { record } = await extractBytes(bytes, file, options);
    return { ok: true, record };
  } catch (err) {
    return { ok: false, error: failureOf(err) };
  }
}
