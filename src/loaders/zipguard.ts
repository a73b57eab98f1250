/**
 * Decompression limits for ZIP-based inputs (DOCX, XLSX, OFD), checked from the ZIP's central
 * directory before any reader inflates it: a truncated archive or a ZIP bomb is refused with a
 * reason, and the table cells the container's parts hold are counted on their bytes.
 */
import { inflateRawSync } from 'node:zlib';
import { type ErrorKind, InputError } from '../errors.js';
import { eocdOffset } from '../zipdir.js';

/** What a container is, for its messages: its name, the kind of its damage, and how its parts hold table cells. */
export interface Container {
  what: string;
  corrupt: ErrorKind;
  /** Table cells in one part, counted on its bytes (0 for parts that hold none). */
  cells(name: string, part: Buffer): number;
}

/** Occurrences of `<tag` followed by '>', ' ' or '/' (the tag itself, not a longer name). */
export function countTags(xml: Buffer, tag: string): number {
  const open = `<${tag}`;
  let n = 0;
  for (let i = xml.indexOf(open); i >= 0; i = xml.indexOf(open, i + open.length)) {
    const next = xml[i + open.length];
    if (next === 0x3e || next === 0x20 || next === 0x2f) n++;
  }
  return n;
}

export const DOCX: Container = {
  what: 'DOCX',
  corrupt: 'corrupt-docx',
  // Table cells (`<w:tc>`, not <w:tcPr>) in word/document.xml.
  cells: (name, part) => (name === 'word/document.xml' ? countTags(part, 'w:tc') : 0),
};

export interface ZipLimits {
  /** Largest total uncompressed size accepted. */
  maxTotal: number;
  /** Largest compression ratio accepted for a part bigger than 10 MB. */
  maxRatio: number;
  maxEntries: number;
}

export const DEFAULT_ZIP_LIMITS: ZipLimits = { maxTotal: 256 * 1024 * 1024, maxRatio: 200, maxEntries: 5000 };

const CENTRAL = 0x02014b50;

const LOCAL = 0x04034b50;

/** Largest part accepted, inflated (a budget text's document.xml is a few MB). */
const MAX_PART = 64 * 1024 * 1024;

/** Inflates one part with a cap on its output; throws zip-bomb past the cap. Returns the part's bytes. */
function inflatePart(bytes: Buffer, local: number, compressed: number, method: number, name: string, cap: number, c: Container): Buffer {
  if (local + 30 > bytes.length || bytes.readUInt32LE(local) !== LOCAL) throw new InputError(`damaged ${c.what}: a ZIP entry is corrupt`, c.corrupt);
  const start = local + 30 + bytes.readUInt16LE(local + 26) + bytes.readUInt16LE(local + 28);
  const data = bytes.subarray(start, start + compressed);
  if (method === 0) return data;
  if (method !== 8) throw new InputError(`damaged ${c.what}: ${name} uses an unknown compression (${method})`, c.corrupt);
  try {
    return inflateRawSync(data, { maxOutputLength: cap });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE' || err instanceof RangeError) {
      throw new InputError(`ZIP bomb: ${name} inflates to more than ${cap} bytes (its directory says otherwise)`, 'zip-bomb');
    }
    throw new InputError(`damaged ${c.what}: ${name} cannot be inflated`, c.corrupt);
  }
}

/**
 * Checks a ZIP container (DOCX by default) before any reader inflates it: a complete central
 * directory, not too many parts, every part inflating (really, not as declared) within the
 * limits, and no more table cells than `maxCells` (a document of half a million cells is
 * refused in a moment). Returns the parts, inflated, by name (for readers that take them from here).
 */
export function checkZip(bytes: Buffer, limits: ZipLimits = DEFAULT_ZIP_LIMITS, maxCells = Infinity, c: Container = DOCX): Map<string, Buffer> {
  const eocd = eocdOffset(bytes);
  if (eocd < 0) throw new InputError(`damaged ${c.what}: the ZIP archive is truncated (no central directory)`, c.corrupt);
  const count = bytes.readUInt16LE(eocd + 10);
  const cdOffset = bytes.readUInt32LE(eocd + 16);
  if (count > limits.maxEntries) throw new InputError(`${c.what} has too many parts (${count})`, 'zip-bomb');
  const parts = new Map<string, Buffer>();
  let cells = 0;
  let p = cdOffset;
  let total = 0;
  let real = 0;
  for (let n = 0; n < count; n++) {
    if (p + 46 > bytes.length || bytes.readUInt32LE(p) !== CENTRAL) {
      throw new InputError(`damaged ${c.what}: the ZIP central directory is corrupt`, c.corrupt);
    }
    const compressed = bytes.readUInt32LE(p + 20);
    const size = bytes.readUInt32LE(p + 24);
    const nameLen = bytes.readUInt16LE(p + 28);
    const extraLen = bytes.readUInt16LE(p + 30);
    const commentLen = bytes.readUInt16LE(p + 32);
    const name = bytes.subarray(p + 46, p + 46 + nameLen).toString('utf8');
    total += size;
    const method = bytes.readUInt16LE(p + 10);
    const local = bytes.readUInt32LE(p + 42);
    // The directory may understate what a part inflates to: every part is inflated here,
    // with a cap on its output, before any reader sees it.
    const part = inflatePart(bytes, local, compressed, method, name, Math.min(MAX_PART, limits.maxTotal), c);
    real += part.length;
    if (real > limits.maxTotal) throw new InputError(`ZIP bomb: parts inflate to more than ${limits.maxTotal} bytes`, 'zip-bomb');
    parts.set(name, part);
    cells += c.cells(name, part);
    if (cells > maxCells) throw new InputError(`too many table cells: ${cells} (limit ${maxCells})`, 'too-many-cells');
    if (size > 10 * 1024 * 1024 && size / Math.max(1, compressed) > limits.maxRatio) {
      throw new InputError(`ZIP bomb: ${name} inflates ${compressed} bytes to ${size} bytes`, 'zip-bomb');
    }
    if (total > limits.maxTotal) {
      throw new InputError(`ZIP bomb: parts inflate to more than ${limits.maxTotal} bytes`, 'zip-bomb');
    }
    p += 46 + nameLen + extraLen + commentLen;
  }
  return parts;
}
