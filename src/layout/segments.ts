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

/** A path's straight run of points, as a drawing program gives it (curves already marked). */
export interface Polyline {
  pts: Array<[number, number]>;
  closed: boolean;
  curved: boolean;
}

/** Largest thickness of a filled rectangle still taken as a line. */
export const THIN = 2.5;

function rectOf(pts: Array<[number, number]>): { x0: number; y0: number; x1: number; y1: number } | null {
  if (pts.length < 4 || pts.length > 5) return null;
  const xs = pts.map((p) => p[0]);
  const ys = pts.map((p) => p[1]);
  const x0 = Math.min(...xs), x1 = Math.max(...xs), y0 = Math.min(...ys), y1 = Math.max(...ys);
  // Every point on the bounding box's corners: an axis-aligned rectangle.
  const onCorner = pts.every(([x, y]) => (Math.abs(x - x0) < 0.5 || Math.abs(x - x1) < 0.5) && (Math.abs(y - y0) < 0.5 || Math.abs(y - y1) < 0.5));
  return onCorner ? { x0, y0, x1, y1 } : null;
}

/**
 * The ruling segments one painted path gives: every stroked horizontal or vertical piece, every
 * edge of a stroked rectangle, and a thin filled rectangle as the line it draws (Word draws
 * borders so). Curves and large filled areas (shading) give none.
 */
export function pathSegments(pl: Polyline, stroke: boolean, fill: boolean, out: Segment[] = []): Segment[] {
  if (pl.curved || (!stroke && !fill)) return out;
  const r = rectOf(pl.pts);
  if (r) {
    const w = r.x1 - r.x0;
    const h = r.y1 - r.y0;
    if (w <= THIN && h > THIN) out.push({ dir: 'v', pos: (r.x0 + r.x1) / 2, a: r.y0, b: r.y1 });
    else if (h <= THIN && w > THIN) out.push({ dir: 'h', pos: (r.y0 + r.y1) / 2, a: r.x0, b: r.x1 });
    else if (stroke && w > THIN && h > THIN) {
      out.push({ dir: 'h', pos: r.y0, a: r.x0, b: r.x1 }, { dir: 'h', pos: r.y1, a: r.x0, b: r.x1 });
      out.push({ dir: 'v', pos: r.x0, a: r.y0, b: r.y1 }, { dir: 'v', pos: r.x1, a: r.y0, b: r.y1 });
    }
    return out;
  }
  if (!stroke) return out;
  const pts = pl.closed ? [...pl.pts, pl.pts[0]!] : pl.pts;
  for (let k = 1; k < pts.length; k++) {
    const s = segmentOf(pts[k - 1]![0], pts[k - 1]![1], pts[k]![0], pts[k]![1]);
    if (s) out.push(s);
  }
  return out;
}
