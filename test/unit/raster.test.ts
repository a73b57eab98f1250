/**
 * The scan reader's bitmap operations (src/ocr/raster.ts) against plain definitions of what
 * they compute, on seeded noise: the 3 × 3 median (a sorting network) against sorting the nine
 * values; the paper's flattening (each row of blocks interpolated once across the page)
 * against interpolating the paper's brightness for every pixel alone.
 */
import { describe, expect, it } from 'vitest';
import { type Gray, flatten, median3, paperLevels, stretchInk } from '../../src/ocr/raster.js';

function noise(width: number, height: number, seed: number): Gray {
  let s = seed;
  const rnd = () => ((s = (s * 1103515245 + 12345) >>> 0) / 2 ** 32);
  // Ink-like dark pixels on paper of uneven brightness, and a few full-range values.
  const data = new Uint8Array(width * height).map((_, i) => (rnd() < 0.25 ? Math.floor(rnd() * 90) : rnd() < 0.05 ? Math.floor(rnd() * 256) : 150 + Math.floor(((i % width) / width) * 60) + Math.floor(rnd() * 45)));
  return { width, height, data };
}

describe('median3', () => {
  it('is the median of each pixel and its eight neighbours, the edges kept', () => {
    for (const [w, h, seed] of [[1, 1, 1], [3, 3, 2], [41, 17, 3], [200, 150, 4]] as const) {
      const img = noise(w, h, seed);
      const got = median3(img).data;
      for (let y = 0; y < h; y++) {
        for (let x = 0; x < w; x++) {
          let want = img.data[y * w + x]!;
          if (x > 0 && y > 0 && x < w - 1 && y < h - 1) {
            const v: number[] = [];
            for (let dy = -1; dy <= 1; dy++) for (let dx = -1; dx <= 1; dx++) v.push(img.data[(y + dy) * w + x + dx]!);
            want = v.sort((a, b) => a - b)[4]!;
          }
          expect(got[y * w + x], `${w}×${h} at ${x},${y}`).toBe(want);
        }
      }
    }
  });
});

/**
 * The paper's flattening as it was written first: the paper's brightness interpolated for every
 * pixel alone (the paper's levels and the ink's stretch are flatten's own steps, unchanged).
 */
function flattenPerPixel(img: Gray, window: number): Uint8Array {
  const { width: w, height: h, data } = img;
  const { block, bw, bh, paper } = paperLevels(img, window);
  const out = new Uint8Array(w * h);
  for (let y = 0; y < h; y++) {
    const fy = Math.min(bh - 1, Math.max(0, (y + 0.5) / block - 0.5));
    const y0 = Math.floor(fy);
    const y1 = Math.min(bh - 1, y0 + 1);
    const ty = fy - y0;
    for (let x = 0; x < w; x++) {
      const fx = Math.min(bw - 1, Math.max(0, (x + 0.5) / block - 0.5));
      const x0 = Math.floor(fx);
      const x1 = Math.min(bw - 1, x0 + 1);
      const tx = fx - x0;
      const p = (paper[y0 * bw + x0]! * (1 - tx) + paper[y0 * bw + x1]! * tx) * (1 - ty) + (paper[y1 * bw + x0]! * (1 - tx) + paper[y1 * bw + x1]! * tx) * ty;
      out[y * w + x] = Math.min(255, (data[y * w + x]! * 255) / p);
    }
  }
  stretchInk(out);
  return out;
}

describe('flatten', () => {
  it('gives the bytes of interpolating the paper for every pixel alone', () => {
    for (const [w, h, seed, window] of [[5, 7, 1, 10], [300, 420, 2, 58], [513, 97, 3, 120]] as const) {
      const img = noise(w, h, seed);
      expect(Buffer.from(flatten(img, window).data).equals(Buffer.from(flattenPerPixel(img, window))), `${w}×${h}`).toBe(true);
    }
  });
});
