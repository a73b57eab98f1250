/**
 * Tables with no drawn lines, rebuilt from the text alone.
 *
 * - Where: a line whose text falls into two or more chunks (separated by a gutter wider than
 *   half a character) is a table line; a run of them, with the lines between them, is a table
 *   region. A region is cut into bands at each indicator header row (the upper part of a
 *   project table and its indicator part have different columns).
 * - Columns: the gutters that none of the data rows' cells covers (wide spanning cells aside),
 *   with the header's last row as anchors (符号 · 值 · 单位 keep their columns on a page whose
 *   values are all text); the rows above it split a column only where no data crosses. A cell
 *   belongs to the columns it covers by more than a character.
 * - Cells and rows: word processors write a table into the PDF cell by cell, row by row, so
 *   the text items' own order tells them apart where positions cannot (rows without lines
 *   touch, and Word centres cell text vertically). An item that neither goes on the current
 *   line nor starts the next line at the cell's left edge opens a new cell; a cell that opens
 *   in a column left of (or at) the previous cell's column opens a new row. A merged cell is
 *   written once, in its first row, which is exactly where fill-down wants it. A period heading
 *   (3月底) or a header label is a whole cell: the text under it opens the next row.
 * - The top of a first row's taller cells, above its first line of two chunks, comes with it.
 *
 * A drawn grid always wins: this reads only text outside drawn tables.
 */
import type { Item, Line } from './text.js';
import { charStarts, toLines } from './text.js';
import { type ContentsLine, contentsRuns } from '../text/contents.js';
import { pushTo } from '../util.js';
import { columnAt } from '../model.js';

interface Chunk {
  x0: number;
  x1: number;
  y: number;
  size: number;
  text: string;
}

interface TLine {
  line: Line;
  chunks: Chunk[];
}

export interface TextCell {
  row: number;
  col: number;
  colSpan: number;
  items: Item[];
  /** Right edge of the cell's column(s), for telling wrapped lines from paragraph ends. */
  right: number;
}

export interface TextTable {
  top: number;
  xs: number[];
  rows: number;
  cells: TextCell[];
  items: Item[];
}

/** Longer than this, a cell's text is no label (its text is kept no further for the test). */
const MAX_LABEL = 16;
/**
 * What the rules need to know of the tables' words, given by the caller as predicates (the
 * layout rules know no budget word; the budget vocabulary lives in ../vocab.ts).
 */
export interface TableWords {
  /** A line holding a header row's names: a table region is cut into bands before it. */
  headerLine: (text: string) => boolean;
  /** The text of a written row that makes it a header row (its last one anchors the finest columns). */
  headerCell: (text: string) => boolean;
  /** A label that is always a cell's whole text (a period heading, a header label): the text under it is the next row's. */
  wholeCell: (text: string) => boolean;
  /**
   * The start of a longer whole-cell label, wrapped in a narrow cell (指标值 · 确定依 · 据 of
   * 指标值确定依据): the line under it goes on with it.
   */
  wholeCellStart: (text: string) => boolean;
  /** A table-of-contents line (title … page number): never a table row. */
  tocLine: (text: string) => boolean;
  /** A line that always opens a paragraph of its own (a lead-in label such as 绩效指标：), however full the line above. */
  opensParagraph: (text: string) => boolean;
  /** A title line (a table's title, a part heading): never a table row; a table ends before it. */
  title: (text: string) => boolean;
  /**
   * A line that names what the next table is about (a unit's code and name, the money unit):
   * never a table row where it starts at the table's left edge; a table ends before it.
   */
  unitLine: (text: string) => boolean;
  /** The first cell of a line that opens a new table (its first label): the table before ends there. */
  opensTable: (text: string) => boolean;
  /** The header's name of the value (指标值), standing over 符号 · 值 · 单位 where the value is split. */
  valueHeader: (text: string) => boolean;
  /** Text opening with the split value's 单位 name (单位（文字描述）, or the start of it wrapped). */
  unitHeader: (text: string) => boolean;
}

function chunksOf(line: Line): Chunk[] {
  const out: Chunk[] = [];
  let cur: Chunk | null = null;
  for (const it of line.items) {
    if (cur && it.x - cur.x1 <= Math.max(line.size * 0.55, 3)) {
      cur.x1 = Math.max(cur.x1, it.x + it.w);
      cur.text += it.str;
    } else {
      cur = { x0: it.x, x1: it.x + it.w, y: line.y, size: line.size, text: it.str };
      out.push(cur);
    }
  }
  return out;
}

const overlapsX = (a: Chunk, b: Chunk) => Math.min(a.x1, b.x1) - Math.max(a.x0, b.x0) > 0;

/** Contents entries printed without leaders (text/contents.ts): a title and a bare page number apart. */
function contentsLines(lines: readonly Line[]): Set<Line> {
  const kinds: ContentsLine[] = lines.map((line) => {
    const chunks = chunksOf(line);
    const last = chunks[chunks.length - 1]?.text.trim() ?? '';
    if (chunks.length === 2 && /^\d{1,4}$/.test(last) && /\D$/.test(chunks[0]!.text.trim())) return { page: Number(last) };
    return chunks.length === 1 ? 'neutral' : 'other';
  });
  const runs = contentsRuns(kinds);
  return new Set(lines.filter((_, i) => runs.has(i)));
}

/**
 * Whether a line stands between tables, never in one: a title, or a unit line starting at the
 * left edge of the table above it (`left`; anywhere when there is none).
 */
function between(line: Line, words: TableWords, left: number | null): boolean {
  if (words.title(line.text)) return true;
  return words.unitLine(line.text) && (left == null || line.x0 <= left + line.size);
}

/** The widest distance between two successive lines of a region that both look like rows (two chunks or more). */
function rowPitch(region: readonly TLine[]): number {
  let out = 0;
  for (let k = 1; k < region.length; k++) {
    if (region[k]!.chunks.length >= 2 && region[k - 1]!.chunks.length >= 2) out = Math.max(out, region[k - 1]!.line.y - region[k]!.line.y);
  }
  return out;
}

