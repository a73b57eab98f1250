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
import { cleanText } from '../text/clean.js';
import { type Block, type DocModel, para } from '../model.js';
import { isAllBold, tableRows, textOf } from '../html/cells.js';
import { InputError } from '../errors.js';
import { checkZip } from './zipguard.js';
import { hasControlChars } from '../text/clean.js';
import { type Message, type Result, controlCharsMessage, message } from '../diagnostics.js';

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
