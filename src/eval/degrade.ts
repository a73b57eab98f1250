/**
 * Seeded page damage for the scanned renditions of `npm run eval` (scans.ts): what archives
 * do to a printed budget text before it is scanned or photographed. Every function draws
 * its randomness from the seed it is given, so a seed is the same picture every time.
 *
 * Pages are raw pixel buffers (`channels` 1 grey or 3 RGB, row-major), as sharp gives them.
 */

export interface Raw {
  width: number;
  height: number;
  channels: 1 | 3;
  data: Uint8Array;
}

/** A small seeded generator (mulberry32): uniform in [0, 1). */
export function rng(seed: number): () => number {
  let s = (seed * 0x9e3779b1) >>> 0 || 1;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

export const between = (r: () => number, a: number, b: number) => a + (b - a) * r();
const sign = (r: () => number) => (r() < 0.5 ? -1 : 1);
/** Roughly normal (sum of uniforms). */
const gauss = (r: () => number) => r() + r() + r() + r() - 2;

/**
 * The page resampled through `from(x, y)`: where output pixel (x, y) comes from in the
 * input (bilinear); `fill` where that falls outside.
 */
export function warp(img: Raw, from: (x: number, y: number) => [number, number], fill: readonly number[]): Raw {
  const { width: w, height: h, channels: c, data } = img;
  const out = new Uint8Array(w * h * c);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const [sx, sy] = from(x, y);
      const o = (y * w + x) * c;
      const x0 = Math.floor(sx);
      const y0 = Math.floor(sy);
      if (x0 < 0 || y0 < 0 || x0 + 1 >= w || y0 + 1 >= h) {
        for (let k = 0; k < c; k++) out[o + k] = fill[k] ?? fill[0]!;
        continue;
      }
      const fx = sx - x0;
      const fy = sy - y0;
      const i = (y0 * w + x0) * c;
      for (let k = 0; k < c; k++) {
        const top = data[i + k]! * (1 - fx) + data[i + c + k]! * fx;
        const bottom = data[i + w * c + k]! * (1 - fx) + data[i + w * c + c + k]! * fx;
        out[o + k] = top * (1 - fy) + bottom * fy;
      }
    }
  }
  return { width: w, height: h, channels: c, data: out };
}

/** Turned by `degrees` about the centre (positive: clockwise as seen). */
export function rotated(img: Raw, degrees: number, fill: readonly number[]): Raw {
  const t = (degrees * Math.PI) / 180;
  const cos = Math.cos(t);
  const sin = Math.sin(t);
  const cx = img.width / 2;
  const cy = img.height / 2;
  return warp(img, (x, y) => [cos * (x - cx) + sin * (y - cy) + cx, -sin * (x - cx) + cos * (y - cy) + cy], fill);
}

/** The homography taking the four points `a` to the four points `b` (3×3, row-major). */
function homography(a: ReadonlyArray<[number, number]>, b: ReadonlyArray<[number, number]>): number[] {
  const m: number[][] = [];
  for (let i = 0; i < 4; i++) {
    const [x, y] = a[i]!;
    const [u, v] = b[i]!;
    m.push([x, y, 1, 0, 0, 0, -u * x, -u * y, u]);
    m.push([0, 0, 0, x, y, 1, -v * x, -v * y, v]);
  }
  // Gaussian elimination with partial pivoting on the 8×9 system.
  for (let col = 0; col < 8; col++) {
    let p = col;
    for (let r = col + 1; r < 8; r++) if (Math.abs(m[r]![col]!) > Math.abs(m[p]![col]!)) p = r;
    [m[col], m[p]] = [m[p]!, m[col]!];
    for (let r = 0; r < 8; r++) {
      if (r === col) continue;
      const f = m[r]![col]! / m[col]![col]!;
      for (let k = col; k < 9; k++) m[r]![k]! -= f * m[col]![k]!;
    }
  }
  const h = m.map((row, i) => row[8]! / row[i]!);
  return [...h, 1];
}

