/**
 * The sizes a PDF's images declare, read from its bytes before pdf.js opens it, so that an
 * image bomb fails as a resource limit naming its size before anything is allocated for it.
 *
 * pdf.js allocates an image by the sizes it declares: an image XObject's /Width × /Height, a
 * CCITT fax stream's /Columns × /Rows, and a JBIG2 stream's own page and region sizes (which
 * need not match the image's). A few kilobytes of crafted fax or JBIG2 data declare billions
 * of pixels. Image XObjects are streams, and a stream's dictionary is always in the file's
 * bytes as they are (never inside a compressed object stream): each is found by its
 * `/Subtype /Image`, its sizes read as numbers or as references to numbers, and the start of a
 * JBIG2 stream read as JBIG2 segment headers (ITU T.88 §7.2). What cannot be read so (a size
 * inside an object stream, a JBIG2 stream under another filter) is bounded by pdf.js's own
 * image limit when the page is read (open.ts) and by the worker's memory watchdog.
 */
import { InputError } from '../../errors.js';

/** Largest image a PDF may declare, in pixels (a 600 dpi A4 page scan is 35 million). */
export const MAX_PDF_IMAGE_PIXELS = 60_000_000;

/** How far around `/Subtype /Image` its dictionary is looked for, in bytes. */
const DICT_REACH = 4096;

interface Declared {
  width: number;
  height: number;
  what: string;
}

/** The number object `num gen obj N endobj`, where it is in the file as it is. */
function numberObject(file: Buffer, num: string, gen: string): number | null {
  const head = Buffer.from(`${num} ${gen} obj`, 'latin1');
  for (let at = file.indexOf(head); at >= 0; at = file.indexOf(head, at + 1)) {
    if (at > 0 && file[at - 1]! >= 0x30 && file[at - 1]! <= 0x39) continue;
    const m = /^\s*(\d+)\s*endobj/.exec(file.toString('latin1', at + head.length, at + head.length + 64));
    return m ? Number(m[1]) : null;
  }
  return null;
}

/** A direct number, or the number an indirect reference (`12 0 R`) points to when it is in the file as it is. */
function numberOf(dict: string, key: string, file: Buffer): number | null {
  const m = new RegExp(`/${key}\\s*(?:(\\d+)\\s+(\\d+)\\s+R|(\\d+(?:\\.\\d+)?))`).exec(dict);
  if (!m) return null;
  return m[3] != null ? Number(m[3]) : numberObject(file, m[1]!, m[2]!);
}

/** Region segment types whose data starts with a region's width and height (T.88 §7.4.1). */
const REGIONS = new Set([4, 6, 7, 20, 22, 23, 36, 38, 39, 40, 42, 43]);
const PAGE_INFO = 48;

/** The page and region sizes an embedded JBIG2 stream declares in its first segments. */
function jbig2Sizes(b: Buffer, at: number, end: number): Declared[] {
  const out: Declared[] = [];
  let p = at;
  for (let n = 0; n < 64 && p + 11 <= end; n++) {
    const number = b.readUInt32BE(p);
    const flags = b[p + 4]!;
    const type = flags & 0x3f;
    let q = p + 5;
    let referred = b[q]! >> 5;
    if (referred === 7) {
      if (q + 4 > end) break;
      referred = b.readUInt32BE(q) & 0x1fffffff;
      q += 4 + Math.ceil((referred + 1) / 8);
    } else q += 1;
    q += referred * (number <= 256 ? 1 : number <= 65536 ? 2 : 4);
    q += flags & 0x40 ? 4 : 1;
    if (q + 4 > end) break;
    const length = b.readUInt32BE(q);
    q += 4;
    if ((type === PAGE_INFO || REGIONS.has(type)) && q + 8 <= end) {
      const width = b.readUInt32BE(q);
      const height = b.readUInt32BE(q + 4);
      // A striped page of unknown height (0xffffffff) is sized by its regions.
      if (!(type === PAGE_INFO && height === 0xffffffff)) out.push({ width, height, what: type === PAGE_INFO ? 'a JBIG2 page' : 'a JBIG2 region' });
    }
    // An immediate generic region of unknown length ends the headers that can be read.
    if (length === 0xffffffff) break;
    p = q + length;
  }
  return out;
}

/** A stream whose dictionary is in the file's bytes as it is: its dictionary's text, its filters, and where its data is. */
export interface RawStream {
  /** The object's number, when its `N G obj` header is in reach. */
  num: number | null;
  dict: string;
  filters: string[];
  /** Where its data starts and ends (by its /Length, or the file's end when that cannot be read); null when no `stream` keyword follows. */
  data: { start: number; end: number } | null;
}

/**
 * The objects `num G obj … endobj` numbered in `nums`, where their headers are in the file's
 * bytes as they are (a later revision's wins): a stream's dictionary, filters and data, or a
 * plain object's text as `dict` with no data. One pass over the file for all of them.
 */
