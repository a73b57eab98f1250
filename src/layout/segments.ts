/**
 * Ruling segments of a page: horizontal and vertical lines in page space (y upwards), whatever
 * drew them — a PDF's stroked paths and thin rectangles, the rules found in a scan's bitmap, an
 * OFD's path objects. The grid rules (grid.ts) build tables from them.
 */

export interface Segment {
  /** 'h': y fixed, from a to b along x. 'v': x fixed, from a to b along y. */
  dir: 'h' | 'v';
  pos: number;
  a: number;
  b: number;
}

/** Tolerance for "horizontal" / "vertical". */
const AXIS_EPS = 1;

/** The segment from (x1, y1) to (x2, y2), or null when it is neither horizontal nor vertical (or too short). */
export function segmentOf(x1: number, y1: number, x2: number, y2: number): Segment | null {
  if (Math.abs(y1 - y2) <= AXIS_EPS && Math.abs(x1 - x2) > AXIS_EPS) {
    return { dir: 'h', pos: (y1 + y2) / 2, a: Math.min(x1, x2), b: Math.max(x1, x2) };
  }
  if (Math.abs(x1 - x2) <= AXIS_EPS && Math.abs(y1 - y2) > AXIS_EPS) {
    return { dir: 'v', pos: (x1 + x2) / 2, a: Math.min(y1, y2), b: Math.max(y1, y2) };
  }
  return null;
}
