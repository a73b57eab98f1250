/**
 * The output folder of a run: claimed (jixiao writes only a folder that is new, empty or its
 * own), locked (one run at a time), cleared of the temporary files a killed run left, and the
 * faults of its file system (disk full, read-only, no permission) told as one clear line.
 */
import { mkdir, readFile, readdir, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import lockfile from 'proper-lockfile';
import { CORRECTIONS_FILE } from '../corrections/file.js';
import { readablePath } from '../fsname.js';
import { writeFileAtomic } from '../writers/atomic.js';
import { DOCS_DIR } from '../writers/document.js';

/** Errors of the output's file system: the run cannot go on, and no input is to blame. */
const OUTPUT_FAULTS = new Set(['ENOSPC', 'EDQUOT', 'EROFS', 'EACCES', 'EPERM', 'EIO', 'ENOTDIR']);

const FAULT_WORDS: Record<string, string> = {
  ENOSPC: 'the disk is full',
  EDQUOT: 'the disk quota is used up',
  EROFS: 'the file system is read-only',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EIO: 'input/output error',
  ENOTDIR: 'a path component is not a folder',
};

/** A temporary file of an atomic write (../writers/atomic.ts). */
const TEMP = /\.tmp-\d+-\d+-\d+$/;

/** One clear line for a fault of the output (naming the path), or the error as it was. */
export function asOutputFault(err: unknown): Error {
  const e = err as NodeJS.ErrnoException;
  if (!e?.code || !OUTPUT_FAULTS.has(e.code)) return e instanceof Error ? e : new Error(String(err));
  const where = e.path ? readablePath(String(e.path).replace(TEMP, '')) : 'the output folder';
  return new Error(`cannot write ${where}: ${FAULT_WORDS[e.code]} (${e.code}); free space or fix the folder, then run the same command again`);
}

/** The mark jixiao leaves in every output folder it writes, and what it says. */
export const OUTPUT_MARK = '.jixiao';
const MARK_HEAD = 'This folder is written by jixiao';
const MARK_TEXT = `${MARK_HEAD}: it replaces and deletes only the files it wrote here.\n`;

/**
 * Makes sure `outDir` is a folder jixiao may write: new, empty (hidden files and a person's
 * corrections.jsonl aside), or one it wrote before — its mark is there. Files named like jixiao's (another tool's manifest.jsonl,
 * docs/, projects.csv) do not make a folder jixiao's: jixiao only ever replaces or deletes what
 * it wrote, so a folder holding other files is refused with a clear message, touching nothing.
 */
export async function claimOutput(outDir: string): Promise<void> {
  const st = await stat(outDir).catch(() => null);
  if (st && !st.isDirectory()) throw new Error(`--out ${readablePath(outDir)} is a file, not a folder`);
  if (st) {
    const names = await readdir(outDir);
    const ours = await readFile(path.join(outDir, OUTPUT_MARK), 'utf8').then((t) => t.startsWith(MARK_HEAD), () => false);
    // A person's corrections may come first: jixiao reads them and never replaces or deletes them.
    const foreign = names.filter((n) => !n.startsWith('.') && n !== CORRECTIONS_FILE);
    if (!ours && foreign.length > 0) {
      throw new Error(
        `output folder ${readablePath(outDir)} holds files jixiao did not write (${foreign.slice(0, 3).map(readablePath).join(', ')}${foreign.length > 3 ? ', …' : ''}); choose an empty or new folder, or one jixiao wrote before`,
      );
    }
  }
  try {
    // The mark first: another run looking at the folder meanwhile must see it as jixiao's.
    await mkdir(outDir, { recursive: true });
    await writeFileAtomic(path.join(outDir, OUTPUT_MARK), MARK_TEXT);
    await mkdir(path.join(outDir, DOCS_DIR), { recursive: true });
  } catch (err) {
    throw asOutputFault(err);
  }
}

/** A lock not refreshed for this long belongs to a run that died (its heartbeat stopped). */
const LOCK_STALE_MS = 5000;

/**
 * One run at a time per output folder: a second one would interleave the manifest. The lock is
 * proper-lockfile's (an atomic mkdir of `.jixiao.lock`, refreshed every second while the run
 * lives): a lock whose refresh stopped for 5 s is a dead run's and is taken over, atomically,
 * by exactly one of the runs that find it; a lock still being refreshed stops the next run.
 */
export async function lockOutput(outDir: string): Promise<() => Promise<void>> {
  const lockfilePath = path.join(outDir, '.jixiao.lock');
  const options = { lockfilePath, realpath: false, stale: LOCK_STALE_MS, update: 1000 };
  if (await lockfile.check(outDir, options).catch(() => false)) {
    // A fresh lock: a live run refreshes it every second; a run killed a moment ago does not.
    const mtime = () => stat(lockfilePath).then((s) => s.mtimeMs, () => 0);
    const before = await mtime();
    await new Promise((r) => setTimeout(r, 2500));
    if ((await mtime()) !== before) throw lockedError(outDir, lockfilePath);
  }
  try {
    // A stale lock (a killed run's) is taken over; wait for it to go stale if it is about to.
    return await lockfile.lock(outDir, { ...options, retries: { retries: 12, minTimeout: 250, maxTimeout: 1000, factor: 1.5 } });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ELOCKED') throw lockedError(outDir, lockfilePath);
    throw asOutputFault(err);
  }
}

function lockedError(outDir: string, lock: string): Error {
  return new Error(
    `output folder ${readablePath(outDir)} is in use by another jixiao run; if no run is alive, wait ${LOCK_STALE_MS / 1000} s (its lock goes stale) or remove ${readablePath(lock)}`,
  );
}

/**
 * Temporary files a killed run left behind are never outputs: remove them (`docs: false`: not
 * in docs/, which the caller knows holds none — listing it costs what the folder holds).
 */
export async function removeStaleTemps(outDir: string, opts: { docs: boolean } = { docs: true }): Promise<void> {
  for (const dir of opts.docs ? [outDir, path.join(outDir, DOCS_DIR)] : [outDir]) {
    for (const f of await readdir(dir)) if (TEMP.test(f)) await rm(path.join(dir, f), { force: true });
  }
}
