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
  // A bilevel page (a G4 or JBIG2 scan: two grey levels only) splits halfway between them, not
  // at the first level that splits it (its darker level), which would leave out every grey edge
  // pixel once the page is turned.
  const levels = [...hist.keys()].filter((v) => hist[v]! > 0);
  if (levels.length === 2) return Math.min(Math.round((levels[0]! + levels[1]!) / 2), 200);
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
 * noise, dust). `onClear` sees each pixel cleared. Returns the number of blobs cleared.
 */
export function despeckle(mask: Uint8Array, width: number, height: number, minArea: number, onClear?: (i: number) => void): number {
  let cleared = 0;
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
      cleared++;
      for (const i of blob) {
        mask[i] = 0;
        onClear?.(i);
      }
    }
  }
  return cleared;
}

/** The 3 × 3 median of a grey bitmap (edges kept): takes away specks of a pixel or two, keeps strokes wider than that. */
export function median3(img: Gray): Gray {
  const { width: w, height: h, data } = img;
  const out = new Uint8Array(data);
  for (let y = 1; y < h - 1; y++) {
    for (let x = 1; x < w - 1; x++) {
      const i = y * w + x;
      // The median of nine by the 19 exchanges of Paeth's network (a sort of the nine for
      // every pixel took a third of a second a page).
      let p0 = data[i - w - 1]!, p1 = data[i - w]!, p2 = data[i - w + 1]!;
      let p3 = data[i - 1]!, p4 = data[i]!, p5 = data[i + 1]!;
      let p6 = data[i + w - 1]!, p7 = data[i + w]!, p8 = data[i + w + 1]!;
      let t: number;
      if (p1 > p2) { t = p1; p1 = p2; p2 = t; }
      if (p4 > p5) { t = p4; p4 = p5; p5 = t; }
      if (p7 > p8) { t = p7; p7 = p8; p8 = t; }
      if (p0 > p1) { t = p0; p0 = p1; p1 = t; }
      if (p3 > p4) { t = p3; p3 = p4; p4 = t; }
      if (p6 > p7) { t = p6; p6 = p7; p7 = t; }
      if (p1 > p2) { t = p1; p1 = p2; p2 = t; }
      if (p4 > p5) { t = p4; p4 = p5; p5 = t; }
      if (p7 > p8) { t = p7; p7 = p8; p8 = t; }
      if (p0 > p3) { t = p0; p0 = p3; p3 = t; }
      if (p5 > p8) { t = p5; p5 = p8; p8 = t; }
      if (p4 > p7) { t = p4; p4 = p7; p7 = t; }
      if (p3 > p6) { t = p3; p3 = p6; p6 = t; }
      if (p1 > p4) { t = p1; p1 = p4; p4 = t; }
      if (p2 > p5) { t = p2; p2 = p5; p5 = t; }
      if (p4 > p7) { t = p4; p4 = p7; p7 = t; }
      if (p4 > p2) { t = p4; p4 = p2; p2 = t; }
      if (p6 > p4) { t = p6; p6 = p4; p4 = t; }
      if (p4 > p2) { t = p4; p4 = p2; p2 = t; }
      out[i] = p4;
    }
  }
  return { width: w, height: h, data: out };
}

/**
 * Grey from colour pixels (`channels` 3 or 4 a pixel), with red seals dropped: an official
 * seal (公章) is stamped in saturated red over the text; where a pixel is red — its red far
 * above its green and blue — its grey is taken from the red channel alone, in which the
 * seal is as light as the paper, while black text (dark in every channel, also where the
 * seal covers it) stays black. Other pixels are grey by luminance.
 */
export function greyOf(rgb: Uint8Array | Uint8ClampedArray, width: number, height: number, channels: number): Gray {
  const data = new Uint8Array(width * height);
  for (let i = 0, j = 0; j < data.length; i += channels, j++) {
    const r = rgb[i]!;
    const g = rgb[i + 1]!;
    const b = rgb[i + 2]!;
    const lum = (r * 299 + g * 587 + b * 114) / 1000;
    // How red: 0 below 30 levels of red over the other channels, fully red from 80.
    const red = Math.min(1, Math.max(0, (r - Math.max(g, b) - 30) / 50));
    data[j] = red > 0 ? lum + (r - lum) * red : lum;
  }
  return { width, height, data };
}

/**
 * The page with its paper made white: each pixel divided by the paper's brightness around it
 * (a bright percentile of the grey levels in a window of about `window` pixels), so uneven
 * light, a photocopy's grey paper and the dark band at a book's binding all become white
 * paper with ink on it; then the ink's darkest levels stretched to black (a photocopy's grey
 * ink). A clean scan is left nearly as it was. Three steps: the paper of each block
 * (`paperLevels`), each pixel divided by the paper interpolated between blocks
 * (`divideByPaper`), the ink stretched (`stretchInk`).
 */
export function flatten(img: Gray, window: number): Gray {
  const out = divideByPaper(img, paperLevels(img, window));
  stretchInk(out);
  return { width: img.width, height: img.height, data: out };
}

/** The paper's brightness in blocks of about a third of `window` pixels. */
export interface PaperLevels {
  block: number;
  /** Blocks across and down. */
  bw: number;
  bh: number;
  /** Each block's paper level, row by row. */
  paper: Float32Array;
}

/**
 * The paper of each block: the 80th percentile of the grey levels of the 3 × 3 blocks around it
 * (text is rarely more than a fifth of a window's pixels; a heading's block borrows its
 * neighbours' paper), from a histogram of every block sampled at every second pixel of every
 * second row.
 */
