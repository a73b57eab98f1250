/**
 * Web-page loader: a budget text saved from a government site (.html, .htm, or .mhtml with
 * its parts) → the document model, so that segmenting and interpretation run unchanged.
 *
 * - Encoding: the one the page declares (a BOM, <meta charset>, <meta http-equiv
 *   Content-Type>, the XML declaration; GBK and GB2312 read as GB18030, their superset), else
 *   UTF-8 when the bytes are valid UTF-8, else GB18030. Bytes not valid in the declared
 *   encoding are replaced, with a `text-damaged` warning. MHTML: mailparser takes the page's
 *   HTML part out of the MIME message, decoded by its own charset.
 * - Only the page's main text and tables: scripts, styles, navigation, headers, footers,
 *   sidebars and forms are dropped (by element and by the class and id names sites give
 *   them), and the content is the smallest element holding nearly all of the remaining text
 *   (a site's title bar, "打印本页 关闭窗口" and the like stay outside it).
 * - Paragraphs from block elements (a line break inside a <p> stays in the paragraph, as
 *   Word's do; bare text set apart by <br> makes paragraphs of its lines); tables with their
 *   spans on the model's grid (../html/cells.ts); a table used only to lay the page out
 *   (one holding other tables or most of the page's text in one cell) is looked into, not read
 *   as a table.
 */
import * as cheerio from 'cheerio';
import type { AnyNode, Element } from 'domhandler';
import { type Block, type DocModel, para } from '../model.js';
import { InputError } from '../errors.js';
import { cleanText, hasControlChars } from '../text/clean.js';
import { type $, isAllBold, tableRows, textOf } from '../html/cells.js';
import { type Message, type Result, controlCharsMessage, message } from '../diagnostics.js';

/** Elements that are never a page's main text. */
const DROPPED = 'script, style, noscript, template, iframe, object, embed, svg, canvas, nav, header, footer, aside, form, button, select, input, textarea, link, meta, [role=navigation], [role=banner], [role=contentinfo], [role=search], [hidden], [aria-hidden=true]';
/** Class and id words by which sites mark their navigation, headers, footers and sidebars. */
const CHROME = /(^|[-_\s])(nav|navbar|menu|menus|header|head|top|topbar|footer|foot|bottom|breadcrumbs?|crumbs?|location|position|sidebar|side|share|toolbar|banner|copyright|search|login|links|friendlinks?|related|comments?|print|pager|pagination)([-_\s]|$)/i;
/** Inline styles that hide an element. */
const HIDDEN_STYLE = /display\s*:\s*none|visibility\s*:\s*hidden/i;

const BLOCK_TAGS = new Set(['p', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'li', 'pre', 'dt', 'dd', 'caption', 'blockquote', 'address']);
/** Inline elements: their text runs on with the text around them. */
const INLINE_TAGS = new Set(['a', 'b', 'strong', 'i', 'em', 'u', 'span', 'font', 'sup', 'sub', 'small', 'big', 'label', 'abbr', 'code', 'o:p', 'st1:chsdate', 'ins', 'del', 's', 'strike', 'mark', 'q', 'cite', 'var', 'kbd', 'samp', 'nobr', 'wbr', 'br', 'img']);

