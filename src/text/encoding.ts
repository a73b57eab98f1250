/**
 * Text bytes in the encodings budget-text dumps come in: UTF-8 (with or without BOM), UTF-16
 * (with a BOM, or without one where its zero bytes give it away) and GB18030. Shared by the
 * format detection (a UTF-16 dump is text, not a binary file) and the text-dump loader.
 */
import { InputError } from '../errors.js';
import { type Result, message } from '../diagnostics.js';
import { plausibility } from './plausible.js';

/**
 * UTF-8 (with or without BOM), UTF-16 with BOM, or GB18030. A file that is valid in neither but
 * nearly valid in one (a download cut inside a character, a few damaged bytes) is decoded with
 * the bad bytes replaced and a warning; anything worse is refused.
 */
export function decodeText(bytes: Buffer): Result<string> {
  let b = bytes;
  if (b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf) b = b.subarray(3);
  if (b[0] === 0xff && b[1] === 0xfe) return { value: new TextDecoder('utf-16le').decode(b.subarray(2)), messages: [] };
  if (b[0] === 0xfe && b[1] === 0xff) return { value: new TextDecoder('utf-16be').decode(b.subarray(2)), messages: [] };
  const utf16 = utf16WithoutBom(b);
  if (utf16) return { value: new TextDecoder(utf16).decode(b), messages: [] };
  for (const encoding of ['utf-8', 'gb18030']) {
    try {
      return { value: new TextDecoder(encoding, { fatal: true }).decode(b), messages: [] };
    } catch {
      /* try the next encoding */
    }
  }
  for (const encoding of ['utf-8', 'gb18030']) {
    const text = new TextDecoder(encoding).decode(b);
    const bad = [...text].filter((ch) => ch === '\uFFFD').length;
    if (bad <= Math.max(3, text.length * 0.01)) {
      return { value: text, messages: [message('text-damaged', `${bad} byte sequence(s) not valid ${encoding.toUpperCase()} were replaced with U+FFFD`)] };
    }
  }
  throw new InputError('text file is neither UTF-8, UTF-16 nor GB18030', 'bad-encoding');
}

/**
 * UTF-16 without a byte-order mark. Its ASCII characters (tabs, digits, line breaks) leave zero
 * bytes that no UTF-8 or GB18030 text has; the byte order is the one whose decoding reads as
 * the documents' characters (text/plausible.ts). Null when the bytes do not look like UTF-16.
 */
export function utf16WithoutBom(b: Uint8Array): 'utf-16le' | 'utf-16be' | null {
  const n = Math.min(b.length, 8192) & ~1;
  if (n < 16) return null;
  let zeros = 0;
  for (let i = 0; i < n; i++) if (b[i] === 0) zeros++;
  if (zeros < n * 0.02) return null;
  let best: 'utf-16le' | 'utf-16be' | null = null;
  let bestOdd = 0.1;
  for (const enc of ['utf-16le', 'utf-16be'] as const) {
    const odd = plausibility(new TextDecoder(enc).decode(b.subarray(0, n))).odd;
    if (odd < bestOdd) [best, bestOdd] = [enc, odd];
  }
  return best;
}