/**
 * The distance of a cell's wrapped lines in a region: the most common distance between two
 * successive lines that each start a chunk at the same x (one cell's lines, set at its left
 * edge), 0 where none do.
 */
function cellLinePitch(region: readonly TLine[]): number {
  const counts = new Map<number, number>();
  for (let k = 1; k < region.length; k++) {
    const [a, b] = [region[k - 1]!, region[k]!];
    const d = a.line.y - b.line.y;
    if (d < b.line.size * 0.5 || d > b.line.size * 3) continue;
    if (!b.chunks.some((c) => a.chunks.some((p) => Math.abs(p.x0 - c.x0) < 1))) continue;
    const key = Math.round(d * 2) / 2;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  let best = 0;
  let most = 0;
  for (const [d, n] of counts) if (n > most || (n === most && d < best)) [best, most] = [d, n];
  return best;
}

/** A horizontal rule drawn outside any grid (y upwards, from x0 to x1). */
export interface HRule {
  y: number;
  x0: number;
  x1: number;
}

/** The farthest two lines parted by a rule stand and still be rows of one table, in lines. */
const RULED_ROW = 6;

/** Table regions on a page's free lines, cut into bands at indicator header rows. */
function bands(lines: Line[], words: TableWords, rules: readonly HRule[]): TLine[][] {
  const out: TLine[][] = [];
  let region: TLine[] = [];
  const flush = () => {
    // A region ends at its last table line, or a line just under it that stands inside the
    // table (the wrapped end of a cell), not at its left edge (a paragraph after the table),
    // and inside one column of the table line above it (a title or paragraph spans several).
    const left = Math.min(...region.map((l) => l.line.x0));
    const inOneColumn = (i: number) => {
      const l = region[i]!.line;
      let k = i - 1;
      while (k >= 0 && region[k]!.chunks.length < 2) k--;
      return k < 0 || region[k]!.chunks.filter((c) => Math.min(c.x1, l.x1) - Math.max(c.x0, l.x0) > 0).length <= 1;
    };
    const wrapPitch = cellLinePitch(region);
    const keepsTail = (i: number) => {
      const l = region[i]!;
      const above = region[i - 1];
      const near = Math.max(l.line.size * 1.7, Math.min(wrapPitch * 1.15, l.line.size * 2.5));
      // At the table's left edge, only a character or two (a narrow cell wrapped a character a
      // line: 指 · 标) and right under a cell of the line above: a paragraph after the table is longer.
      const narrow = [...l.line.text.trim()].length <= 2 && above != null && above.chunks.some((c) => Math.abs(c.x0 - l.line.x0) < 1);
      return above != null && above.line.y - l.line.y <= near && (l.line.x0 > left + l.line.size || narrow) && inOneColumn(i);
    };
    let end = region.length;
    if (!labelTail(region, words)) {
      while (end > 0 && region[end - 1]!.chunks.length < 2 && !(keepsTail(end - 1) && region.slice(0, end - 1).some((l) => l.chunks.length >= 2))) end--;
    }
    region = region.slice(0, end);
    // Three table lines make a table where two of them part their cells at one column and no
    // more of its lines run across that column than part there: the gaps a scan's recognition
    // left in lines of prose (after a 。, at a speck) fall anywhere, and the prose around them
    // runs across. So does one line of three cells or more (a table's first row at the foot of
    // a page): prose never stands in three blocks.
    const parted = region.filter((l) => l.chunks.length >= 2);
    const gaps = (l: TLine) => l.chunks.slice(1).map((c, k) => [l.chunks[k]!.x1, c.x0] as const);
    const column = (x: number) => {
      const parting = region.filter((l) => gaps(l).some(([p, q]) => p <= x && q >= x)).length;
      const across = region.filter((l) => l.line.x0 < x && l.line.x1 > x).length - parting;
      return parting >= 2 && across <= parting;
    };
    const columned = parted.some((a, i) => parted.slice(i + 1).some((b) => gaps(a).some(([p, q]) => gaps(b).some(([r, t]) => Math.min(q, t) > Math.max(p, r) && column((Math.min(q, t) + Math.max(p, r)) / 2)))));
    if ((parted.length >= 3 && columned) || region.some((l) => l.chunks.length >= 3)) out.push(...cutAtHeaders(region, words));
    region = [];
  };
  let prev: Line | null = null;
  const contents = contentsLines(lines);
  lines.forEach((line, i) => {
    // A title or a unit line ends the table above it and belongs to none: the document says
    // there that the next part begins.
    if (between(line, words, region.length ? Math.min(...region.map((l) => l.line.x0)) : null)) {
      if (region.length) flush();
      prev = line;
      return;
    }
    // A line near the one above is the table's; so is a row as far below as the table's rows
    // already stand from each other (cell padding and rules can set rows wider than lines).
    // So is a row the table's own rule parts from the line above (rows set far apart by their
    // padding, a horizontal rule between them).
    const gap = prev != null ? prev.y - line.y : Infinity;
    // A table-of-contents entry (title … page number) is no table row. A line a line's pitch
    // under a table's line, starting inside the table, is not one: it is the rest of the cells
    // above it (度指标 · 23, the wrapped ends of a level name and of a value).
    const inside = region.length > 0 && gap <= Math.max(prev?.size ?? 0, line.size) * 1.7 && line.x0 > Math.min(...region.map((l) => l.line.x0)) + line.size;
    const chunks = !inside && (words.tocLine(line.text) || contents.has(line)) ? [{ x0: line.x0, x1: line.x1, y: line.y, size: line.size, text: line.text }] : chunksOf(line);
    const size = Math.max(prev?.size ?? 0, line.size);
    const ruled = prev != null && gap <= size * RULED_ROW && rules.some((r) => r.y < prev!.y && r.y > line.y && r.x0 <= Math.min(prev!.x0, line.x0) + size && r.x1 >= Math.max(prev!.x1, line.x1) - size);
    const near = gap <= size * 2.6 || (chunks.length >= 2 && gap <= rowPitch(region) * 1.15) || ruled;
    // A line opening a new table (its first label) ends the one above.
    if (region.length && (!near || words.opensTable(chunks[0]!.text))) flush();
    // The top of the first row's taller cells (a wrapped project name, 指标值 over 符号 · 值 ·
    // 单位) stands above its first line of two chunks: it comes with the table.
    if (!region.length && chunks.length >= 2) region.push(...rowTop(lines, i, chunks, words));
    if (region.length || chunks.length >= 2) region.push({ line, chunks });
    prev = line;
  });
  flush();
  return out;
}

/**
 * Whether a region ends in a label that is always a whole cell, wrapped in its narrow column
 * (项目绩 · 效模板 of the 2020 template's 项目绩效模板, its row's other cells on the next page):
 * lines of one chunk each, one under the other at the left edge of a cell of the line above,
 * a line pitch apart, whose text together is the label. They are the table's, not a paragraph.
 */
function labelTail(region: readonly TLine[], words: TableWords): boolean {
  let tail = region.length;
  while (tail > 0 && region[tail - 1]!.chunks.length < 2) tail--;
  if (tail === 0 || tail === region.length) return false;
  const lines = region.slice(tail);
  const text = lines.map((l) => l.line.text.replace(/\s+/g, '')).join('');
  if (text.length > MAX_LABEL || !words.wholeCell(text)) return false;
  return lines.every((l, k) => {
    const above = region[tail + k - 1]!;
    return above.line.y - l.line.y <= l.line.size * 2.2 && above.chunks.some((c) => Math.abs(c.x0 - l.line.x0) < 1);
  });
}

/**
 * The lines just above a table's first line that stand in columns it leaves empty, one line
 * pitch apart: the top of the first row's taller cells, whose text is centred vertically.
 * A line reaching over any of the first line's chunks (a title, a unit line) ends them.
 */
function rowTop(lines: readonly Line[], at: number, chunks: Chunk[], words: TableWords): TLine[] {
  const out: TLine[] = [];
  const pitch = lines[at]!.size * 1.6;
  for (let k = at - 1; k >= 0 && at - k <= 2; k--) {
    const l = lines[k]!;
    const c = chunksOf(l);
    if (l.y - lines[at]!.y > pitch * (at - k) || c.some((x) => chunks.some((h) => overlapsX(x, h))) || between(l, words, null)) break;
    out.unshift({ line: l, chunks: c });
  }
  return out;
}

/**
 * Cuts a region before each header row. A header row's taller cells have lines just above the
 * line holding 一级指标, in columns that line leaves empty: they go with it.
 */
function cutAtHeaders(region: TLine[], words: TableWords): TLine[][] {
  const cuts: number[] = [];
  region.forEach((l, i) => {
    if (!words.headerLine(l.line.text) || i === 0) return;
    let k = i;
    const pitch = l.line.size * 1.6;
    while (
      k > 0 &&
      region[k - 1]!.line.y - l.line.y <= pitch * (i - k + 1) &&
      !region[k - 1]!.chunks.some((c) => l.chunks.some((h) => overlapsX(c, h)))
    ) {
      k--;
    }
    if (k > 0) cuts.push(k);
  });
  const out: TLine[][] = [];
  let from = 0;
  for (const c of cuts) {
    if (c > from) out.push(region.slice(from, c));
    from = c;
  }
  out.push(region.slice(from));
  return out.filter((b) => b.length > 0);
}

/** Midpoints of the x intervals that no chunk covers, right of `from`. */
function gutters(covered: Array<[number, number]>, from: number, min: number): number[] {
  const sorted = [...covered].sort((a, b) => a[0] - b[0]);
  const out: number[] = [];
  let x = from;
  for (const [a, b] of sorted) {
    if (a - x >= min && x > from) out.push((x + a) / 2);
    x = Math.max(x, b);
  }
  return out;
}

/** A band's cells by row: in the order the PDF wrote them, and left to right. */
interface Rows {
  written: Map<number, Piece[]>;
  byX: Map<number, Piece[]>;
}

function rowsOf(pieces: readonly Piece[]): Rows {
  const written = new Map<number, Piece[]>();
  for (const p of pieces) pushTo(written, p.row, p);
  const byX = new Map([...written].map(([r, row]) => [r, [...row].sort((a, b) => a.x0 - b.x0)] as const));
  return { written, byX };
}

/** Rows of the band that are an indicator table's header. */
function headerRows(rows: Rows, words: TableWords): Set<number> {
  const found = [...rows.written].filter(([, row]) => words.headerCell(row.map((p) => p.items.map((i) => i.str).join('')).join(''))).map(([r]) => r);
  // A band is cut at each header line: more header rows than a header has are no header.
  return new Set(found.length <= MAX_HEADER_ROWS ? found : []);
}

/** Rows an indicator header takes at most (level names, 指标值 over 符号 · 值 · 单位, wrapped). */
const MAX_HEADER_ROWS = 4;

/**
 * Gutters the other header rows add: two cells of a header row side by side over one column
 * (一级指标 and 二级指标 over a page where every data row leaves both empty, under merged
 * cells) split it, where no data cell crosses the gap between them.
 */
function headerGutters(rows: Rows, header: ReadonlySet<number>, fine: readonly Piece[], xs: number[]): number[] {
  const inner = xs.slice(1, -1);
  const data = fine.filter((p) => !header.has(p.row));
  for (const r of header) {
    const row = rows.byX.get(r)!;
    for (let k = 1; k < row.length; k++) {
      const [a, b] = [row[k - 1]!, row[k]!];
      if (b.x0 - a.x1 < 2 || inner.some((g) => g > a.x1 && g < b.x0)) continue;
      if (data.some((p) => p.x0 < b.x0 && p.x1 > a.x1)) continue;
      inner.push((a.x1 + b.x0) / 2);
    }
  }
  return inner.sort((a, b) => a - b);
}

/**
 * Whether a piece spans a gutter of another row: two cells of one other row both overlap it
 * (by more than a point), that is, it covers the gap between two neighbouring cells of that
 * row. The gaps are sorted once, so each piece is asked in log time (a page of 100,000 lines
 * must not take the square of it).
 */
function spanningTest(rows: Rows): (p: Piece) => boolean {
  // Gaps between neighbouring cells of a row: [right end of the left cell, left end of the right one, row].
  const gaps: Array<[number, number, number]> = [];
  for (const [r, row] of rows.byX) {
    for (let k = 1; k < row.length; k++) gaps.push([row[k - 1]!.x1, row[k]!.x0, r]);
  }
  gaps.sort((a, b) => a[0] - b[0]);
  // From each gap on: the smallest left end of a right cell, and the smallest from another row.
  const n = gaps.length;
  const best: Array<[number, number]> = Array(n + 1);
  const second: number[] = Array(n + 1);
  best[n] = [Infinity, -1];
  second[n] = Infinity;
  for (let k = n - 1; k >= 0; k--) {
    const [, b, r] = gaps[k]!;
    const [bb, br] = best[k + 1]!;
    if (b < bb) {
      best[k] = [b, r];
      second[k] = br === r ? second[k + 1]! : bb;
    } else {
      best[k] = [bb, br];
      second[k] = r === br ? second[k + 1]! : Math.min(second[k + 1]!, b);
    }
  }
  return (p) => {
    // The first gap whose left cell ends more than a point inside the piece.
    let lo = 0;
    let hi = n;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (gaps[mid]![0] > p.x0 + 1) hi = mid;
      else lo = mid + 1;
    }
    const [b, r] = best[lo]!;
    const right = r === p.row ? second[lo]! : b;
    return right < p.x1 - 1;
  };
}

