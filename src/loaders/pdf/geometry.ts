/**
 * Drawn ruling lines of one PDF page, read from pdf.js's operator list.
 *
 * Every stroked horizontal/vertical segment, every edge of a stroked rectangle, and every
 * thin filled rectangle (Word often draws borders that way) becomes a Segment in page space
 * (PDF units, y upwards). Curves and large filled areas (shading) are ignored, and so is
 * lettering drawn as paths: a print driver's round trip draws a faked bold face (text filled
 * and stroked) as the glyphs' outlines stroked, whose straight strokes (一, 口) are no rules.
 */
import { OPS } from 'pdfjs-dist/legacy/build/pdf.mjs';
import { IDENTITY, type Matrix, apply, multiply } from '../../layout/matrix.js';
import { type Polyline, type Segment, pathSegments } from '../../layout/segments.js';

const STROKES = new Set<number>([OPS.stroke, OPS.closeStroke, OPS.fillStroke, OPS.eoFillStroke, OPS.closeFillStroke, OPS.closeEOFillStroke]);
const FILLS = new Set<number>([OPS.fill, OPS.eoFill]);

/** Splits pdf.js path data (DrawOPS encoding) into polylines of transformed points. */
function polylines(data: ArrayLike<number>, ctm: Matrix): Polyline[] {
  const out: Polyline[] = [];
  let cur: Polyline | null = null;
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

/** Subpaths of one painted path from which, when a quarter of them are curved, it is lettering. */
const LETTERING_PIECES = 4;

/**
 * Whether a painted path is lettering (glyph outlines): many pieces, a good share of them
 * curved. Rules and boxes are straight, each in a path of its own or several straight ones.
 */
function lettering(pls: readonly Polyline[]): boolean {
  return pls.length >= LETTERING_PIECES && 4 * pls.filter((p) => p.curved).length >= pls.length;
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
      const pls = polylines(data, ctm);
      if (lettering(pls)) continue;
      for (const pl of pls) pathSegments(pl, stroke, fill, segs);
    }
  }
  return segs;
}
