/**
 * Tables from drawn ruling lines (src/layout/grid.ts): segments → components → grid lines →
 * cells, merged cells being those no line crosses.
 */
import { describe, expect, it } from 'vitest';
import { findGrids } from '../../src/layout/grid.js';
import type { Segment } from '../../src/layout/segments.js';
import { segmentOf } from '../../src/layout/segments.js';

const h = (y: number, a: number, b: number): Segment => ({ dir: 'h', pos: y, a, b });
const v = (x: number, a: number, b: number): Segment => ({ dir: 'v', pos: x, a, b });

/** A full grid: rules at every x of `xs` and every y of `ys` (y upwards, top first). */
function fullGrid(xs: number[], ys: number[]): Segment[] {
  const top = ys[0]!;
  const bottom = ys[ys.length - 1]!;
  return [...ys.map((y) => h(y, xs[0]!, xs[xs.length - 1]!)), ...xs.map((x) => v(x, bottom, top))];
}

describe('grid from ruling lines', () => {
  it('a full grid gives one cell per row and column, rows top to bottom', () => {
    const grids = findGrids(fullGrid([0, 100, 200, 300], [500, 480, 460]));
    expect(grids).not.toBe('too-many-lines');
    const [g] = grids as Exclude<typeof grids, string>;
    expect(g!.xs).toEqual([0, 100, 200, 300]);
    expect(g!.ys).toEqual([500, 480, 460]);
    expect(g!.cells).toHaveLength(6);
    expect(g!.cells.every((c) => c.rowSpan === 1 && c.colSpan === 1)).toBe(true);
    expect(g!.openTop || g!.openBottom).toBe(false);
  });

  it('a vertical line missing between two cells of a row makes one cell spanning both columns', () => {
    const segs = [h(500, 0, 300), h(480, 0, 300), h(460, 0, 300), v(0, 460, 500), v(300, 460, 500), v(100, 460, 500), v(200, 460, 480)];
    const [g] = findGrids(segs) as Exclude<ReturnType<typeof findGrids>, string>;
    const first = g!.cells.filter((c) => c.row === 0);
    expect(first.map((c) => [c.col, c.colSpan])).toEqual([
      [0, 1],
      [1, 2],
    ]);
  });

  it('a horizontal line missing under a cell merges it with the cell below (a 一级指标 over two rows)', () => {
    const segs = [h(500, 0, 300), h(480, 100, 300), h(460, 0, 300), v(0, 460, 500), v(100, 460, 500), v(300, 460, 500)];
    const [g] = findGrids(segs) as Exclude<ReturnType<typeof findGrids>, string>;
    const merged = g!.cells.find((c) => c.col === 0)!;
    expect(merged.rowSpan).toBe(2);
    expect(g!.cells.filter((c) => c.col === 1)).toHaveLength(2);
  });

  it('rules drawn in pieces that nearly touch are one line; two tables apart are two grids, top first', () => {
    const pieces = [h(500, 0, 149), h(500, 150, 300), h(480, 0, 300), v(0, 480, 500), v(300, 480, 500), v(150, 480, 500)];
    const lower = fullGrid([0, 150, 300], [300, 280, 260]);
    const grids = findGrids([...lower, ...pieces]) as Exclude<ReturnType<typeof findGrids>, string>;
    expect(grids.map((g) => g.top)).toEqual([500, 300]);
    expect(grids[0]!.xs).toEqual([0, 150, 300]);
  });

  it('vertical lines running past the last rule mark the bottom open (a row cut by a page break)', () => {
    const segs = [h(500, 0, 300), h(480, 0, 300), v(0, 450, 500), v(150, 450, 500), v(300, 450, 500)];
    const [g] = findGrids(segs) as Exclude<ReturnType<typeof findGrids>, string>;
    expect(g!.openBottom).toBe(true);
  });

  it('a page of more lines than a table has is refused, not rebuilt', () => {
    const many = Array.from({ length: 5000 }, (_, i) => h(i * 3, 0, 10));
    expect(findGrids(many)).toBe('too-many-lines');
  });

  it('a segment is horizontal, vertical, or none', () => {
    expect(segmentOf(0, 10, 50, 10.5)).toMatchObject({ dir: 'h', a: 0, b: 50 });
    expect(segmentOf(7, 0, 7, 30)).toMatchObject({ dir: 'v', pos: 7 });
    expect(segmentOf(0, 0, 30, 30)).toBeNull();
  });

  it('rules closer than a line of text are one grid line: a cell border drawn 3 points off its neighbours makes no row', () => {
    // The last row's 值 cell is drawn 3 points taller than the others (an HTML engine at a page break).
    const segs = [h(500, 0, 300), h(480, 0, 300), h(460, 0, 200), h(457, 200, 300), v(0, 460, 500), v(100, 460, 500), v(200, 457, 500), v(300, 457, 500)];
    const [g] = findGrids(segs) as Exclude<ReturnType<typeof findGrids>, string>;
    expect(g!.ys).toHaveLength(3);
    expect(g!.cells.every((c) => c.rowSpan === 1)).toBe(true);
  });
});

