/**
 * Text pieces of a scanned page: boxes holding one line of text each, found by cutting the
 * ink mask (rules already cleared) along empty rows and wide empty columns, recursively
 * (an XY cut). A table's cells fall apart along the cleared rules; a cell's lines along the
 * white rows between them; a line holding a wide gap (a unit line, a page number, a table
 * drawn without rules) into its parts.
 *
 * `em` is the nominal height of body text in pixels: it tells a character split by its own
 * white rows (二, 三) from two lines, a gap inside a line from a gutter, and a speck of
 * scan noise from a full stop.
 */

import type { PixelRule } from './rules.js';

export interface Piece {
  x0: number;
  y0: number;
  /** Exclusive right and bottom edges. */
  x1: number;
  y1: number;
  /** A row of dot leaders (not to be recognised: it reads as ……). */
  leader?: boolean;
}

interface Ctx {
  mask: Uint8Array;
  width: number;
  em: number;
  /** Ruling lines (cleared from the mask): no piece reaches across one. */
  rules: readonly PixelRule[];
  out: Piece[];
  depth: number;
}

/** Bands of consecutive non-empty entries of a profile, as [start, end) pairs. */
function bands(profile: Int32Array, minGap: number): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  let start = -1;
  let lastInk = -1;
  for (let i = 0; i < profile.length; i++) {
    if (profile[i]! > 0) {
      if (start < 0) start = i;
      else if (i - lastInk - 1 >= minGap) {
        out.push([start, lastInk + 1]);
        start = i;
      }
      lastInk = i;
    }
  }
  if (start >= 0) out.push([start, lastInk + 1]);
  return out;
}

function rowProfile(c: Ctx, p: Piece): Int32Array {
  const prof = new Int32Array(p.y1 - p.y0);
  for (let y = p.y0; y < p.y1; y++) {
    let n = 0;
    const row = y * c.width;
    for (let x = p.x0; x < p.x1; x++) n += c.mask[row + x]!;
    prof[y - p.y0] = n;
  }
  return prof;
}

function colProfile(c: Ctx, p: Piece): Int32Array {
  const prof = new Int32Array(p.x1 - p.x0);
  for (let y = p.y0; y < p.y1; y++) {
    const row = y * c.width;
    for (let x = p.x0; x < p.x1; x++) prof[x - p.x0]! += c.mask[row + x]!;
  }
  return prof;
}

/**
 * Rows split by white: bands that together are no taller than one character are one (the
 * strokes of 二 and 三, the parts of a large heading's glyph). The character's height is the
 * body's, or the taller band's where that is larger: two lines are always taller than that.
 */
function lineBands(prof: Int32Array, em: number, ruled: (from: number, to: number) => boolean): Array<[number, number]> {
  const raw = bands(prof, 1);
  const out: Array<[number, number]> = [];
  for (const b of raw) {
    const last = out[out.length - 1];
    // The size of the line's characters: em, or a larger title's, but never more than twice
    // em — a band grown by what it took in would take in the next line, and that the next,
    // down a page whose first band is tall (a photocopy's shadow along the top).
    const size = last ? Math.min(em * 2, Math.max(em, last[1] - last[0], b[1] - b[0])) : em;
    if (last && b[0] - last[1] < size * 0.5 && b[1] - last[0] <= size * 1.3 && !ruled(last[1], b[0])) last[1] = b[1];
    else out.push([b[0], b[1]]);
  }
  return out;
}

/** Positions (x) of the vertical rules crossing a band, inside it. */
function verticalsIn(c: Ctx, p: Piece): number[] {
  return c.rules
    .filter((r) => r.dir === 'v' && r.pos > p.x0 && r.pos < p.x1 && r.a < p.y1 && r.b > p.y0)
    .map((r) => Math.round(r.pos))
    .sort((a, b) => a - b);
}

function inkCount(prof: Int32Array, a: number, b: number): number {
  let n = 0;
  for (let i = a; i < b; i++) n += prof[i]!;
  return n;
}

/**
 * Takes dot leaders (a contents line's …… between title and page) out of a one-line band:
 * a stretch of at least two characters' width made only of small dots, six or more, at least
 * one an em, on one level (a leader sets two to four an em on its baseline; toner specks
 * scattered along a line stand ems apart and at any height, and are no leader). The
 * recognition model reads long rows of dots badly; they become a leader piece, read as ……
 * the way a text layer gives them.
 */
