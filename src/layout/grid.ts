/**
 * Tables rebuilt from drawn ruling lines.
 *
 * Segments that touch each other form a component; a component with at least two horizontal
 * and two vertical lines is a table. Its grid columns are the distinct x of its vertical
 * lines, its grid rows the distinct y of its horizontal lines. A cell spans to the right
 * while no vertical line crosses the row band between it and its neighbour, and downwards
 * while no horizontal line crosses its column band: merged cells are the ones a line does
 * not cross.
 */
import type { Segment } from './segments.js';
import { pushTo } from '../util.js';

/** Positions closer than this are one grid line. */
const SNAP = 2;
/**
 * Lines closer than this bound no row or column: a band this thin holds no text. They are one
 * grid line (a cell's border drawn a little off its neighbours', as HTML engines do at a page
 * break; a rule drawn twice).
 */
const THIN = 4;
/** Segments this close (end to end, or end to crossing line) touch. */
const TOUCH = 3;

export interface GridCell {
  row: number;
  col: number;
  rowSpan: number;
  colSpan: number;
  x0: number;
  x1: number;
  /** Top (larger y) and bottom of the cell in page space. */
  top: number;
  bottom: number;
  /** Lines are drawn on both its sides (a band the table's lines do not enclose there is no cell of it). */
  closed: boolean;
}

export interface Grid {
  /** Column boundaries, left to right (length = columns + 1). */
  xs: number[];
  /** Row boundaries, top to bottom, y decreasing (length = rows + 1). */
  ys: number[];
  cells: GridCell[];
  x0: number;
  x1: number;
  top: number;
  bottom: number;
  /**
   * The grid was closed where no rule is drawn: vertical lines run on above the top rule or
   * below the bottom one. Browsers draw a row cut by a page break that way, without the
   * border under its part at the foot of the page (and above its rest on the next).
   */
  openTop: boolean;
  openBottom: boolean;
  /**
   * Column ranges of the bottom edge that no rule closes: a merged cell going on past the
   * table's last rule (its text may overflow below it, as WeasyPrint prints a cut rowspan).
   */
  openBelow: Array<[number, number]>;
}

/** Vertical lines running this far past the outer rule make a row that no rule closes. */
const OPEN_RUN = 4;

/** Joins collinear segments that overlap or nearly touch (sort and sweep per line position). */
export function mergeCollinear(segs: Segment[]): Segment[] {
  const byLine = new Map<string, Segment[]>();
  for (const s of segs) {
    const key = `${s.dir}${Math.round(s.pos)}`;
    pushTo(byLine, key, s);
  }
  const out: Segment[] = [];
  for (const group of byLine.values()) {
    group.sort((p, q) => p.a - q.a);
    let cur: Segment | null = null;
    for (const s of group) {
      if (cur && s.a <= cur.b + TOUCH) cur.b = Math.max(cur.b, s.b);
      else {
        cur = { ...s };
        out.push(cur);
      }
    }
  }
  return out;
}

/** More ruling segments than this on one page is no table (a drawing, a pattern): tables are not rebuilt there. */
export const MAX_SEGMENTS = 4000;
/** More grid cells than this in one drawn table is no table either. */
export const MAX_GRID_CELLS = 20_000;

function touches(h: Segment, v: Segment): boolean {
  return v.pos >= h.a - TOUCH && v.pos <= h.b + TOUCH && h.pos >= v.a - TOUCH && h.pos <= v.b + TOUCH;
}

/** One grid line: where it is, and the span of the drawn positions it stands for. */
interface GridLine {
  pos: number;
  lo: number;
  hi: number;
}

/** Grid lines from drawn positions, ascending: positions less than THIN apart are one line. */
function snap(values: number[]): GridLine[] {
  const sorted = [...values].sort((a, b) => a - b);
  const out: GridLine[] = [];
  for (const v of sorted) {
    const last = out[out.length - 1];
    if (last && v - last.hi <= THIN) last.hi = v;
    else out.push({ pos: v, lo: v, hi: v });
  }
  for (const g of out) if (g.hi - g.lo > SNAP) g.pos = (g.lo + g.hi) / 2;
  return out;
}

const line = (pos: number): GridLine => ({ pos, lo: pos, hi: pos });

function components(segs: Segment[]): Segment[][] {
  const parent = segs.map((_, i) => i);
  const find = (i: number): number => (parent[i] === i ? i : (parent[i] = find(parent[i]!)));
  const hs = segs.map((s, i) => [s, i] as const).filter(([s]) => s.dir === 'h');
  const vs = segs.map((s, i) => [s, i] as const).filter(([s]) => s.dir === 'v');
  for (const [h, i] of hs) for (const [v, j] of vs) if (touches(h, v)) parent[find(i)] = find(j);
  const groups = new Map<number, Segment[]>();
  segs.forEach((s, i) => {
    const r = find(i);
    pushTo(groups, r, s);
  });
  return [...groups.values()];
}

