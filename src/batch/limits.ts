/**
 * The time limit of one file: `--timeout` for its text work, plus `--ocr-timeout` for every
 * page it may have to read by OCR (a scanned page takes seconds where a text page takes
 * milliseconds). The pages a file may OCR are estimated from its bytes, cheaply and before
 * parsing: an image file is a page (a TIFF may hold several: about one per 400 kB); a PDF
 * counts its page objects, and no more of them than it holds images — unless it holds no font
 * at all (no font dictionary: an empty `/Font << >>` is none): then it has no text layer, and
 * every page may be a scan or text drawn as outlines (a PDF with images and fonts, or fonts and
 * no images, has nothing more to OCR unless --ocr force).
 *
 * The estimate is bounded by what a real scan of that size could need, so that a crafted file
 * cannot claim hours: a scanned page is an image of at least 16 kB (a bilevel page in CCITT G4
 * or JBIG2 at 200 dpi takes 20–60 kB, a grey one far more), and text drawn as outlines as much,
 * so a file has at most one page to OCR per 16 kB of its bytes (2,000 pages painting one shared
 * 300 kB image get 19 pages, not 2,000: they are read once, ../loaders/pdf/repeats.ts); and no
 * file more than 500 pages (over four hours at 30 s a page, when a page takes a few seconds).
 *
 * What the bytes cannot tell — a page whose fonts turn out to have no Unicode map, read by
 * recognising its glyphs or by OCR — is counted as it is found: the worker reports each page
 * it sends to recognition, and the file's limit grows by `--ocr-timeout` for each page beyond
 * the estimate, up to as many pages as the file holds (`recognitionBound`, and never more
 * than 500): never without bound.
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

/** The least bytes a page to OCR takes in a file (a scan's image, or text drawn as outlines). */
export const BYTES_PER_OCR_PAGE = 16_000;
/** The most pages of one file whose OCR the time limit allows for. */
export const MAX_OCR_PAGES = 500;

/** The pages of a PDF, from its page objects (at most `cap`), or 0 when it is no PDF. */
function pdfPages(bytes: Buffer, cap: number): number {
  if (!bytes.subarray(0, 1024).toString('latin1').includes('%PDF-')) return 0;
  const pages = countName(bytes, '/Type/Page', cap) + countName(bytes, '/Type /Page', cap);
  // Page objects inside compressed object streams are not counted: assume a page per 100 kB.
  return Math.min(cap, pages || Math.ceil(bytes.length / 100_000));
}

/** Pages of this file that OCR may read (an estimate, capped by --max-pages). */
export function ocrPagesOf(bytes: Buffer, opts: TimeLimits['extract']): number {
  const cap = Math.min(opts.maxPages, MAX_OCR_PAGES);
  if (opts.ocr === 'off') return 0;
  if (isImage(bytes)) return Math.min(cap, 1 + Math.floor(bytes.length / 400_000));
  const known = pdfPages(bytes, cap);
  if (known === 0) return 0;
  // Forced, every page is drawn and read, however little its text takes.
  if (opts.ocr === 'force') return Math.min(cap, known);
  const bySize = Math.ceil(bytes.length / BYTES_PER_OCR_PAGE);
  // No font dictionary anywhere: no text layer; each page is a scan, text drawn as outlines, or blank.
  const fonts = countName(bytes, '/BaseFont', 1) + countName(bytes, '/Subtype/Type3', 1) + countName(bytes, '/Subtype /Type3', 1);
  if (fonts === 0) return Math.min(cap, known, bySize);
  const images = countName(bytes, '/Subtype/Image', known) + countName(bytes, '/Subtype /Image', known);
  return Math.min(cap, known, images, bySize);
}

/**
 * The most pages of this file that may be counted as sent to recognition: its pages (a PDF's
 * page objects, at most --max-pages and 500), and never fewer than the estimate made before parsing.
 */
export function recognitionBound(bytes: Buffer, opts: TimeLimits['extract']): number {
  if (opts.ocr === 'off') return 0;
  return Math.max(ocrPagesOf(bytes, opts), pdfPages(bytes, Math.min(opts.maxPages, MAX_OCR_PAGES)));
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
