/**
 * Page-image files into the model: PNG, JPEG and TIFF (every page of a multi-page TIFF), each
 * page a scan read by the OCR engine (../../ocr/) into text items and ruling segments, which
 * the layout engine (../../layout/) turns into tables and paragraphs like any other page.
 *
 * Decoding is sharp's work (libvips: PNG, JPEG, TIFF, with a pixel limit against
 * decompression bombs). Every page's size as read is planned from the headers before any page
 * is decoded (a multi-page TIFF's in one walk of its directories: tiff.ts), and bounded (a
 * page, and all pages together); pages are then decoded one at a time, so memory holds one
 * page whatever the number of pages.
 */
import type { DocModel } from '../../model.js';
import type { Result } from '../../diagnostics.js';
import { InputError } from '../../errors.js';
import { TABLE_WORDS } from '../../vocab.js';
import { type PageContent, assemble, pageContent, tooLittleText } from '../../layout/index.js';
import { type Gray, OCR_DPI, greyOf, ocrNote, readScan, requireOcr } from '../../ocr/index.js';
import { tiffPages } from './tiff.js';

/** Resolution assumed for an image file that does not say its own: an A4 page's width at that dpi. */
const A4_WIDTH_IN = 8.27;
/** Largest image decoded (pixels): a bigger one is a decompression bomb, not a page. */
const MAX_IMAGE_PIXELS = 60_000_000;
/** Largest page read (pixels, at the resolution it is read at): the OCR engine holds a few copies of it. */
const MAX_PAGE_PIXELS = 60_000_000;
/**
 * Pixels all the pages of one file may hold at the resolution they are read at: 500 A4 pages
 * at 200 dpi (no file's OCR is allowed for more pages: ../../batch/limits.ts).
 */
const MAX_FILE_PIXELS = 500 * Math.round(A4_WIDTH_IN * 200) * Math.round(11.69 * 200);

function imageError(err: unknown, what: string): InputError {
  const message = (err as Error).message;
  if (/pixel limit/i.test(message)) return new InputError(`image larger than ${MAX_IMAGE_PIXELS / 1e6} million pixels: not a page scan`, 'resource-limit');
  return new InputError(`${what}: ${message}`, 'corrupt-image');
}

/** How one page of an image file is read: its size as stored, and the resolution and size it is read at. */
interface PagePlan {
  page: number;
  width: number;
  height: number;
  dpi: number;
  /** Width and height as read (enlarged when the scan's resolution is low). */
  readWidth: number;
  readHeight: number;
}

const millions = (n: number) => `${n >= 1e9 ? `${(n / 1e9).toFixed(1)} billion` : `${Math.round(n / 1e6)} million`}`;

/**
 * Every page's plan, from the file's headers alone, before any page is decoded: a page that
 * would be larger than a page scan can be at the resolution it is read at (a narrow strip
 * enlarged to a page's width), or pages that together would be, fail as a resource limit naming
 * the sizes — never by running out of memory.
 */
