/**
 * Corrections applied to an output folder, by every run that writes it (the rebuild of a local
 * run and of a cluster, src/batch/rebuild.ts), before the collection files are written from
 * `docs/*.json`:
 *
 * - a document with lines in corrections.jsonl is written corrected to `docs/<doc_id>.json`,
 *   and the document as extracted is kept in `extracted/<doc_id>.json`, so that the next run
 *   applies the lines to the extraction again (never to an already corrected document);
 * - a new extraction of the document (the per-document write) removes that copy first
 *   (src/writers/document.ts), so the lines then meet the new extraction;
 * - a document whose lines are all gone gets its extraction back.
 *
 * Returns every line of the file with its outcome (the `corrections` table), and the digest of
 * each corrected document as written.
 */
import { mkdir, readFile, readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import type { DocumentRecord } from '../schema.js';
import { writeFileAtomic } from '../writers/atomic.js';
import { EXTRACTED_DIR, digestOf, documentJson } from '../writers/document.js';
import { pushTo } from '../util.js';
import { applyCorrections } from './apply.js';
import { readCorrections } from './file.js';
import type { Correction, CorrectionLine } from './model.js';
import type { LineStatus } from './table.js';

/** A temporary file of an atomic write (../writers/atomic.ts). */
const TEMP = /\.tmp-\d+-\d+-\d+$/;

/** The lines of each document, in file order. */
export function linesByDocument(lines: readonly CorrectionLine[]): Map<string, CorrectionLine[]> {
  const out = new Map<string, CorrectionLine[]>();
  for (const l of lines) if (l.correction) pushTo(out, l.correction.doc_id, l);
  return out;
}

/** The document as extracted (before corrections) of a per-document JSON file of the folder. */
export async function extractedDocument(outDir: string, docId: string): Promise<DocumentRecord> {
  const kept = await readFile(path.join(outDir, EXTRACTED_DIR, `${docId}.json`), 'utf8').catch(() => null);
  return JSON.parse(kept ?? (await readFile(path.join(outDir, 'docs', `${docId}.json`), 'utf8'))) as DocumentRecord;
}

/** What applying the corrections to a folder did. */
export interface FolderCorrections {
  /** Every line of corrections.jsonl with its outcome. */
  lines: LineStatus[];
  /** The documents written corrected (doc_id → `digestOf` their corrected JSON). */
  corrected: Map<string, string>;
}

/**
 * Applies corrections.jsonl to the given per-document JSON files (absolute paths in `docs/`:
 * every document of the folder), and clears `extracted/` of documents no longer in the folder.
 */
export async function correctFolder(outDir: string, docFiles: readonly string[]): Promise<FolderCorrections> {
  const lines = await readCorrections(outDir);
  const byDoc = linesByDocument(lines);
  const extractedDir = path.join(outDir, EXTRACTED_DIR);
  const kept = new Set(await readdir(extractedDir).catch(() => [] as string[]));
  const outcome = new Map<CorrectionLine, { status: LineStatus['status']; reason: string }>();
  const present = new Set<string>();
  const corrected = new Map<string, string>();

  for (const file of docFiles) {
    const docId = path.basename(file, '.json');
    present.add(docId);
    const own = byDoc.get(docId) ?? [];
    const keptFile = path.join(extractedDir, `${docId}.json`);
    const hasKept = kept.has(`${docId}.json`);
    if (own.length === 0 && !hasKept) continue;
    const baseText = await readFile(hasKept ? keptFile : file, 'utf8');
    if (own.length === 0) {
      // Its lines are gone: the extraction comes back.
      await writeFileAtomic(file, baseText);
      await rm(keptFile, { force: true });
      continue;
    }
    const { doc, outcomes } = applyCorrections(JSON.parse(baseText) as DocumentRecord, own.map((l) => l.correction as Correction));
    if (!hasKept) {
      await mkdir(extractedDir, { recursive: true });
      await writeFileAtomic(keptFile, baseText);
    }
    const text = documentJson(doc);
    await writeFileAtomic(file, text);
    corrected.set(docId, digestOf(text));
    for (const [k, l] of own.entries()) outcome.set(l, { status: outcomes[k]!.status, reason: outcomes[k]!.reason });
  }

  // Copies of documents that left the folder, and temporary files of a killed run.
  for (const f of kept) {
    if (TEMP.test(f) || (f.endsWith('.json') && !present.has(path.basename(f, '.json')))) await rm(path.join(extractedDir, f), { force: true });
  }

  const statuses = lines.map((line): LineStatus => {
    if (!line.correction) return { line, status: 'conflict', reason: line.error ?? 'not a correction' };
    const o = outcome.get(line);
    return o ? { line, ...o } : { line, status: 'conflict', reason: `no document ${line.correction.doc_id} in the output folder` };
  });
  return { lines: statuses, corrected };
}
