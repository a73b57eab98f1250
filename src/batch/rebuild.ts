/**
 * The end of a run, local or cluster: the collection files (documents.jsonl, CSV, Parquet),
 * errors.jsonl and the compacted manifest rebuilt from the manifest and the per-document JSON,
 * each written whole (temporary file + rename), so no row is ever duplicated or half-written;
 * per-document JSON no input refers to any more is removed.
 */
import { readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { readablePath } from '../fsname.js';
import { type AggregateOptions, OUTPUT_KINDS, outputFiles, writeAggregates } from '../writers/aggregate.js';
import { writeFileAtomic } from '../writers/atomic.js';
import { DOCS_DIR } from '../writers/document.js';
import { type Manifest, type ManifestEntry, outputsOf } from './manifest.js';

/** The name of a per-document JSON jixiao writes (../writers/document.ts). */
const DOC_FILE = /^[0-9a-f]{16}\.json$/;

/** Rebuilds the collection outputs, errors.jsonl and the compacted manifest. */
export async function writeOutputs(outDir: string, manifest: Manifest, opts: AggregateOptions): Promise<void> {
  const entries = [...manifest.entries.values()].sort((a, b) => a.path.localeCompare(b.path));
  const seen = new Set<string>();
  const docFiles: string[] = [];
  for (const e of entries) {
    if (e.status !== 'done') continue;
    // Every text of a compiled volume is a document of its own.
    for (const o of outputsOf(e)) {
      if (seen.has(o.doc_id)) continue;
      seen.add(o.doc_id);
      docFiles.push(path.join(outDir, o.output));
    }
  }
  await writeAggregates(outDir, docFiles, { formats: opts.formats, bom: opts.bom, escapeFormulas: opts.escapeFormulas });
  // A collection format not asked for this time is not left behind stale.
  for (const kind of OUTPUT_KINDS.filter((k) => !opts.formats.has(k))) {
    for (const f of outputFiles(kind)) await rm(path.join(outDir, f), { force: true });
  }
  const failures = entries.filter((e) => e.status === 'failed');
  await writeFileAtomic(
    path.join(outDir, 'errors.jsonl'),
    failures.map((e) => `${JSON.stringify({ path: readablePath(e.path), sha256: e.sha256 || null, kind: e.error?.kind, reason: e.error?.reason, ms: e.ms, cpu_ms: e.cpu_ms ?? null, at: e.at })}\n`).join(''),
  );
  // Per-document JSON that no input refers to any more (its file changed) is removed; only
  // files named as jixiao names them (docs/<doc_id>.json): anything else there is not its own.
  const keep = new Set(docFiles.map((f) => path.basename(f)));
  for (const f of await readdir(path.join(outDir, DOCS_DIR))) {
    if (DOC_FILE.test(f) && !keep.has(f)) await rm(path.join(outDir, DOCS_DIR, f), { force: true });
  }
  await manifest.compact();
}

/** The per-document JSON (absolute paths) of these inputs that are done, in their order, each once. */
export function documentsOf(manifest: Manifest, files: readonly string[], outDir: string): string[] {
  const documents = files
    .map((f) => manifest.get(f))
    .filter((e): e is ManifestEntry => e?.status === 'done')
    .flatMap((e) => outputsOf(e).map((o) => path.join(outDir, o.output)));
  return [...new Set(documents)];
}
