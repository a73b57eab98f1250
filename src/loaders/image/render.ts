/**
 * A PDF page drawn to a grey bitmap for OCR, by pdf.js on @napi-rs/canvas (the canvas
 * pdf.js itself uses in Node). Whatever the page paints — a scanner's image, several strips,
 * an image under an invisible text layer — ends up in one bitmap at the chosen resolution.
 */
import type { PdfDocument } from '../pdf/open.js';
import type { Gray } from './raster.js';

type PdfPage = Awaited<ReturnType<PdfDocument['getPage']>>;

/** Largest bitmap drawn for one page (pixels): a huge page box is drawn at a lower resolution. */
const MAX_PIXELS = 24_000_000;

export interface Rendered {
  gray: Gray;
  /** Pixels per inch the page was drawn at. */
  dpi: number;
}

export async function renderGray(page: PdfPage, dpi: number): Promise<Rendered> {
  const { createCanvas } = await import('@napi-rs/canvas');
  const base = page.getViewport({ scale: 1 });
  let scale = dpi / 72;
  const area = base.width * base.height * scale * scale;
  if (area > MAX_PIXELS) scale *= Math.sqrt(MAX_PIXELS / area);
  const viewport = page.getViewport({ scale });
  const canvas = createCanvas(Math.ceil(viewport.width), Math.ceil(viewport.height));
  const ctx = canvas.getContext('2d');
  ctx.fillStyle = '#fff';
  ctx.fillRect(0, 0, canvas.width, canvas.height);
  await page.render({ canvas: canvas as unknown as HTMLCanvasElement, canvasContext: ctx as unknown as CanvasRenderingContext2D, viewport }).promise;
  const rgba = ctx.getImageData(0, 0, canvas.width, canvas.height).data;
  const data = new Uint8Array(canvas.width * canvas.height);
  for (let i = 0, j = 0; j < data.length; i += 4, j++) data[j] = (rgba[i]! * 299 + rgba[i + 1]! * 587 + rgba[i + 2]! * 114) / 1000;
  return { gray: { width: canvas.width, height: canvas.height, data }, dpi: scale * 72 };
}
