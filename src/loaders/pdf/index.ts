/**
 * PDF loader on pdfjs-dist: each page's text items and drawn ruling lines become the
 * intermediate model.
 *
 * - orient.ts turns a page drawn turned so that its text runs left to right; shown.ts keeps
 *   the text the page shows (clip.ts: not what its clip or layers hide; doubles.ts: text
 *   drawn twice, once).
 * - The layout engine (../../layout/) rebuilds each page's tables (from the drawn grid, or
 *   from text positions where a table has no lines) and lines, drops running headers, footers
 *   and page numbers and makes the lines paragraphs.
 * - A page without a usable text layer — a scan, a scan under an invisible OCR text layer,
 *   a text layer of glyph garbage, text drawn as outlines — is drawn to a bitmap and read by
 *   the OCR engine (render.ts, ../../ocr/) into the same items and lines, when OCR is on
 *   (`ocr`: 'auto' decides per page, 'force' reads every page so, 'off' never); a page that
 *   draws what an earlier page drew is read once (repeats.ts).
 * - Tables running across pages are stitched by the repair stage.
 * - Files the PDF embeds (attachments) are listed by name and size, not read (attachments.ts).
 */
import type { DocModel } from '../../model.js';
import { OPS } from 'pdfjs-dist/legacy/build/pdf.mjs';
import { type Message, type Result, message, pagePlace } from '../../diagnostics.js';
import { InputError } from '../../errors.js';
import { isGarbage } from '../../text/plausible.js';
import { TABLE_WORDS } from '../../vocab.js';
import { type Item, type Matrix, type PageContent, type PageView, type PagedRead, type TurnedItem, assemble, invert, multiply, pageContent, readAll, tooLittleText, turnOf, upright } from '../../layout/index.js';
import { type OcrMode, ocrNote } from '../../ocr/index.js';
import { PAGE_BUDGET, operators, textItems } from './budget.js';
import { curvedFills, rulings } from './geometry.js';
import { type LayerShown, fontLookup, layers, shownText } from './shown.js';
import { placedGlyphs } from './clip.js';
import { type PdfDocument, openPdf } from './open.js';
import { type PageReading, ocrPage } from './render.js';
import { Readings, drawingKey } from './repeats.js';
import { checkDeclaredImages, checkDeclaredMaps } from './declared.js';
import { attachmentsOf } from './attachments.js';
import { unreadableError } from '../../guards.js';
import { type Recovery, fontRecovery, recoverFonts, unmappedMessages } from './recover.js';

export interface PdfLoadOptions {
  maxPages: number;
  ocr?: OcrMode;
  /** Called once for each page sent to recognition (OCR of the page, or of its glyphs). */
  onRecognition?: (page: number) => void;
}

function toItem(raw: unknown): TurnedItem | null {
  const it = raw as { str?: string; transform?: number[]; width?: number; conf?: number };
  if (typeof it.str !== 'string' || !it.transform || it.str.trim() === '') return null;
  const [a, b, c, d, e, f] = it.transform as [number, number, number, number, number, number];
  // The text's size is its width's scale, except where pdf.js draws a Type 3 font used at a
  // size of 1 or less as high as its glyphs' box but leaves its width at that size: there, its
  // height. (An OCR layer's words squeezed or stretched by a horizontal scaling keep their
  // width's scale, which is what their boxes on the page measure.)
  const wide = Math.hypot(a, b);
  const size = (wide <= 1 ? Math.hypot(c, d) : wide) || Math.abs(d) || 1;
  return { item: { str: it.str, x: e, y: f, w: it.width ?? 0, size, ...(it.conf != null ? { conf: it.conf } : {}) }, turn: turnOf(a, b) };
}

const IMAGE_OPS = new Set<number>([OPS.paintImageXObject, OPS.paintInlineImageXObject, OPS.paintImageMaskXObject, OPS.paintImageXObjectRepeat, OPS.paintImageMaskXObjectGroup, OPS.paintInlineImageXObjectGroup, OPS.paintImageMaskXObjectRepeat]);
const SHOW_OPS = new Set<number>([OPS.showText, OPS.showSpacedText, OPS.nextLineShowText, OPS.nextLineSetSpacingShowText]);

