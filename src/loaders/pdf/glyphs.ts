/**
 * Glyph shapes of a PDF font, for reading a font without a Unicode map by the shapes it draws.
 *
 * pdf.js hands every glyph a page shows over as its outline (`<font>_path_<char>` in the
 * page's common objects, in em units with the font matrix applied: the loader opens PDFs
 * without font faces, so pdf.js builds these paths), and a Type 3 glyph as the drawing
 * operators of its character procedure (`charProcOperatorList`). Both become an `Outline`: filled
 * or stroked paths and image masks, each with the matrix that takes it to em units.
 *
 * `outlineKey` names a shape independently of its font and size (its coordinates over its
 * advance, rounded), so that one glyph used by several fonts or pages is recognised once;
 * `drawLine` draws glyphs side by side into one grey line image for the recogniser.
 */
import { OPS } from 'pdfjs-dist/legacy/build/pdf.mjs';
import { createHash } from 'node:crypto';
import type { Glyph } from './clip.js';
import { IDENTITY, type Matrix, multiply } from '../../layout/matrix.js';
import type { Gray } from '../../ocr/raster.js';

/** pdf.js's path operators (DrawOPS). */
const MOVE = 0, LINE = 1, CURVE = 2, QUAD = 3, CLOSE = 4;

interface PathPart {
  /** Path units → em. */
  m: Matrix;
  /** pdf.js path data: an operator, then its coordinates, repeated. */
  path: ArrayLike<number>;
  evenOdd: boolean;
  /** 0: filled; else stroked this wide (path units). */
  stroke: number;
}

interface MaskPart {
  /** The unit square → em. */
  m: Matrix;
  width: number;
  height: number;
  /** One bit a pixel, rows padded to bytes; a set bit paints. */
  bits: Uint8Array;
}

/** A glyph's drawing in em units (y up). */
export interface Outline {
  paths: PathPart[];
  masks: MaskPart[];
}

/** What this module needs of a font pdf.js loaded. */
export interface FontObject {
  isType3Font?: boolean;
  /** The font's program is not embedded (pdf.js draws its glyphs with a substitute). */
  missingFile?: boolean;
  fontMatrix?: number[];
  charProcOperatorList?: Record<string, { fnArray: ArrayLike<number>; argsArray: ArrayLike<unknown> }>;
}

interface CommonObjs {
  has(id: string): boolean;
  get(id: string): unknown;
}

const FILLS = new Map<number, boolean>([
  [OPS.fill, false],
  [OPS.eoFill, true],
  [OPS.fillStroke, false],
  [OPS.eoFillStroke, true],
  [OPS.closeFillStroke, false],
  [OPS.closeEOFillStroke, true],
  [OPS.rawFillPath, false],
]);
const STROKES = new Set<number>([OPS.stroke, OPS.closeStroke]);
const MASKS = new Set<number>([OPS.paintImageMaskXObject, OPS.paintSolidColorImageMask]);

function asMatrix(v: unknown): Matrix | null {
  const m = v as ArrayLike<number> | null | undefined;
  return m && m.length === 6 && Number.isFinite(m[0]) ? (Array.from(m) as Matrix) : null;
}

/** A Type 3 glyph's operators → its outline (the font matrix taking glyph space to em). */
function type3Outline(ops: { fnArray: ArrayLike<number>; argsArray: ArrayLike<unknown> }, fontMatrix: Matrix): Outline {
  const out: Outline = { paths: [], masks: [] };
  let m = fontMatrix;
  let lineWidth = 1;
  const stack: Array<{ m: Matrix; lineWidth: number }> = [];
  for (let i = 0; i < ops.fnArray.length; i++) {
    const fn = ops.fnArray[i]!;
    const args = ops.argsArray[i] as unknown[] | null;
    if (fn === OPS.save) stack.push({ m, lineWidth });
    else if (fn === OPS.restore) ({ m, lineWidth } = stack.pop() ?? { m, lineWidth });
    else if (fn === OPS.transform) {
      const t = asMatrix(args);
      if (t) m = multiply(m, t);
    } else if (fn === OPS.setLineWidth) lineWidth = Number(args?.[0]) || 0;
    else if (fn === OPS.constructPath) {
      const op = Number(args?.[0]);
      const data = (args?.[1] as unknown[] | undefined)?.[0] as ArrayLike<number> | undefined;
      if (!data || typeof data.length !== 'number') continue;
      if (FILLS.has(op)) out.paths.push({ m, path: data, evenOdd: FILLS.get(op)!, stroke: 0 });
      else if (STROKES.has(op)) out.paths.push({ m, path: data, evenOdd: false, stroke: Math.max(lineWidth, 1e-3) });
    } else if (MASKS.has(fn)) {
      const img = args?.[0] as { data?: unknown; width?: number; height?: number } | undefined;
      if (fn === OPS.paintSolidColorImageMask) {
        out.paths.push({ m, path: [MOVE, 0, 0, LINE, 1, 0, LINE, 1, 1, LINE, 0, 1, CLOSE], evenOdd: false, stroke: 0 });
      } else if (img && img.data instanceof Uint8Array && img.width && img.height) {
        out.masks.push({ m, width: img.width, height: img.height, bits: img.data });
      }
    }
  }
  return out;
}

