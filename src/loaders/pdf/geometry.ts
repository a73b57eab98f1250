/**
 * Drawn ruling lines of one PDF page, read from pdf.js's operator list.
 *
 * Every stroked horizontal/vertical segment, every edge of a stroked rectangle, and every
 * thin filled rectangle (Word often draws borders that way) becomes a Segment in page space
 * (PDF units, y upwards). Curves and large filled areas (shading) are ignored.
 */
import { OPS } from 'pdfjs-dist/legacy/build/pdf.mjs';
import { IDENTITY, type Matrix, apply, multiply } from '../../layout/matrix.js';
import { type Segment, segmentOf } from '../../layout/segments.js';

/** Largest thickness of a filled rectangle still taken as a line. */
const THIN = 2.5;

const STROKES = new Set<number>([OPS.stroke, OPS.closeStroke, OPS.fillStroke, OPS.eoFillStroke, OPS.closeFillStroke, OPS.closeEOFillStroke]);
const FILLS = new Set<number>([OPS.fill, OPS.eoFill]);

/** Splits pdf.js path data (DrawOPS encoding) into polylines of transformed points. */
function polylines(data: ArrayLike<number>, ctm: Matrix): Array<{ pts: Array<[number, number]>; closed: boolean; curved: boolean }> {
  const out: Array<{ pts: Array<[number, number]>; closed: boolean; curved: boolean }> = [];
  let cur: { pts: Array<[number, number]>; closed: boolean; curved: boolean } | null = null;
  for (let i = 0; i < data.length; ) {
    const op = data[i++];
    if (op === 0) {
      cur = { pts: [apply(ctm, data[i]!, data[i + 1]!)], closed: false, curved: false };
      out.push(cur);
      i += 2;
    } else if (op === 1) {
      cur?.pts.push(apply(ctm, data[i]!, data[i + 1]!));
      i += 2;
    } else if (op === 2) {
      if (cur) cur.curved = true;
      cur?.pts.push(apply(ctm, data[i + 4]!, data[i + 5]!));
      i += 6;
    } else if (op === 3) {
      if (cur) cur.curved = true;
      cur?.pts.push(apply(ctm, data[i + 2]!, data[i + 3]!));
      i += 4;
    } else if (op === 4) {
      if (cur) cur.closed = true;
    } else break;
  }
  return out;
}

function rectOf(pts: Array<[number, number]>): { x0: number; y0: number; x1: number; y1: number } | null {
  if (pts.length < 4 || pts.length > 5) return null;
  const xs = pts.map((p) => p[0]);
  const ys = pts.map((p) => p[1]);
  const x0 = Math.min(...xs), x1 = Math.max(...xs), y0 = Math.min(...ys), y1 = Math.max(...ys);
  // Every point on the bounding box's corners: an axis-aligned rectangle.
  const onCorner = pts.every(([x, y]) => (Math.abs(x - x0) < 0.5 || Math.abs(x - x1) < 0.5) && (Math.abs(y - y0) < 0.5 || Math.abs(y - y1) < 0.5));
  return onCorner ? { x0, y0, x1, y1 } : null;
}

/** Paint operators that fill a path, alone or with a stroke. */
const FILLING = new Set<number>([...FILLS, OPS.fillStroke, OPS.eoFillStroke, OPS.closeFillStroke, OPS.closeEOFillStroke]);

/**
 * How many filled paths with curves a page draws (counting stops at `cap`): glyphs drawn as
 * outlines where a producer turned text into paths; table rules and boxes are straight.
 */
export function curvedFills(fnArray: ArrayLike<number>, argsArray: ArrayLike<unknown>, cap: number): number {
  let n = 0;
  for (let i = 0; i < fnArray.length && n < cap; i++) {
    if (fnArray[i] !== OPS.constructPath) continue;
    const args = argsArray[i] as unknown[] | null;
    const data = (args?.[1] as ArrayLike<number>[] | undefined)?.[0];
    if (data && FILLING.has(args?.[0] as number) && polylines(data, IDENTITY).some((p) => p.curved)) n++;
  }
  return n;
}

/** Ruling segments drawn on a page, from pdf.js's `getOperatorList()` result. */
export function rulings(fnArray: ArrayLike<number>, argsArray: ArrayLike<unknown>): Segment[] {
  const segs: Segment[] = [];
  let ctm: Matrix = IDENTITY;
  const stack: Matrix[] = [];
  for (let i = 0; i < fnArray.length; i++) {
    const fn = fnArray[i]!;
    const args = argsArray[i] as unknown[] | null;
    if (fn === OPS.save) stack.push(ctm);
    else if (fn === OPS.restore) ctm = stack.pop() ?? IDENTITY;
    else if (fn === OPS.transform && args) ctm = multiply(ctm, args as Matrix);
    else if (fn === OPS.paintFormXObjectBegin && args) {
      stack.push(ctm);
      if (Array.isArray(args[0]) && args[0].length === 6) ctm = multiply(ctm, args[0] as Matrix);
    } else if (fn === OPS.paintFormXObjectEnd) ctm = stack.pop() ?? IDENTITY;
    else if (fn === OPS.constructPath && args) {
      const paint = args[0] as number;
      const data = (args[1] as ArrayLike<number>[] | undefined)?.[0];
      if (!data) continue;
      const stroke = STROKES.has(paint);
      const fill = FILLS.has(paint) || paint === OPS.fillStroke || paint === OPS.eoFillStroke;
      if (!stroke && !fill) continue;
      for (const pl of polylines(data, ctm)) {
        if (pl.curved) continue;
        const r = rectOf(pl.pts);
        if (r) {
          const w = r.x1 - r.x0;
          const h = r.y1 - r.y0;
          if (w <= THIN && h > THIN) segs.push({ dir: 'v', pos: (r.x0 + r.x1) / 2, a: r.y0, b: r.y1 });
          else if (h <= THIN && w > THIN) segs.push({ dir: 'h', pos: (r.y0 + r.y1) / 2, a: r.x0, b: r.x1 });
          else if (stroke && w > THIN && h > THIN) {
            segs.push({ dir: 'h', pos: r.y0, a: r.x0, b: r.x1 }, { dir: 'h', pos: r.y1, a: r.x0, b: r.x1 });
            segs.push({ dir: 'v', pos: r.x0, a: r.y0, b: r.y1 }, { dir: 'v', pos: r.x1, a: r.y0, b: r.y1 });
          }
          continue;
        }
        if (!stroke) continue;
        const pts = pl.closed ? [...pl.pts, pl.pts[0]!] : pl.pts;
        for (let k = 1; k < pts.length; k++) {
          const s = segmentOf(pts[k - 1]![0], pts[k - 1]![1], pts[k]![0], pts[k]![1]);
          if (s) segs.push(s);
        }
      }
    }
  }
  return segs;
}
