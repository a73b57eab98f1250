/**
 * Worker-process entry (tinypool, child_process runtime): extracts one file — every budget text
 * it holds, one for most files, one per text for a compiled volume — or opens one bundle into
 * its members. CPU-heavy parsing (mammoth, pdf.js, table rebuilding, inflating archives) runs
 * here so that every core works and a bomb stays in its worker. Failures come back as values
 * with a human-readable reason, never as a stack trace.
 */
import { extractDocuments } from '../extract.js';
import { type Failure, failureOf } from '../errors.js';
import type { TaskOptions } from '../options.js';
import type { DocumentRecord } from '../schema.js';
import type { MemberFailure } from '../bundles/index.js';
import { isInputName } from './inputs.js';

export interface Task {
  path: string;
  bytes: Uint8Array;
  options: TaskOptions;
  /** 'open': open a bundle into its members instead of extracting documents. */
  kind?: 'extract' | 'open';
}

/** A bundle opened: its members' paths and bytes, the members that failed alone, those left out. */
export interface OpenedBundle {
  members: Array<{ path: string; bytes: Uint8Array }>;
  failures: MemberFailure[];
  skipped: number;
}

export type TaskResult =
  | { ok: true; records: DocumentRecord[] }
  | { ok: true; opened: OpenedBundle }
  | { ok: false; error: Failure };

export default async function run(task: Task): Promise<TaskResult> {
  const bytes = Buffer.from(task.bytes.buffer, task.bytes.byteOffset, task.bytes.byteLength);
  if (task.kind === 'open') return openOne(bytes, task.path, task.options);
  return extractOne(bytes, task.path, task.options);
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
