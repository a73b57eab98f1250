/**
 * PDF pages → PNG images for the review report (drawn by ../loaders/pdf/draw.ts). Returns each page's size in PDF points so boxes in the
 * contract's coordinates can be placed over the image.
 */
import { drawPage } from '../loaders/pdf/draw.js';
import { openPdf } from '../loaders/pdf/open.js';

export interface PageImage {
  page: number;
  png: Buffer;
  /** Page size in PDF points (the unit of every `loc.bbox`). */
  width: number;
  height: number;
}

/** Renders the given 1-based pages of a PDF at `scale` (1 = 72 dpi). */
export async function renderPages(bytes: Uint8Array, pages: readonly number[], scale = 1.5): Promise<PageImage[]> {
  const doc = await openPdf(bytes);
  const out: PageImage[] = [];
  try {
    for (const n of pages) {
      if (n < 1 || n > doc.numPages) continue;
      const page = await doc.getPage(n);
      const base = page.getViewport({ scale: 1 });
      const canvas = await drawPage(page, scale);
      out.push({ page: n, png: await canvas.encode('png'), width: base.width, height: base.height });
      page.cleanup();
    }
  } finally {
    await doc.destroy();
  }
  return out;
}