export function rawObjectsAt(bytes: Buffer, nums: ReadonlySet<number>): Map<number, RawStream> {
  const found = new Map<number, RawStream>();
  if (nums.size === 0) return found;
  const text = bytes.toString('latin1');
  const head = /(?<![0-9])(\d+)\s+\d+\s+obj\b/g;
  for (let m = head.exec(text); m; m = head.exec(text)) {
    const num = Number(m[1]);
    if (!nums.has(num)) continue;
    const start = m.index + m[0].length;
    const after = text.slice(start, start + DICT_REACH);
    const streamAt = after.indexOf('stream');
    const endAt = after.indexOf('endobj');
    if (streamAt < 0 || (endAt >= 0 && endAt < streamAt)) {
      found.set(num, { num, dict: endAt >= 0 ? after.slice(0, endAt) : after, filters: [], data: null });
      continue;
    }
    const dict = after.slice(0, streamAt);
    found.set(num, { num, dict, filters: filtersOf(dict), data: streamData(bytes, start + streamAt, dict) });
  }
  return found;
}

/**
 * Where a stream's data is, given where its `stream` keyword starts: after the keyword and its
 * end of line (CR LF or LF), for its /Length bytes (a reference followed where the number is in
 * the file as it is), or to the file's end when the length cannot be read.
 */
function streamData(bytes: Buffer, keywordAt: number, dict: string): { start: number; end: number } {
  let from = keywordAt + 'stream'.length;
  if (bytes[from] === 0x0d) from++;
  if (bytes[from] === 0x0a) from++;
  const length = numberOf(dict, 'Length', bytes);
  return { start: from, end: length == null ? bytes.length : Math.min(bytes.length, from + length) };
}

function filtersOf(dict: string): string[] {
  return /\/Filter\s*(\[[^\]]*\]|\/[A-Za-z0-9]+)/.exec(dict)?.[1]?.match(/\/[A-Za-z0-9]+/g) ?? [];
}

/**
 * Every stream whose dictionary says `/<key> /<name>` (`/Subtype /Image`, `/Type /EmbeddedFile`):
 * a stream's dictionary is always in the file's bytes as they are, never inside a compressed
 * object stream, so none escapes this scan but one whose dictionary does not say it.
 */
export function* rawStreams(bytes: Buffer, key: string, name: string): Generator<RawStream> {
  const token = Buffer.from(`/${name}`, 'latin1');
  const keyBefore = new RegExp(`/${key}\\s*$`);
  for (let at = bytes.indexOf(token); at >= 0; at = bytes.indexOf(token, at + token.length)) {
    // The dictionary around it: from its object's start to its `stream` keyword.
    const lo = Math.max(0, at - DICT_REACH);
    const before = bytes.toString('latin1', lo, at);
    if (!keyBefore.test(before) || /[A-Za-z0-9]/.test(String.fromCharCode(bytes[at + token.length] ?? 0x20))) continue;
    const objAt = before.lastIndexOf('obj');
    const start = lo + Math.max(objAt, 0);
    const num = objAt >= 0 ? /(\d+)\s+\d+\s+$/.exec(before.slice(Math.max(0, objAt - 24), objAt)) : null;
    const after = bytes.toString('latin1', at, Math.min(bytes.length, at + DICT_REACH));
    const streamAt = after.indexOf('stream');
    const dict = before.slice(start - lo) + (streamAt >= 0 ? after.slice(0, streamAt) : after);
    const filters = filtersOf(dict);
    yield { num: num ? Number(num[1]) : null, dict, filters, data: streamAt >= 0 ? streamData(bytes, at + streamAt, dict) : null };
  }
}

/** Every image size the file declares where it can be read from its bytes. */
export function declaredImages(bytes: Buffer): Declared[] {
  const out: Declared[] = [];
  for (const { dict, filters, data } of rawStreams(bytes, 'Subtype', 'Image')) {
    const width = numberOf(dict, 'Width', bytes);
    const height = numberOf(dict, 'Height', bytes);
    if (width != null && height != null) out.push({ width, height, what: 'an image' });
    if (filters.includes('/CCITTFaxDecode')) {
      const rows = numberOf(dict, 'Rows', bytes);
      if (rows != null) out.push({ width: numberOf(dict, 'Columns', bytes) ?? 1728, height: rows, what: 'a CCITT fax image' });
    }
    // JBIG2 data as it is in the file, its only filter (under another, pdf.js's limit holds).
    if (filters.length === 1 && filters[0] === '/JBIG2Decode' && data) out.push(...jbig2Sizes(bytes, data.start, data.end));
  }
  return out;
}

/** Fails with `resource-limit` when the file declares an image larger than a page scan can be. */
export function checkDeclaredImages(bytes: Buffer): void {
  for (const d of declaredImages(bytes)) {
    const pixels = d.width * d.height;
    if (pixels > MAX_PDF_IMAGE_PIXELS) {
      throw new InputError(
        `PDF declares ${d.what} of ${d.width} × ${d.height} pixels (${pixels >= 1e9 ? `${(pixels / 1e9).toFixed(1)} billion` : `${Math.round(pixels / 1e6)} million`}): over the limit of ${MAX_PDF_IMAGE_PIXELS / 1e6} million pixels an image; not read`,
        'resource-limit',
      );
    }
  }
}
