/**
 * Page-image files into the model: PNG, JPEG and TIFF (every page of a multi-page TIFF), each
 * page a scan read by the OCR engine (../../ocr/) into text items and ruling segments, which
 * the layout engine (../../layout/) turns into tables and paragraphs like any other page.
 *
 * Decoding is sharp's work (libvips: PNG, JPEG, TIFF, with a pixel limit against
 * decompression bombs).
 */
import type { DocModel } from '../../model.js';
import type { Result } from '../../diagnostics.js';
import { InputError } from '../../errors.js';
import { TABLE_WORDS } from '../../vocab.js';
import { type PageContent, assemble, pageContent, tooLittleText } from '../../layout/index.js';
import { type Gray, OCR_DPI, greyOf, ocrNote, readScan, requireOcr } from '../../ocr/index.js';

/** Resolution assumed for an image file that does not say its own: an A4 page's width at that dpi. */
const A4_WIDTH_IN = 8.27;
/** Largest image decoded (pixels): a bigger one is a decompression bomb, not a page. */
const MAX_IMAGE_PIXELS = 60_000_000;

function imageError(err: unknown, what: string): InputError {
  const message = (err as Error).message;
  if (/pixel limit/i.test(message)) return new InputError(`image larger than ${MAX_IMAGE_PIXELS / 1e6} million pixels: not a page scan`, 'resource-limit');
  return new InputError(`${what}: ${message}`, 'corrupt-image');
}

/** Pages of an image file as grey bitmaps with their resolution. */
async function imagePages(bytes: Buffer, maxPages: number): Promise<Array<{ gray: Gray; dpi: number }>> {
  const { default: sharp } = await import('sharp');
  let meta;
  try {
    meta = await sharp(bytes, { limitInputPixels: MAX_IMAGE_PIXELS }).metadata();
  } catch (err) {
    throw imageError(err, 'not a readable image');
  }
  const count = meta.pages ?? 1;
  if (count > maxPages) throw new InputError(`too many pages: ${count} (limit ${maxPages})`, 'too-many-pages');
  const out: Array<{ gray: Gray; dpi: number }> = [];
  for (let page = 0; page < count; page++) {
    try {
      const img = sharp(bytes, { page, limitInputPixels: MAX_IMAGE_PIXELS }).rotate();
      const size = await img.clone().metadata();
      const width = size.autoOrient?.width ?? size.width ?? 1;
      // A stated resolution is used when it is a scanner's (72 is a default, not a scan).
      const stated = meta.density && meta.density >= 100 && meta.density <= 1200 ? meta.density : null;
      let dpi = stated ?? width / A4_WIDTH_IN;
      // Low-resolution scans are enlarged to the resolution PDF pages are drawn at for OCR
      // (smooth resampling reads better than the recognizer's own stretching of small text).
      if (dpi < OCR_DPI * 0.95) {
        img.resize({ width: Math.round((width * OCR_DPI) / dpi), kernel: 'lanczos3' });
        dpi = OCR_DPI;
      }
      // Colour is kept until the grey is made, so that a red seal can be dropped (../../ocr/raster.ts).
      const { data, info } = await img.removeAlpha().toColourspace('srgb').raw().toBuffer({ resolveWithObject: true });
      const gray = greyOf(data, info.width, info.height, info.channels);
      out.push({ gray, dpi });
    } catch (err) {
      throw imageError(err, `image page ${page + 1} could not be read`);
    }
  }
  return out;
}

export interface ImageLoadOptions {
  maxPages: number;
}

/** An image file (each of its pages a scanned page) into the model. */
export async function loadImage(bytes: Buffer, opts: ImageLoadOptions): Promise<Result<DocModel>> {
  await requireOcr();
  const images = await imagePages(bytes, opts.maxPages);
  const pages: PageContent[] = [];
  for (const [i, img] of images.entries()) {
    const heightPt = (img.gray.height * 72) / img.dpi;
    const widthPt = (img.gray.width * 72) / img.dpi;
    const scan = await readScan(img.gray, img.dpi, heightPt);
    pages.push(pageContent(i + 1, scan.items, scan.segments, { view: [0, 0, widthPt, heightPt] }, TABLE_WORDS));
  }
  if (tooLittleText(pages)) throw new InputError('no text found on the image: a blank or unreadable scan', 'no-text-layer');
  const value: DocModel = { format: 'image', blocks: assemble(pages), pages: pages.length, ocr: ocrNote(pages.map((p) => p.page)) };
  return { value, messages: pages.flatMap((p) => p.messages) };
}
