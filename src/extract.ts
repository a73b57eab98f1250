/**
 * One input file → one validated contract document. Detects the format from the bytes (the
 * extension only breaks ties), runs that format's pipeline (pipelines/index.ts), interprets,
 * and validates. Every failure is an InputError with a human-readable reason.
 */
import { sha256 } from './hash.js';
import { DEFAULT_EXTRACT_OPTIONS } from './options.js';
import path from 'node:path';
import { pipelines, type LoadOptions } from '../pipelines/index.js';
import { type DocModel, type Format, InputError } from './model.js';
import { isImage } from './loaders/image/detect.js';
import { interpret } from './interpret/document.js';
import { type DocumentRecord, validateDocument } from './schema.js';
import { VERSION } from './version.js';
import { isGarbage } from './text/plausible.js';
import { textKey } from './textkey.js';
import { utf16WithoutBom } from './loaders/txt.js';

export interface ExtractOptions extends LoadOptions {
  /** Largest input accepted, in bytes. */
  maxBytes: number;
  /** Names the file's work (its temporary folders), so a batch can clean up after a killed worker. */
  task?: string;
  /** Called once for each page sent to recognition (OCR of the page, or of its glyphs), as it is found. */
  onRecognition?: (page: number) => void;
}

export { DEFAULT_EXTRACT_OPTIONS, sha256 };

const ZIP = Buffer.from('PK\u0003\u0004', 'latin1');
const OLE2 = Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]);

/** Stable document id: the first 16 hex digits of the input's sha256. */
export function docIdOf(hash: string): string {
  return hash.slice(0, 16);
}

/** Decides the format from the content; throws InputError for what cannot be read. */
export function detectFormat(bytes: Buffer, file: string): Format | 'doc' {
  if (bytes.length === 0) throw new InputError('empty file (0 bytes)', 'empty');
  const head = bytes.subarray(0, 1024).toString('latin1');
  if (head.startsWith('%PDF-') || head.slice(0, 1024).includes('%PDF-')) return 'pdf';
  if (bytes.subarray(0, 4).equals(ZIP)) return 'docx';
  if (bytes.subarray(0, 8).equals(OLE2)) return 'doc';
  if (isImage(bytes)) return 'image';
  const ext = path.extname(file).toLowerCase();
  const lower = head.trimStart().slice(0, 200).toLowerCase();
  if (lower.startsWith('<!doctype html') || lower.startsWith('<html') || lower.startsWith('<?xml')) {
    const what = lower.startsWith('<?xml') ? '<?xml' : '<html>';
    throw new InputError(`not a ${ext === '.pdf' ? 'PDF' : ext === '.docx' ? 'DOCX' : 'budget text'}: starts with ${what}`, 'html');
  }
  if (ext === '.pdf') throw new InputError(`not a PDF: no %PDF- header (starts with ${JSON.stringify(printable(head.slice(0, 16)))})`, 'not-pdf');
  if (ext === '.docx') throw new InputError('not a DOCX: not a ZIP container', 'not-docx');
  if (bytes.subarray(0, 4).equals(Buffer.from('{\\rt', 'latin1'))) throw new InputError('RTF file: convert to DOCX with LibreOffice', 'rtf');
  if (utf16WithoutBom(bytes)) return 'txt'; // its zero bytes are no sign of a binary file
  if (looksBinary(bytes)) throw new InputError('binary file of unknown type', 'unknown-binary');
  return 'txt';
}

function printable(s: string): string {
  return s.replace(/[^\x20-\x7e]/g, '.');
}

/** Bytes that are no text: many NULs or other control bytes (a stray NUL in a text dump is text with dirt). */
function looksBinary(bytes: Buffer): boolean {
  const n = Math.min(bytes.length, 4096);
  let zeros = 0;
  let bad = 0;
  for (let i = 0; i < n; i++) {
    const b = bytes[i]!;
    if (b === 0) zeros++;
    else if (b < 9 || (b > 13 && b < 32)) bad++;
  }
  return zeros > n * 0.01 || bad > n * 0.05;
}

/**
 * Whether a document's text is glyph garbage rather than language (text/plausible.ts): PDFs
 * whose fonts carry no usable Unicode map.
 */
export function unreadableText(model: DocModel): boolean {
  const text = model.blocks
    .map((b) => (b.kind === 'para' ? b.text : b.rows.map((r) => r.cells.map((c) => c.text).join('')).join('')))
    .join('');
  return isGarbage(text);
}

export interface Extracted {
  record: DocumentRecord;
  model: DocModel;
}

/** Extracts one document from bytes already read. `file` is recorded as the source path. */
export async function extractBytes(bytes: Buffer, file: string, opts: ExtractOptions = DEFAULT_EXTRACT_OPTIONS): Promise<Extracted> {
  if (bytes.length > opts.maxBytes) throw new InputError(`file too large: ${bytes.length} bytes (limit ${opts.maxBytes})`, 'too-large');
  const hash = sha256(bytes);
  let format = detectFormat(bytes, file);
  if (format === 'doc') {
    const { convertLegacyDoc } = await import('./loaders/legacy.js');
    bytes = await convertLegacyDoc(bytes, file, opts.task);
    format = 'docx';
  }
  const pipeline = pipelines[format];
  let model = await pipeline.load(bytes, opts);
  const cells = model.blocks.reduce((n, b) => n + (b.kind === 'table' ? b.rows.reduce((k, r) => k + r.cells.length, 0) : 0), 0);
  if (cells > opts.maxCells) throw new InputError(`too many table cells: ${cells} (limit ${opts.maxCells})`, 'too-many-cells');
  for (const stage of pipeline.repair) model = stage(model);
  const doc = interpret(model);
  if (doc.projects.length === 0 && doc.part_one.sub_goals.length === 0 && doc.part_one.overall_goal == null) {
    if (unreadableText(model)) {
      throw new InputError('text layer is not readable (fonts without a Unicode map): the pages need OCR', 'unreadable-text');
    }
    // Pages whose text layer was glyph garbage, and nothing of a budget text besides: the garbage
    // is the reason (what OCR read of their drawing, if it ran, was no budget text either).
    const garbled = model.garbledPages ?? [];
    if (garbled.length > 0) {
      const read = model.ocr?.pages.some((p) => garbled.includes(p));
      throw new InputError(
        `text layer is not readable (fonts without a usable Unicode map) on ${garbled.length} page(s)${read ? ', and OCR of their drawing found no budget text either' : ': the pages need OCR'}`,
        'unreadable-text',
      );
    }
    throw new InputError('not a budget performance text: no 第一部分 goals and no 第二部分/项目 tables found', 'not-budget-text');
  }
  const valid = validateDocument(doc);
  return {
    record: {
      doc_id: docIdOf(hash),
      text_key: textKey(valid),
      ...valid,
      source: { path: file, format, sha256: hash, pages: model.pages, extractor: { name: 'jixiao', version: VERSION }, ocr: model.ocr ?? null },
    },
    model,
  };
}