/** What a page paints: images, and text drawn visibly or invisibly (render mode 3, an OCR layer). */
function paints(fnArray: ArrayLike<number>, argsArray: ArrayLike<unknown>): { image: boolean; visibleText: number; hiddenText: number } {
  let image = false;
  let visibleText = 0;
  let hiddenText = 0;
  let mode = 0;
  const stack: number[] = [];
  for (let i = 0; i < fnArray.length; i++) {
    const fn = fnArray[i]!;
    if (IMAGE_OPS.has(fn)) image = true;
    else if (fn === OPS.save) stack.push(mode);
    else if (fn === OPS.restore) mode = stack.pop() ?? 0;
    else if (fn === OPS.setTextRenderingMode) mode = Number((argsArray[i] as unknown[])[0]) || 0;
    else if (SHOW_OPS.has(fn)) {
      if (mode === 3 || mode === 7) hiddenText++;
      else visibleText++;
    }
  }
  return { image, visibleText, hiddenText };
}

/** Curved filled shapes on a text-less page from which it is taken as text drawn as outlines. */
const MIN_OUTLINE_GLYPHS = 40;

/** Fewer characters than this on a page is no text layer worth reading. */
const MIN_PAGE_CHARS = 8;

/** Why a page is read by OCR, or null when its text layer is used. */
function ocrReason(mode: OcrMode, items: Item[], p: ReturnType<typeof paints>, curved: () => number): 'forced' | 'no-text' | 'outlines' | 'hidden-text' | 'garbage' | null {
  if (mode === 'off') return null;
  if (mode === 'force') return 'forced';
  const text = items.map((i) => i.str).join('');
  // Glyph garbage in the text layer (fonts without a usable Unicode map) still draws the right
  // shapes on the page: they are read from the drawing.
  if (isGarbage(text)) return 'garbage';
  // Text turned into paths (a print workflow's "outline fonts"): read from the drawing.
  if (!p.image) return text.replace(/\s+/g, '').length < MIN_PAGE_CHARS && curved() >= MIN_OUTLINE_GLYPHS ? 'outlines' : null;
  if (text.replace(/\s+/g, '').length < MIN_PAGE_CHARS) return 'no-text';
  // An OCR'd scan: the text is an invisible layer over the image; its positions and words are
  // another engine's guess, and jixiao reads the image itself (README, "OCR").
  if (p.hiddenText > 0 && p.visibleText === 0) return 'hidden-text';
  return null;
}

/** The pages of one document read by OCR so far, of those the pages whose own text layer was glyph garbage, and their readings (repeats.ts). */
interface OcrPages {
  pages: number[];
  garbled: number[];
  readings: Readings<PageReading>;
  /** Called as each page is sent to OCR. */
  onPage?: (page: number) => void;
}

async function readPage(doc: PdfDocument, n: number, mode: OcrMode, ocr: OcrPages, layerShown: LayerShown, fonts: Recovery | null): Promise<PageContent> {
  const page = await doc.getPage(n);
  try {
    // The drawing first: a page over its budget fails before its text pass walks the same forms.
    const ol = await operators(page, n, PAGE_BUDGET);
    const read = await textItems(page, n, PAGE_BUDGET);
    // Every glyph the page places, walked once for the font recovery, the clip and the doubles.
    const placed = placedGlyphs(ol.fnArray, ol.argsArray, page.view, fontLookup(page), layerShown);
    // Fonts without a Unicode map: their text read from their glyphs' shapes (recover.ts).
    const recovered = fonts ? await recoverFonts(fonts, n, page, read, placed) : { items: read, ocr: null };
    const texts = recovered.items;
    // The page turned so that its text runs left to right (most pages: as it is).
    const up = upright(texts.map(toItem).filter((i): i is TurnedItem => i != null), rulings(ol.fnArray, ol.argsArray), page.view as PageView);
    // Boxes in the output are on the page as a viewer shows it (its /Rotate applied).
    const toPage = multiply(page.getViewport({ scale: 1 }).transform as Matrix, invert(up.m));
    const shown = shownText(placed, up, n, toPage);
    const reason = recovered.ocr ?? ocrReason(mode, shown.value, paints(ol.fnArray, ol.argsArray), () => curvedFills(ol.fnArray, ol.argsArray, MIN_OUTLINE_GLYPHS));
    if (reason) {
      if (reason === 'garbage') ocr.garbled.push(n);
      // The page as drawn (its /Rotate applied) is the frame of the scan's items and boxes.
      ocr.pages.push(n);
      // A page drawing what an earlier page drew is read once (repeats.ts).
      const drawing = drawingKey(ol, page.view, page.rotate);
      const known = ocr.readings.get(drawing);
      if (!known) ocr.onPage?.(n);
      const scan = known ?? (await ocrPage(page, ocr.readings));
      ocr.readings.set(drawing, scan);
      return pageContent(n, scan.items, scan.segments, { view: scan.view }, TABLE_WORDS);
    }
    // Text run past the page's right edge (shown.ts) keeps the rules it runs between: the page's
    // box reaches as far as the text it reads.
    const reach = shown.value.reduce((x, i) => Math.max(x, i.x + i.w), up.view[2]);
    const view: PageView = reach > up.view[2] ? [up.view[0], up.view[1], reach + 1, up.view[3]] : up.view;
    const content = pageContent(n, shown.value, up.segs, { view, toPage }, TABLE_WORDS);
    return { ...content, messages: [...shown.messages, ...content.messages] };
  } finally {
    page.cleanup();
  }
}

