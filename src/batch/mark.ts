/**
 * The mark of what an output folder's collection outputs were last written from
 * (`.jixiao-outputs.json`): the manifest as it stood (its length and sha256:
 * manifest.ts `ManifestMark`), corrections.jsonl's sha256, and the extractor and schema
 * versions. Its `id` is recorded in every output it wrote (the Parquet dataset's state, DuckDB's
 * `jixiao_meta`, the whole files' state). The mark is written when a run has written every
 * output and removed when the next run starts, so a run killed on the way leaves none: the run
 * after it compares every document (and lists docs/ for leftovers), as a run with no mark does.
 *
 * With the mark, a run whose manifest only grew by new inputs since then (nothing recorded
 * before it recorded again, corrections.jsonl the same, the same versions) knows the documents
 * added: an output that was written from the mark appends them (../writers/collections.ts), at
 * the cost of what was added, not of what the folder holds.
 */
import { createHash } from 'node:crypto';
import { readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { CORRECTIONS_FILE } from '../corrections/file.js';
import { writeFileAtomic } from '../writers/atomic.js';
import { SCHEMA_VERSION } from '../writers/tables.js';
import { VERSION } from '../version.js';
import type { ManifestMark } from './manifest.js';

export const MARK_FILE = '.jixiao-outputs.json';

export interface OutputsMark {
  /** What every output records: a digest of the rest. */
  id: string;
  manifest: ManifestMark;
  /** sha256 of corrections.jsonl ('' when there is none). */
  corrections: string;
  version: string;
  schema_version: number;
}

/** The mark of a manifest and a corrections file's sha256, at this version. */
export function outputsMark(manifest: ManifestMark, corrections: string): OutputsMark {
  const rest = { manifest, corrections, version: VERSION, schema_version: SCHEMA_VERSION };
  return { id: createHash('sha256').update(JSON.stringify(rest)).digest('hex').slice(0, 32), ...rest };
}

/**
 * The folder's mark, removed from the folder (a run takes it when it starts: a run that does
 * not end leaves none); null when there is none, or it is of another version.
 */
export async function takeOutputsMark(outDir: string): Promise<OutputsMark | null> {
  const file = path.join(outDir, MARK_FILE);
  const text = await readFile(file, 'utf8').catch(() => null);
  if (text == null) return null;
  await rm(file, { force: true });
  try {
    const m = JSON.parse(text) as OutputsMark;
    const mm = m?.manifest;
    const ok = mm && [mm.bytes, mm.lines, mm.entries].every(Number.isInteger) && typeof mm.sha256 === 'string' && typeof m.corrections === 'string';
    if (!ok || m.version !== VERSION || m.schema_version !== SCHEMA_VERSION) return null;
    // The id is what the rest says (an edited mark is no mark).
    return outputsMark(mm, m.corrections).id === m.id ? m : null;
  } catch {
    return null;
  }
}

export async function writeOutputsMark(outDir: string, mark: OutputsMark): Promise<void> {
  await writeFileAtomic(path.join(outDir, MARK_FILE), `${JSON.stringify(mark)}\n`);
}

/** Removes the folder's mark (a run that writes documents the outputs do not know of yet starts). */
export async function dropOutputsMark(outDir: string): Promise<void> {
  await rm(path.join(outDir, MARK_FILE), { force: true });
}

/** corrections.jsonl's text and sha256 ('' and '' when there is none). */
export async function correctionsText(outDir: string): Promise<{ text: string; sha256: string }> {
  const text = await readFile(path.join(outDir, CORRECTIONS_FILE), 'utf8').catch((e: NodeJS.ErrnoException) => {
    if (e.code === 'ENOENT') return '';
    throw e;
  });
  return { text, sha256: text === '' ? '' : createHash('sha256').update(text).digest('hex') };
}