interface Piece {
  row: number;
  items: Item[];
  x0: number;
  x1: number;
}

/**
 * An item cut at a run of white space near a column boundary (`inner`): the text of two cells
 * side by side written as one item with a space between them (`完成1.1万户配送 《承德…`).
 */
function splitAtSpaces(it: Item, inner: readonly number[], atGutter: Set<Item>, startsNear: (g: number, x: number) => boolean): Item[] {
  if (!/\S\s+\S/.test(it.str)) return [it];
  const chars = [...it.str];
  const starts = [...charStarts(chars, it.x, it.w, it.size), it.x + it.w];
  const out: Item[] = [];
  let from = 0;
  let opens = false;
  for (let k = 1; k < chars.length; k++) {
    if (!/\s/.test(chars[k]!) || /\s/.test(chars[k - 1]!)) continue;
    let e = k;
    while (e < chars.length && /\s/.test(chars[e]!)) e++;
    if (e >= chars.length) break;
    // The boundary falls in the space, give or take a character (positions are estimated), and
    // in a piece of several lines (a cell that wraps) the text after it starts where the next
    // column's cells start (a cell's text opens at its column's edge): a value running on into
    // the gutter (`2022 年 6月` over `底`, beside 单位 cells set 2.5 ems further right) is one cell.
    if (!inner.some((g) => g >= starts[k]! - it.size && g <= starts[e]! + it.size && startsNear(g, starts[e]!))) continue;
    const piece = { ...it, str: chars.slice(from, k).join(''), x: starts[from]!, w: starts[k]! - starts[from]! };
    if (from > 0 && opens) atGutter.add(piece);
    out.push(piece);
    // The space itself stands on the boundary: the gap pdf.js wrote as a space is the gutter
    // between two cells (cells with little padding set closer than a word space is wide).
    opens = inner.some((g) => g >= starts[k]! - 1 && g <= starts[e]! + 1);
    from = e;
  }
  if (from === 0) return [it];
  const last = { ...it, str: chars.slice(from).join(''), x: starts[from]!, w: it.x + it.w - starts[from]! };
  if (opens) atGutter.add(last);
  out.push(last);
  return out;
}

