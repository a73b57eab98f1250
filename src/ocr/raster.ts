/**
 * Grey page bitmaps for OCR: one byte a pixel (0 black, 255 white), row-major. The few
 * operations the scan reader needs on them — an ink threshold, a small rotation, crops —
 * are plain loops over the bytes; decoding image files and resizing line crops is sharp's
 * work (image.ts, recognize.ts).
 */

export interface Gray {
  width: number;
  height: number;
  data: Uint8Array;
}

/** Otsu's threshold: the grey level that best splits the page into ink and paper. */
export function otsu(img: Gray): number {
  const hist = new Float64Array(256);
  // Every second pixel of every second row is plenty for a histogram.
  for (let y = 0; y < img.height; y += 2) {
    const row = y * img.width;
    for (let x = 0; x < img.width; x += 2) hist[img.data[row + x]!]!++;
  }
  let total = 0;
  let sum = 0;
  for (let i = 0; i < 256; i++) {
    total += hist[i]!;
    sum += i * hist[i]!;
  }
  let wB = 0;
  let sumB = 0;
  let best = 0;
  let at = 128;
  for (let t = 0; t < 256; t++) {
    wB += hist[t]!;
    if (wB === 0) continue;
    const wF = total - wB;
    if (wF === 0) break;
    sumB += t * hist[t]!;
    const mB = sumB / wB;
    const mF = (sum - sumB) / wF;
    const between = wB * wF * (mB - mF) ** 2;
    if (between > best) {
      best = between;
      at = t;
    }
  }
  // A blank page has no ink to split from: keep the threshold in the dark half.
  return Math.min(at, 200);
}

/** Ink mask: 1 where the pixel is darker than the threshold. */
export function binarize(img: Gray, threshold = otsu(img)): Uint8Array {
  const out = new Uint8Array(img.width * img.height);
  for (let i = 0; i < out.length; i++) out[i] = img.data[i]! <= threshold ? 1 : 0;
  return out;
}

/**
 * The page turned by `degrees` (counter-clockwise positive, as a skew angle measured with
 * y down is corrected by turning it back), same size, bilinear, white where nothing maps.
 */
export function rotate(img: Gray, degrees: number): Gray {
  const { width: w, height: h, data } = img;
  const out = new Uint8Array(w * h).fill(255);
  const t = (degrees * Math.PI) / 180;
  const cos = Math.cos(t);
  const sin = Math.sin(t);
  const cx = w / 2;
  const cy = h / 2;
  for (let y = 0; y < h; y++) {
    const dy = y - cy;
    for (let x = 0; x < w; x++) {
      const dx = x - cx;
      // Where the output pixel comes from in the input.
      const sx = cos * dx - sin * dy + cx;
      const sy = sin * dx + cos * dy + cy;
      const x0 = Math.floor(sx);
      const y0 = Math.floor(sy);
      if (x0 < 0 || y0 < 0 || x0 + 1 >= w || y0 + 1 >= h) continue;
      const fx = sx - x0;
      const fy = sy - y0;
      const i = y0 * w + x0;
      const top = data[i]! * (1 - fx) + data[i + 1]! * fx;
      const bottom = data[i + w]! * (1 - fx) + data[i + w + 1]! * fx;
      out[y * w + x] = top * (1 - fy) + bottom * fy;
    }
  }
  return { width: w, height: h, data: out };
}

/** A rectangle of the page, clipped to it. */
export function crop(img: Gray, x0: number, y0: number, x1: number, y1: number): Gray {
  const a = Math.max(0, Math.floor(x0));
  const b = Math.max(0, Math.floor(y0));
  const w = Math.max(1, Math.min(img.width, Math.ceil(x1)) - a);
  const h = Math.max(1, Math.min(img.height, Math.ceil(y1)) - b);
  const out = new Uint8Array(w * h);
  for (let y = 0; y < h; y++) out.set(img.data.subarray((b + y) * img.width + a, (b + y) * img.width + a + w), y * w);
  return { width: w, height: h, data: out };
}

/**
 * Clears specks from an ink mask: 8-connected blobs of fewer than `minArea` pixels (scan
 * noise, dust). `onClear` sees each pixel cleared.
 */
export function despeckle(mask: Uint8Array, width: number, height: number, minArea: number, onClear?: (i: number) => void): void {
  const seen = new Uint8Array(mask.length);
  const stack: number[] = [];
  const blob: number[] = [];
  for (let start = 0; start < mask.length; start++) {
    if (!mask[start] || seen[start]) continue;
    blob.length = 0;
    stack.push(start);
    seen[start] = 1;
    while (stack.length) {
      const i = stack.pop()!;
      // Only a blob still small enough to be a speck needs its pixels remembered.
      if (blob.length < minArea) blob.push(i);
      const x = i % width;
      const y = (i - x) / width;
      for (let dy = -1; dy <= 1; dy++) {
        const yy = y + dy;
        if (yy < 0 || yy >= height) continue;
        for (let dx = -1; dx <= 1; dx++) {
          const xx = x + dx;
          if (xx < 0 || xx >= width) continue;
          const j = yy * width + xx;
          if (mask[j] && !seen[j]) {
            seen[j] = 1;
            stack.push(j);
          }
        }
      }
    }
    if (blob.length < minArea) {
      for (const i of blob) {
        mask[i] = 0;
        onClear?.(i);
      }
    }
  }
}
