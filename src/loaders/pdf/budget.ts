/**
 * Reading a page's text layer and drawing operators from pdf.js within a budget.
 *
 * pdf.js expands a form XObject every time a page draws it, and a form may draw other forms:
 * a few kilobytes of crafted PDF can fan out to 2³⁰ draws, each one more operator (and text
 * item) for pdf.js to produce, and every draw of a form costs pdf.js a fresh parse of its
 * stream (in the text pass even more than in the drawing pass). Its work is chained on
 * promises, so no timer could cut it off anyway; but it hands its results over in chunks, and
 * each chunk is a point to count and to stop at. The budget counts work, never time, so the
 * same bytes get the same verdict on any machine, busy or idle: a page's drawing is read first,
 * and one that goes over `MAX_PAGE_OPS` operators or `MAX_PAGE_FORMS` form draws fails the
 * file with kind `too-complex`, before its text is read (the text pass walks the same forms);
 * the text pass then stops at `MAX_PAGE_ITEMS` items.
 *
 * Budget performance texts stay far below these limits: the richest page of the corpus, its
 * producer renditions and scans draws 3,802 operators, no form and 1,067 text items.
 */
import { OPS } from 'pdfjs-dist/legacy/build/pdf.mjs';
import { InputError } from '../../errors.js';

/** Drawing operators a page may have (about 130 × the richest real page). */
export const MAX_PAGE_OPS = 500_000;
/**
 * Form XObjects a page may draw (a header, a stamp, a watermark or a scanned strip each draw
 * one; real pages draw a handful, the corpus none). Each draw is a fresh parse in both passes.
 */
export const MAX_PAGE_FORMS = 2_000;
/** Text items a page may have (about 190 × the richest real page). */
export const MAX_PAGE_ITEMS = 200_000;

export interface PageBudget {
  maxOps: number;
  maxForms: number;
  maxItems: number;
}

export const PAGE_BUDGET: PageBudget = { maxOps: MAX_PAGE_OPS, maxForms: MAX_PAGE_FORMS, maxItems: MAX_PAGE_ITEMS };

/** The parts of pdf.js's page object read here. */
interface PdfPage {
  streamTextContent(): ReadableStream<{ items: unknown[] }>;
  getOperatorList(): Promise<{ fnArray: number[]; argsArray: unknown[] }>;
}

interface IntentState {
  operatorList?: { fnArray: unknown[] };
  opListReadCapability?: { reject(e: unknown): void };
}
/** pdf.js's page object, with the chunk hook this module watches (PDFPageProxy, pdfjs-dist 2–5). */
interface ChunkedPage {
  _renderPageChunk?: (chunk: unknown, state: IntentState) => void;
  _abortOperatorList?: (a: { intentState: IntentState; reason: Error; force: boolean }) => void;
}

function tooComplex(n: number, what: string): InputError {
  return new InputError(`PDF page ${n} is too complex to read: ${what} (drawings nested to fan out, or a crafted page)`, 'too-complex');
}

/** The page's text items, read chunk by chunk; stops at the budget. */
export async function textItems(page: PdfPage, n: number, budget: PageBudget = PAGE_BUDGET): Promise<unknown[]> {
  const reader = page.streamTextContent().getReader();
  const items: unknown[] = [];
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return items;
      for (const it of value.items) items.push(it);
      if (items.length > budget.maxItems) throw tooComplex(n, `more than ${budget.maxItems} text items`);
    }
  } catch (err) {
    await reader.cancel(err).catch(() => {});
    throw err;
  }
}

/**
 * The page's operator list, as `page.getOperatorList()`, stopped at the budget: each chunk
 * pdf.js hands over is counted (the page object's own chunk hook, wrapped for this page only):
 * its operators, and the form draws among them; over the budget, the list is cancelled (pdf.js
 * stops evaluating) and the call fails.
 */
export function operators(page: PdfPage, n: number, budget: PageBudget = PAGE_BUDGET): Promise<{ fnArray: number[]; argsArray: unknown[] }> {
  const p = page as unknown as ChunkedPage & PdfPage;
  const own = p._renderPageChunk;
  const abort = p._abortOperatorList;
  // A pdf.js without the hook still reads the page; the file's time limit then bounds it.
  if (typeof own !== 'function' || typeof abort !== 'function') return page.getOperatorList();
  let seen = 0;
  let forms = 0;
  p._renderPageChunk = function (this: ChunkedPage, chunk: unknown, state: IntentState) {
    own.call(this, chunk, state);
    const fns = state.operatorList?.fnArray ?? [];
    for (; seen < fns.length; seen++) if (fns[seen] === OPS.paintFormXObjectBegin) forms++;
    const over = fns.length > budget.maxOps ? `more than ${budget.maxOps} drawing operators` : forms > budget.maxForms ? `more than ${budget.maxForms} form drawings` : null;
    if (over) {
      const err = tooComplex(n, over);
      abort.call(this, { intentState: state, reason: err, force: true });
      state.opListReadCapability?.reject(err);
    }
  };
  return page.getOperatorList().finally(() => {
    delete p._renderPageChunk;
  });
}
