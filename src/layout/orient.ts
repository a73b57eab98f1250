/**
 * A page read the way its text runs.
 *
 * The page rules (lines, grids, text-position tables) work on text that runs left to right
 * with y upwards. Most pages draw it so; some draw the whole page turned by a quarter or half
 * turn: a printer driver putting a landscape table on a portrait sheet (content turned, the
 * page's /Rotate turning it back for display), or a page saved sideways. Such a page's text
 * items run up, down or right to left in user space. The page is then turned, text items,
 * ruling segments and page box alike, so that most of its text runs left to right; a page
 * whose text already does is left as it is (whatever its /Rotate says).
 */
import { type Segment, segmentOf } from './segments.js';
import { type Matrix, apply, boxOf, multiply } from './matrix.js';
import type { PageView } from './page.js';
import type { Item } from './text.js';

/** A text item with the direction it runs in user space: a quarter turn count, 0–3. */
export interface TurnedItem {
  item: Item;
  /** 0: left to right; 1: upwards; 2: right to left (upside down); 3: downwards. */
  turn: number;
}

/** The quarter turn of a text item's transform [a b c d e f] (its direction (a, b)). */
export function turnOf(a: number, b: number): number {
  return (((Math.round(Math.atan2(b, a) / (Math.PI / 2)) % 4) + 4) % 4);
}

/** The quarter turn most of a page's text runs in (weighted by characters). */
function mainTurn(items: readonly TurnedItem[]): number {
  const chars = [0, 0, 0, 0];
  for (const { item, turn } of items) chars[turn]! += item.str.length;
  return chars.indexOf(Math.max(...chars));
}

const TURNS: Matrix[] = [
  [1, 0, 0, 1, 0, 0],
  [0, -1, 1, 0, 0, 0], // text running upwards turned clockwise
  [-1, 0, 0, -1, 0, 0],
  [0, 1, -1, 0, 0, 0], // text running downwards turned anticlockwise
];

/** A segment turned by quarter turns: still horizontal or vertical. */
function turnSegment(m: Matrix, s: Segment): Segment | null {
  const [x1, y1] = s.dir === 'h' ? apply(m, s.a, s.pos) : apply(m, s.pos, s.a);
  const [x2, y2] = s.dir === 'h' ? apply(m, s.b, s.pos) : apply(m, s.pos, s.b);
  return segmentOf(x1, y1, x2, y2);
}

/**
 * The page turned so that its main text direction runs left to right: items (each at its
 * origin, its width along its own direction), segments and the page box [0, 0, w, h].
 * `turn` says by how many quarter turns (0: nothing changed), `m` maps user space to the new frame.
 */
export function upright(items: readonly TurnedItem[], segs: Segment[], view: PageView): { items: Item[]; segs: Segment[]; view: PageView; turn: number; m: Matrix } {
  const turn = mainTurn(items);
  if (turn === 0) return { items: items.map((t) => t.item), segs, view, turn, m: TURNS[0]! };
  const rot = TURNS[turn]!;
  const b = boxOf(rot, view[0], view[1], view[2], view[3]);
  const m = multiply([1, 0, 0, 1, -b.x0, -b.y0], rot);
  return {
    items: items.map(({ item }) => {
      const [x, y] = apply(m, item.x, item.y);
      return { ...item, x, y };
    }),
    segs: segs.flatMap((s) => turnSegment(m, s) ?? []),
    view: [0, 0, b.x1 - b.x0, b.y1 - b.y0],
    turn,
    m,
  };
}