/**
 * The outline of one glyph as pdf.js drew it, or null when pdf.js holds none (a font it could
 * not read: the glyph is then not known by its shape).
 */
export function outlineOf(objs: CommonObjs, fontName: string, font: FontObject, glyph: Glyph): Outline | null {
  // A code the font program has no glyph for is drawn as nothing (pdf.js's canvas skips it),
  // whatever path its character would name.
  if (glyph.isInFont === false && !font.missingFile) return { paths: [], masks: [] };
  if (font.isType3Font) {
    const ops = glyph.operatorListId != null ? font.charProcOperatorList?.[glyph.operatorListId] : undefined;
    const fm = asMatrix(font.fontMatrix) ?? [0.001, 0, 0, 0.001, 0, 0];
    return ops ? type3Outline(ops, fm) : null;
  }
  const id = `${fontName}_path_${glyph.fontChar ?? ''}`;
  if (!objs.has(id)) return null;
  const path = (objs.get(id) as { path?: ArrayLike<number> } | null)?.path;
  return path ? { paths: [{ m: IDENTITY, path, evenOdd: false, stroke: 0 }], masks: [] } : null;
}

/** Whether the outline draws nothing (a space: no path, or paths without a point). */
export function isBlank(o: Outline): boolean {
  // As inkBox(o) == null, without measuring: any point of a path or any mask is ink.
  if (o.masks.length) return false;
  for (const p of o.paths) {
    for (let i = 0; i < p.path.length; ) {
      const op = p.path[i++]!;
      const n = op === MOVE || op === LINE ? 1 : op === CURVE ? 3 : op === QUAD ? 2 : 0;
      if (n > 0 && i + 1 < p.path.length) return false;
      i += 2 * n;
    }
  }
  return true;
}

/** Points of a path (its operators' coordinates), each mapped by `m`. */
function* points(path: ArrayLike<number>, m: Matrix): Generator<[number, number]> {
  for (let i = 0; i < path.length; ) {
    const op = path[i++]!;
    const n = op === MOVE || op === LINE ? 1 : op === CURVE ? 3 : op === QUAD ? 2 : 0;
    for (let k = 0; k < n; k++, i += 2) {
      const x = path[i]!, y = path[i + 1]!;
      yield [m[0] * x + m[2] * y + m[4], m[1] * x + m[3] * y + m[5]];
    }
  }
}

/** The outline's ink box in em, or null when it draws nothing. */
export function inkBox(o: Outline): { x0: number; y0: number; x1: number; y1: number } | null {
  let x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
  const add = ([x, y]: [number, number]) => {
    x0 = Math.min(x0, x);
    x1 = Math.max(x1, x);
    y0 = Math.min(y0, y);
    y1 = Math.max(y1, y);
  };
  for (const p of o.paths) for (const pt of points(p.path, p.m)) add(pt);
  for (const k of o.masks) for (const pt of points([MOVE, 0, 0, LINE, 1, 0, LINE, 1, 1, LINE, 0, 1], k.m)) add(pt);
  return x0 <= x1 ? { x0, y0, x1, y1 } : null;
}

/** Steps a shape's coordinates are rounded to, per advance: fine enough to tell any two glyphs apart. */
const KEY_STEPS = 512;

/**
 * A name for the glyph's shape, the same for the same shape in any font or size: its points
 * over its advance (`advance`, em), rounded, hashed. Two glyphs with one key draw the same.
 */
