/**
 * jixiao as a library.
 *
 *   import { extractFile, extractBytes, extractBatch } from 'jixiao';
 *
 * - `extractFile(path)` / `extractBytes(bytes, name)`: one document in this thread → the
 *   contract document (output-contract.md) with `doc_id`, `text_key` and `source`. A file that
 *   cannot be read as a budget text rejects with an `InputError` whose `kind` is one of the
 *   README's error kinds (a compiled volume: `compiled-volume`; an archive: `bundle`).
 * - `extractDocuments(bytes, name)`: every budget text a file holds (a compiled volume's, in order).
 * - `extractBatch(inputs, { outDir, onProgress })`: the command line's batch (worker threads,
 *   manifest, resumable, JSONL/CSV/Parquet), with a callback as each file ends.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { type BatchOptions, type BatchSummary, DEFAULT_BATCH, runBatch } from './batch/run.js';
import { extractBytes as extractModel, extractDocuments as extractAll } from './extract.js';
import { DEFAULT_EXTRACT_OPTIONS, type ExtractOptions } from './options.js';
import type { DocumentRecord } from './schema.js';

export type { BatchOptions, BatchSummary } from './batch/run.js';
export type { ExtractOptions, OcrMode } from './options.js';
export type { BudgetDocument, DocumentRecord, Indicator, Loc, Project, Source, Value, Warning } from './schema.js';
export { type ErrorKind, ERROR_KINDS, ContractError, InputError } from './errors.js';
export { type WarningCode, WARNING_CODES } from './diagnostics.js';
export { DocumentRecordSchema, documentJsonSchema, validateDocument } from './schema.js';
export { parseValue, parseSplitValue } from './normalize/value.js';
export { TABLE_VIEWS } from './writers/tables.js';
export { VERSION } from './version.js';

/** Extracts one document from bytes; `name` is recorded as its source path (and breaks format ties by extension). */
export async function extractBytes(bytes: Uint8Array, name = 'input', options: Partial<ExtractOptions> = {}): Promise<DocumentRecord> {
  const buf = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const { record } = await extractModel(buf, name, { ...DEFAULT_EXTRACT_OPTIONS, ...options });
  return record;
}

/** Every budget text a file holds, in order: one for most files, one per text for a compiled volume (汇编). */
export async function extractDocuments(bytes: Uint8Array, name = 'input', options: Partial<ExtractOptions> = {}): Promise<DocumentRecord[]> {
  const buf = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return (await extractAll(buf, name, { ...DEFAULT_EXTRACT_OPTIONS, ...options })).map((d) => d.record);
}

/** Extracts one file; its source path is recorded as given. */
export async function extractFile(file: string, options: Partial<ExtractOptions> = {}): Promise<DocumentRecord> {
  return extractBytes(await readFile(file), file, options);
}

export type BatchRequest = Partial<Omit<BatchOptions, 'inputs'>> & Pick<BatchOptions, 'outDir'>;

/**
 * Converts files, folders and globs into `outDir` as `jixiao extract` does; `onProgress` is
 * called as each file ends. Resolves with the run's counts and the documents it holds.
 */
export async function extractBatch(inputs: string[], request: BatchRequest): Promise<BatchSummary> {
  return runBatch({ ...DEFAULT_BATCH, progress: 'none', ...request, inputs, outDir: path.resolve(request.outDir) });
}
