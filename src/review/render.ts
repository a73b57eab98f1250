/**
 * PDF pages → PNG images for the review report, with pdf.js drawing on @napi-rs/canvas (the
 * canvas pdf.js itself uses in Node). Returns each page's size in PDF points so boxes in the
 * contract's coordinates can be placed over the image.
 */
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
  const { createCanvas } = await import('@napi-rs/canvas');
  const doc = await openPdf(bytes);
  const out: PageImage[] = [];
  try {
    for (const n of pages) {
      if (n < 1 || n > doc.numPages) continue;
      const page = await doc.getPage(n);
      const base = page.getViewport({ scale: 1 });
      const viewport = page.getViewport({ scale });
      const canvas = createCanvas(Math.ceil(viewport.width), Math.ceil(viewport.height));
      const ctx = canvas.getContext('2d');
      ctx.fillStyle = '#ffffff';
      ctx.fillRect(0, 0, canvas.width, canvas.height);
      await page.render({ canvas: canvas as unknown as HTMLCanvasElement, canvasContext: ctx as unknown as CanvasRenderingContext2D, viewport }).promise;
      out.push({ page: n, png: await canvas.encode('png'), width: base.width, height: base.height });
      page.cleanup();
    }
  } finally {
    await doc.destroy();
  }
  return out;
}
