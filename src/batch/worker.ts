/**
 * Worker entry (tinypool: a child process, or a thread in a cluster worker): extracts one file —
 * every budget text it holds, one for most files, one per text for a compiled volume — or opens
 * one bundle into its members. CPU-heavy parsing (mammoth, pdf.js, table rebuilding, OCR,
 * inflating archives) runs here so that every core works and a bomb stays in its worker.
 * Failures come back as values with a human-readable reason, never as a stack trace.
 *
 * The worker tells the pool when it starts a file (its time limit is counted from then, not
 * from a wait for a worker still starting) and returns, with the result, the CPU time it spent
 * on the file: a measure of the file's work that is the same on a busy machine and an idle one.
 */
import { isMainThread } from 'node:worker_threads';
import type { MessagePort } from 'node:worker_threads';
import { extractDocuments } from '../extract.js';
import { type Failure, failureOf } from '../errors.js';
import type { TaskOptions } from '../options.js';
import { cpuMsOf } from '../procmem.js';
import type { DocumentRecord } from '../schema.js';
import type { MemberFailure } from '../bundles/index.js';
import { isInputName } from './inputs.js';

export interface Task {
  path: string;
  bytes: Uint8Array;
  options: TaskOptions;
  /** 'open': open a bundle into its members instead of extracting documents. */
  kind?: 'extract' | 'open';
  /**
   * In a thread: the port on which the start is told, and each page sent to recognition (a
   * child process tells them on its IPC channel).
   */
  started?: MessagePort;
}

/** What a worker says when it sends a page of the file to recognition. */
export interface Recognition {
  jixiao: 'recognition';
  task: string;
  page: number;
}

/** What a worker says when it takes a file: its process and the CPU time it had used before. */
export interface Started {
  jixiao: 'started';
  task: string;
  pid: number;
  cpuMs: number;
}

/** A bundle opened: its members' paths and bytes, the members that failed alone, those left out. */
export interface OpenedBundle {
  members: Array<{ path: string; bytes: Uint8Array }>;
  failures: MemberFailure[];
  skipped: number;
}

export type TaskResult = ({ ok: true; records: DocumentRecord[] } | { ok: true; opened: OpenedBundle } | { ok: false; error: Failure }) & {
  /** CPU time the worker spent on the file, ms (null when it was stopped before telling). */
  cpuMs?: number | null;
};

export default async function run(task: Task): Promise<TaskResult> {
  const bytes = Buffer.from(task.bytes.buffer, task.bytes.byteOffset, task.bytes.byteLength);
  const cpu0 = cpuMsOf('self');
  const started: Started = { jixiao: 'started', task: task.options.task ?? '', pid: process.pid, cpuMs: cpu0 };
  const port = task.started;
  const tell = port ? (m: unknown) => port.postMessage(m) : isMainThread && process.send ? (m: unknown) => process.send!(m) : null;
  tell?.(started);
  // Each page sent to recognition (its glyphs or the whole page) is told as it is found: the
  // file's time limit grows with them, within a bound (limits.ts).
  const recognition: Recognition = { jixiao: 'recognition', task: started.task, page: 0 };
  const onRecognition = tell ? (page: number) => tell({ ...recognition, page }) : undefined;
  try {
    const result = await (task.kind === 'open' ? openOne(bytes, task.path, task.options) : extractOne(bytes, task.path, { ...task.options, onRecognition }));
    return { ...result, cpuMs: cpuMsOf('self') - cpu0 };
  } finally {
    port?.close();
  }
}

/** Every budget text of one file (a compiled volume holds several). */
export async function extractOne(bytes: Buffer, file: string, options: TaskOptions): Promise<TaskResult> {
  try {
    const docs = await extractDocuments(bytes, file, options);
    return { ok: true, records: docs.map((d) => d.record) };
  } catch (err) {
    return { ok: false, error: failureOf(err) };
  }
}

/** A bundle's members (archives in it opened too), each member a file name jixiao reads. */
export async function openOne(bytes: Buffer, file: string, options: TaskOptions): Promise<TaskResult> {
  try {
    const { DEFAULT_BUNDLE_LIMITS, openBundle } = await import('../bundles/index.js');
    const opened = await openBundle(bytes, file, isInputName, { ...DEFAULT_BUNDLE_LIMITS, maxMember: options.maxBytes });
    return { ok: true, opened: { members: opened.members.map((m) => ({ path: m.path, bytes: new Uint8Array(m.bytes.buffer, m.bytes.byteOffset, m.bytes.byteLength) })), failures: opened.failures, skipped: opened.skipped } };
  } catch (err) {
    return { ok: false, error: failureOf(err) };
  }
}
