/**
 * The names a ZIP container lists, read from its central directory without inflating anything
 * (or, when the archive is cut short and has none, from its first local header): enough to tell
 * a DOCX, an XLSX, an OFD and a plain bundle apart. Light on purpose: format detection and the
 * batch coordinator use it without loading any reader.
 */

const EOCD = 0x06054b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;

/** Names listed at most (a detection needs the first few). */
const MAX_NAMES = 5000;

export function isZip(bytes: Uint8Array): boolean {
  return bytes.length >= 4 && bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 0x03 && bytes[3] === 0x04;
}

/** Offset of the end-of-central-directory record, or -1 when the archive has none (cut short). */
export function eocdOffset(bytes: Buffer): number {
  for (let i = bytes.length - 22; i >= Math.max(0, bytes.length - 22 - 65535); i--) {
    if (bytes.readUInt32LE(i) === EOCD) return i;
  }
  return -1;
}

/**
 * The entry names (as latin1 strings of their bytes) a ZIP lists: its central directory's, or
 * when it has none, the first local header's alone. Null for bytes that are no ZIP.
 */
export function zipNames(bytes: Buffer): string[] | null {
  if (!isZip(bytes)) return null;
  const eocd = eocdOffset(bytes);
  const names: string[] = [];
  if (eocd >= 0) {
    const count = Math.min(bytes.readUInt16LE(eocd + 10), MAX_NAMES);
    let p = bytes.readUInt32LE(eocd + 16);
    for (let n = 0; n < count; n++) {
      if (p + 46 > bytes.length || bytes.readUInt32LE(p) !== CENTRAL) break;
      const nameLen = bytes.readUInt16LE(p + 28);
      names.push(bytes.subarray(p + 46, p + 46 + nameLen).toString('latin1'));
      p += 46 + nameLen + bytes.readUInt16LE(p + 30) + bytes.readUInt16LE(p + 32);
    }
    if (names.length) return names;
  }
  if (bytes.length >= 30 && bytes.readUInt32LE(0) === LOCAL) {
    const nameLen = bytes.readUInt16LE(26);
    names.push(bytes.subarray(30, 30 + nameLen).toString('latin1'));
  }
  return names;
}
