/**
 * The skew of a scanned page: the angle at which its ink lines up best in rows.
 *
 * Text lines and ruling lines are rows of ink; sheared by the right angle, the ink's row
 * profile has the sharpest peaks (largest sum of squares). Searched on a sample of the ink
 * pixels, over ±3° in tenths, then in hundredths around the best: a few million additions.
 */
import type { Gray } from './raster.js';

const RANGE = 3;
/** Ink pixels used: every STEP-th in reading order (their positions stay exact). */
const STEP = 4;
const MAX_POINTS = 120_000;

/** A sample of the page's ink pixels. */
function inkPoints(mask: Uint8Array, width: number, height: number): { xs: Int32Array; ys: Int32Array; h: number } {
  let n = 0;
  for (let i = 0; i < mask.length; i++) n += mask[i]!;
  const step = Math.max(STEP, Math.ceil(n / MAX_POINTS));
  const xs = new Int32Array(Math.ceil(n / step));
  const ys = new Int32Array(xs.length);
  let k = 0;
  let seen = 0;
  for (let i = 0; i < mask.length && k < xs.length; i++) {
    if (!mask[i] || seen++ % step) continue;
    xs[k] = i % width;
    ys[k++] = (i / width) | 0;
  }
  return { xs: xs.subarray(0, k), ys: ys.subarray(0, k), h: height };
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
