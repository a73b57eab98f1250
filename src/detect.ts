/**
 * The first stage: what kind of input a file is, told from its bytes (the extension only
 * breaks ties), or why it is none jixiao reads. Light on purpose: the batch coordinator asks
 * it (`isImage`) without loading any loader.
 */
import path from 'node:path';
import type { Format } from './model.js';
import { InputError } from './errors.js';
import { utf16WithoutBom } from './text/encoding.js';

/** A loader's format, or 'doc': a legacy Word/WPS file, converted to DOCX first. */
export type Detected = Format | 'doc';

const ZIP = Buffer.from('PK\u0003\u0004', 'latin1');
const OLE2 = Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]);

/** Image files the image loader reads (PNG, JPEG, TIFF), by their first bytes. */
export function isImage(bytes: Uint8Array): boolean {
  const b = bytes;
  if (b.length < 8) return false;
  if (b[0] === 0x89 && b[1] === 0x50 && b[2] === 0x4e && b[3] === 0x47) return true; // PNG
  if (b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return true; // JPEG
  if ((b[0] === 0x49 && b[1] === 0x49 && b[2] === 0x2a && b[3] === 0) || (b[0] === 0x4d && b[1] === 0x4d && b[2] === 0 && b[3] === 0x2a)) return true; // TIFF
  return false;
}

/** Decides the format from the content; throws InputError for what cannot be read. */
export function detectFormat(bytes: Buffer, file: string): Detected {
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
