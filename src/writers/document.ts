/**
 * The per-document JSON, `docs/<doc_id>.json` in the output folder: written atomically as each
 * input finishes, by a local run and by a cluster worker alike, and described by the facts its
 * manifest entry records (document id, output path, pages, warnings). A compiled volume's
 * texts are written each as a document of its own, the entry recording them as its parts. A new
 * extraction replaces the copy of an earlier one kept for corrections (`extracted/<doc_id>.json`,
 * ../corrections/folder.ts) first, so the corrections meet the new extraction.
 */
import { createHash } from 'node:crypto';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import type { DocumentRecord } from '../schema.js';
import { writeFileAtomic } from './atomic.js';

/** The folder of the per-document JSON, inside the output folder. */
export const DOCS_DIR = 'docs';

/** The folder of the documents as extracted, kept for those a person corrected (../corrections/folder.ts). */
export const EXTRACTED_DIR = 'extracted';

/** A document's JSON text as written. */
export function documentJson(record: DocumentRecord): string {
  return `${JSON.stringify(record, null, 2)}\n`;
}

/** The digest of a document's JSON text: the first 16 hex digits of its sha256. */
export function digestOf(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 16);
}

/** What a manifest entry records of a written document. */
export interface DocumentFacts {
  doc_id: string;
  /** The document's file, relative to the output folder (`docs/<doc_id>.json`). */
  output: string;
  pages: number | null;
  warnings: number;
  /** The digest of the JSON written (`digestOf`): the collection outputs rewrite a document whose digest changed. */
  digest: string;
}

/** The document's file relative to the output folder. */
export function documentOutput(docId: string): string {
  return path.join(DOCS_DIR, `${docId}.json`);
}

/** Writes `docs/<doc_id>.json` under `outDir` (temporary file + rename) and returns its facts. */
export async function writeDocument(outDir: string, record: DocumentRecord): Promise<DocumentFacts> {
  const output = documentOutput(record.doc_id);
  await rm(path.join(outDir, EXTRACTED_DIR, `${record.doc_id}.json`), { force: true });
  const text = documentJson(record);
  await writeFileAtomic(path.join(outDir, output), text);
  return { doc_id: record.doc_id, output, pages: record.source.pages, warnings: record.warnings.length, digest: digestOf(text) };
}

/** One text of a compiled volume, as its file's manifest entry records it. */
export interface PartFacts {
  doc_id: string;
  output: string;
  pages: [number, number] | null;
  warnings: number;
  /** The digest of the text's JSON (DocumentFacts.digest). */
  digest: string;
}

/**
 * Writes every text a file gave (one for most files) and returns the facts its manifest entry
 * records: the first text's id and output, the pages and warnings of all, and each text as a
 * part where there are several.
 */
export async function writeDocuments(outDir: string, records: readonly DocumentRecord[]): Promise<DocumentFacts & { parts?: PartFacts[] }> {
  const parts: PartFacts[] = [];
  let pages: number | null = null;
  for (const record of records) {
    const facts = await writeDocument(outDir, record);
    parts.push({ doc_id: facts.doc_id, output: facts.output, pages: record.source.part?.pages ?? null, warnings: facts.warnings, digest: facts.digest });
    if (facts.pages != null) pages = (pages ?? 0) + facts.pages;
  }
  const first = parts[0]!;
  const facts = { doc_id: first.doc_id, output: first.output, pages, warnings: parts.reduce((n, p) => n + p.warnings, 0), digest: first.digest };
  return parts.length > 1 ? { ...facts, parts } : facts;
}
