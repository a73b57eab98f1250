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
 *
 * A neighbour's shift is measured by matching profiles, and a table's rows repeat at one
 * pitch: in a band of equal rows a strip's rules can match its neighbour's next rule as well as
 * their own, and such a band would be bent where it was straight (40 pixels over a table's
 * width, its rows' rules crossing). The shifts of a photographed sheet change smoothly over it
 * (its perspective and bow), so the measured steps are fitted by a smooth surface — a
 * quadratic across the page, changing steadily down it — steps standing off the fit are left
 * out and the rest fitted again; the steps that agree with the fit are kept as measured, and
 * those off it (or unmeasured) take the fit's (`smoothSteps`).
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

/** Terms of the smooth surface the steps are fitted by, at (u, v) in [-1, 1]: across and down the page. */
const TERMS: Array<(u: number, v: number) => number> = [() => 1, (u) => u, (u) => u * u, (_, v) => v, (u, v) => u * v];

/** Solves the normal equations A·x = y (A symmetric, n × n) by Gaussian elimination; null when singular. */
function solve(a: number[][], y: number[]): number[] | null {
  const n = y.length;
  const m = a.map((row, i) => [...row, y[i]!]);
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(m[r]![c]!) > Math.abs(m[p]![c]!)) p = r;
    if (Math.abs(m[p]![c]!) < 1e-9) return null;
    [m[c], m[p]] = [m[p]!, m[c]!];
    for (let r = 0; r < n; r++) {
      if (r === c) continue;
      const f = m[r]![c]! / m[c]![c]!;
      for (let k = c; k <= n; k++) m[r]![k]! -= f * m[c]![k]!;
    }
  }
  return m.map((row, i) => row[n]! / row[i]!);
}

/**
 * The steps between neighbouring strips (`steps[band][strip]`, null where unmeasured; the
 * first strip's is 0) checked against a smooth surface fitted to the measured ones: terms of
 * TERMS that the bands and strips can tell apart, fitted by least squares, the steps more than
 * `tol` pixels (or three times the typical residual) off it left out and the rest fitted again.
 * A step that agrees with the surface is kept as measured; one off it — a band's step pattern
 * that contradicts the bands around it, a table's rules matched one row off — or unmeasured
 * takes the surface's. Where too few steps are measured to tell, the steps are kept as
 * measured (unmeasured ones 0). Outside the measured bands and strips the surface is held at
 * its value at their edge.
 */
export function smoothSteps(steps: ReadonlyArray<ReadonlyArray<number | null>>, tol: number): number[][] {
  const bands = steps.length;
  const strips = steps[0]?.length ?? 0;
  const raw = steps.map((row) => row.map((d) => d ?? 0));
  const at = (b: number, s: number): [number, number] => [strips > 2 ? (2 * (s - 1)) / (strips - 2) - 1 : 0, bands > 1 ? (2 * b) / (bands - 1) - 1 : 0];
  let points: Array<{ u: number; v: number; d: number; key: number }> = [];
  steps.forEach((row, b) => row.forEach((d, s) => {
    if (s === 0 || d == null) return;
    const [u, v] = at(b, s);
    points.push({ u, v, d, key: b * strips + s });
  }));
  const uses = TERMS.map((_, k) => (k === 2 ? strips >= 5 : k === 1 ? strips >= 3 : k === 3 ? bands >= 3 : k === 4 ? bands >= 3 && strips >= 3 : true));
  const terms = TERMS.filter((_, k) => uses[k]);
  if (points.length < terms.length * 2) return raw;
  let coef: number[] | null = null;
  for (let pass = 0; pass < 3; pass++) {
    const a = terms.map(() => terms.map(() => 0));
    const y = terms.map(() => 0);
    for (const p of points) {
      const f = terms.map((t) => t(p.u, p.v));
      for (let i = 0; i < f.length; i++) {
        y[i]! += f[i]! * p.d;
        for (let j = 0; j < f.length; j++) a[i]![j]! += f[i]! * f[j]!;
      }
    }
    const next = solve(a, y);
    if (!next) return raw;
    coef = next;
    const fit = (p: { u: number; v: number }) => terms.reduce((n, t, k) => n + t(p.u, p.v) * next[k]!, 0);
    const res = points.map((p) => Math.abs(p.d - fit(p))).sort((x, z) => x - z);
    const limit = Math.max(tol, 3 * res[res.length >> 1]!);
    const kept = points.filter((p) => Math.abs(p.d - fit(p)) <= limit);
    if (kept.length === points.length) break;
    if (kept.length < terms.length * 2) return raw;
    points = kept;
  }
  const c = coef!;
  const us = points.map((p) => p.u);
  const vs = points.map((p) => p.v);
  const [u0, u1, v0, v1] = [Math.min(...us), Math.max(...us), Math.min(...vs), Math.max(...vs)];
  const inliers = new Set(points.map((p) => p.key));
  return steps.map((row, b) =>
    row.map((d, s) => {
      if (s === 0) return 0;
      // A step that agrees with the surface is kept as measured (the surface smooths what
      // the page really does between its tiles); one off it, or unmeasured, takes the surface's.
      if (d != null && inliers.has(b * strips + s)) return d;
      const [u, v] = at(b, s);
      const cu = Math.min(u1, Math.max(u0, u));
      const cv = Math.min(v1, Math.max(v0, v));
      return terms.reduce((n, t, k) => n + t(cu, cv) * c[k]!, 0);
    }),
  );
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
  // steps[b][s]: how far strip s of band b stands below strip s − 1, as measured (null: too little ink).
  const steps: Array<Array<number | null>> = [];
  let most = 0;
  for (let b = 0; b < bands; b++) {
    const y0 = Math.max(0, Math.round(b * bh) - range);
    const y1 = Math.min(h, Math.round((b + 1) * bh) + range);
    const profiles = Array.from({ length: strips }, (_, s) => profile(mask, w, Math.round(s * sw), Math.round((s + 1) * sw), y0, y1));
    steps.push(Array.from({ length: strips }, (_, s) => (s === 0 ? 0 : bestShift(profiles[s - 1]!, profiles[s]!, range, em * em * 2))));
  }
  const smooth = smoothSteps(steps, Math.max(3, range / 2));
  for (let b = 0; b < bands; b++) {
    const row = [0];
    for (let s = 1; s < strips; s++) row.push(row[s - 1]! + (smooth[b]![s] ?? 0));
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
