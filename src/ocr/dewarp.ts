/**
 * A photographed page straightened: seen a little from the side or with the sheet bowed,
 * its text lines and rules are no longer straight, so one skew angle cannot level them —
 * lines of text run into each other in a row profile, a rule's ends stand off its cells.
 *
 * The page is cut into a grid of tiles; in each band of rows, the ink's row profile of each
 * strip of columns is matched against its neighbour's (the shift that lines up their text
 * lines and rules), and the shifts, added up across the band, say how far each part of the
 * page stands above or below its left edge. The page is resampled with those shifts
 * (bilinear between tile centres), so its lines run straight again. A flat page measures no
 * shift and is left as it is.
 */
import type { Gray } from './raster.js';

/** Shifts under this many pixels everywhere are left alone. */
const MIN_SHIFT = 2;

/** Row profile of the mask over columns [x0, x1) and rows [y0, y1). */
function profile(mask: Uint8Array, width: number, x0: number, x1: number, y0: number, y1: number): Float64Array {
  const p = new Float64Array(y1 - y0);
  for (let y = y0; y < y1; y++) {
    let n = 0;
    const row = y * width;
    for (let x = x0; x < x1; x++) n += mask[row + x]!;
    p[y - y0] = n;
  }
  return p;
}

/**
 * The shift d (|d| ≤ range) at which b's profile, moved by d, best matches a's over the
 * middle of the band; null when either side holds too little ink to tell.
 */
function bestShift(a: Float64Array, b: Float64Array, range: number, minInk: number): number | null {
  let inkA = 0;
  let inkB = 0;
  for (let i = range; i < a.length - range; i++) {
    inkA += a[i]!;
    inkB += b[i]!;
  }
  if (inkA < minInk || inkB < minInk) return null;
  const n = a.length - 2 * range;
  const meanA = inkA / n;
  const meanB = inkB / n;
  let best = 0;
  let bestScore = -Infinity;
  for (let d = -range; d <= range; d++) {
    let s = 0;
    for (let i = range; i < a.length - range; i++) s += (a[i]! - meanA) * (b[i + d]! - meanB);
    // Ties (a flat profile) go to the smallest shift.
    if (s > bestScore + 1e-9 || (Math.abs(s - bestScore) <= 1e-9 && Math.abs(d) < Math.abs(best))) {
      bestScore = s;
      best = d;
    }
  }
  return bestScore > 0 ? best : null;
}

/**
 * The page straightened, or null when it is flat already. `em` is the body text's size in
 * pixels: it sets the tiles (about 12 ems wide, 16 tall) and the largest shift looked for
 * between neighbouring strips (half a line's pitch: a whole pitch would match the next line).
 */
export function dewarp(img: Gray, mask: Uint8Array, em: number): Gray | null {
  const { width: w, height: h } = img;
  const strips = Math.max(2, Math.round(w / (em * 12)));
  const bands = Math.max(1, Math.round(h / (em * 16)));
  const range = Math.max(3, Math.round(em * 0.6));
  const sw = w / strips;
  const bh = h / bands;
  // shift[b][s]: how far strip s of band b stands below strip 0 (pixels).
  const shift: number[][] = [];
  let most = 0;
  for (let b = 0; b < bands; b++) {
    const y0 = Math.max(0, Math.round(b * bh) - range);
    const y1 = Math.min(h, Math.round((b + 1) * bh) + range);
    const profiles = Array.from({ length: strips }, (_, s) => profile(mask, w, Math.round(s * sw), Math.round((s + 1) * sw), y0, y1));
    const row = [0];
    for (let s = 1; s < strips; s++) {
      const d = bestShift(profiles[s - 1]!, profiles[s]!, range, em * em * 2);
      row.push(row[s - 1]! + (d ?? 0));
    }
    // Measured from the band's middle, so that the page as a whole does not move.
    const mid = row.reduce((n, v) => n + v, 0) / row.length;
    shift.push(row.map((v) => v - mid));
    for (const v of shift[b]!) most = Math.max(most, Math.abs(v));
  }
  if (most < MIN_SHIFT) return null;
  // Resample: each output pixel from `shift` pixels lower in its column (bilinear between tile centres).
  const out = new Uint8Array(w * h).fill(255);
  const { data } = img;
  const colShift = new Float64Array(w);
  for (let y = 0; y < h; y++) {
    const fb = Math.min(bands - 1, Math.max(0, y / bh - 0.5));
    const b0 = Math.floor(fb);
    const b1 = Math.min(bands - 1, b0 + 1);
    const tb = fb - b0;
    for (let x = 0; x < w; x++) {
      const fs = Math.min(strips - 1, Math.max(0, x / sw - 0.5));
      const s0 = Math.floor(fs);
      const s1 = Math.min(strips - 1, s0 + 1);
      const ts = fs - s0;
      colShift[x] = (shift[b0]![s0]! * (1 - ts) + shift[b0]![s1]! * ts) * (1 - tb) + (shift[b1]![s0]! * (1 - ts) + shift[b1]![s1]! * ts) * tb;
    }
    for (let x = 0; x < w; x++) {
      const sy = y + colShift[x]!;
      const y0 = Math.floor(sy);
      if (y0 < 0 || y0 + 1 >= h) continue;
      const f = sy - y0;
      out[y * w + x] = data[y0 * w + x]! * (1 - f) + data[(y0 + 1) * w + x]! * f;
    }
  }
  return { width: w, height: h, data: out };
}

/**
 * The page with its vertical lines stood upright: each pixel taken from as far across as its
 * column's line leans there (`lean`: pixels across per pixel down, a + b·x, rules.ts leanOf),
 * measured from the page's middle row, so that the middle stays where it is. A photographed
 * sheet's vertical lines lean by different amounts across it (perspective), which no one
 * turn of the page undoes; leaning, a thin line crosses columns of pixels too often to be
 * found whole, and its one position stands off its cells at their ends.
 */
export function upright(img: Gray, lean: { a: number; b: number }): Gray {
  const { width: w, height: h, data } = img;
  const out = new Uint8Array(w * h).fill(255);
  const mid = h / 2;
  // A thin line resampled between two columns would fade under the ink threshold, and taken
  // from the nearest column it would be missed where the columns stretch: a pixel near a
  // column's middle takes that column, one between two columns the darker of them.
  for (let y = 0; y < h; y++) {
    const dy = y - mid;
    const row = y * w;
    for (let x = 0; x < w; x++) {
      const sx = x + (lean.a + lean.b * x) * dy;
      const x0 = Math.floor(sx);
      if (x0 < 0 || x0 + 1 >= w) continue;
      const f = sx - x0;
      out[row + x] = f < 0.3 ? data[row + x0]! : f > 0.7 ? data[row + x0 + 1]! : Math.min(data[row + x0]!, data[row + x0 + 1]!);
    }
  }
  return { width: w, height: h, data: out };
}