async function planPages(bytes: Buffer, maxPages: number): Promise<PagePlan[]> {
  const { default: sharp } = await import('sharp');
  let meta;
  try {
    meta = await sharp(bytes, { limitInputPixels: MAX_IMAGE_PIXELS }).metadata();
  } catch (err) {
    throw imageError(err, 'not a readable image');
  }
  const count = meta.pages ?? 1;
  if (count > maxPages) throw new InputError(`too many pages: ${count} (limit ${maxPages})`, 'too-many-pages');
  // A multi-page TIFF's sizes in one walk of its directories (tiff.ts); else page by page.
  const walked = count > 1 && meta.format === 'tiff' ? tiffPages(bytes, count) : null;
  const sizes = walked?.length === count ? walked : null;
  const plans: PagePlan[] = [];
  let total = 0;
  for (let page = 0; page < count; page++) {
    let size: { width?: number; height?: number; orientation?: number };
    try {
      size = count === 1 ? meta : (sizes?.[page] ?? (await sharp(bytes, { page, limitInputPixels: MAX_IMAGE_PIXELS }).metadata()));
    } catch (err) {
      throw imageError(err, `image page ${page + 1} could not be read`);
    }
    // Turned upright (EXIF orientation) as it is read.
    const turned = (size.orientation ?? 1) >= 5;
    const width = (turned ? size.height : size.width) ?? 1;
    const height = (turned ? size.width : size.height) ?? 1;
    // A stated resolution is used when it is a scanner's (72 is a default, not a scan).
    const stated = meta.density && meta.density >= 100 && meta.density <= 1200 ? meta.density : null;
    let dpi = stated ?? width / A4_WIDTH_IN;
    let scale = 1;
    // Scans are read at the resolution PDF pages are drawn at for OCR, which the layout rules
    // are measured at: low-resolution ones enlarged (smooth resampling reads better than the
    // recognizer's own stretching of small text), high-resolution ones reduced (the pages of a
    // 300 dpi G4 TIFF read as they are lost the lines between columns: 13 of 29 indicator rows
    // right; reduced, 24, in less work).
    if (dpi < OCR_DPI * 0.95 || dpi > OCR_DPI * 1.05) {
      scale = OCR_DPI / dpi;
      dpi = OCR_DPI;
    }
    const readWidth = Math.round(width * scale);
    const readHeight = Math.round(height * scale);
    const pixels = readWidth * readHeight;
    if (pixels > MAX_PAGE_PIXELS) {
      throw new InputError(
        `image page ${page + 1} of ${width} × ${height} pixels would be ${readWidth} × ${readHeight} pixels (${millions(pixels)}) read at ${Math.round(dpi)} dpi: over the limit of ${millions(MAX_PAGE_PIXELS)} pixels a page`,
        'resource-limit',
      );
    }
    total += pixels;
    if (total > MAX_FILE_PIXELS) {
      throw new InputError(
        `image of ${count} pages (page ${page + 1}: ${width} × ${height} pixels, read as ${readWidth} × ${readHeight}): its pages would hold over ${millions(MAX_FILE_PIXELS)} pixels read at ${Math.round(dpi)} dpi, the limit of a file`,
        'resource-limit',
      );
    }
    plans.push({ page, width, height, dpi, readWidth, readHeight });
  }
  return plans;
}

/** One page decoded as a grey bitmap at its planned size. */
async function decodePage(bytes: Buffer, plan: PagePlan): Promise<Gray> {
  const { default: sharp } = await import('sharp');
  try {
    const img = sharp(bytes, { page: plan.page, limitInputPixels: MAX_IMAGE_PIXELS }).rotate();
    if (plan.readWidth !== plan.width) img.resize({ width: plan.readWidth, kernel: 'lanczos3' });
    // Colour is kept until the grey is made, so that a red seal can be dropped (../../ocr/raster.ts).
    const { data, info } = await img.removeAlpha().toColourspace('srgb').raw().toBuffer({ resolveWithObject: true });
    return greyOf(data, info.width, info.height, info.channels);
  } catch (err) {
    throw imageError(err, `image page ${plan.page + 1} could not be read`);
  }
}

export interface ImageLoadOptions {
  maxPages: number;
}

/** An image file (each of its pages a scanned page) into the model, one page decoded at a time. */
export async function loadImage(bytes: Buffer, opts: ImageLoadOptions): Promise<Result<DocModel>> {
  await requireOcr();
  const plans = await planPages(bytes, opts.maxPages);
  const pages: PageContent[] = [];
  for (const plan of plans) {
    const gray = await decodePage(bytes, plan);
    const heightPt = (gray.height * 72) / plan.dpi;
    const widthPt = (gray.width * 72) / plan.dpi;
    const scan = await readScan(gray, plan.dpi, heightPt);
    pages.push(pageContent(plan.page + 1, scan.items, scan.segments, { view: [0, 0, widthPt, heightPt] }, TABLE_WORDS));
  }
  if (tooLittleText(pages)) throw new InputError('no text found on the image: a blank or unreadable scan', 'no-text-layer');
  const value: DocModel = { format: 'image', blocks: assemble(pages, TABLE_WORDS), pages: pages.length, ocr: ocrNote(pages.map((p) => p.page)) };
  return { value, messages: pages.flatMap((p) => p.messages) };
}
