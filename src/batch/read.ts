/**
 * Reading an input's bytes, shared by the run, its dry run and the cluster: regular files only.
 * A named pipe, a socket or a device (a link to /dev/zero) named like a document is no document:
 * it fails with kind `special-file`, and is never opened in a way that could block (a pipe with
 * no writer) or read for ever (/dev/zero). The file is opened without blocking and checked again
 * on the open descriptor, so a file swapped for a pipe meanwhile is caught too.
 */
import type { Stats } from 'node:fs';
import { constants } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import type { Failure } from '../errors.js';
import { fsPath } from '../fsname.js';
import { unreadable } from './manifest.js';

/** What a file that is not a regular file is, in words; null for a regular file or a folder. */
export function specialKind(st: Stats): string | null {
  if (st.isFIFO()) return 'a named pipe (FIFO)';
  if (st.isSocket()) return 'a socket';
  if (st.isCharacterDevice()) return 'a character device (such as /dev/zero)';
  if (st.isBlockDevice()) return 'a block device';
  return null;
}

/** The failure of an input that is not a regular file. */
export function specialFile(what: string): Failure {
  return { kind: 'special-file', reason: `not a regular file but ${what}: not read` };
}

/** The bytes of the regular file at `file` (a path as ../fsname.ts keeps it), or why they cannot be had. */
export async function readInput(file: string, maxBytes: number): Promise<{ bytes: Buffer } | { error: Failure }> {
  let st: Stats;
  try {
    st = await stat(fsPath(file));
  } catch (err) {
    return { error: unreadable(err) };
  }
  const what = specialKind(st);
  if (what) return { error: specialFile(what) };
  if (!st.isFile()) return { error: unreadable(Object.assign(new Error('a folder'), { code: 'EISDIR' })) };
  if (st.size > maxBytes) return { error: tooLarge(st.size, maxBytes) };
  let fh;
  try {
    // O_NONBLOCK: a file turned into a pipe since the check opens at once instead of waiting for a writer.
    fh = await open(fsPath(file), constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOCTTY);
  } catch (err) {
    return { error: unreadable(err) };
  }
  try {
    const now = await fh.stat();
    const changed = specialKind(now);
    if (changed) return { error: specialFile(changed) };
    if (now.size > maxBytes) return { error: tooLarge(now.size, maxBytes) };
    const bytes = await fh.readFile();
    // A file that grew while it was read is judged by what was read.
    if (bytes.length > maxBytes) return { error: tooLarge(bytes.length, maxBytes) };
    return { bytes };
  } catch (err) {
    return { error: unreadable(err) };
  } finally {
    await fh.close();
  }
}

function tooLarge(size: number, maxBytes: number): Failure {
  return { kind: 'too-large', reason: `file too large: ${size} bytes (limit ${maxBytes})` };
}
