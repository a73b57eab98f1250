/**
 * The skew of a scanned page: the angle at which its ink lines up best in rows.
 *
 * Text lines and ruling lines are rows of ink; sheared by the right angle, the ink's row
 * profile has the sharpest peaks (largest sum of squares). Searched on a page shrunk four
 * times, over ±3° in tenths, then in hundredths around the best: a few million additions.
 */
import type { Gray } from './raster.js';

const SHRINK = 4;
const RANGE = 3;

/** Ink points of the shrunk page: cells of SHRINK×SHRINK pixels holding any ink. */
function inkPoints(mask: Uint8Array, width: number, height: number): { xs: Int32Array; ys: Int32Array; h: number } {
  const w = Math.ceil(width / SHRINK);
  const h = Math.ceil(height / SHRINK);
  const seen = new Uint8Array(w * h);
  for (let y = 0; y < height; y++) {
    const row = y * width;
    const sy = ((y / SHRINK) | 0) * w;
    for (let x = 0; x < width; x++) if (mask[row + x]) seen[sy + ((x / SHRINK) | 0)] = 1;
  }
  let n = 0;
  for (let i = 0; i < seen.length; i++) n += seen[i]!;
  const xs = new Int32Array(n);
  const ys = new Int32Array(n);
  let k = 0;
  for (let i = 0; i < seen.length; i++) {
    if (seen[i]) {
      xs[k] = i % w;
      ys[k++] = (i / w) | 0;
    }
  }
  return { xs, ys, h };
}

function score(p: { xs: Int32Array; ys: Int32Array; h: number }, degrees: number, hist: Float64Array): number {
  const t = Math.tan((degrees * Math.PI) / 180);
  hist.fill(0);
  const off = p.h;
  for (let i = 0; i < p.xs.length; i++) {
    const r = Math.round(p.ys[i]! - p.xs[i]! * t) + off;
    if (r >= 0 && r < hist.length) hist[r]!++;
  }
  let s = 0;
  for (let i = 0; i < hist.length; i++) s += hist[i]! * hist[i]!;
  return s;
}

/**
 * The page's skew in degrees (y down: positive when lines fall to the right); 0 for a page
 * with too little ink to tell.
 */
export function skewOf(mask: Uint8Array, img: Gray): number {
  const p = inkPoints(mask, img.width, img.height);
  if (p.xs.length < 200) return 0;
  const hist = new Float64Array(p.h * 3);
  let best = 0;
  let bestScore = -1;
  for (let d = -RANGE; d <= RANGE + 1e-9; d += 0.1) {
    const s = score(p, d, hist);
    if (s > bestScore) {
      bestScore = s;
      best = d;
    }
  }
  const coarse = best;
  for (let d = coarse - 0.1; d <= coarse + 0.1 + 1e-9; d += 0.02) {
    const s = score(p, d, hist);
    if (s > bestScore) {
      bestScore = s;
      best = d;
    }
  }
  return Math.round(best * 100) / 100;
}
