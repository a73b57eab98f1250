/**
 * PDF pages → images for the review views (drawn by ../loaders/pdf/draw.ts, encoded by
 * @napi-rs/canvas). Returns each page's size in PDF points so boxes in the contract's
 * coordinates can be placed over the image.
 */
import { drawPage } from '../loaders/pdf/draw.js';
import { openPdf } from '../loaders/pdf/open.js';

export interface PageImage {
  page: number;
  /** The encoded image; null when only sizes were asked for. */
  data: Buffer | null;
  /** Page size in PDF points (the unit of every `loc.bbox`). */
  width: number;
  height: number;
}

export interface RenderOptions {
  format: 'png' | 'jpeg' | 'webp';
  /** 0–100, for JPEG and WebP. */
  quality: number;
  /** 1 = 72 dpi. */
  scale: number;
  /** Read the pages' sizes only, drawing nothing. */
  sizesOnly?: boolean;
}

/** Renders the given 1-based pages of a PDF. */
export async function renderPages(bytes: Uint8Array, pages: readonly number[], opts: RenderOptions): Promise<PageImage[]> {
  const doc = await openPdf(bytes);
  const out: PageImage[] = [];
  try {
    for (const n of pages) {
      if (n < 1 || n > doc.numPages) continue;
      const page = await doc.getPage(n);
      const base = page.getViewport({ scale: 1 });
      let data: Buffer | null = null;
      if (!opts.sizesOnly) {
        const canvas = await drawPage(page, opts.scale);
        data = opts.format === 'png' ? await canvas.encode('png') : await canvas.encode(opts.format, opts.quality);
      }
      out.push({ page: n, data, width: base.width, height: base.height });
      page.cleanup();
    }
  } finally {
    await doc.destroy();
  }
  return out;
}