/** How far (ems) the text after a space may start from where its column's cells start: positions inside an item are estimated. */
const START_SLACK = 1.5;

/**
 * A piece cut at the column boundaries (`xs`) the band's other rows show, where the text of two
 * cells side by side read as one piece: narrow padding, a label overflowing its column, or two
 * cells' text written as one item with a space between. On one line, the piece is cut where its
 * next item starts past a boundary the item before started short of, with a gap between them;
 * over several lines, at a boundary no item crosses. A gap inside one cell's line (a change of
 * font, a word space) is narrower than half an em and is never cut.
 */
function splitAtGutters(p: Piece, xs: readonly number[], colStarts: ReadonlyMap<number, readonly number[]> = new Map()): Piece[] {
  const inner = xs.slice(1, -1).filter((g) => g > p.x0 + 1 && g < p.x1 - 1);
  if (!inner.length) return [p];
  // Items that start after a space standing on a column boundary: a cell's text begins there.
  const atGutter = new Set<Item>();
  const em = p.items[0]?.size ?? 10;
  const lines = new Set(p.items.map((it) => Math.round(it.y / (em * 0.5)))).size;
  // Whether text at x stands where the cells of the column right of boundary g start (a piece
  // of one line, or a column none of whose cells is known: any place will do).
  const startsNear = (g: number, x: number) => {
    if (lines < 2) return true;
    const known = colStarts.get(xs.indexOf(g));
    return !known?.length || known.some((s) => Math.abs(s - x) <= em * START_SLACK);
  };
  const items = p.items.flatMap((it) => splitAtSpaces(it, inner, atGutter, startsNear));
  if (items.length < 2) return [p];
  const size = items[0]!.size;
  // Wider than a word space (a number and its unit written apart, 3 月底, stay one cell), or
  // a space on the boundary itself.
  const gap = size * 0.45;
  const groups: Item[][] = [];
  if (items.every((it) => Math.abs(it.y - items[0]!.y) < size * 0.5)) {
    const sorted = [...items].sort((a, b) => a.x - b.x);
    groups.push([sorted[0]!]);
    for (let k = 1; k < sorted.length; k++) {
      const [a, b] = [sorted[k - 1]!, sorted[k]!];
      const cut = (b.x - (a.x + a.w) >= gap || atGutter.has(b)) && inner.some((g) => a.x < g - 1 && g <= b.x + 1);
      if (cut) groups.push([b]);
      else groups[groups.length - 1]!.push(b);
    }
  } else {
    const free = inner.filter((g) => {
      const left = items.filter((it) => it.x + it.w <= g + 1);
      const right = items.filter((it) => it.x >= g - 1);
      if (left.length + right.length < items.length || !left.length || !right.length) return false;
      const start = Math.min(...right.map((it) => it.x));
      if (right.some((it) => atGutter.has(it) && it.x < start + 1)) return true;
      return start - Math.max(...left.map((it) => it.x + it.w)) >= gap;
    });
    const by = new Map<number, Item[]>();
    for (const it of items) pushTo(by, free.filter((g) => g < it.x + it.w / 2).length, it);
    groups.push(...[...by.entries()].sort((a, b) => a[0] - b[0]).map(([, v]) => v));
  }
  if (groups.length === 1) return [p];
  return groups.map((g) => ({
    row: p.row,
    items: g,
    x0: Math.min(...g.map((it) => it.x)),
    x1: Math.max(...g.map((it) => it.x + it.w)),
  }));
}

