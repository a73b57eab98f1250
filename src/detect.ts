/**
 * The first stage: what kind of input a file is, told from its bytes (the extension only
 * breaks ties), or why it is none jixiao reads. Light on purpose: the batch coordinator asks
 * it (`isImage`, `bundleKind`) without loading any loader.
 *
 * ZIP containers are told apart by the names they list (word/document.xml: DOCX,
 * xl/workbook.xml: XLSX, OFD.xml: OFD, anything else: a bundle of files); OLE2 files by their
 * streams (Workbook: a legacy .xls/.et sheet, else a .doc/.wps); 7z, RAR, tar and gzip by
 * their signatures; a web page by its markup or, saved as MHTML, by its MIME headers.
 */
import path from 'node:path';
import type { Format } from './model.js';
import { InputError } from './errors.js';
import { utf16WithoutBom } from './text/encoding.js';
import { isZip, zipNames } from './zipdir.js';

/**
 * A loader's format; 'doc': a legacy Word/WPS text, converted to DOCX first; 'xls': a legacy
 * Excel/WPS sheet (.xls, .et), converted to XLSX first; 'bundle': an archive of files (ZIP,
 * 7z, RAR, tar, gzip) whose members are inputs of their own.
 */
export type Detected = Format | 'doc' | 'xls' | 'bundle';

/** The archive formats whose members jixiao reads as inputs of their own. */
export type BundleKind = 'zip' | '7z' | 'rar' | 'tar' | 'gzip';

const OLE2 = Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]);
const SEVEN_Z = Buffer.from([0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c]);
const RAR = Buffer.from('Rar!\u001a\u0007', 'latin1');

/** The kind of ZIP container: by the names it lists, the extension breaking a tie for a damaged one. */
function zipKind(bytes: Buffer, ext: string): 'docx' | 'xlsx' | 'ofd' | 'bundle' {
  const names = zipNames(bytes) ?? [];
  if (names.includes('word/document.xml')) return 'docx';
  if (names.includes('xl/workbook.xml')) return 'xlsx';
  if (names.some((n) => n.toLowerCase() === 'ofd.xml')) return 'ofd';
  if (ext === '.docx') return 'docx';
  if (ext === '.xlsx') return 'xlsx';
  if (ext === '.ofd') return 'ofd';
  return 'bundle';
}

/** An archive of files (not a DOCX, XLSX or OFD container), by its signature. */
export function bundleKind(bytes: Buffer, file = ''): BundleKind | null {
  if (bytes.length < 8) return null;
  if (isZip(bytes)) return zipKind(bytes, path.extname(file).toLowerCase()) === 'bundle' ? 'zip' : null;
  if (bytes.subarray(0, 6).equals(SEVEN_Z)) return '7z';
  if (bytes.subarray(0, 6).equals(RAR)) return 'rar';
  if (bytes[0] === 0x1f && bytes[1] === 0x8b) return 'gzip';
  if (bytes.length >= 262 && bytes.subarray(257, 262).toString('latin1') === 'ustar') return 'tar';
  return null;
}

const utf16 = (s: string) => Buffer.from(s, 'utf16le');
/** The stream an OLE2 file of a spreadsheet holds (BIFF: Workbook, older Book). */
const SHEET_STREAMS = [utf16('Workbook\u0000'), utf16('Book\u0000')];
const WORD_STREAM = utf16('WordDocument');

/** A legacy OLE2 file: a spreadsheet (.xls, WPS .et) or a text (.doc, .wps). */
function oleKind(bytes: Buffer, ext: string): 'xls' | 'doc' {
  if (bytes.includes(WORD_STREAM)) return 'doc';
  if (SHEET_STREAMS.some((s) => bytes.includes(s))) return 'xls';
  return ext === '.xls' || ext === '.et' ? 'xls' : 'doc';
}

/** Extensions under which a page of markup is an error page saved under a document's name. */
const DOCUMENT_EXTENSIONS = new Set(['.pdf', '.docx', '.doc', '.wps', '.xlsx', '.xls', '.et', '.ofd', '.zip', '.rar', '.7z']);

/** MHTML (a page saved with its parts): MIME headers first, a multipart/related body. */
function isMhtml(head: string): boolean {
  return /^(from|mime-version|content-type|subject|date|snapshot-content-location|content-location)\s*:/i.test(head.trimStart()) && /multipart\/related/i.test(head);
}

/** An HTML page: its markup opens the file (after a BOM, white space and comments). */
function isHtml(lower: string): boolean {
  const t = lower.replace(/^\ufeff|^ï»¿/, '').replace(/^(\s|<!--[\s\S]*?-->)+/, '');
  return t.startsWith('<!doctype html') || t.startsWith('<html') || (t.startsWith('<?xml') && /<html[\s>]/.test(t)) || /^<(head|meta|body|title)[\s>]/.test(t);
}

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
  const ext = path.extname(file).toLowerCase();
  if (head.startsWith('%PDF-') || head.slice(0, 1024).includes('%PDF-')) return 'pdf';
  if (isZip(bytes)) return zipKind(bytes, ext);
  if (bytes.subarray(0, 8).equals(OLE2)) return oleKind(bytes, ext);
  if (isImage(bytes)) return 'image';
  if (bundleKind(bytes, file)) return 'bundle';
  const lower = head.trimStart().slice(0, 1024).toLowerCase();
  const page = isHtml(lower) || isMhtml(bytes.subarray(0, 4096).toString('latin1'));
  if (page && !DOCUMENT_EXTENSIONS.has(ext)) return 'html';
  if (page || lower.startsWith('<?xml')) {
    const what = lower.startsWith('<?xml') && !page ? '<?xml' : '<html>';
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
