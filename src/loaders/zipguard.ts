/**
 * Decompression limits for ZIP-based inputs (DOCX), checked from the ZIP's central directory
 * before anything is inflated: a truncated archive or a ZIP bomb is refused with a reason.
 */
import { InputError } from '../model.js';

export interface ZipLimits {
  /** Largest total uncompressed size accepted. */
  maxTotal: number;
  /** Largest compression ratio accepted for a part bigger than 10 MB. */
  maxRatio: number;
  maxEntries: number;
}

export const DEFAULT_ZIP_LIMITS: ZipLimits = { maxTotal: 256 * 1024 * 1024, maxRatio: 200, maxEntries: 5000 };

const EOCD = 0x06054b50;
const CENTRAL = 0x02014b50;

export function checkZip(bytes: Buffer, limits: ZipLimits = DEFAULT_ZIP_LIMITS): void {
  let eocd = -1;
  for (let i = bytes.length - 22; i >= Math.max(0, bytes.length - 22 - 65535); i--) {
    if (bytes.readUInt32LE(i) === EOCD) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new InputError('damaged DOCX: the ZIP archive is truncated (no central directory)', 'corrupt-docx');
  const count = bytes.readUInt16LE(eocd + 10);
  const cdOffset = bytes.readUInt32LE(eocd + 16);
  if (count > limits.maxEntries) throw new InputError(`DOCX has too many parts (${count})`, 'zip-bomb');
  let p = cdOffset;
  let total = 0;
  for (let n = 0; n < count; n++) {
    if (p + 46 > bytes.length || bytes.readUInt32LE(p) !== CENTRAL) {
      throw new InputError('damaged DOCX: the ZIP central directory is corrupt', 'corrupt-docx');
    }
    const compressed = bytes.readUInt32LE(p + 20);
    const size = bytes.readUInt32LE(p + 24);
    const nameLen = bytes.readUInt16LE(p + 28);
    const extraLen = bytes.readUInt16LE(p + 30);
    const commentLen = bytes.readUInt16LE(p + 32);
    const name = bytes.subarray(p + 46, p + 46 + nameLen).toString('utf8');
    total += size;
    if (size > 10 * 1024 * 1024 && size / Math.max(1, compressed) > limits.maxRatio) {
      throw new InputError(`ZIP bomb: ${name} inflates ${compressed} bytes to ${size} bytes`, 'zip-bomb');
    }
    if (total > limits.maxTotal) {
      throw new InputError(`ZIP bomb: parts inflate to more than ${limits.maxTotal} bytes`, 'zip-bomb');
    }
    p += 46 + nameLen + extraLen + commentLen;
  }
}