export function outlineKey(o: Outline, advance: number): string {
  const unit = Math.abs(advance) > 1e-6 ? Math.abs(advance) : 1;
  const h = createHash('sha1');
  const q = (v: number) => Math.round((v / unit) * KEY_STEPS);
  h.update(`w${Math.round(unit * 1000)}`);
  for (const p of o.paths) {
    const pts: number[] = [p.evenOdd ? 1 : 0, Math.round((p.stroke * Math.hypot(p.m[0], p.m[1]) * KEY_STEPS) / unit)];
    for (let i = 0; i < p.path.length; ) {
      const op = p.path[i++]!;
      pts.push(op);
      const n = op === MOVE || op === LINE ? 1 : op === CURVE ? 3 : op === QUAD ? 2 : 0;
      for (let k = 0; k < n; k++, i += 2) {
        const x = p.path[i]!, y = p.path[i + 1]!;
        pts.push(q(p.m[0] * x + p.m[2] * y + p.m[4]), q(p.m[1] * x + p.m[3] * y + p.m[5]));
      }
    }
    h.update(Int32Array.from(pts));
  }
  for (const k of o.masks) {
    h.update(Int32Array.from([k.width, k.height, ...k.m.map(q)]));
    h.update(k.bits);
  }
  return h.digest('base64').slice(0, 16);
}

/** One glyph to draw in a line: its outline, and the 2×2 matrix taking em to line units (1 = the line's size). */
export interface LineGlyph {
  outline: Outline;
  /** [a, b, c, d]: em (x, y) → line units (a·x + c·y, b·x + d·y), y up. */
  shape: [number, number, number, number];
  /** Where the glyph's origin stands on the line, in line units from the left. */
  x: number;
}

/** The model's input height: lines are drawn that high. */
export const LINE_HEIGHT = 48;
/** Pixels per line unit (the line's font size): the text stands as high in the line as in a crop of a page. */
export const LINE_EM = 36;
/** The baseline, from the top. */
const BASELINE = 38;

type Ctx = import('@napi-rs/canvas').SKRSContext2D;

function trace(ctx: Ctx, path: ArrayLike<number>): void {
  ctx.beginPath();
  for (let i = 0; i < path.length; ) {
    switch (path[i++]) {
      case MOVE:
        ctx.moveTo(path[i++]!, path[i++]!);
        break;
      case LINE:
        ctx.lineTo(path[i++]!, path[i++]!);
        break;
      case CURVE:
        ctx.bezierCurveTo(path[i++]!, path[i++]!, path[i++]!, path[i++]!, path[i++]!, path[i++]!);
        break;
      case QUAD:
        ctx.quadraticCurveTo(path[i++]!, path[i++]!, path[i++]!, path[i++]!);
        break;
      case CLOSE:
        ctx.closePath();
        break;
      default:
        return;
    }
  }
}

/** Glyphs drawn black on white into one grey line `width` line units wide. */
export async function drawLine(glyphs: readonly LineGlyph[], width: number): Promise<Gray> {
  const { createCanvas, ImageData } = await import('@napi-rs/canvas');
  const w = Math.max(8, Math.ceil(width * LINE_EM));
  const canvas = createCanvas(w, LINE_HEIGHT);
  const ctx = canvas.getContext('2d');
  ctx.fillStyle = '#ffffff';
  ctx.fillRect(0, 0, w, LINE_HEIGHT);
  ctx.fillStyle = '#000000';
  ctx.strokeStyle = '#000000';
  for (const g of glyphs) {
    const [a, b, c, d] = g.shape;
    // em → pixels: the shape, scaled, y turned down, the origin on the baseline at x.
    const px: Matrix = [a * LINE_EM, -b * LINE_EM, c * LINE_EM, -d * LINE_EM, g.x * LINE_EM, BASELINE];
    for (const p of g.outline.paths) {
      const t = multiply(px, p.m);
      ctx.setTransform(t[0], t[1], t[2], t[3], t[4], t[5]);
      trace(ctx, p.path);
      if (p.stroke > 0) {
        ctx.lineWidth = p.stroke;
        ctx.stroke();
      } else ctx.fill(p.evenOdd ? 'evenodd' : 'nonzero');
    }
    for (const k of g.outline.masks) {
      const img = new ImageData(k.width, k.height);
      const stride = (k.width + 7) >> 3;
      for (let y = 0; y < k.height; y++) {
        for (let x = 0; x < k.width; x++) {
          const on = (k.bits[y * stride + (x >> 3)]! >> (7 - (x & 7))) & 1;
          img.data[(y * k.width + x) * 4 + 3] = on ? 255 : 0;
        }
      }
      const tile = createCanvas(k.width, k.height);
      tile.getContext('2d').putImageData(img, 0, 0);
      // An image mask fills the unit square, its first row at the top.
      const t = multiply(multiply(px, k.m), [1 / k.width, 0, 0, -1 / k.height, 0, 1]);
      ctx.setTransform(t[0], t[1], t[2], t[3], t[4], t[5]);
      ctx.drawImage(tile, 0, 0);
    }
  }
  ctx.setTransform(1, 0, 0, 1, 0, 0);
  const rgba = ctx.getImageData(0, 0, w, LINE_HEIGHT).data;
  const data = new Uint8Array(w * LINE_HEIGHT);
  for (let i = 0, j = 0; j < data.length; i += 4, j++) data[j] = (rgba[i]! * 299 + rgba[i + 1]! * 587 + rgba[i + 2]! * 114) / 1000;
  return { width: w, height: LINE_HEIGHT, data };
}

