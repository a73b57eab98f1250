/**
 * File names as the disk has them: bytes, not always UTF-8. Archives copied from Windows
 * machines hold names in GBK (乐亭公园.txt as C0 D6 CD A4 …) or Latin-1; Node's string paths
 * would turn those bytes into U+FFFD and the file could no longer be opened.
 *
 * A name read from the disk becomes a string that keeps every byte (PEP 383's
 * "surrogateescape"): valid UTF-8 is decoded, and each byte that is not becomes the lone
 * surrogate U+DC80 + byte, which no decoded text contains. Such a string is the path's key in
 * the manifest (JSON keeps lone surrogates as `\udcXX`), turns back into the exact bytes for
 * the file system (`fsPath`), and is shown to people and written to outputs readably
 * (`readablePath`: the escaped bytes of a name decoded as GB18030 when they are valid GB18030,
 * else written `\xNN`).
 */

const ESCAPE_BASE = 0xdc00;
const utf8 = new TextDecoder('utf-8', { fatal: true });
const gb18030 = new TextDecoder('gb18030', { fatal: true });

/** Length of the valid UTF-8 sequence starting at `i`, or 0 when the byte there starts none. */
function utf8Length(b: Uint8Array, i: number): number {
  const c = b[i]!;
  if (c < 0x80) return 1;
  const cont = (k: number, lo = 0x80, hi = 0xbf) => i + k < b.length && b[i + k]! >= lo && b[i + k]! <= hi;
  if (c >= 0xc2 && c <= 0xdf) return cont(1) ? 2 : 0;
  if (c === 0xe0) return cont(1, 0xa0) && cont(2) ? 3 : 0;
  // ED A0..BF would be a UTF-16 surrogate: not UTF-8.
  if (c === 0xed) return cont(1, 0x80, 0x9f) && cont(2) ? 3 : 0;
  if (c >= 0xe1 && c <= 0xef) return cont(1) && cont(2) ? 3 : 0;
  if (c === 0xf0) return cont(1, 0x90) && cont(2) && cont(3) ? 4 : 0;
  if (c >= 0xf1 && c <= 0xf3) return cont(1) && cont(2) && cont(3) ? 4 : 0;
  if (c === 0xf4) return cont(1, 0x80, 0x8f) && cont(2) && cont(3) ? 4 : 0;
  return 0;
}

/** A name's bytes as a string that keeps them all: UTF-8 decoded, other bytes as U+DC80–U+DCFF. */
export function nameFromBytes(bytes: Uint8Array): string {
  try {
    return utf8.decode(bytes);
  } catch {
    let out = '';
    for (let i = 0; i < bytes.length; ) {
      const n = utf8Length(bytes, i);
      if (n === 0) {
        out += String.fromCharCode(ESCAPE_BASE + bytes[i]!);
        i++;
      } else {
        out += utf8.decode(bytes.subarray(i, i + n));
        i += n;
      }
    }
    return out;
  }
}

const ESCAPED = /(?<![\ud800-\udbff])[\udc80-\udcff]/;

const ESCAPED_ALL = new RegExp(ESCAPED.source, 'g');

/** Whether a path holds bytes that are not UTF-8 (escaped by `nameFromBytes`). */
export function hasEscapedBytes(p: string): boolean {
  return ESCAPED.test(p);
}

/** The exact bytes of a name made by `nameFromBytes`. */
export function nameToBytes(s: string): Buffer {
  const parts: Buffer[] = [];
  let run = '';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    const lone = c >= 0xdc80 && c <= 0xdcff && !(i > 0 && s.charCodeAt(i - 1) >= 0xd800 && s.charCodeAt(i - 1) <= 0xdbff);
    if (lone) {
      if (run) parts.push(Buffer.from(run, 'utf8'));
      run = '';
      parts.push(Buffer.of(c - ESCAPE_BASE));
    } else run += s[i];
  }
  if (run) parts.push(Buffer.from(run, 'utf8'));
  return Buffer.concat(parts);
}

/** The path to hand the file system: the string itself, or its exact bytes when it holds escaped ones. */
export function fsPath(p: string): string | Buffer {
  return hasEscapedBytes(p) ? nameToBytes(p) : p;
}

/** Control characters and direction overrides, which would rewrite a terminal or a line of output. */
const CONTROL = /[\u0000-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]/g;

/**
 * A path as people read it and outputs hold it (well-formed Unicode): the escaped bytes of each
 * name decoded as GB18030 when they are (the legacy encoding of Chinese archives), else shown
 * as `\xNN`; control characters (ANSI escapes) shown as `\uNNNN`.
 */
export function readablePath(p: string): string {
  const text = hasEscapedBytes(p)
    ? p
        .split('/')
        .map((name) => {
          if (!hasEscapedBytes(name)) return name;
          const bytes = nameToBytes(name);
          try {
            return gb18030.decode(bytes);
          } catch {
            return name.replace(ESCAPED_ALL, (c) => `\\x${(c.charCodeAt(0) - ESCAPE_BASE).toString(16).padStart(2, '0')}`);
          }
        })
        .join('/')
    : p;
  return text.replace(CONTROL, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