/** A document's pages read one at a time, and the model of any run of them (the layout engine's `PagedRead`). */
export async function readPdf(bytes: Buffer, opts: PdfLoadOptions): Promise<PagedRead> {
  // An image or character-map bomb fails by the sizes it declares, before pdf.js allocates anything for it.
  checkDeclaredImages(bytes);
  checkDeclaredMaps(bytes);
  const doc = await openPdf(bytes);
  if (doc.numPages > opts.maxPages) {
    await doc.destroy();
    throw new InputError(`too many pages: ${doc.numPages} (limit ${opts.maxPages})`, 'too-many-pages');
  }
  const attachments = await attachmentsOf(doc, bytes).catch(async (err: unknown) => {
    await doc.destroy();
    throw err;
  });
  const ocr: OcrPages = { pages: [], garbled: [], readings: new Readings(), onPage: opts.onRecognition };
  const fonts = await fontRecovery(opts.ocr ?? 'auto', opts.onRecognition);
  async function* pages(): AsyncGenerator<PageContent> {
    try {
      const layerShown = await layers(doc);
      for (let n = 1; n <= doc.numPages; n++) {
        try {
          yield await readPage(doc, n, opts.ocr ?? 'auto', ocr, layerShown, fonts);
        } catch (err) {
          if (err instanceof InputError) throw err;
          throw new InputError(`PDF page ${n} could not be read: ${(err as Error).message}`, 'corrupt-pdf');
        }
      }
    } finally {
      await doc.destroy();
    }
  }
  /** The model of some of the pages read: the checks that they hold text, then the layout engine's blocks. */
  const model = (read: PageContent[]): Result<DocModel> => {
    const numbers = new Set(read.map((p) => p.page));
    const ocrPages = ocr.pages.filter((n) => numbers.has(n));
    const ocrGarbled = ocr.garbled.filter((n) => numbers.has(n));
    const empty = tooLittleText(read);
    const garbled = read.filter((p) => p.unreadable).map((p) => p.page);
    if (empty && garbled.length > 0) throw unreadableError(garbled.length, null);
    if (empty && ocrGarbled.length > 0) throw unreadableError(ocrGarbled.length, 'text');
    if (empty && ocrPages.length > 0) {
      throw new InputError(`no text found: ${ocrPages.length} page(s) read by OCR hold no text (a blank or unreadable scan)`, 'no-text-layer');
    }
    if (empty) throw new InputError('no text layer: its pages (scans, or text drawn as outlines) need OCR', 'no-text-layer');
    const messages: Message[] = read.flatMap((p) => p.messages);
    if (fonts) messages.push(...unmappedMessages(fonts, numbers));
    for (const n of garbled) {
      messages.push(message('page-unreadable', `page ${n}: the text layer is glyph garbage (a font without a usable Unicode map); its text was left out`, [pagePlace(n)]));
    }
    const garbledPages = [...new Set([...ocrGarbled, ...garbled])].sort((a, b) => a - b);
    return { value: { format: 'pdf', blocks: assemble(read, TABLE_WORDS), pages: read.length, ocr: ocrNote(ocrPages), garbledPages, attachments }, messages };
  };
  return { pages: pages(), count: doc.numPages, model };
}

/** The whole document at once. */
export async function loadPdf(bytes: Buffer, opts: PdfLoadOptions): Promise<Result<DocModel>> {
  return readAll(await readPdf(bytes, opts));
}
