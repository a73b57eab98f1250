/**
 * The time limit of one file: `--timeout` for its text work, plus `--ocr-timeout` for every
 * page it may have to read by OCR (a scanned page takes seconds where a text page takes
 * milliseconds). The pages a file may OCR are estimated from its bytes, cheaply and before
 * parsing: an image file is a page (a TIFF may hold several: about one per 400 kB); a PDF
 * counts its page objects, and no more of them than it holds images — unless it names no font
 * at all: then it has no text layer, and every page may be text drawn as outlines (a PDF with
 * images and fonts, or fonts and no images, has nothing more to OCR unless --ocr force).
 *
 * What the bytes cannot tell — a page whose fonts turn out to have no Unicode map, read by
 * recognising its glyphs or by OCR — is counted as it is found: the worker reports each page
 * it sends to recognition, and the file's limit grows by `--ocr-timeout` for each page beyond
 * the estimate, up to as many pages as the file holds (`recognitionBound`): never without bound.
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

/** The pages of a PDF, from its page objects (capped by --max-pages), or 0 when it is no PDF. */
function pdfPages(bytes: Buffer, maxPages: number): number {
  if (!bytes.subarray(0, 1024).toString('latin1').includes('%PDF-')) return 0;
  const pages = countName(bytes, '/Type/Page', maxPages) + countName(bytes, '/Type /Page', maxPages);
  // Page objects inside compressed object streams are not counted: assume a page per 100 kB.
  return Math.min(maxPages, pages || Math.ceil(bytes.length / 100_000));
}

/** Pages of this file that OCR may read (an estimate, capped by --max-pages). */
export function ocrPagesOf(bytes: Buffer, opts: TimeLimits['extract']): number {
  if (opts.ocr === 'off') return 0;
  if (isImage(bytes)) return Math.min(opts.maxPages, 1 + Math.floor(bytes.length / 400_000));
  const known = pdfPages(bytes, opts.maxPages);
  if (known === 0) return 0;
  if (opts.ocr === 'force') return Math.min(opts.maxPages, known);
  // No font anywhere: no text layer; each page is a scan, text drawn as outlines, or blank.
  if (countName(bytes, '/Font', 1) === 0) return Math.min(opts.maxPages, known);
  const images = countName(bytes, '/Subtype/Image', known) + countName(bytes, '/Subtype /Image', known);
  return Math.min(opts.maxPages, known, images);
}

/**
 * The most pages of this file that may be counted as sent to recognition: its pages (a PDF's
 * page objects, capped by --max-pages), and never fewer than the estimate made before parsing.
 */
export function recognitionBound(bytes: Buffer, opts: TimeLimits['extract']): number {
  if (opts.ocr === 'off') return 0;
  return Math.max(ocrPagesOf(bytes, opts), pdfPages(bytes, opts.maxPages));
}

/** The file's time limit in ms, before parsing. */
export function timeLimitOf(bytes: Buffer, limits: TimeLimits): number {
  return limits.timeoutMs + limits.ocrPageMs * ocrPagesOf(bytes, limits.extract);
}

/**
 * A file's running time limit: `timeLimitOf` when it starts, then `--ocr-timeout` more for
 * each distinct page reported as sent to recognition beyond the pages estimated, up to
 * `recognitionBound`. `onExpire` runs once, when the limit is reached.
 */
export class Deadline {
  readonly started = Date.now();
  private readonly estimated: number;
  private readonly bound: number;
  private readonly pages = new Set<number>();
  private timer: NodeJS.Timeout | null = null;
  private done = false;

  constructor(
    bytes: Buffer,
    private readonly limits: TimeLimits,
    private readonly onExpire: () => void,
  ) {
    this.estimated = ocrPagesOf(bytes, limits.extract);
    this.bound = recognitionBound(bytes, limits.extract);
    this.arm();
  }

  /** The limit now, in ms from the start. */
  get limitMs(): number {
    return this.limits.timeoutMs + this.limits.ocrPageMs * Math.max(this.estimated, Math.min(this.pages.size, this.bound));
  }

  /** Pages counted as sent to recognition. */
  get counted(): number {
    return Math.min(this.pages.size, this.bound);
  }

  /** A page sent to recognition (each page counts once). */
  page(n: number): void {
    if (this.done || !Number.isInteger(n) || this.pages.has(n) || this.pages.size >= this.bound) return;
    this.pages.add(n);
    this.arm();
  }

  /** The file ended: no more expiry. */
  stop(): void {
    this.done = true;
    if (this.timer) clearTimeout(this.timer);
  }

  private arm(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      if (this.done) return;
      this.done = true;
      this.onExpire();
    }, Math.max(0, this.started + this.limitMs - Date.now()));
  }
}
