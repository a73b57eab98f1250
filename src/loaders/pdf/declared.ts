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
 *
 * The same holds for a font's character map (a `/ToUnicode` or `/Encoding` CMap stream): pdf.js
 * fills an array entry for every code of each range a map declares, and one line
 * (`<000000> <FFFFFF> <0041> beginbfrange`) declares 16 million, a gigabyte of memory in a few
 * seconds, faster than any watchdog reading the worker's memory can be sure to stop it. So the
 * maps a file's fonts name (in its bytes as they are, and inside its object streams) are read
 * first and their ranges counted (`checkDeclaredMaps`).
 */
import { inflateSync } from 'node:zlib';
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

/** What inflating one object stream, and all of a file's together, may cost (bytes out). */
const MAX_OBJSTM_BYTES = 16 * 1024 * 1024;
const MAX_OBJSTMS_BYTES = 64 * 1024 * 1024;

/**
 * A stream's data decoded, when it has no filter or is deflated (inflated no further than
 * `cap` bytes); null for another filter, damaged data or data past the cap.
 */
export function inflated(bytes: Buffer, s: RawStream, cap: number): Buffer | null {
  if (!s.data) return null;
  if (s.filters.length === 0) return s.data.end - s.data.start <= cap ? bytes.subarray(s.data.start, s.data.end) : null;
  if (s.filters.length === 1 && (s.filters[0] === '/FlateDecode' || s.filters[0] === '/Fl')) {
    try {
      return inflateSync(bytes.subarray(s.data.start, s.data.end), { maxOutputLength: cap });
    } catch {
      return null;
    }
  }
  return null;
}

/** The objects an object stream holds, by number: their text. */
function objectsIn(dict: string, data: Buffer): Map<number, string> {
  const out = new Map<number, string>();
  const n = Number(/\/N\s+(\d+)/.exec(dict)?.[1] ?? 0);
  const first = Number(/\/First\s+(\d+)/.exec(dict)?.[1] ?? 0);
  const text = data.toString('latin1');
  const pairs = text.slice(0, first).trim().split(/\s+/).map(Number);
  for (let i = 0; i < n && 2 * i + 1 < pairs.length; i++) {
    const at = first + pairs[2 * i + 1]!;
    const next = 2 * i + 3 < pairs.length ? first + pairs[2 * i + 3]! : text.length;
    out.set(pairs[2 * i]!, text.slice(at, next));
  }
  return out;
}

interface ObjectStreams {
  /** The objects the file's object streams hold, by number: their text. */
  objects: Map<number, string>;
  /** Whether every object stream was read (false: another filter, damaged, or past the caps). */
  complete: boolean;
}

/** Each file's object streams read once for every check that looks inside them. */
const OBJECT_STREAMS = new WeakMap<Buffer, ObjectStreams>();

/** The objects inside the file's object streams (`/Type /ObjStm`), each inflated with a cap and all together with another. */
export function objectStreams(bytes: Buffer): ObjectStreams {
  const known = OBJECT_STREAMS.get(bytes);
  if (known) return known;
  const objects = new Map<number, string>();
  let complete = true;
  let budget = MAX_OBJSTMS_BYTES;
  for (const s of rawStreams(bytes, 'Type', 'ObjStm')) {
    const data = inflated(bytes, s, Math.min(MAX_OBJSTM_BYTES, budget));
    if (!data) {
      complete = false;
      continue;
    }
    budget -= data.length;
    for (const [num, text] of objectsIn(s.dict, data)) objects.set(num, text);
  }
  const read = { objects, complete };
  OBJECT_STREAMS.set(bytes, read);
  return read;
}

/**
 * Most character codes one font's map may declare. A font addresses at most 65,536 glyphs, and
 * a map over a three- or four-byte code space (UTF-8, GB 18030) a few hundred thousand codes; a
 * map past two million is built to exhaust memory, not to show text.
 */
export const MAX_MAP_CODES = 2 ** 21;
/** Largest decoded map that is read to count its ranges (bytes); a larger one is left to pdf.js under the watchdog. */
const MAX_MAP_BYTES = 16 * 1024 * 1024;
/** pdf.js refuses a single range wider than this (cmap.js MAX_MAP_RANGE): it fills none of it. */
const PDFJS_MAX_RANGE = 2 ** 24 - 1;

/** The objects the file's fonts name as their character maps (`/ToUnicode 12 0 R`, `/Encoding 13 0 R`). */
function mapRefs(bytes: Buffer): Set<number> {
  const nums = new Set<number>();
  const ref = /^\s*(\d+)\s+\d+\s+R/;
  for (const key of ['/ToUnicode', '/Encoding']) {
    const token = Buffer.from(key, 'latin1');
    for (let at = bytes.indexOf(token); at >= 0; at = bytes.indexOf(token, at + token.length)) {
      const m = ref.exec(bytes.toString('latin1', at + token.length, at + token.length + 32));
      if (m) nums.add(Number(m[1]));
    }
  }
  for (const text of objectStreams(bytes).objects.values()) {
    for (const m of text.matchAll(/\/(?:ToUnicode|Encoding)\s*(\d+)\s+\d+\s+R/g)) nums.add(Number(m[1]));
  }
  return nums;
}

/** How many character codes a CMap's ranges (`beginbfrange`, `begincidrange`) declare, as pdf.js would fill them. */
export function mapCodes(text: string): number {
  let codes = 0;
  for (const section of text.matchAll(/begin(bf|cid)range([\s\S]*?)(?:end\1range|$)/g)) {
    for (const e of section[2]!.matchAll(/<([^>]*)>\s*<([^>]*)>\s*(?:<[^>]*>|\[[^\]]*\]|[+-]?\d+)/g)) {
      const lo = Number.parseInt(e[1]!.replace(/\s/g, '') || '0', 16);
      const hi = Number.parseInt(e[2]!.replace(/\s/g, '') || '0', 16);
      if (Number.isFinite(lo) && Number.isFinite(hi) && hi >= lo && hi - lo <= PDFJS_MAX_RANGE) codes += hi - lo + 1;
    }
  }
  return codes;
}

/**
 * Fails with `resource-limit` when one of the file's fonts names a character map declaring more
 * codes than a font can have (`MAX_MAP_CODES`), before pdf.js fills an entry for each.
 */
export function checkDeclaredMaps(bytes: Buffer): void {
  const nums = mapRefs(bytes);
  if (nums.size === 0) return;
  for (const [num, s] of rawObjectsAt(bytes, nums)) {
    const data = inflated(bytes, s, MAX_MAP_BYTES);
    if (!data) continue;
    const codes = mapCodes(data.toString('latin1'));
    if (codes > MAX_MAP_CODES) {
      throw new InputError(
        `PDF declares a font character map (object ${num}) of ${codes.toLocaleString('en')} codes: over the limit of ${MAX_MAP_CODES.toLocaleString('en')} a font's map; not read`,
        'resource-limit',
      );
    }
  }
}