function clearLeaders(c: Ctx, band: Piece): void {
  const h = band.y1 - band.y0;
  const w = band.x1 - band.x0;
  // Each column: empty (0), only a dot's height of ink (1), or more (2); and where its ink's middle is.
  const kind = new Uint8Array(w);
  const level = new Float64Array(w);
  for (let x = band.x0; x < band.x1; x++) {
    let top = -1;
    let bottom = -1;
    for (let y = band.y0; y < band.y1; y++) {
      if (c.mask[y * c.width + x]) {
        if (top < 0) top = y;
        bottom = y;
      }
    }
    kind[x - band.x0] = top < 0 ? 0 : bottom - top + 1 <= Math.max(2, h * 0.25) ? 1 : 2;
    level[x - band.x0] = (top + bottom) / 2;
  }
  // Leaders run between a title and its page number: a band of dots with no text beside them
  // is scan noise (a photocopy's toner specks in a margin), not a leader.
  if (!kind.includes(2)) return;
  const minSpan = c.em * 2;
  let start = -1;
  let dots = 0;
  let low = Infinity;
  let high = -Infinity;
  const flush = (end: number) => {
    if (start >= 0 && dots >= 6 && end - start >= minSpan && dots * c.em >= end - start && high - low <= Math.max(2, h * 0.2)) {
      for (let y = band.y0; y < band.y1; y++) c.mask.fill(0, y * c.width + band.x0 + start, y * c.width + band.x0 + end);
      c.out.push({ x0: band.x0 + start, x1: band.x0 + end, y0: band.y0, y1: band.y1, leader: true });
    }
  };
  for (let i = 0; i <= w; i++) {
    const k = i < w ? kind[i]! : 2;
    if (k === 2) {
      flush(i);
      start = -1;
      dots = 0;
      low = Infinity;
      high = -Infinity;
      continue;
    }
    if (start < 0) {
      if (k !== 1) continue;
      start = i;
    }
    if (k === 1 && (i === 0 || kind[i - 1] !== 1)) dots++;
    if (k === 1) {
      low = Math.min(low, level[i]!);
      high = Math.max(high, level[i]!);
    }
  }
}

function cut(c: Ctx, p: Piece): void {
  if (c.depth > 64) return void c.out.push(p);
  // A horizontal rule between two bands of this region keeps them apart.
  const ruled = (from: number, to: number) =>
    c.rules.some((r) => r.dir === 'h' && r.pos >= p.y0 + from - 1 && r.pos <= p.y0 + to + 1 && r.a < p.x1 && r.b > p.x0);
  const rows = lineBands(rowProfile(c, p), c.em, ruled);
  if (rows.length === 0) return;
  if (rows.length > 1) {
    c.depth++;
    for (const [a, b] of rows) cut(c, { x0: p.x0, x1: p.x1, y0: p.y0 + a, y1: p.y0 + b });
    c.depth--;
    return;
  }
  const band: Piece = { x0: p.x0, x1: p.x1, y0: p.y0 + rows[0]![0], y1: p.y0 + rows[0]![1] };
  // A vertical rule parts the band however close the text on its two sides.
  const walls = verticalsIn(c, band);
  if (walls.length) {
    c.depth++;
    // Each side stops short of the rule: what is left of its scanned edge is no text.
    const m = Math.max(2, Math.round(c.em * 0.12));
    const edges = [band.x0 - m, ...walls, band.x1 + m];
    for (let i = 0; i + 1 < edges.length; i++) {
      const x0 = Math.max(band.x0, edges[i]! + m);
      const x1 = Math.min(band.x1, edges[i + 1]! - m);
      if (x1 > x0) cut(c, { ...band, x0, x1 });
    }
    c.depth--;
    return;
  }
  const h = band.y1 - band.y0;
  clearLeaders(c, band);
  // A gutter: white wider than a character (never the space between words or after punctuation).
  const cols = colProfile(c, band);
  const parts = bands(cols, Math.max(Math.round(c.em * 1.2), Math.round(Math.min(h, c.em * 1.6) * 0.9)));
  if (parts.length > 1) {
    c.depth++;
    for (const [a, b] of parts) cut(c, { x0: band.x0 + a, x1: band.x0 + b, y0: band.y0, y1: band.y1 });
    c.depth--;
    return;
  }
  // A band of nothing but specks (cleared as leaders) holds no text.
  if (parts.length === 0) return;
  const [a, b] = parts[0]!;
  const piece = { x0: band.x0 + a, x1: band.x0 + b, y0: band.y0, y1: band.y1 };
  // Scan noise: a few pixels, far smaller than any mark a text prints (a full stop is larger).
  const ink = inkCount(cols, a, b);
  const big = Math.max(piece.x1 - piece.x0, piece.y1 - piece.y0);
  if (ink < (c.em * c.em) / 60 || big < c.em * 0.2) return;
  c.out.push(piece);
}

/** The text pieces of a region of the mask (the whole page by default), top to bottom. */
export function textPieces(mask: Uint8Array, width: number, height: number, em: number, rules: readonly PixelRule[] = [], region?: Piece): Piece[] {
  const c: Ctx = { mask, width, em, rules, out: [], depth: 0 };
  cut(c, region ?? { x0: 0, y0: 0, x1: width, y1: height });
  return c.out;
}