/** Whether lines at grid line `at` cover most of the span [from, to] (a cell's edge is drawn there). */
function covered(lines: Segment[], at: GridLine, from: number, to: number): boolean {
  let length = 0;
  for (const l of lines) {
    if (l.pos < at.lo - SNAP || l.pos > at.hi + SNAP) continue;
    length += Math.max(0, Math.min(l.b, to) - Math.max(l.a, from));
  }
  return length >= (to - from) * 0.5;
}

function buildGrid(comp: Segment[]): Grid | null | 'too-many-cells' {
  const hs = comp.filter((s) => s.dir === 'h');
  const vs = comp.filter((s) => s.dir === 'v');
  if (hs.length < 1 || vs.length < 2) return null;
  const gx = snap(vs.map((v) => v.pos));
  const gy = snap(hs.map((h) => h.pos)).reverse();
  if (gx.length < 2) return null;
  const xs = gx.map((g) => g.pos);
  const ys = gy.map((g) => g.pos);
  // Close the grid where the vertical lines run past the outer rules (a row cut by a page break).
  const vTop = Math.max(...vs.map((v) => v.b));
  const vBottom = Math.min(...vs.map((v) => v.a));
  const openTop = vTop > gy[0]!.hi + OPEN_RUN && vs.filter((v) => v.b > gy[0]!.hi + OPEN_RUN).length >= 2;
  const openBottom = vBottom < gy[gy.length - 1]!.lo - OPEN_RUN && vs.filter((v) => v.a < gy[gy.length - 1]!.lo - OPEN_RUN).length >= 2;
  if (openTop) {
    gy.unshift(line(vTop));
    ys.unshift(vTop);
    hs.push({ dir: 'h', pos: vTop, a: xs[0]!, b: xs[xs.length - 1]! });
  }
  if (openBottom) {
    gy.push(line(vBottom));
    ys.push(vBottom);
    hs.push({ dir: 'h', pos: vBottom, a: xs[0]!, b: xs[xs.length - 1]! });
  }
  if (ys.length < 2) return null;
  // A grid of this many cells is a pattern or a hostile file, not a table: not built at all.
  if ((xs.length - 1) * (ys.length - 1) > MAX_GRID_CELLS) return 'too-many-cells';
  const nr = ys.length - 1;
  const nc = xs.length - 1;
  const taken: boolean[][] = Array.from({ length: nr }, () => new Array<boolean>(nc).fill(false));
  const cells: GridCell[] = [];
  for (let r = 0; r < nr; r++) {
    for (let c = 0; c < nc; c++) {
      if (taken[r]![c]) continue;
      let c2 = c + 1;
      while (c2 < nc && !covered(vs, gx[c2]!, ys[r + 1]!, ys[r]!) && !taken[r]![c2]) c2++;
      let r2 = r + 1;
      while (r2 < nr && !covered(hs, gy[r2]!, xs[c]!, xs[c2]!)) r2++;
      for (let rr = r; rr < r2; rr++) for (let cc = c; cc < c2; cc++) taken[rr]![cc] = true;
      const closed = covered(vs, gx[c]!, ys[r2]!, ys[r]!) && covered(vs, gx[c2]!, ys[r2]!, ys[r]!);
      cells.push({ row: r, col: c, rowSpan: r2 - r, colSpan: c2 - c, x0: xs[c]!, x1: xs[c2]!, top: ys[r]!, bottom: ys[r2]!, closed });
    }
  }
  const openBelow: Array<[number, number]> = [];
  for (let c = 0; c < nc; c++) if (!covered(hs, gy[nr]!, xs[c]!, xs[c + 1]!)) openBelow.push([xs[c]!, xs[c + 1]!]);
  return { xs, ys, cells, x0: xs[0]!, x1: xs[nc]!, top: ys[0]!, bottom: ys[nr]!, openTop, openBottom, openBelow };
}

/** All tables drawn on a page, top to bottom. */
export function findGrids(segs: Segment[]): Grid[] | 'too-many-lines' {
  const merged = mergeCollinear(segs).filter((s) => s.b - s.a > 2);
  if (merged.length > MAX_SEGMENTS) return 'too-many-lines';
  const grids = components(merged).map(buildGrid);
  if (grids.includes('too-many-cells')) return 'too-many-lines';
  return grids.filter((g): g is Grid => g != null && g !== 'too-many-cells' && g.cells.length >= 2).sort((a, b) => b.top - a.top);
}
