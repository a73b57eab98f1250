/**
 * One input file → its validated contract documents with their identity: the pipeline
 * (pipelines/index.ts) run over the bytes, and each record's `doc_id`, `text_key` and `source`
 * added. Most files hold one budget text; a compiled volume (汇编) holds several, each a
 * document of its own with its place in `source.part`. Every failure is an InputError with a
 * human-readable reason and its kind.
 */
import { sha256 } from './hash.js';
import { DEFAULT_EXTRACT_OPTIONS, type TaskOptions } from './options.js';
import { type PipelineOutput, runPipeline } from '../pipelines/index.js';
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

/**
 * The id of one text of a file: the file's own id for its first (or only) text; for the
 * second and later texts of a compiled volume, derived from the file's sha256 and the text's
 * place, so that the same volume always gives the same ids.
 */
export function partDocId(hash: string, seq: number): string {
  return seq <= 1 ? docIdOf(hash) : docIdOf(sha256(Buffer.from(`${hash}#${seq}`, 'latin1')));
}

export interface Extracted {
  record: DocumentRecord;
  model: DocModel;
}

function recordOf(out: PipelineOutput, file: string, hash: string): Extracted {
  const { document, format, model, part } = out;
  return {
    record: {
      doc_id: partDocId(hash, part?.seq ?? 1),
      text_key: textKey(document),
      ...document,
      source: {
        path: file,
        format,
        sha256: hash,
        pages: model.pages,
        extractor: { name: 'jixiao', version: VERSION },
        ocr: model.ocr ?? null,
        part: part ? { seq: part.seq, pages: part.pages } : null,
        signatures: model.signatures ?? null,
        attachments: model.attachments ?? [],
      },
    },
    model,
  };
}

/**
 * Extracts every budget text a file holds, handing each to `onDocument` as soon as it is done
 * (a compiled volume's texts one by one, so that none waits for the rest of the volume).
 * `file` is recorded as the source path. Resolves with the number of texts.
 */
export async function extractEach(bytes: Buffer, file: string, opts: TaskOptions, onDocument: (e: Extracted) => Promise<void> | void): Promise<number> {
  if (bytes.length > opts.maxBytes) throw new InputError(`file too large: ${bytes.length} bytes (limit ${opts.maxBytes})`, 'too-large');
  const hash = sha256(bytes);
  return runPipeline(bytes, file, opts, (out) => onDocument(recordOf(out, file, hash)));
}

/** Every budget text a file holds, in order (one for most files). */
export async function extractDocuments(bytes: Buffer, file: string, opts: TaskOptions = DEFAULT_EXTRACT_OPTIONS): Promise<Extracted[]> {
  const out: Extracted[] = [];
  await extractEach(bytes, file, opts, (e) => {
    out.push(e);
  });
  return out;
}

/**
 * Extracts the one document of a file from bytes already read. `file` is recorded as the
 * source path. A compiled volume of several texts is refused (`compiled-volume`): read it
 * with extractDocuments.
 */
export async function extractBytes(bytes: Buffer, file: string, opts: TaskOptions = DEFAULT_EXTRACT_OPTIONS): Promise<Extracted> {
  const all = await extractDocuments(bytes, file, opts);
  if (all.length !== 1) {
    throw new InputError(`a compiled volume of ${all.length} budget texts: read it with extractDocuments (or the batch), which gives each text as a document of its own`, 'compiled-volume');
  }
  return all[0]!;
}
