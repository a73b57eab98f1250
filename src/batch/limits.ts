/**
 * The time limit of one file: `--timeout` for its text work, plus `--ocr-timeout` for every
 * page it may have to read by OCR (a scanned page takes seconds where a text page takes
 * milliseconds). The pages a file may OCR are estimated from its bytes, cheaply and before
 * parsing: an image file is a page (a TIFF may hold several: about one per 400 kB); a PDF
 * counts its page objects, and no more of them than it holds images — unless it names no font
 * at all: then it has no text layer, and every page may be text drawn as outlines (a PDF with
 * images and fonts, or fonts and no images, has nothing more to OCR unless --ocr force).
 */
import type { ExtractOptions } from '../extract.js';
import { isImage } from '../detect.js';

export interface TimeLimits {
  timeoutMs: number;
  /** Extra time per page read by OCR. */
  ocrPageMs: number;
  extract: Pick<ExtractOptions, 'ocr' | 'maxPages'>;
}

/** Occurrences of `needle` in `bytes` not followed by a name character (so /Page, not /Pages). */
function countName(bytes: Buffer, needle: string, cap: number): number {
  const n = Buffer.from(needle, 'latin1');
  let count = 0;
  for (let at = bytes.indexOf(n); at >= 0 && count < cap; at = bytes.indexOf(n, at + n.length)) {
    const next = bytes[at + n.length];
    if (next === undefined || !/[A-Za-z0-9]/.test(String.fromCharCode(next))) count++;
  }
  return count;
}

/** Pages of this file that OCR may read (an estimate, capped by --max-pages). */
export function ocrPagesOf(bytes: Buffer, opts: TimeLimits['extract']): number {
  if (opts.ocr === 'off') return 0;
  if (isImage(bytes)) return Math.min(opts.maxPages, 1 + Math.floor(bytes.length / 400_000));
  if (!bytes.subarray(0, 1024).toString('latin1').includes('%PDF-')) return 0;
  const pages = countName(bytes, '/Type/Page', opts.maxPages) + countName(bytes, '/Type /Page', opts.maxPages);
  // Page objects inside compressed object streams are not counted: assume a page per 100 kB.
  const known = pages || Math.ceil(bytes.length / 100_000);
  if (opts.ocr === 'force') return Math.min(opts.maxPages, known);
  // No font anywhere: no text layer; each page is a scan, text drawn as outlines, or blank.
  if (countName(bytes, '/Font', 1) === 0) return Math.min(opts.maxPages, known);
  const images = countName(bytes, '/Subtype/Image', known) + countName(bytes, '/Subtype /Image', known);
  return Math.min(opts.maxPages, known, images);
}

/** The file's time limit in ms. */
export function timeLimitOf(bytes: Buffer, limits: TimeLimits): number {
  return limits.timeoutMs + limits.ocrPageMs * ocrPagesOf(bytes, limits.extract);
}