/**
 * A phone photograph of the page: seen a little from the side (each corner moved by 1–2% of
 * the page), the sheet bowed (rows bent by up to half a percent), lit unevenly (a gradient and
 * a darker corner), a warm cast and sensor noise. RGB in, RGB out.
 */
export function photographed(img: Raw, seed: number): Raw {
  const r = rng(seed);
  const { width: w, height: h } = img;
  const d = () => between(r, 0.01, 0.02) * Math.max(w, h) * sign(r);
  const corners: Array<[number, number]> = [
    [0, 0],
    [w - 1, 0],
    [w - 1, h - 1],
    [0, h - 1],
  ];
  // Where each corner of the picture finds the page: the page's corners moved in or out.
  const moved = corners.map(([x, y]) => [x + d(), y + d()] as [number, number]);
  const H = homography(corners, moved);
  const bow = between(r, 0.002, 0.005) * h * sign(r);
  const bowX = between(r, 0.0, 0.003) * w * sign(r);
  const out = warp(
    img,
    (x, y) => {
      const z = H[6]! * x + H[7]! * y + 1;
      const sx = (H[0]! * x + H[1]! * y + H[2]!) / z;
      const sy = (H[3]! * x + H[4]! * y + H[5]!) / z;
      // The sheet bows: rows bend most in the middle of the page, columns a little.
      return [sx + bowX * Math.sin((Math.PI * y) / h), sy + bow * Math.sin((Math.PI * x) / w)];
    },
    [70, 62, 55],
  );
  // Light: a gradient across the page and a darker corner, with a warm cast.
  const angle = r() * Math.PI * 2;
  const grad = between(r, 0.12, 0.3);
  const cx = r() * w;
  const cy = r() * h;
  const dark = between(r, 0.1, 0.25);
  const diag = Math.hypot(w, h);
  const cast = [1, between(r, 0.93, 0.98), between(r, 0.82, 0.92)];
  const noise = between(r, 3, 7);
  const data = out.data;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const t = ((x - w / 2) * Math.cos(angle) + (y - h / 2) * Math.sin(angle)) / diag + 0.5;
      const light = (1 - grad * t) * (1 - dark * Math.min(1, Math.hypot(x - cx, y - cy) / diag) ** 2 * 2);
      const n = gauss(r) * noise;
      const o = (y * w + x) * 3;
      for (let k = 0; k < 3; k++) data[o + k] = Math.max(0, Math.min(255, data[o + k]! * light * cast[k]! + n));
    }
  }
  return out;
}

/**
 * A photocopy as scanned: grey, ink lightened and paper darkened (low contrast), toner specks,
 * grain, the sheet turned by 1–2°, and the dark band of the book's binding down one side.
 * Grey in, grey out.
 */
export function photocopied(img: Raw, seed: number): Raw {
  const r = rng(seed);
  const { width: w, height: h } = img;
  const ink = between(r, 45, 90);
  const paper = between(r, 195, 230);
  const grain = between(r, 6, 14);
  const src = img.data;
  const data = new Uint8Array(w * h);
  // The binding's shadow: on the left or the right, 3–7% of the width, darkest at the edge.
  const left = r() < 0.5;
  const band = between(r, 0.03, 0.07) * w;
  const depth = between(r, 0.55, 0.8);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const i = y * w + x;
      let v = ink + ((paper - ink) * src[i]!) / 255 + gauss(r) * grain;
      const edge = left ? x : w - 1 - x;
      if (edge < band) v *= 1 - depth * (1 - edge / band) ** 1.5;
      data[i] = Math.max(0, Math.min(255, v));
    }
  }
  // Toner specks: small dark blots, one to three pixels across.
  const specks = Math.round(w * h * between(r, 0.0004, 0.0012));
  for (let k = 0; k < specks; k++) {
    const x = Math.floor(r() * w);
    const y = Math.floor(r() * h);
    const s = 1 + Math.floor(r() * 2);
    for (let dy = 0; dy < s; dy++) for (let dx = 0; dx < s; dx++) if (x + dx < w && y + dy < h) data[(y + dy) * w + x + dx] = ink * 0.8;
  }
  const copy = { width: w, height: h, channels: 1 as const, data };
  return rotated(copy, between(r, 1, 2) * sign(r), [paper]);
}