/** A charset label as TextDecoder takes it: GBK and GB2312 read as GB18030 (their superset). */
function decoderLabel(label: string): string | null {
  const l = label.trim().toLowerCase().replace(/^["']|["']$/g, '');
  if (/^(gbk|gb2312|gb_2312(-80)?|x-gbk|cp936|windows-936|euc-cn|gb18030|csgb2312|chinese)$/.test(l)) return 'gb18030';
  try {
    return new TextDecoder(l).encoding;
  } catch {
    return null;
  }
}

/** The encoding a page declares in its first bytes (BOM, meta, XML declaration), or null. */
export function declaredEncoding(bytes: Buffer): string | null {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return 'utf-8';
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return 'utf-16le';
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return 'utf-16be';
  const head = bytes.subarray(0, 4096).toString('latin1');
  const m =
    /<meta[^>]+charset\s*=\s*["']?\s*([\w.:-]+)/i.exec(head) ??
    /<\?xml[^>]+encoding\s*=\s*["']([\w.:-]+)/i.exec(head);
  return m ? decoderLabel(m[1]!) : null;
}

/** The page's text in its declared encoding (else UTF-8 when valid, else GB18030), with a warning for bytes not valid in it. */
export function decodePage(bytes: Buffer): Result<string> {
  const declared = declaredEncoding(bytes);
  const tries = declared ? [declared] : ['utf-8', 'gb18030'];
  for (const enc of tries) {
    try {
      return { value: new TextDecoder(enc, { fatal: true }).decode(bytes), messages: [] };
    } catch {
      /* the next, or replaced below */
    }
  }
  const enc = tries[tries.length - 1]!;
  const text = new TextDecoder(enc).decode(bytes);
  const bad = (text.match(/\uFFFD/g) ?? []).length;
  return { value: text, messages: [message('text-damaged', `${bad} byte sequence(s) of the page not valid ${enc.toUpperCase()} were replaced with U+FFFD`)] };
}

/** Whether the bytes are an MHTML message (MIME headers, a multipart/related body). */
function isMhtml(bytes: Buffer): boolean {
  const head = bytes.subarray(0, 4096).toString('latin1');
  return /^\s*[\w-]+\s*:/.test(head) && /multipart\/related/i.test(head) && !/^\s*</.test(head);
}

/** The HTML part of an MHTML message, decoded by its charset (mailparser). */
async function mhtmlPage(bytes: Buffer): Promise<string> {
  const { simpleParser } = await import('mailparser');
  let parsed;
  try {
    parsed = await simpleParser(bytes, { skipImageLinks: true, skipTextToHtml: true, skipTextLinks: true, keepCidLinks: true });
  } catch (err) {
    throw new InputError(`not a readable MHTML page: ${(err as Error).message.split('\n')[0]}`, 'html');
  }
  if (typeof parsed.html !== 'string' || parsed.html.trim() === '') throw new InputError('MHTML file without an HTML page in it', 'html');
  return parsed.html;
}

/**
 * Removes what is never the main text: scripts, navigation, headers, footers, hidden elements.
 * An element named like a site's chrome that holds half the page's text or more is the
 * content after all (a `main-top` wrapper) and stays.
 */
function dropChrome($: $): void {
  $(DROPPED).remove();
  $('[style]').each((_, el) => {
    if (HIDDEN_STYLE.test($(el).attr('style') ?? '')) $(el).remove();
  });
  const body = $('body').get(0) as Element | undefined;
  const w = body ? weigh(body) : new Map<Element, { text: number; links: number }>();
  const total = body ? (w.get(body)?.text ?? 0) : 0;
  $('[class], [id]').each((_, el) => {
    const tag = (el as Element).tagName?.toLowerCase();
    if (tag === 'body' || tag === 'html' || tag === 'table' || tag === 'td' || tag === 'tr') return;
    const names = `${$(el).attr('class') ?? ''} ${$(el).attr('id') ?? ''}`;
    if (CHROME.test(names) && (w.get(el as Element)?.text ?? 0) < total * 0.5) $(el).remove();
  });
}

/** Characters of text under an element (white space aside), and of that in links. */
function weigh(root: Element): Map<Element, { text: number; links: number }> {
  const w = new Map<Element, { text: number; links: number }>();
  const visit = (el: Element, inLink: boolean): { text: number; links: number } => {
    let text = 0;
    let links = 0;
    const link = inLink || el.tagName?.toLowerCase() === 'a';
    for (const node of el.children as AnyNode[]) {
      if (node.type === 'text') {
        const n = (node as unknown as { data: string }).data.replace(/\s+/g, '').length;
        text += n;
        if (link) links += n;
      } else if (node.type === 'tag') {
        const sub = visit(node as Element, link);
        text += sub.text;
        links += sub.links;
      }
    }
    const out = { text, links };
    w.set(el, out);
    return out;
  };
  visit(root, false);
  return w;
}

/** Share of a container's text that one child must hold to be taken as the content instead. */
const CONTENT_SHARE = 0.85;

/**
 * The element holding the page's main text: from the body down, the one child holding nearly
 * all of the text (without links) as long as there is one; never into a table of data.
 */
function mainContent($: $): Element {
  const body = ($('body').get(0) ?? $.root().children().get(0)) as Element | undefined;
  if (!body) throw new InputError('web page without a body', 'not-budget-text');
  const w = weigh(body);
  const own = (el: Element) => {
    const x = w.get(el) ?? { text: 0, links: 0 };
    return x.text - x.links;
  };
  let at = body;
  for (;;) {
    const total = own(at);
    if (total === 0) break;
    const kids = (at.children as AnyNode[]).filter((n): n is Element => n.type === 'tag');
    const best = kids.reduce<Element | null>((b, k) => (b == null || own(k) > own(b) ? k : b), null);
    if (!best || own(best) < total * CONTENT_SHARE) break;
    if (best.tagName.toLowerCase() === 'table' && !isLayoutTable($, best, w)) break;
    at = best;
  }
  return at;
}

/**
 * A table that lays the page out rather than holding data: it holds other tables, or one of
 * its cells holds most of its text.
 */
function isLayoutTable($: $, table: Element, w: Map<Element, { text: number; links: number }>): boolean {
  if ($(table).find('table').length > 0) return true;
  const total = w.get(table)?.text ?? 0;
  if (total === 0) return true;
  const cells = $(table).find('td, th').toArray() as Element[];
  return cells.length <= 2 || cells.some((c) => (w.get(c)?.text ?? 0) >= total * 0.8);
}

/** A paragraph of raw text: tabs kept as the one separator (contents lines), cleaned. */
function paraText(raw: string): string {
  return raw.split(/\t+/).map(cleanText).filter((t) => t !== '').join('\t');
}

/** The blocks of the page's content element, in reading order. */
function blocksOf($: $, root: Element, maxCells: number): Block[] {
  const blocks: Block[] = [];
  let loose = '';
  const flush = () => {
    // Bare text between blocks: its lines (set apart by <br>) are paragraphs of their own.
    for (const line of loose.split('\n')) {
      const text = paraText(line);
      if (text) blocks.push(para(text));
    }
    loose = '';
  };
  const w = weigh(root);
  const visit = (el: Element) => {
    for (const node of el.children as AnyNode[]) {
      if (node.type === 'text') {
        loose += (node as unknown as { data: string }).data.replace(/[\r\n]+/g, ' ');
        continue;
      }
      if (node.type !== 'tag') continue;
      const child = node as Element;
      const tag = child.tagName.toLowerCase();
      if (tag === 'br') {
        loose += '\n';
        continue;
      }
      if (tag === 'table') {
        flush();
        if (isLayoutTable($, child, w)) {
          for (const cell of $(child).find('td, th').toArray() as Element[]) if ($(cell).parents('table').get(0) === child) visit(cell);
          continue;
        }
        const rows = tableRows($, child, { maxCells });
        if (rows.length > 0) blocks.push({ kind: 'table', rows, page: null, columns: 'grid' });
        continue;
      }
      if (BLOCK_TAGS.has(tag)) {
        flush();
        if (tag === 'li' || !$(child).children('table, p, div, h1, h2, h3, h4, h5, h6, ul, ol').length) {
          const text = paraText(textOf($, child));
          const h = /^h([1-6])$/.exec(tag);
          if (text) blocks.push(para(text, { heading: h ? Number(h[1]) : null, bold: isAllBold($, child) }));
        } else visit(child);
        continue;
      }
      if (INLINE_TAGS.has(tag) && !$(child).find('p, div, table, h1, h2, h3, h4, h5, h6, li, br').length) {
        loose += textOf($, child).replace(/[\r\n]+/g, ' ');
        continue;
      }
      // A container: what it holds is blocks of their own.
      flush();
      visit(child);
      flush();
    }
  };
  visit(root);
  flush();
  return blocks;
}

export async function loadHtml(bytes: Buffer, opts: { maxCells?: number } = {}): Promise<Result<DocModel>> {
  const messages: Message[] = [];
  let html: string;
  if (isMhtml(bytes)) html = await mhtmlPage(bytes);
  else {
    const decoded = decodePage(bytes);
    messages.push(...decoded.messages);
    html = decoded.value;
  }
  const $ = cheerio.load(html);
  dropChrome($);
  const content = mainContent($);
  if (hasControlChars($(content).text().replace(/[\t\n\r]/g, ''))) messages.push(controlCharsMessage());
  return { value: { format: 'html', blocks: blocksOf($, content, opts.maxCells ?? Infinity), pages: null }, messages };
}
