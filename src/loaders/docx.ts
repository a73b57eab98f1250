/**
 * DOCX loader: mammoth (DOCX → HTML) → cheerio → intermediate model.
 *
 * Word's own structure survives the trip: headings (h1–h3), bold-only paragraphs, tables with
 * colspan/rowspan. Row and column spans are resolved onto a grid here so that later stages
 * can ask "which cell covers column c of this row". Superscript ²/³ are folded into the text
 * (`m<sup>2</sup>` → `m²`), bookmarks and empty paragraphs never reach the model.
 */
import mammoth from 'mammoth';
import * as cheerio from 'cheerio';
import type { AnyNode, Element } from 'domhandler';
import { cleanText } from '../text/clean.js';
import { type Block, type Cell, type DocModel, type Row, cellOf, para } from '../model.js';
import { InputError } from '../errors.js';
import { checkZip } from './zipguard.js';
import { hasControlChars } from '../text/clean.js';
import { type Message, type Result, controlCharsMessage, message } from '../diagnostics.js';

const SUPERSCRIPT: Record<string, string> = { '2': '²', '3': '³' };

type $ = cheerio.CheerioAPI;

/** Raw text of an element: <sup>2</sup> becomes ², <br> a line break, tabs kept. */
function textOf($: $, el: AnyNode): string {
  let out = '';
  $(el)
    .contents()
    .each((_, node) => {
      if (node.type === 'text') out += (node as unknown as { data: string }).data;
      else if (node.type === 'tag') {
        const tag = (node as Element).tagName.toLowerCase();
        if (tag === 'br') out += '\n';
        else if (tag === 'sup') {
          const t = textOf($, node);
          out += SUPERSCRIPT[t.trim()] ?? t;
        } else out += textOf($, node);
      }
    });
  return out;
}

function isAllBold($: $, el: Element): boolean {
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

function tableRows($: $, table: Element): Row[] {
  const trs = $(table).children('thead, tbody, tfoot').children('tr').add($(table).children('tr')).toArray();
  const rows: Row[] = [];
  /** occupied[r][c] = the cell that a rowspan above carries into row r at column c. */
  const carried: Map<number, Map<number, { cell: Cell; span: number }>> = new Map();
  trs.forEach((tr, r) => {
    const cells: Cell[] = [];
    const carry = carried.get(r) ?? new Map();
    let col = 0;
    const place = () => {
      while (carry.has(col)) {
        const { cell: src, span } = carry.get(col)!;
        cells.push({ ...src, col, merged: true });
        col += span;
      }
    };
    $(tr)
      .children('td, th')
      .each((_, td) => {
        place();
        const colSpan = Math.max(1, Number($(td).attr('colspan') ?? 1) || 1);
        const rowSpan = Math.max(1, Number($(td).attr('rowspan') ?? 1) || 1);
        const ps = $(td).children('p, h1, h2, h3, h4, h5, h6, ul, ol').toArray();
        const rawParas = ps.length > 0 ? ps.map((p) => textOf($, p)) : [textOf($, td)];
        const c = cellOf(rawParas.map(cleanText), col, colSpan);
        cells.push(c);
        for (let k = 1; k < rowSpan; k++) {
          const m = carried.get(r + k) ?? new Map();
          m.set(col, { cell: c, span: colSpan });
          carried.set(r + k, m);
        }
        col += colSpan;
      });
    place();
    rows.push({ cells, page: null, breakBefore: false });
  });
  return rows;
}

/** Converts the HTML mammoth produced into blocks. Exported for tests. */
export function htmlToBlocks(html: string): Block[] {
  const $ = cheerio.load(html);
  const blocks: Block[] = [];
  $('body')
    .children()
    .each((_, el) => {
      const tag = el.tagName.toLowerCase();
      if (tag === 'table') {
        const rows = tableRows($, el);
        if (rows.length > 0) blocks.push({ kind: 'table', rows, page: null, columns: 'grid' });
        return;
      }
      const items = tag === 'ul' || tag === 'ol' ? $(el).children('li').toArray() : [el];
      for (const item of items) {
        const raw = textOf($, item);
        // TOC lines carry "title<TAB>page": the tab is kept as the one separator inside a paragraph.
        const text = raw.split(/\t+/).map(cleanText).filter((t) => t !== '').join('\t');
        if (text === '') continue;
        const h = /^h([1-6])$/.exec(tag);
        blocks.push(para(text, { heading: h ? Number(h[1]) : null, bold: isAllBold($, item) }));
      }
    });
  return blocks;
}

export async function loadDocx(bytes: Buffer, opts: { maxCells?: number } = {}): Promise<Result<DocModel>> {
  if (bytes.length < 4 || bytes[0] !== 0x50 || bytes[1] !== 0x4b) {
    throw new InputError(describeNonZip(bytes), 'not-docx');
  }
  checkZip(bytes, undefined, opts.maxCells);
  let converted: Awaited<ReturnType<typeof mammoth.convertToHtml>>;
  try {
    converted = await mammoth.convertToHtml({ buffer: bytes }, { ignoreEmptyParagraphs: true });
  } catch (err) {
    throw new InputError(`not a readable DOCX: ${(err as Error).message.split('\n')[0]}`, 'corrupt-docx');
  }
  const html = converted.value;
  // mammoth's own messages: what of the document it could not convert (an element it does not
  // know, an image it could not read), each once.
  const said = [...new Set(converted.messages.map((m) => `${m.type}: ${m.message.split('\n')[0]}`))];
  const messages: Message[] = said.map((m) => message('docx-not-converted', `DOCX reader (mammoth) ${m}`));
  if (hasControlChars(html)) messages.push(controlCharsMessage());
  return { value: { format: 'docx', blocks: htmlToBlocks(html), pages: null }, messages };
}

function describeNonZip(bytes: Buffer): string {
  if (bytes.length === 0) return 'empty file (0 bytes)';
  if (bytes.subarray(0, 8).equals(Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]))) {
    return 'legacy .doc (OLE2) file: convert with LibreOffice';
  }
  return 'not a DOCX: not a ZIP container';
}