/** The SVG of an official seal (公章): a red ring, the issuer's name round its top, a star, a line under it. */
export function sealSvg(size: number, seed: number): string {
  const r = rng(seed);
  const names = ['某某县财政局', '某某县人民政府办公室', '某某县城乡建设局', '某某县教育和体育局', '某某县农业农村局'];
  const name = names[Math.floor(r() * names.length)]!;
  const sub = ['预算审核专用章', '财务专用章', '公章'][Math.floor(r() * 3)]!;
  const c = size / 2;
  const ring = size * 0.46;
  const stroke = size * between(r, 0.025, 0.035);
  const text = ring * 0.78;
  const red = `rgb(${Math.round(between(r, 200, 235))},${Math.round(between(r, 20, 60))},${Math.round(between(r, 20, 50))})`;
  const star = Array.from({ length: 10 }, (_, k) => {
    const rad = k % 2 ? size * 0.07 : size * 0.17;
    const a = -Math.PI / 2 + (k * Math.PI) / 5;
    return `${(c + rad * Math.cos(a)).toFixed(1)},${(c + rad * Math.sin(a)).toFixed(1)}`;
  }).join(' ');
  const font = size * (name.length > 8 ? 0.1 : 0.12);
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${size}" height="${size}">
<defs><path id="arc" d="M ${c - text * Math.cos(Math.PI / 7)} ${c + text * Math.sin(Math.PI / 7)} A ${text} ${text} 0 1 1 ${c + text * Math.cos(Math.PI / 7)} ${c + text * Math.sin(Math.PI / 7)}"/></defs>
<g fill="${red}" stroke="none" opacity="${between(r, 0.75, 0.95).toFixed(2)}">
<circle cx="${c}" cy="${c}" r="${ring}" fill="none" stroke="${red}" stroke-width="${stroke}"/>
<polygon points="${star}"/>
<text font-family="Noto Serif CJK SC, Noto Sans CJK SC, WenQuanYi Zen Hei, serif" font-weight="bold" font-size="${font}" text-anchor="middle"><textPath href="#arc" startOffset="50%">${name}</textPath></text>
<text x="${c}" y="${c + size * 0.3}" font-family="Noto Serif CJK SC, Noto Sans CJK SC, WenQuanYi Zen Hei, serif" font-size="${size * 0.075}" text-anchor="middle">${sub}</text>
</g></svg>`;
}

/** Grey or RGB pixels turned to RGB (a grey page printed on before its seal). */
export function toRgb(img: Raw): Raw {
  if (img.channels === 3) return img;
  const data = new Uint8Array(img.width * img.height * 3);
  for (let i = 0; i < img.width * img.height; i++) data[i * 3] = data[i * 3 + 1] = data[i * 3 + 2] = img.data[i]!;
  return { ...img, channels: 3, data };
}

/** Grey by luminance. */
export function toGrey(img: Raw): Raw {
  if (img.channels === 1) return img;
  const data = new Uint8Array(img.width * img.height);
  for (let i = 0; i < data.length; i++) data[i] = (img.data[i * 3]! * 299 + img.data[i * 3 + 1]! * 587 + img.data[i * 3 + 2]! * 114) / 1000;
  return { ...img, channels: 1, data };
}

/** Bilevel: 1 where ink (darker than `threshold`), one byte a pixel. */
export function bilevel(img: Raw, threshold: number): Uint8Array {
  const g = toGrey(img);
  const out = new Uint8Array(g.width * g.height);
  for (let i = 0; i < out.length; i++) out[i] = g.data[i]! < threshold ? 1 : 0;
  return out;
}
