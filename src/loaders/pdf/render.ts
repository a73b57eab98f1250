/**
 * A PDF page drawn to a grey bitmap for OCR (draw.ts) and read by the OCR engine (../../ocr/).
 * Whatever the page paints — a scanner's image, several strips, an image under an invisible
 * text layer, text drawn as outlines — ends up in one bitmap at the chosen resolution.
 */
import { type PdfPage, drawPage } from './draw.js';
import type { PageView } from '../../layout/index.js';
import { type Gray, OCR_DPI, type ScanPage, readScan, requireOcr } from '../../ocr/index.js';
import { type Readings, bitmapKey } from './repeats.js';

/** Largest bitmap drawn for one page (pixels): a huge page box is drawn at a lower resolution. */
const MAX_PIXELS = 24_000_000;

export interface Rendered {
  gray: Gray;
  /** Pixels per inch the page was drawn at. */
  dpi: number;
}

export async function renderGray(page: PdfPage, dpi: number): Promise<Rendered> {
  const base = page.getViewport({ scale: 1 });
  let scale = dpi / 72;
  const area = base.width * base.height * scale * scale;
  if (area > MAX_PIXELS) scale *= Math.sqrt(MAX_PIXELS / area);
  const canvas = await drawPage(page, scale);
  const rgba = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
  const data = new Uint8Array(canvas.width * canvas.height);
  for (let i = 0, j = 0; j < data.length; i += 4, j++) data[j] = (rgba[i]! * 299 + rgba[i + 1]! * 587 + rgba[i + 2]! * 114) / 1000;
  return { gray: { width: canvas.width, height: canvas.height, data }, dpi: scale * 72 };
}

export type PageReading = ScanPage & { view: PageView };

/**
 * A PDF page drawn at the OCR resolution and read by the OCR engine: its items and segments, in
 * the drawn page's frame. A page whose bitmap an earlier page of the document drew too takes
 * that page's reading from `readings` (repeats.ts).
 */
export async function ocrPage(page: PdfPage, readings?: Readings<PageReading>): Promise<PageReading> {
  await requireOcr();
  const { gray, dpi } = await renderGray(page, OCR_DPI);
  const view: PageView = [0, 0, (gray.width * 72) / dpi, (gray.height * 72) / dpi];
  const key = bitmapKey(gray, dpi);
  const known = readings?.get(key);
  if (known) return known;
  const reading = { ...(await readScan(gray, dpi, view[3])), view };
  readings?.set(key, reading);
  return reading;
}
