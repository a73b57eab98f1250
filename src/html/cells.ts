/**
 * HTML → the document model's pieces, shared by the loaders that read HTML: the DOCX loader
 * (mammoth's HTML) and the web-page loader (pages saved from a site). The text of an element
 * (<sup>2</sup> as ², <br> as a line break), whether a paragraph is all bold, and tables with
 * their row and column spans resolved onto the model's grid.
 */
import type * as cheerio from 'cheerio';
import type { AnyNode, Element } from 'domhandler';
import { cleanText } from '../text/clean.js';
import { type Cell, type Row, cellOf } from '../model.js';

const SUPERSCRIPT: Record<string, string> = { '2': '²', '3': '³' };

export type $ = cheerio.CheerioAPI;

/** Elements whose text is never a document's (scripts, styles, embedded objects). */
const NO_TEXT = new Set(['script', 'style', 'noscript', 'template', 'head', 'title', 'iframe', 'object', 'embed', 'svg', 'canvas', 'select', 'button', 'input', 'textarea']);

/** Raw text of an element: <sup>2</sup> becomes ², <br> a line break, tabs kept; scripts and styles left out. */
export function textOf($: $, el: AnyNode): string {
  let out = '';
  $(el)
    .contents()
    .each((_, node) => {
      if (node.type === 'text') out += (node as unknown as { data: string }).data;
      else if (node.type === 'tag' || node.type === 'script' || node.type === 'style') {
        const tag = (node as Element).tagName.toLowerCase();
        if (NO_TEXT.has(tag)) return;
        if (tag === 'br') out += '\n';
        else if (tag === 'sup') {
          const t = textOf($, node);
          out += SUPERSCRIPT[t.trim()] ?? t;
        } else out += textOf($, node);
      }
    });
  return out;
}

/** Whether all of a paragraph's text is bold (<strong>/<b>). */
export function isAllBold($: $, el: Element): boolean {
  const text = cleanText($(el).text());
  if (text === '') return false;
  const bold = cleanText(
    $(el)
      .find('strong, b')
      .map((_, s) => $(s).text())
      .get()
      .join(''),
  );
  return bold === text;
}

/** Tags whose content is a paragraph of its own inside a table cell. */
const CELL_PARAS = 'p, h1, h2, h3, h4, h5, h6, ul, ol, div';

/**
 * A cell's paragraphs: its block children's texts, or its own text; `brSplits`: a line
 * break inside a cell also separates paragraphs (pages written by hand, where <br> is how a
 * cell's lines are set apart).
 */
function cellParas($: $, td: Element, brSplits: boolean): string[] {
  const ps = $(td).children(CELL_PARAS).toArray();
  const raw = ps.length > 0 ? ps.map((p) => textOf($, p)) : [textOf($, td)];
  return (brSplits ? raw.flatMap((t) => t.split('\n')) : raw).map(cleanText);
}

/**
 * A table's rows, spans resolved: every cell placed at its grid column, a cell spanning rows
 * repeated (merged) on each row it covers. Rows of a nested table are not this table's.
 */
export function tableRows($: $, table: Element, opts: { brSplits?: boolean; maxCells?: number } = {}): Row[] {
  const trs = $(table).children('thead, tbody, tfoot').children('tr').add($(table).children('tr')).toArray();
  const rows: Row[] = [];
  /** carried[r][c] = the cell that a rowspan above carries into row r at column c. */
  const carried: Map<number, Map<number, { cell: Cell; span: number }>> = new Map();
  let cells = 0;
  const maxCells = opts.maxCells ?? Infinity;
  trs.forEach((tr, r) => {
    const out: Cell[] = [];
    const carry = carried.get(r) ?? new Map();
    let col = 0;
    const place = () => {
      while (carry.has(col)) {
        const { cell: src, span } = carry.get(col)!;
        out.push({ ...src, col, merged: true });
        col += span;
      }
    };
    $(tr)
      .children('td, th')
      .each((_, td) => {
        place();
        // Spans are bounded: a crafted colspan of a billion is one column too many, not a billion.
        const colSpan = Math.min(1000, Math.max(1, Number($(td).attr('colspan') ?? 1) || 1));
        const rowSpan = Math.min(Math.max(1, trs.length - r), Math.max(1, Number($(td).attr('rowspan') ?? 1) || 1));
        const c = cellOf(cellParas($, td, opts.brSplits ?? false), col, colSpan);
        out.push(c);
        cells += rowSpan;
        for (let k = 1; k < rowSpan && cells <= maxCells; k++) {
          const m = carried.get(r + k) ?? new Map();
          m.set(col, { cell: c, span: colSpan });
          carried.set(r + k, m);
        }
        col += colSpan;
      });
    place();
    rows.push({ cells: out, page: null, breakBefore: false });
  });
  return rows;
}