/** Text starting this close to where other rows' cells start stands at the same column edge. */
const ALIGNED = 1.5;

/** Two amounts with their decimals (or percent signs) run together with no gap: 67.00100.00, 33%67%. */
const AMOUNTS_RUN = /\d(?:\.\d+|%)\d/;

/**
 * Whether `chars[from, k)` ends an amount written with its decimals or a percent sign and
 * `chars[k…]` opens another, up to the next white space or the end: two cells' amounts run
 * together. A whole number is never cut (2022 is no 20 and 22).
 */
function amountsMeet(chars: readonly string[], from: number, k: number): boolean {
  const before = chars.slice(from, k).join('');
  let e = k;
  while (e < chars.length && !/\s/.test(chars[e]!)) e++;
  const after = chars.slice(k, e).join('');
  return /(?:^|[^\d.])\d+(?:\.\d+|%)$|^\d+(?:\.\d+|%)$/.test(before) && /^\d+(?:\.\d+)?%?$/.test(after) && decimalsAlike(before, after);
}

/** Whether two amounts are written alike: the same number of decimals, or both with %. */
function decimalsAlike(a: string, b: string): boolean {
  const dec = (t: string) => (/%$/.test(t) ? '%' : (/\.(\d+)$/.exec(t)?.[1]?.length ?? 0));
  return dec(a) === dec(b);
}

/**
 * Items holding two cells' text with a space between them (`项目编码 463-…`, `一级指标 二级`:
 * little padding, a gap pdf.js wrote as a space), cut at a space over which items of two other
 * lines or more start (a column edge the table shows), never after a number (15 万元). The part
 * after the space starts at that edge; each part keeps its item's place in the written order
 * (`order`, given the parts of the items it cut).
 */
function splitAtEdges(lines: readonly Line[], order: Map<Item, number>, opensCell: Set<Item> = new Set()): Line[] {
  const written = lines.flatMap((l) => l.items).sort((a, b) => order.get(a)! - order.get(b)!);
  const place = new Map(written.map((it, k) => [it, k] as const));
  // Where cells start: a line's first item, or one after a gap wider than inside a cell's line.
  const edges: Array<[number, number]> = [];
  lines.forEach((l, n) => {
    const its = [...l.items].sort((a, b) => a.x - b.x);
    its.forEach((it, k) => {
      const b = its[k - 1];
      if (!b || it.x - (b.x + b.w) >= it.size * MIN_CELL_GAP) edges.push([it.x, n]);
    });
  });
  edges.sort((a, b) => a[0] - b[0]);
  const edgeIn = (from: number, to: number, line: number): number | null => {
    let lo = 0;
    let hi = edges.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (edges[mid]![0] < from) lo = mid + 1;
      else hi = mid;
    }
    // An edge in the range: the start of another line's item, with a third line's start beside it.
    for (let k = lo; k < edges.length && edges[k]![0] <= to; k++) {
      const [x, n] = edges[k]!;
      if (n === line) continue;
      const others = new Set<number>();
      for (let j = k; j < edges.length && edges[j]![0] <= x + ALIGNED; j++) if (edges[j]![1] !== line) others.add(edges[j]![1]);
      if (others.size >= 2) return x;
    }
    return null;
  };
  return lines.map((l, n) => {
    const items: Item[] = [];
    for (const it of l.items) {
      if (!/\S\s+\S/.test(it.str) && !AMOUNTS_RUN.test(it.str)) {
        items.push(it);
        continue;
      }
      const chars = [...it.str];
      const starts = [...charStarts(chars, it.x, it.w, it.size), it.x + it.w];
      const parts: Item[] = [];
      // Where an amounts' cut was made: the part from there touches the one before it, yet opens its own cell.
      const cutAt = new Set<number>();
      let from = 0;
      let x = it.x;
      const push = (part: Item) => {
        if (cutAt.has(from)) opensCell.add(part);
        parts.push(part);
      };
      for (let k = 1; k < chars.length; k++) {
        // Two amounts run together (67.00100.00: cells too narrow for them, set with no gap):
        // cut where the second starts at a column edge, each side an amount.
        if (/\d/.test(chars[k]!) && amountsMeet(chars, from, k)) {
          const edge = edgeIn(starts[k]! - ALIGNED, starts[k]! + ALIGNED, n);
          if (edge == null) continue;
          push({ ...it, str: chars.slice(from, k).join(''), x, w: starts[k]! - x });
          from = k;
          x = starts[k]!;
          cutAt.add(k);
          continue;
        }
        if (!/\s/.test(chars[k]!) || /\s/.test(chars[k - 1]!)) continue;
        let e = k;
        while (e < chars.length && /\s/.test(chars[e]!)) e++;
        if (e >= chars.length || /\d$/.test(chars.slice(0, k).join(''))) continue;
        const edge = edgeIn(starts[k]! - ALIGNED, starts[e]! + ALIGNED, n);
        if (edge == null) continue;
        push({ ...it, str: chars.slice(from, k).join(''), x, w: starts[k]! - x });
        from = e;
        x = Math.max(edge, starts[k]!);
      }
      if (!parts.length) {
        items.push(it);
        continue;
      }
      push({ ...it, str: chars.slice(from).join(''), x, w: it.x + it.w - x });
      // The first part's wrapped lines, written after the item (a print driver's one string
      // holding two cells' first lines: 热线服务人员费 单人年服务费成本, then 用 under the first),
      // go before the parts after it: its cell is written whole before the next one. Only
      // between cells of a row that goes on after the item, where the first part is filled up
      // to the next (the line under it would not have fitted beside it).
      const wrap = l.items.some((o) => o.x >= it.x + it.w) ? wrapOf(parts[0]!, parts[1]!.x, it, written, place.get(it)!, order) : it;
      const after = order.get(wrap !== it && parts[0]!.x + parts[0]!.w + firstChar(wrap) > parts[1]!.x ? wrap : it)!;
      parts.forEach((p, j) => order.set(p, j === 0 ? order.get(it)! : after + j / (parts.length + 1)));
      items.push(...parts);
    }
    return items.length === l.items.length ? l : { ...l, items };
  });
}

