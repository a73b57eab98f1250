/**
 * Pages that paint what an earlier page painted are read by OCR once. A crafted PDF can paint
 * one shared image on 2,000 pages — a few hundred kilobytes asking for hours of recognition —
 * and a real scan may repeat a blank or a form page. OCR is most of a scanned page's cost, so
 * a page's reading is kept under two keys:
 *
 * - its drawing, known before it is drawn: the operator list (pdf.js gives an image XObject
 *   that pages share one id, and an inline image its bytes) with the page's box and rotation.
 *   A page whose drawing repeats an earlier one's takes that page's reading without being drawn;
 * - its bitmap: pages drawn differently that come out the same (one image under ids of each
 *   page) are drawn, and recognised once.
 */
import { createHash, type Hash } from 'node:crypto';
import type { Gray } from '../../ocr/index.js';

/** Nesting followed into an operator's arguments (pdf.js nests a few levels at most). */
const MAX_DEPTH = 8;

/**
 * What is hashed, gathered in text and handed to the hash in chunks: a page of 100,000 text
 * operators is millions of small pieces, and a hash update per piece would cost more than
 * drawing the page.
 */
class Feed {
  private text = '';
  constructor(private readonly hash: Hash) {}

  add(s: string): void {
    this.text += s;
    if (this.text.length >= 1 << 16) this.flush();
  }

  bytes(v: ArrayBufferView): void {
    this.flush();
    this.hash.update(new Uint8Array(v.buffer, v.byteOffset, v.byteLength));
  }

  flush(): void {
    if (this.text) this.hash.update(this.text);
    this.text = '';
  }
}

function feed(out: Feed, v: unknown, depth: number): void {
  if (v == null || typeof v !== 'object') {
    out.add(`${typeof v}:${String(v)};`);
  } else if (ArrayBuffer.isView(v)) {
    out.add(`bytes:${v.byteLength}:`);
    out.bytes(v);
  } else if (depth >= MAX_DEPTH) {
    out.add('deep;');
  } else if (Array.isArray(v)) {
    out.add(`[${v.length}:`);
    for (const x of v) feed(out, x, depth + 1);
    out.add(']');
  } else {
    out.add('{');
    for (const [k, x] of Object.entries(v)) {
      out.add(`${k}=`);
      feed(out, x, depth + 1);
    }
    out.add('}');
  }
}

/** The key of a page's drawing: its operators and their arguments, its box and rotation. */
export function drawingKey(ops: { fnArray: ArrayLike<number>; argsArray: ArrayLike<unknown> }, view: readonly number[], rotate: number): string {
  const hash = createHash('sha256');
  const out = new Feed(hash);
  feed(out, [...view, rotate], 0);
  out.bytes(Uint32Array.from(ops.fnArray));
  for (let i = 0; i < ops.argsArray.length; i++) feed(out, ops.argsArray[i], 0);
  out.flush();
  return `drawing:${hash.digest('hex')}`;
}

/** The key of a drawn page: its pixels and resolution. */
export function bitmapKey(gray: Gray, dpi: number): string {
  const hash = createHash('sha256');
  hash.update(`${gray.width}x${gray.height}@${dpi};`);
  hash.update(gray.data);
  return `bitmap:${hash.digest('hex')}`;
}

/** The readings of one document's pages, by drawing and by bitmap; each handed out as a copy of its own. */
export class Readings<T> {
  private readonly byKey = new Map<string, T>();

  get(key: string): T | undefined {
    const hit = this.byKey.get(key);
    return hit === undefined ? undefined : structuredClone(hit);
  }

  set(key: string, reading: T): void {
    this.byKey.set(key, structuredClone(reading));
  }
}
