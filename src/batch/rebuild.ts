/**
 * The end of a run, local or cluster: the lines of corrections.jsonl applied to the per-document
 * JSON (../corrections/), then the collection outputs brought up to date with the
 * manifest (../writers/collections.ts: the Parquet dataset and the DuckDB database by what
 * changed, documents.jsonl and the CSV tables whole when the documents changed), errors.jsonl
 * and the compacted manifest rewritten (temporary file + rename), so no row is ever duplicated or
 * half-written; per-document JSON no input refers to any more is removed. `compactOutputs` is
 * `jixiao compact`: every collection output written whole again from the per-document JSON.
 */
import { createHash } from 'node:crypto';
import { readFile, readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { correctFolder } from '../corrections/folder.js';
import { type LineStatus, writeCorrectionsTable } from '../corrections/table.js';
import { readablePath } from '../fsname.js';
import type { AggregateOptions } from '../writers/aggregate.js';
import { writeFileAtomic } from '../writers/atomic.js';
import { type CollectionReport, type DocumentRef, type DocumentStep, csvOptionsOf, presentFormats, writeCollections } from '../writers/collections.js';
import { DOCS_DIR, EXTRACTED_DIR } from '../writers/document.js';
import { claimOutput, lockOutput, removeStaleTemps } from './folder.js';
import { Manifest, type ManifestEntry, outputsOf } from './manifest.js';

/** The name of a per-document JSON jixiao writes (../writers/document.ts). */
const DOC_FILE = /^[0-9a-f]{16}\.json$/;

/** Inputs in the order of their paths' UTF-16 code units: the same on every machine and locale. */
function byPath(a: ManifestEntry, b: ManifestEntry): number {
  return a.path < b.path ? -1 : a.path > b.path ? 1 : 0;
}

/**
 * The documents of the manifest that are done, each doc_id once — the first input path in
 * order stands for it; every text of a compiled volume a document of its own, after the text
 * before it — in no particular order (the outputs sort what they write: sorting an archive's
 * entries on every run would cost what the run adds).
 */
export function documentRefs(outDir: string, manifest: Manifest): DocumentRef[] {
  const refs = new Map<string, DocumentRef>();
  for (const e of manifest.entries.values()) {
    if (e.status !== 'done') continue;
    outputsOf(e).forEach((o, i) => {
      // A volume's later texts sort right after its first (NUL sorts before any path character).
      const order = i === 0 ? e.path : `${e.path}\u0000${String(i).padStart(6, '0')}`;
      const had = refs.get(o.doc_id);
      if (had && had.order <= order) return;
      // Entries written before the digest was kept: what changes when they are written again.
      refs.set(o.doc_id, { doc_id: o.doc_id, file: path.join(outDir, o.output), stamp: o.digest ?? `${e.version}@${e.at}`, order });
    });
  }
  return [...refs.values()];
}

/**
 * Applies corrections.jsonl to the documents of `refs` (../corrections/folder.ts rewrites their
 * JSON) and gives each corrected document a stamp of its corrected JSON, so that the outputs
 * holding it as extracted (or corrected otherwise) write it again; returns the refs and every
 * line's outcome (the corrections table).
 */
async function corrected(outDir: string, refs: DocumentRef[]): Promise<{ refs: DocumentRef[]; lines: LineStatus[] }> {
  const lines = await correctFolder(outDir, refs.map((r) => r.file));
  const kept = new Set(await readdir(path.join(outDir, EXTRACTED_DIR)).catch(() => [] as string[]));
  const out: DocumentRef[] = [];
  for (const r of refs) {
    if (!kept.has(`${r.doc_id}.json`)) out.push(r);
    else out.push({ ...r, stamp: `${r.stamp}+${createHash('sha256').update(await readFile(r.file)).digest('hex').slice(0, 16)}` });
  }
  return { refs: out, lines };
}

export interface OutputsOptions extends AggregateOptions {
  /** The step between a document's JSON and its rows (corrections). */
  step?: DocumentStep;
}

/** Applies the corrections, brings the collection outputs up to date and rewrites errors.jsonl and the compacted manifest. */
export async function writeOutputs(outDir: string, manifest: Manifest, opts: OutputsOptions): Promise<CollectionReport> {
  const { refs, lines } = await corrected(outDir, documentRefs(outDir, manifest));
  const report = await writeCollections(outDir, refs, { formats: opts.formats, bom: opts.bom, escapeFormulas: opts.escapeFormulas, step: opts.step });
  await writeCorrectionsTable(outDir, lines, opts);
  const failures = [...manifest.entries.values()].filter((e) => e.status === 'failed').sort(byPath);
  await writeFileAtomic(
    path.join(outDir, 'errors.jsonl'),
    failures.map((e) => `${JSON.stringify({ path: readablePath(e.path), sha256: e.sha256 || null, kind: e.error?.kind, reason: e.error?.reason, ms: e.ms, cpu_ms: e.cpu_ms ?? null, at: e.at })}\n`).join(''),
  );
  // Per-document JSON that no input refers to any more (its file changed) is removed; only
  // files named as jixiao names them (docs/<doc_id>.json): anything else there is not its own.
  const keep = new Set(refs.map((r) => path.basename(r.file)));
  for (const f of await readdir(path.join(outDir, DOCS_DIR))) {
    if (DOC_FILE.test(f) && !keep.has(f)) await rm(path.join(outDir, DOCS_DIR, f), { force: true });
  }
  await manifest.compactIfNeeded();
  return report;
}

/**
 * `jixiao compact`: the collection outputs the folder holds, written whole from its per-document
 * JSON — the Parquet dataset as one part per table, the DuckDB database as a new file — under the
 * folder's lock; documents.jsonl and the CSV files are whole already (brought up to date if not).
 */
export async function compactOutputs(outDir: string, opts: { step?: DocumentStep } = {}): Promise<CollectionReport> {
  const dir = path.resolve(outDir);
  await claimOutput(dir);
  const release = await lockOutput(dir);
  try {
    await removeStaleTemps(dir);
    const manifest = await Manifest.read(path.join(dir, 'manifest.jsonl'));
    const formats = await presentFormats(dir);
    const csv = (await csvOptionsOf(dir)) ?? { bom: false, escapeFormulas: true };
    const { refs, lines } = await corrected(dir, documentRefs(dir, manifest));
    const report = await writeCollections(dir, refs, { ...csv, step: opts.step, formats, full: true });
    await writeCorrectionsTable(dir, lines, { ...csv, formats });
    return report;
  } finally {
    await release();
  }
}

/** The per-document JSON (absolute paths) of these inputs that are done, in their order, each once. */
export function documentsOf(manifest: Manifest, files: readonly string[], outDir: string): string[] {
  const documents = files
    .map((f) => manifest.get(f))
    .filter((e): e is ManifestEntry => e?.status === 'done')
    .flatMap((e) => outputsOf(e).map((o) => path.join(outDir, o.output)));
  return [...new Set(documents)];
}