/** The width of an item's first character (estimated). */
function firstChar(it: Item): number {
  const chars = [...it.str.trimStart()];
  if (!chars.length) return 0;
  const starts = [...charStarts(chars, it.x, it.w, it.size), it.x + it.w];
  return starts[1]! - starts[0]!;
}

/**
 * The last item of the lines of `first`'s cell written right after the item `it` it was cut
 * from (`written[at]`): items in the written order after `it`, each on the next line under the one before
 * (a line pitch at most, as a cell's lines go on: bandTable), under `first` and ending short
 * of `next` (where the item's next part starts: a line running on under it is one wide cell's,
 * its justified text cut by chance). `it` itself where none is.
 */
function wrapOf(first: Item, next: number, it: Item, written: readonly Item[], at: number, order: ReadonlyMap<Item, number>): Item {
  let last = it;
  let y = first.y;
  for (let k = at + 1; k < written.length; k++) {
    const c = written[k]!;
    const size = c.size;
    const under = y - c.y > size * 0.5 && y - c.y < size * 2.2 && c.x >= first.x - size * 0.5 && c.x + c.w <= next;
    if (!under || order.get(c)! < order.get(it)!) break;
    last = c;
    y = c.y;
  }
  return last;
}

/**
 * Items that start a cell though they stand closer to the text before them on their line than
 * the usual gap between cells (a table of little padding: `一级指标` | `二级`, `项目编码` |
 * `463-…`, 4 pt apart with no space written between them; `满意度指标` | `服务对象…` with a
 * space as wide as the gap that joins a line's items). Such an item starts where cells of two
 * other lines or more start — a column edge the table shows: a line's first item there, or one
 * after a gap wider than anything inside one cell's line leaves (MIN_CELL_GAP) — and has such a
 * gap before it itself. The gutters the other lines show there are no measure: a cell filled to
 * its column's edge leaves less room than the others. Never after a number (15 万元: a number
 * and its unit), nor where the line above or below runs on across the edge (one cell over
 * several columns, its justified line spaced there by chance: `…租赁项目 1719万元`).
 */
function cellStarts(lines: readonly Line[], whole: (text: string) => boolean): Set<Item> {
  // Per item: its line and the gap to the item before it on that line (none: a line's first).
  const starts: Array<{ x: number; line: number; gap: number; it: Item; before: Item | null }> = [];
  lines.forEach((l, n) => {
    const its = [...l.items].sort((a, b) => a.x - b.x);
    its.forEach((it, k) => {
      const b = its[k - 1];
      starts.push({ x: it.x, line: n, gap: b ? it.x - (b.x + b.w) : Infinity, it, before: b ?? null });
    });
  });
  const sorted = [...starts].sort((a, b) => a.x - b.x);
  const out = new Set<Item>();
  let lo = 0;
  for (const s of sorted) {
    while (sorted[lo]!.x < s.x - ALIGNED) lo++;
    // A label that is always a whole cell (项目名称) opens one at a column edge however close the
    // text before it runs, or over it (a project code too long for its cell, 1 pt of padding):
    // no number goes on with it as its unit.
    const label = whole(s.it.str.replace(/\s+/g, ''));
    if (!s.before || (!label && (s.gap < Math.max(1, s.it.size * MIN_CELL_GAP) || /\d\s*$/.test(s.before.str)))) continue;
    const others = new Set<number>();
    for (let k = lo; k < sorted.length && sorted[k]!.x <= s.x + ALIGNED; k++) {
      const o = sorted[k]!;
      // Another line's cell starting there: its first item, or one after a gutter — never one
      // set just after a number (`2519 万元` in a wide cell's line: the glue XeLaTeX sets
      // between a number and CJK text is as wide as that gutter, and stands anywhere).
      const glued = o.before != null && /\d\s*$/.test(o.before.str) && o.gap < o.it.size * NUMBER_GLUE;
      if (o.line !== s.line && o.gap >= o.it.size * MIN_CELL_GAP && !glued) others.add(o.line);
    }
    // (One other line is enough for such a label: the upper rows of a project table each have
    // their own columns.)
    if (others.size < (label ? 1 : 2)) continue;
    // Text of the line above or below running on across the edge: one wide cell's text (a cell
    // over several columns, its justified line spaced there by chance), no column edge.
    const across = [lines[s.line - 1], lines[s.line + 1]].some(
      (l) => l != null && Math.abs(l.y - lines[s.line]!.y) <= s.it.size * 2 && l.items.some((it) => it.x < s.x - s.it.size / 2 && it.x + it.w > s.x + s.it.size / 2),
    );
    if (!across) out.add(s.it);
  }
  return out;
}

/**
 * A gap narrower than this (in ems) is inside one cell's line: a change of font, a word space,
 * the space justified text sets between a CJK character and a number (`健全 6 分`).
 */