/** One contour of a glyph: its box and its points (em, y up). */
interface Piece {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
  pts: Array<[number, number]>;
}

/** The outline's contours: each path's runs from one move to the next. */
function pieces(o: Outline): Piece[] {
  const out: Piece[] = [];
  for (const p of o.paths) {
    let cur: Array<[number, number]> = [];
    const close = () => {
      if (cur.length >= 2) {
        const xs = cur.map((q) => q[0]), ys = cur.map((q) => q[1]);
        out.push({ x0: Math.min(...xs), y0: Math.min(...ys), x1: Math.max(...xs), y1: Math.max(...ys), pts: cur });
      }
      cur = [];
    };
    for (let i = 0; i < p.path.length; ) {
      const op = p.path[i++]!;
      if (op === MOVE) close();
      const n = op === MOVE || op === LINE ? 1 : op === CURVE ? 3 : op === QUAD ? 2 : 0;
      for (let k = 0; k < n; k++, i += 2) {
        const x = p.path[i]!, y = p.path[i + 1]!;
        cur.push([p.m[0] * x + p.m[2] * y + p.m[4], p.m[1] * x + p.m[3] * y + p.m[5]]);
      }
    }
    close();
  }
  return out;
}

/** Distance from a point to a segment. */
function toSegment([x, y]: [number, number], [ax, ay]: [number, number], [bx, by]: [number, number]): number {
  const dx = bx - ax, dy = by - ay;
  const t = Math.max(0, Math.min(1, ((x - ax) * dx + (y - ay) * dy) / (dx * dx + dy * dy || 1)));
  return Math.hypot(x - ax - t * dx, y - ay - t * dy);
}

/** A piece's height over its width at most this is a horizontal bar. */
const BAR = 0.3;
/** Share of a chevron's width and height its tip and its arms' ends are looked for in. */
const EDGE = 0.2;
/** How far (a share of a chevron's size) its outline may stand from the lines of its two arms. */
const ARM = 0.15;

/**
 * Which way a piece points when it is a chevron lying on its side: '<' with its tip at the
 * middle of its left edge and its arms' ends at the top and bottom of its right edge, '>' the
 * other way; null for any other shape (V, √, K, X, a bracket as tall as a line).
 */
function chevron(p: Piece): '<' | '>' | null {
  const w = p.x1 - p.x0, h = p.y1 - p.y0;
  if (!(w > 0) || h < 0.4 * w || h > 2 * w) return null;
  const side = (left: boolean) => p.pts.filter(([x]) => (left ? x <= p.x0 + EDGE * w : x >= p.x1 - EDGE * w)).map(([, y]) => y);
  const tipLike = (ys: number[]) => ys.length > 0 && ys.every((y) => y > p.y0 + 0.25 * h && y < p.y1 - 0.25 * h);
  const armsLike = (ys: number[]) => ys.some((y) => y >= p.y1 - EDGE * h) && ys.some((y) => y <= p.y0 + EDGE * h);
  const l = side(true), r = side(false);
  const dir = tipLike(l) && armsLike(r) ? '<' : tipLike(r) && armsLike(l) ? '>' : null;
  if (!dir) return null;
  // Every point of it on one of its two arms (within a stroke's width): no other stroke.
  const ys = dir === '<' ? l : r;
  const tip: [number, number] = [dir === '<' ? p.x0 : p.x1, ys.reduce((a, b) => a + b, 0) / ys.length];
  const endX = dir === '<' ? p.x1 : p.x0;
  const near = ARM * Math.max(w, h);
  if (!p.pts.every((q) => Math.min(toSegment(q, tip, [endX, p.y1]), toSegment(q, tip, [endX, p.y0])) <= near)) return null;
  return dir;
}

