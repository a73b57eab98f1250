/**
 * One input file → one validated contract document with its identity: the pipeline
 * (pipelines/index.ts) run over the bytes, and the record's `doc_id`, `text_key` and
 * `source` added. Every failure is an InputError with a human-readable reason and its kind.
 */
import { sha256 } from './hash.js';
import { DEFAULT_EXTRACT_OPTIONS, type TaskOptions } from './options.js';
import { runPipeline } from '../pipelines/index.js';
import type { DocModel } from './model.js';
import { InputError } from './errors.js';
import type { DocumentRecord } from './schema.js';
import { VERSION } from './version.js';
import { textKey } from './textkey.js';

export { DEFAULT_EXTRACT_OPTIONS, sha256 };
export type { ExtractOptions } from './options.js';

/** Stable document id: the first 16 hex digits of the input's sha256. */
export function docIdOf(hash: string): string {
  return hash.slice(0, 16);
}

export interface Extracted {
  record: DocumentRecord;
  model: DocModel;
}

/** Extracts one document from bytes already read. `file` is recorded as the source path. */
export async function extractBytes(bytes: Buffer, file: string, opts: TaskOptions = DEFAULT_EXTRACT_OPTIONS): Promise<Extracted> {
  if (bytes.length > opts.maxBytes) throw new InputError(`file too large: ${bytes.length} bytes (limit ${opts.maxBytes})`, 'too-large');
  const hash = sha256(bytes);
  const { document, format, model } = await runPipeline(bytes, file, opts);
  return {
    record: {
      doc_id: docIdOf(hash),
      text_key: textKey(document),
      ...document,
      source: { path: file, format, sha256: hash, pages: model.pages, extractor: { name: 'jixiao', version: VERSION }, ocr: model.ocr ?? null },
    },
    model,
  };
}
