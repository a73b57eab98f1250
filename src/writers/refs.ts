/**
 * The documents the collection outputs are written from: each a reference to its per-document
 * JSON with a stamp that changes when its content does, read one at a time (memory stays flat
 * however many there are), through the step that gives the document as the outputs show it.
 */
import { readFile } from 'node:fs/promises';
import type { DocumentRecord } from '../schema.js';

export interface DocumentRef {
  doc_id: string;
  /** Its per-document JSON, absolute path. */
  file: string;
  /**
   * Changes whenever the document as written changes: the digest of its JSON (older manifests:
   * the extractor version and the time it was written). An output holding a document at
   * another stamp writes it again.
   */
  stamp: string;
  /** Where it comes in the outputs' order (its input's path): outputs sort by it when they write documents out. */
  order: string;
}

/** Refs in the outputs' order (by `order`, then doc_id, in UTF-16 code units: the same on every machine and locale). */
export function inOrder(refs: readonly DocumentRef[]): DocumentRef[] {
  return [...refs].sort((a, b) => (a.order < b.order ? -1 : a.order > b.order ? 1 : a.doc_id < b.doc_id ? -1 : a.doc_id > b.doc_id ? 1 : 0));
}

/**
 * The step between a document's JSON and the rows every output writes of it: documents in,
 * documents out (a corrections step applies its fixes here). It must be a function of the
 * document and of what the caller folds into the refs' stamps, so that outputs written at
 * different times agree.
 */
export type DocumentStep = (doc: DocumentRecord) => DocumentRecord | Promise<DocumentRecord>;

/** The documents of `refs`, in order, read from their JSON and passed through `step`. */
export async function* readDocuments(refs: Iterable<DocumentRef>, step?: DocumentStep): AsyncGenerator<DocumentRecord> {
  for (const r of refs) {
    const doc = JSON.parse(await readFile(r.file, 'utf8')) as DocumentRecord;
    yield step ? await step(doc) : doc;
  }
}