/**
 * Whether a piece is a stroke under a chevron, about as wide as it: a bar (≤), or a stroke
 * slanting with the chevron's lower arm (the ⩽ GB fonts draw for ≤: AR PL, Bousung), its high
 * end no higher than the tip and its low end at the arms' end. A bar may touch the lower arm's
 * end (WenQuanYi Zen Hei's ≦) but stands under the tip.
 */
function underChevron(b: Piece, body: Piece, dir: '<' | '>'): boolean {
  const w = body.x1 - body.x0, h = body.y1 - body.y0;
  const bw = b.x1 - b.x0, bh = b.y1 - b.y0;
  if (!(bw >= 0.7 * w && b.x0 <= body.x0 + EDGE * w && b.x1 >= body.x1 - EDGE * w)) return false;
  if (bh <= BAR * bw) return b.y1 <= body.y0 + EDGE * h;
  // A slanted stroke: thin along the diagonal it falls along, away from the tip.
  const from: [number, number] = dir === '<' ? [b.x0, b.y1] : [b.x0, b.y0];
  const to: [number, number] = dir === '<' ? [b.x1, b.y0] : [b.x1, b.y1];
  const near = ARM * Math.max(w, h);
  if (!b.pts.every((q) => toSegment(q, from, to) <= near)) return false;
  // No steeper than the arm it follows (half the chevron's height over its width), its box's
  // height holding the stroke's own thickness.
  if (bh > 1.5 * (h / 2 / w) * bw) return false;
  return b.y1 <= (body.y0 + body.y1) / 2 && b.y0 <= body.y0 + EDGE * h;
}

/**
 * The relation sign a glyph draws, told by its shape alone (null: no such sign): a chevron on
 * its side (< >), with one bar under it (≤ ≥) or two (≦ ≧), or two bars of one length one over
 * the other (=). The recogniser reads these badly standing alone in a cell (≦ and ≧ are not
 * in its alphabet at all), and no other character is drawn so. A lower stroke that slants
 * with the chevron's arm (⩽) is how GB fonts draw ≤ itself: the same sign. The width (< or ＜)
 * is the caller's to tell.
 */
export function signOf(o: Outline): string | null {
  if (o.masks.length) return null;
  const ps = pieces(o);
  if (ps.length === 0 || ps.length > 3) return null;
  const bars = ps.filter((p) => p.x1 > p.x0 && p.y1 - p.y0 <= BAR * (p.x1 - p.x0));
  const bodies = ps.filter((p) => !bars.includes(p));
  if (bodies.length === 0) {
    if (bars.length !== 2) return null;
    const [a, b] = bars as [Piece, Piece];
    const wa = a.x1 - a.x0, wb = b.x1 - b.x0;
    const sameLength = Math.abs(a.x0 - b.x0) <= 0.1 * Math.max(wa, wb) && Math.abs(a.x1 - b.x1) <= 0.1 * Math.max(wa, wb);
    // Close together (二 stands its bars apart).
    const close = Math.max(a.y1, b.y1) - Math.min(a.y0, b.y0) <= 0.7 * Math.max(wa, wb);
    return sameLength && close ? '=' : null;
  }
  // One chevron; every other piece a stroke under it.
  const pointing = ps.map((p) => [p, chevron(p)] as const).find(([, d]) => d != null);
  if (!pointing) return null;
  const [body, dir] = pointing as readonly [Piece, '<' | '>'];
  const strokes = ps.filter((p) => p !== body);
  if (!strokes.every((b) => underChevron(b, body, dir))) return null;
  const signs = dir === '<' ? ['<', '≤', '≦'] : ['>', '≥', '≧'];
  return signs[strokes.length] ?? null;
}
