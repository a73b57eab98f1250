/**
 * A PDF page drawn to a grey bitmap for OCR (draw.ts) and read by the OCR engine (../../ocr/).
 * Whatever the page paints — a scanner's image, several strips, an image under an invisible
 * text layer, text drawn as outlines — ends up in one bitmap at the chosen resolution, grey
 * with red seals dropped (../../ocr/raster.ts).
 *
 * A page that is one scanned image of lower resolution than the one asked for (a 100 or 150
 * dpi archive scan) is drawn at the image's own resolution and enlarged by sharp with a
 * Lanczos kernel: the canvas's own enlargement while drawing is bilinear, and blurs the thin
 * strokes of small characters (一 lost from 一级指标 at 100 dpi). One of higher resolution (a
 * 300 dpi archive scan, a bilevel G4 or JBIG2 page) is drawn at its own resolution too and
 * reduced by sharp: the canvas's reduction samples the image instead of averaging it, and a
 * thin rule or stroke of a bilevel image comes out broken or missing (a column line gone
 * in places, cells of two columns read as one; 一 lost).
 */
import { type PdfPage, drawPage } from './draw.js';
import { pdfjs } from './open.js';
import type { PageView } from '../../layout/index.js';
import { type Gray, OCR_DPI, type ScanPage, greyOf, readScan, requireOcr } from '../../ocr/index.js';
import { type Readings, bitmapKey } from './repeats.js';

/** Largest bitmap drawn for one page (pixels): a huge page box is drawn at a lower resolution. */
const MAX_PIXELS = 24_000_000;
/** Largest bitmap drawn for a scan of higher resolution than the one asked for, before it is reduced (an A4 page at 300 dpi). */
const MAX_HIGH_PIXELS = 9_000_000;

export interface Rendered {
  gray: Gray;
  /** Pixels per inch the page was drawn at. */
  dpi: number;
}

/**
 * The resolution of the widest image the page paints, taken as drawn across the page's width
 * (a scan fills its page); null when the page paints no image.
 */
async function imageDpi(page: PdfPage, widthPt: number): Promise<number | null> {
  const { OPS } = await pdfjs();
  const list = await page.getOperatorList();
  let widest = 0;
  for (let i = 0; i < list.fnArray.length; i++) {
    if (list.fnArray[i] !== OPS.paintImageXObject) continue;
    const w = (list.argsArray[i] as unknown[])[1];
    if (typeof w === 'number') widest = Math.max(widest, w);
  }
  return widest ? (widest * 72) / widthPt : null;
}

export async function renderGray(page: PdfPage, dpi: number): Promise<Rendered> {
  const base = page.getViewport({ scale: 1 });
  // The page's bitmap at the resolution asked for, bounded before anything is drawn (a huge page
  // box is drawn at a lower resolution): the bound holds for the enlarged bitmap too.
  let scale = dpi / 72;
  const area = base.width * base.height * scale * scale;
  if (area > MAX_PIXELS) scale *= Math.sqrt(MAX_PIXELS / area);
  const native = await imageDpi(page, base.width);
  // A low-resolution scan: drawn as it is, enlarged below; a high-resolution one drawn as it is
  // (or as near as the bound allows), reduced below.
  const low = native != null && native >= 50 && native < scale * 72 * 0.95 ? native / 72 : null;
  const highest = Math.min(native == null ? 0 : native / 72, Math.sqrt(MAX_HIGH_PIXELS / (base.width * base.height)));
  const high = low == null && highest > scale * 1.05 ? highest : null;
  const drawn = low ?? high ?? scale;
  const canvas = await drawPage(page, drawn);
  const rgba = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
  const gray = greyOf(rgba, canvas.width, canvas.height, 4);
  if (low == null && high == null) return { gray, dpi: scale * 72 };
  const { default: sharp } = await import('sharp');
  const width = Math.round((gray.width * scale) / drawn);
  const { data, info } = await sharp(Buffer.from(gray.data.buffer, gray.data.byteOffset, gray.data.length), { raw: { width: gray.width, height: gray.height, channels: 1 } })
    .resize({ width, kernel: 'lanczos3' })
    .greyscale()
    .raw()
    .toBuffer({ resolveWithObject: true });
  return { gray: { width: info.width, height: info.height, data: new Uint8Array(data.buffer, data.byteOffset, info.width * info.height) }, dpi: (info.width / gray.width) * drawn * 72 };
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
