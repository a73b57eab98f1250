/**
 * The end of a run, local or cluster: the lines of corrections.jsonl applied to the per-document
 * JSON (../corrections/), then the collection outputs brought up to date with the
 * manifest (../writers/collections.ts: the Parquet dataset and the DuckDB database by what
 * changed, documents.jsonl and the CSV tables whole when the documents changed), errors.jsonl
 * and the compacted manifest rewritten (temporary file + rename), so no row is ever duplicated or
 * half-written; per-document JSON no input refers to any more is removed. `compactOutputs` is
 * `jixiao compact`: every collection output written whole again from the per-document JSON.
 *
 * A run that only added inputs since the outputs' mark (mark.ts) reads none of this whole: it
 * takes the manifest's entries after the mark, gives the outputs written from the mark the
 * documents they add, and leaves errors.jsonl, the corrections table and docs/ as they are
 * (none of them can have changed); anything else — an input recorded again, a failure, changed
 * corrections, a killed run (no mark), an output written from another source — takes the full
 * comparison, so that the outputs always equal a full rebuild.
 */
import { readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { correctFolder } from '../corrections/folder.js';
import { parseCorrections } from '../corrections/model.js';
import { type LineStatus, writeCorrectionsTable } from '../corrections/table.js';
import { readablePath } from '../fsname.js';
import type { AggregateOptions } from '../writers/aggregate.js';
import { writeFileAtomic } from '../writers/atomic.js';
import { type CollectionReport, type CollectionSource, type DocumentRef, type DocumentStep, csvOptionsOf, presentFormats, sourceOf, writeCollections } from '../writers/collections.js';
import { DOCS_DIR } from '../writers/document.js';
import { claimOutput, lockOutput, removeStaleTemps } from './folder.js';
import { Manifest, type ManifestEntry, outputsOf } from './manifest.js';
import { type OutputsMark, correctionsText, dropOutputsMark, outputsMark, writeOutputsMark } from './mark.js';

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
  return refsOf(outDir, manifest.entries.values());
}

/** The documents of these entries (documentRefs). */
function refsOf(outDir: string, entries: Iterable<ManifestEntry>): DocumentRef[] {
  const refs = new Map<string, DocumentRef>();
  for (const e of entries) {
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
  const { lines, corrected: digests } = await correctFolder(outDir, refs.map((r) => r.file));
  const out = refs.map((r) => {
    const digest = digests.get(r.doc_id);
    return digest ? { ...r, stamp: `${r.stamp}+${digest}` } : r;
  });
  return { refs: out, lines };
}

/**
 * What was added since the outputs' mark `since`, when nothing else changed: the documents of
 * the inputs recorded after it (those whose bytes an input held before already gave are held
 * already), and whether the outputs' order of the documents held stays; null when the manifest
 * did not only grow by new inputs that were done, when corrections.jsonl changed or names one
 * of the documents added, or when errors.jsonl or the corrections table is missing.
 */
async function addedSince(outDir: string, manifest: Manifest, since: OutputsMark, corrections: { text: string; sha256: string }, opts: OutputsOptions): Promise<CollectionSource['added'] | null> {
  if (since.corrections !== corrections.sha256) return null;
  const after = manifest.appended();
  // A failure changes errors.jsonl, whose order is the whole manifest's.
  if (!after || after.some((e) => e.status !== 'done')) return null;
  const fresh: ManifestEntry[] = [];
  let orderKept = true;
  for (const e of after) {
    const outputs = outputsOf(e);
    if (outputs.length === 0) continue; // a bundle: its members are entries of their own
    const before = manifest.doneBefore(e.sha256);
    if (!before) {
      fresh.push(e);
      continue;
    }
    // The same bytes done before: the same documents, held (else the outputs compare them all).
    const held = new Map(outputsOf(before).map((o) => [o.doc_id, o.digest ?? `${before.version}@${before.at}`]));
    if (!outputs.every((o) => held.get(o.doc_id) === (o.digest ?? `${e.version}@${e.at}`))) return null;
    if (e.path < before.path) orderKept = false;
  }
  const refs = refsOf(outDir, fresh);
  const named = new Set(parseCorrections(corrections.text).map((l) => l.correction?.doc_id));
  if (refs.some((r) => named.has(r.doc_id))) return null;
  const present = (f: string) => readdir(outDir).then((names) => names.includes(f));
  if (!(await present('errors.jsonl'))) return null;
  for (const kind of ['csv', 'parquet'] as const) if (opts.formats.has(kind) && !(await present(`corrections.${kind}`))) return null;
  return { since: since.id, refs, orderKept };
}

export interface OutputsOptions extends AggregateOptions {
  /** The step between a document's JSON and its rows (corrections). */
  step?: DocumentStep;
}

/**
 * Applies the corrections, brings the collection outputs up to date and rewrites errors.jsonl and
 * the compacted manifest, then leaves the outputs' mark. `since`: the mark the folder held when
 * the run started (mark.ts `takeOutputsMark`; the manifest opened with its manifest part).
 */
export async function writeOutputs(outDir: string, manifest: Manifest, opts: OutputsOptions, since: OutputsMark | null = null): Promise<CollectionReport> {
  const corrections = await correctionsText(outDir);
  const added = since ? await addedSince(outDir, manifest, since, corrections, opts) : null;
  // Before the outputs: the mark they record is of the manifest as it stays.
  await manifest.compactIfNeeded();
  const mark = outputsMark(manifest.mark(), corrections.sha256);
  let whole: Promise<{ refs: DocumentRef[]; lines: LineStatus[] }> | null = null;
  const all = () => (whole ??= corrected(outDir, documentRefs(outDir, manifest)));
  const source: CollectionSource = { all: async () => (await all()).refs, mark: mark.id, ...(added ? { added } : {}) };
  const report = await writeCollections(outDir, source, { formats: opts.formats, bom: opts.bom, escapeFormulas: opts.escapeFormulas, step: opts.step });
  // Only added documents, none named by a correction, and no failure: the corrections table,
  // errors.jsonl and docs/ are as they were.
  if (!added || whole) await writeCorrectionsTable(outDir, (await all()).lines, opts);
  if (!added) {
    const failures = [...manifest.entries.values()].filter((e) => e.status === 'failed').sort(byPath);
    await writeFileAtomic(
      path.join(outDir, 'errors.jsonl'),
      failures.map((e) => `${JSON.stringify({ path: readablePath(e.path), sha256: e.sha256 || null, kind: e.error?.kind, reason: e.error?.reason, ms: e.ms, cpu_ms: e.cpu_ms ?? null, at: e.at })}\n`).join(''),
    );
    // Per-document JSON that no input refers to any more (its file changed) is removed; only
    // files named as jixiao names them (docs/<doc_id>.json): anything else there is not its own.
    const keep = new Set((await all()).refs.map((r) => path.basename(r.file)));
    for (const f of await readdir(path.join(outDir, DOCS_DIR))) {
      if (DOC_FILE.test(f) && !keep.has(f)) await rm(path.join(outDir, DOCS_DIR, f), { force: true });
    }
  }
  await writeOutputsMark(outDir, mark);
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
    // The next run compares every document (and writes errors.jsonl and a mark again).
    await dropOutputsMark(dir);
    const manifest = await Manifest.read(path.join(dir, 'manifest.jsonl'));
    const formats = await presentFormats(dir);
    const csv = (await csvOptionsOf(dir)) ?? { bom: false, escapeFormulas: true };
    const { refs, lines } = await corrected(dir, documentRefs(dir, manifest));
    const report = await writeCollections(dir, sourceOf(refs), { ...csv, step: opts.step, formats, full: true });
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
