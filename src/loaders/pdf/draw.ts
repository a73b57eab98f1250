/**
 * A PDF page drawn on a canvas by pdf.js, on @napi-rs/canvas (the canvas pdf.js itself uses
 * in Node), over white: for OCR (../image/render.ts) and for the review report's page images.
 */
import type { Canvas } from '@napi-rs/canvas';
import type { PdfDocument } from './open.js';

export type PdfPage = Awaited<ReturnType<PdfDocument['getPage']>>;

/** The page drawn at `scale` (1 = 72 dpi). */
export async function drawPage(page: PdfPage, scale: number): Promise<Canvas> {
  const { createCanvas } = await import('@napi-rs/canvas');
  const viewport = page.getViewport({ scale });
  const canvas = createCanvas(Math.ceil(viewport.width), Math.ceil(viewport.height));
  const ctx = canvas.getContext('2d');
  ctx.fillStyle = '#ffffff';
  ctx.fillRect(0, 0, canvas.width, canvas.height);
  await page.render({ canvas: canvas as unknown as HTMLCanvasElement, canvasContext: ctx as unknown as CanvasRenderingContext2D, viewport }).promise;
  return canvas;
}
