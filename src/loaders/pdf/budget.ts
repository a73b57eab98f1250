/**
 * Reading a page's text layer and drawing operators from pdf.js within a budget.
 *
 * pdf.js expands a form XObject every time a page draws it, and a form may draw other forms:
 * a few kilobytes of crafted PDF can fan out to 2³⁰ draws, each one more operator (and text
 * item) for pdf.js to produce. Its work is chained on promises, so no timer can cut it off;
 * but it hands its results over in chunks, and each chunk is a point to count and to stop at.
 * A page that goes over `MAX_PAGE_OPS` operators, `MAX_PAGE_ITEMS` text items or
 * `PAGE_READ_MS` of reading fails the file at once with kind `too-complex`, instead of
 * holding a worker for its whole time limit.
 *
 * Budget performance texts stay far below these limits: the richest page of the corpus, its
 * producer renditions and scans draws 3,447 operators and 925 text items, read in 235 ms.
 * The time is the process's CPU time (`readingClock`), not the clock on the wall: a machine
 * busy with other work does not make a page too complex (a page printed through PostScript
 * carries a hundred fonts that take pdf.js seconds to read, twice that on a loaded machine).
 */
import { InputError } from '../../model.js';

/** Drawing operators a page may have (about 150 × the richest real page). */
export const MAX_PAGE_OPS = 500_000;
/** Text items a page may have (about 200 × the richest real page). */
export const MAX_PAGE_ITEMS = 200_000;
/** Time pdf.js may take to read one page's text or drawing. */
export const PAGE_READ_MS = 5_000;

export interface PageBudget {
  maxOps: number;
  maxItems: number;
  ms: number;
}

export const PAGE_BUDGET: PageBudget = { maxOps: MAX_PAGE_OPS, maxItems: MAX_PAGE_ITEMS, ms: PAGE_READ_MS };

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

/** CPU time this process has used, in ms: what the time budget counts. */
export function readingClock(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

function tooComplex(n: number, what: string): InputError {
  return new InputError(`PDF page ${n} is too complex to read: ${what} (drawings nested to fan out, or a crafted page)`, 'too-complex');
}

/** The page's text items, read chunk by chunk; stops at the budget. */
export async function textItems(page: PdfPage, n: number, budget: PageBudget = PAGE_BUDGET, started = readingClock()): Promise<unknown[]> {
  const reader = page.streamTextContent().getReader();
  const items: unknown[] = [];
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return items;
      for (const it of value.items) items.push(it);
      if (items.length > budget.maxItems) throw tooComplex(n, `more than ${budget.maxItems} text items`);
      if (readingClock() - started > budget.ms) throw tooComplex(n, `its text took more than ${budget.ms / 1000} s`);
    }
  } catch (err) {
    await reader.cancel(err).catch(() => {});
    throw err;
  }
}

/**
 * The page's operator list, as `page.getOperatorList()`, stopped at the budget: each chunk
 * pdf.js hands over is counted (the page object's own chunk hook, wrapped for this page only);
 * over the budget, the list is cancelled (pdf.js stops evaluating) and the call fails.
 */
export function operators(page: PdfPage, n: number, budget: PageBudget = PAGE_BUDGET, started = readingClock()): Promise<{ fnArray: number[]; argsArray: unknown[] }> {
  const p = page as unknown as ChunkedPage & PdfPage;
  const own = p._renderPageChunk;
  const abort = p._abortOperatorList;
  // A pdf.js without the hook still reads the page; the file's time limit then bounds it.
  if (typeof own !== 'function' || typeof abort !== 'function') return page.getOperatorList();
  p._renderPageChunk = function (this: ChunkedPage, chunk: unknown, state: IntentState) {
    own.call(this, chunk, state);
    const count = state.operatorList?.fnArray.length ?? 0;
    const over = count > budget.maxOps ? `more than ${budget.maxOps} drawing operators` : readingClock() - started > budget.ms ? `its drawing took more than ${budget.ms / 1000} s` : null;
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
