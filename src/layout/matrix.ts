/** PDF transformation matrices [a b c d e f] (a point maps to (a·x + c·y + e, b·x + d·y + f)). */
export type Matrix = [number, number, number, number, number, number];
export const IDENTITY: Matrix = [1, 0, 0, 1, 0, 0];

/** `n` applied first, then `m` (PDF's `cm`: the new matrix goes in front of the current one). */
export function multiply(m: Matrix, n: Matrix): Matrix {
  return [
    m[0] * n[0] + m[2] * n[1],
    m[1] * n[0] + m[3] * n[1],
    m[0] * n[2] + m[2] * n[3],
    m[1] * n[2] + m[3] * n[3],
    m[0] * n[4] + m[2] * n[5] + m[4],
    m[1] * n[4] + m[3] * n[5] + m[5],
  ];
}

/** The matrix undoing `m` (which must not be singular). */
export function invert(m: Matrix): Matrix {
  const det = m[0] * m[3] - m[1] * m[2];
  const a = m[3] / det, b = -m[1] / det, c = -m[2] / det, d = m[0] / det;
  return [a, b, c, d, -(a * m[4] + c * m[5]), -(b * m[4] + d * m[5])];
}

export function apply(m: Matrix, x: number, y: number): [number, number] {
  return [m[0] * x + m[2] * y + m[4], m[1] * x + m[3] * y + m[5]];
}

/** An axis-aligned box in page space. */
export interface Box {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

/** The axis-aligned box around the rectangle (x0, y0)–(x1, y1) mapped by `m`. */
export function boxOf(m: Matrix, x0: number, y0: number, x1: number, y1: number): Box {
  // Each output coordinate is smallest (largest) where each of its terms a·x, c·y is.
  const ax = m[0] * x0, ax1 = m[0] * x1, cy = m[2] * y0, cy1 = m[2] * y1;
  const bx = m[1] * x0, bx1 = m[1] * x1, dy = m[3] * y0, dy1 = m[3] * y1;
  return {
    x0: Math.min(ax, ax1) + Math.min(cy, cy1) + m[4],
    x1: Math.max(ax, ax1) + Math.max(cy, cy1) + m[4],
    y0: Math.min(bx, bx1) + Math.min(dy, dy1) + m[5],
    y1: Math.max(bx, bx1) + Math.max(dy, dy1) + m[5],
  };
}