export function paperLevels(img: Gray, window: number): PaperLevels {
  const { width: w, height: h, data } = img;
  const block = Math.max(8, Math.round(window / 3));
  const bw = Math.ceil(w / block);
  const bh = Math.ceil(h / block);
  const hist = new Uint32Array(bw * bh * 64);
  for (let y = 0; y < h; y += 2) {
    const by = ((y / block) | 0) * bw;
    for (let x = 0; x < w; x += 2) hist[(by + ((x / block) | 0)) * 64 + (data[y * w + x]! >> 2)]!++;
  }
  const paper = new Float32Array(bw * bh);
  const sum = new Uint32Array(64);
  for (let by = 0; by < bh; by++) {
    for (let bx = 0; bx < bw; bx++) {
      sum.fill(0);
      let n = 0;
      for (let dy = -1; dy <= 1; dy++) {
        const yy = by + dy;
        if (yy < 0 || yy >= bh) continue;
        for (let dx = -1; dx <= 1; dx++) {
          const xx = bx + dx;
          if (xx < 0 || xx >= bw) continue;
          const o = (yy * bw + xx) * 64;
          for (let k = 0; k < 64; k++) {
            sum[k]! += hist[o + k]!;
            n += hist[o + k]!;
          }
        }
      }
      let acc = 0;
      let k = 0;
      for (; k < 63 && acc + sum[k]! < n * 0.8; k++) acc += sum[k]!;
      paper[by * bw + bx] = Math.max(40, k * 4 + 2);
    }
  }
  return { block, bw, bh, paper };
}

/**
 * Each pixel divided by the paper's level there, interpolated between the centres of the
 * blocks around it (bilinear). Each column's two blocks and weight are found once, and each row
 * of blocks is interpolated across the page's columns once: the same sums, in the same order,
 * as interpolating every pixel alone.
 */
export function divideByPaper(img: Gray, levels: PaperLevels): Uint8Array {
  const { width: w, height: h, data } = img;
  const { block, bw, bh, paper } = levels;
  const cx0 = new Int32Array(w);
  const cx1 = new Int32Array(w);
  const ctx = new Float64Array(w);
  for (let x = 0; x < w; x++) {
    const fx = Math.min(bw - 1, Math.max(0, (x + 0.5) / block - 0.5));
    cx0[x] = Math.floor(fx);
    cx1[x] = Math.min(bw - 1, cx0[x]! + 1);
    ctx[x] = fx - cx0[x]!;
  }
  const across = (by: number): Float64Array => {
    const row = new Float64Array(w);
    for (let x = 0; x < w; x++) row[x] = paper[by * bw + cx0[x]!]! * (1 - ctx[x]!) + paper[by * bw + cx1[x]!]! * ctx[x]!;
    return row;
  };
  const rows = new Map<number, Float64Array>();
  const rowOf = (by: number): Float64Array => {
    let r = rows.get(by);
    if (!r) {
      if (rows.size > 2) rows.delete(rows.keys().next().value!);
      rows.set(by, (r = across(by)));
    }
    return r;
  };
  const out = new Uint8Array(w * h);
  for (let y = 0; y < h; y++) {
    const fy = Math.min(bh - 1, Math.max(0, (y + 0.5) / block - 0.5));
    const y0 = Math.floor(fy);
    const y1 = Math.min(bh - 1, y0 + 1);
    const ty = fy - y0;
    const top = rowOf(y0);
    const bottom = rowOf(y1);
    for (let x = 0; x < w; x++) {
      const p = top[x]! * (1 - ty) + bottom[x]! * ty;
      out[y * w + x] = Math.min(255, (data[y * w + x]! * 255) / p);
    }
  }
  return out;
}

/** The ink's darkest levels (the 1st percentile of the darker half of the page) made black, in place. */
export function stretchInk(out: Uint8Array): void {
  const all = new Uint32Array(256);
  for (let i = 0; i < out.length; i += 3) all[out[i]!]!++;
  let dark = 0;
  let n = 0;
  for (let v = 0; v < 128; v++) n += all[v]!;
  for (let acc = 0; dark < 128 && acc + all[dark]! <= n * 0.01; dark++) acc += all[dark]!;
  if (dark > 8 && n > 0) {
    const scale = 255 / (255 - dark);
    for (let i = 0; i < out.length; i++) out[i] = Math.max(0, (out[i]! - dark) * scale);
  }
}

/**
 * Clears the ink that touches the bitmap's edge (`mask` changed in place): the dark band at a
 * book's binding, the table a photographed sheet lies on, a copier's dark border. Text never
 * reaches the edge of a page (it has margins), and ink there would join every row and column
 * of the page into one, leaving no white between lines to cut at.
 */
export function clearEdges(mask: Uint8Array, width: number, height: number): void {
  const stack: number[] = [];
  const push = (i: number) => {
    if (mask[i]) {
      mask[i] = 0;
      stack.push(i);
    }
  };
  for (let x = 0; x < width; x++) {
    push(x);
    push((height - 1) * width + x);
  }
  for (let y = 0; y < height; y++) {
    push(y * width);
    push(y * width + width - 1);
  }
  while (stack.length) {
    const i = stack.pop()!;
    const x = i % width;
    const y = (i - x) / width;
    if (x > 0) push(i - 1);
    if (x + 1 < width) push(i + 1);
    if (y > 0) push(i - width);
    if (y + 1 < height) push(i + width);
  }
}