const MIN_CELL_GAP = 0.25;

/** The space set between a number and the CJK text after it is narrower than this (in ems). */
const NUMBER_GLUE = 0.5;

/**
 * Pieces holding two cells' text, one written as a single item with a space between them
 * (`一级指标 二级` | `指标`, `产出指标 成本` | `指标`: cells of little padding, a gap that
 * pdf.js writes as a space), cut where the text after the space starts at the left edge
 * other rows' cells start at (never after a number: 15 万元 is a number and its unit): a cell's text begins at its column's edge, and two rows or
 * more besides the piece's own starting a cell there make it a column edge. The piece's
 * lines below go with the part they stand under.
 */
function splitAtAlignedStarts(pieces: readonly Piece[]): Piece[] {
  // Where items start, sorted, so that each space asks in log time (a page of 100,000 lines).
  const edges: Array<[number, number]> = [];
  for (const p of pieces) for (const it of p.items) edges.push([it.x, p.row]);
  edges.sort((a, b) => a[0] - b[0]);
  const isEdge = (x: number, row: number) => {
    let lo = 0;
    let hi = edges.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (edges[mid]![0] < x - ALIGNED) lo = mid + 1;
      else hi = mid;
    }
    const rows = new Set<number>();
    for (let k = lo; k < edges.length && edges[k]![0] <= x + ALIGNED && rows.size < 2; k++) if (edges[k]![1] !== row) rows.add(edges[k]![1]);
    return rows.size >= 2;
  };
  const out: Piece[] = [];
  for (const p of pieces) {
    const cuts: number[] = [];
    for (const it of p.items) {
      if (!/\S\s+\S/.test(it.str)) continue;
      const chars = [...it.str];
      const starts = charStarts(chars, it.x, it.w, it.size);
      for (let k = 1; k < chars.length; k++) {
        if (/\s/.test(chars[k]!) || !/\s/.test(chars[k - 1]!)) continue;
        // A number and its unit written apart (15 万元, 3 月底) are one cell's text.
        const before = chars.slice(0, k).join('').trimEnd();
        if (/\d$/.test(before)) continue;
        if (isEdge(starts[k]!, p.row)) cuts.push(starts[k]!);
      }
    }
    if (!cuts.length) {
      out.push(p);
      continue;
    }
    const bounds = [...cuts.sort((a, b) => a - b), Infinity];
    const groups: Item[][] = bounds.map(() => []);
    for (const it of p.items) {
      const chars = [...it.str];
      const starts = [...charStarts(chars, it.x, it.w, it.size), it.x + it.w];
      let from = 0;
      for (let k = 0; k <= chars.length; k++) {
        const g = (x: number) => bounds.findIndex((b) => x < b - ALIGNED / 2);
        // A new part starts at each cut inside the item (its space run dropped).
        if (k < chars.length && (k === 0 || g(starts[k]!) === g(starts[from]!))) continue;
        let [a, b] = [from, k];
        while (a < b && /\s/.test(chars[a]!)) a++;
        while (b > a && /\s/.test(chars[b - 1]!)) b--;
        if (b > a) groups[g(starts[a]!)]!.push(a === 0 && b === chars.length ? it : { ...it, str: chars.slice(a, b).join(''), x: starts[a]!, w: starts[b]! - starts[a]! });
        from = k;
      }
    }
    for (const g of groups) {
      if (g.length) out.push({ row: p.row, items: g, x0: Math.min(...g.map((it) => it.x)), x1: Math.max(...g.map((it) => it.x + it.w)) });
    }
  }
  return out;
}

function bandTable(band: TLine[], order: Map<Item, number>, words: TableWords): TextTable | null {
  // Cells, in the order the PDF wrote them: an item goes on the current cell when it continues
  // the current line, or starts the next line inside the cell's extent.
  const written = band.flatMap((l) => l.line.items).sort((a, b) => order.get(a)! - order.get(b)!);
  const cut = new Set<Item>();
  const lines = splitAtEdges(band.map((l) => l.line), order, cut);
  const items = lines.flatMap((l) => l.items).sort((a, b) => order.get(a)! - order.get(b)!);
  const pieces: Piece[] = [];
  let cur: (Piece & { lineY: number; lineStart: number; lineEnd: number; text: string }) | null = null;
  let row = -1;
  const opens = cellStarts(lines, words.wholeCell);
  for (const it of items) {
    const size = it.size;
    const gap = Math.max(size * 0.55, 3);
    const onLine = cur != null && Math.abs(it.y - cur.lineY) < size * 0.5;
    // A piece written out of order on the current line, touching it on either side, is part
    // of it: a sign drawn from another font after the text it stands before (≦ + 100m²). So is
    // a piece overlapping the line's end: CJK punctuation set close (》、《 share their blank halves).
    // An item starting at a column edge with a gutter's gap before it opens a cell (cellStarts).
    const sameLine = cur != null && onLine && !cut.has(it) && ((it.x > cur.lineStart && it.x - cur.lineEnd <= gap && !(opens.has(it) && (it.x - cur.lineEnd > 0 || words.wholeCell(it.str.replace(/\s+/g, ''))))) || (it.x < cur.lineStart && it.x + it.w >= cur.lineStart - gap && it.x + it.w <= cur.lineStart + size * 0.5));
    const below = cur != null && cur.lineY - it.y > size * 0.5 && it.x < cur.x1 + size * 0.5;
    // A period heading (3月底), a header label (单位（文字描述）) or a project table's label
    // (项目绩效模板) is a whole cell: the text under it is the next row's (a value, the rest of a
    // row cut by the page break, the next label).
    const text = cur?.text ?? '';
    const whole = cur != null && text.length <= MAX_LABEL && words.wholeCell(text);
    // A whole cell goes on over the next line only where the two make a longer whole cell, or
    // the start of one wrapped on over more lines (指标值 · 确定依据, 指标值 · 确定依 · 据).
    const joined = text + it.str.replace(/\s+/g, '');
    const wholeGoesOn = whole && (words.wholeCell(joined) || words.wholeCellStart(joined));
    const nextLine = cur != null && (!whole || wholeGoesOn) && below && cur.lineY - it.y < size * 2.2 && it.x >= cur.x0 - size * 1.5;
    if (cur && (sameLine || nextLine)) {
      cur.items.push(it);
      if (cur.text.length <= MAX_LABEL) cur.text += it.str.replace(/\s+/g, '');
      if (nextLine) {
        cur.lineY = it.y;
        cur.lineStart = it.x;
        cur.lineEnd = it.x + it.w;
      } else {
        cur.lineStart = Math.min(cur.lineStart, it.x);
        cur.lineEnd = Math.max(cur.lineEnd, it.x + it.w);
      }
      cur.x0 = Math.min(cur.x0, it.x);
      cur.x1 = Math.max(cur.x1, it.x + it.w);
      continue;
    }
    // A row is written left to right: a cell left of the previous one opens the next row.
    // So does a cell under the previous one, well below its last line (the next row's label
    // in the same column), and the text under a whole cell.
    const under = cur != null && below && it.x < cur.x1 - size * 0.5 && cur.lineY - it.y > size * 3.5;
    if (!cur || it.x < cur.x0 - it.size * 0.5 || under || (whole && below)) row++;
    cur = { row, items: [it], x0: it.x, x1: it.x + it.w, lineY: it.y, lineStart: it.x, lineEnd: it.x + it.w, text: it.str.replace(/\s+/g, '') };
    pieces.push(cur);
  }
  if (row < 0) return null;

  // Columns: the gutters between cells, leaving out cells that span a gutter of another row.
  pieces.splice(0, pieces.length, ...splitAtAlignedStarts(pieces));
  const rows = rowsOf(pieces);
  const spanning = spanningTest(rows);
  const x0 = Math.min(...pieces.map((p) => p.x0)) - 2;
  const x1 = Math.max(...pieces.map((p) => p.x1)) + 2;
  // The rows with the most cells show every column; the others' cells (headers centred over
  // sub-columns, spanning text) would hide gutters.
  const most = Math.max(...[...rows.written.values()].map((r) => r.length));
  // Of the header, its last row stands over the finest columns (符号 · 值 · 单位 under 指标值):
  // it anchors them, even a column no data row of the page fills (值 on a page of text-only
  // values). Header rows above it are centred over sub-columns (指标值 over 值 and 单位) and
  // would hide the gutter between them.
  const header = headerRows(rows, words);
  const lastHeader = Math.max(-1, ...header);
  const counts = (p: Piece) => (header.has(p.row) ? p.row === lastHeader : rows.written.get(p.row)!.length >= most - 1);
  const fine = pieces.filter((p) => counts(p) && !spanning(p));
  const inner = gutters(fine.map((p) => [p.x0, p.x1] as [number, number]), x0, 2);
  const xs = [x0, ...headerGutters(rows, header, fine, [x0, ...inner, x1]), x1];
  const colOf = (x: number) => columnAt(xs, x);
  // Text of two cells side by side, written so close that it read as one piece, parts again
  // at the gutters between its items.
  // Where each column's cells start (the pieces that show the columns).
  const colStarts = new Map<number, number[]>();
  for (const p of fine) pushTo(colStarts, colOf(p.x0 + 0.5), p.x0);
  const parts = pieces.flatMap((p) => splitAtGutters(p, xs, colStarts));
  const partRows = parts.length === pieces.length ? rows : rowsOf(parts);
  // A piece belongs to the columns it covers by more than a character's width (or most of a
  // narrow column): a header cell wider than the data under it, its padding reaching a point
  // over a gutter, stays in its own column.
  const cellOfPiece = new Map<Piece, TextCell>();
  const cells: TextCell[] = parts.map((p) => {
    const size = p.items[0]?.size ?? 10;
    const covered = (k: number) => {
      const o = Math.min(p.x1, xs[k + 1]!) - Math.max(p.x0, xs[k]!);
      return o > Math.min(size, (xs[k + 1]! - xs[k]!) / 2);
    };
    let col = colOf(p.x0 + 0.5);
    let last = Math.max(col, colOf(p.x1 - 0.5));
    while (col < last && !covered(col)) col++;
    while (last > col && !covered(last)) last--;
    const cell = { row: p.row, col, colSpan: last - col + 1, items: p.items, right: xs[last + 1]! };
    cellOfPiece.set(p, cell);
    return cell;
  });
  // Two cells side by side in one row never share a column: where a row's cells stand on
  // other columns than the band's (目标1 beside its text, under a plan row's gutters), the
  // later one starts in the next column, as long as it reaches it.
  for (const row of partRows.byX.values()) {
    for (let j = 1; j < row.length; j++) {
      const [pa, pb] = [row[j - 1]!, row[j]!];
      const [a, b] = [cellOfPiece.get(pa)!, cellOfPiece.get(pb)!];
      const aLast = a.col + a.colSpan - 1;
      const bLast = b.col + b.colSpan - 1;
      // A cell's text run on past its column's edge (a project code too long for its cell) up to
      // the next cell's start, or a little over it, ends in the column before that cell's.
      if (b.col > a.col && b.col <= aLast && pa.x1 <= pb.x0 + (pa.items[0]?.size ?? 10)) {
        a.colSpan = b.col - a.col;
        continue;
      }
      if (b.col > aLast || pb.x0 < pa.x1 || bLast <= aLast) continue;
      b.colSpan = bLast - aLast;
      b.col = aLast + 1;
    }
  }
  const all = band.flatMap((l) => l.chunks);
  const top = Math.max(...all.map((c) => c.y + c.size));
  return { top, xs, rows: row + 1, cells, items: written };
}

/** Tables in the text of a page that stands in table form without drawn lines. */
export function tablesFromText(items: readonly Item[], words: TableWords, rules: readonly HRule[] = []): TextTable[] {
  const order = new Map(items.map((it, i) => [it, i] as const));
  return bands(toLines(items), words, rules)
    .map((b) => bandTable(b, order, words))
    .filter((t): t is TextTable => t != null);
}
