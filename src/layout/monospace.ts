/**
 * Text laid out in monospace columns (`pdftotext -layout`: a page's lines with each piece of
 * text at a character column) → positioned text items, for the same table and paragraph rules
 * a PDF's text layer goes through (page.ts, textgrid.ts, assemble.ts).
 *
 * What such a dump keeps, measured on pdftotext's output of LibreOffice PDFs:
 * - A piece of text is a run of characters with single spaces inside; two spaces or more part
 *   two pieces (two cells, a cell and a page's margin). Two cells can also stand one space
 *   apart (`其他资 2.29`): the table rules cut such a piece where other rows' cells start.
 * - Every character takes one column, a CJK character as much as a Latin one: columns are no
 *   measure of width. A piece starts one column or more past the end of every piece wholly to
 *   its left on the page, so cells that start at one edge of the page start at one column, and
 *   columns keep the order of the text across the page, not its distances.
 * - A wrapped cell goes on at the same column on the following lines; a blank line stands where
 *   the page has a gap of about a line (cell padding between rows, paragraph spacing).
 *
 * A dump keeps no order in which the cells were written, which the rule-less table rules read
 * rows by. The lines are put into rows here: a line goes on the row above when a piece of it
 * continues a piece of the line above that filled its column (a wrapped cell), and none starts
 * again in a column whose piece above ended short (a new row's cell; in an indicator table a
 * piece holding Latin letters or digits, narrower on the page than its columns, is no measure
 * of that, nor is a piece running over the start of another column, and the spaces pdftotext
 * writes between CJK text and digits take no room on the page; a line of number fragments
 * under a number goes on with it); a blank line ends a row. A header squeezed left of its
 * rows' columns (names one space apart) is set at them, one wrapped line by line in narrow
 * columns joined on its first line; a split value's sub-header is a row of its own. A table's
 * rows are held to its header's columns (a split value's sub-header standing for 指标值), carried
 * over to the next page where the table goes on without it; rows that fill every column but
 * stand off them are set under them by rank.
 * Each row's pieces are then given column by column, each column's lines top down: the order a
 * word processor writes a table in. A piece standing in a column the line above left empty (a
 * merged cell's label set in the middle or at the foot of the rows it spans) goes with the row
 * it stands in: which of the rows it spans it names first cannot be told from the text.
 */
import type { Item } from './text.js';
import type { TableWords } from './textgrid.js';

/** Width of one column in the items' frame; a CJK character is set about two columns wide. */
const COLUMN = 5;
/** The items' font size: two columns, as wide as a CJK character. */
export const MONO_SIZE = COLUMN * 2;
/** Distance between two lines, in the items' frame. */
export const MONO_PITCH = MONO_SIZE * 1.2;
/**
 * How much narrower an item is than its characters' columns: two pieces one space apart are
 * two cells (pieces keep their single spaces inside; only splitAtEdges parts them there), and
 * the layout engine reads text items a space apart (half a character) as one cell's words.
 */
const CELL_GAP = 1;
/** What a run of blank lines adds to the distance between two lines, in pitches. */
const BLANK_GAP = 1.5;

interface Run {
  line: number;
  col: number;
  text: string;
  /** Width as displayed: two for a full-width character, one for the others. */
  width: number;
  /** Columns it takes in the dump, where not its characters' count (a header name joined from its wrapped lines). */
  cols?: number;
}

const WIDE = /[\u2E80-\u9FFF\uF900-\uFAFF\uFE30-\uFE4F\uFF01-\uFF60\uFFE0-\uFFE6\u3000-\u303F]/u;

/** Signs a value starts with. */
const SIGN = /[≤≥≦≧<>＜＞=＝]/;

function displayWidth(s: string): number {
  let w = 0;
  for (const c of s) w += WIDE.test(c) ? 2 : 1;
  return w;
}

/** The pieces of one line: runs of characters with single spaces inside, at their columns. */
export function runsOf(line: string, n: number): Run[] {
  const chars = [...line];
  const out: Run[] = [];
  let k = 0;
  while (k < chars.length) {
    while (k < chars.length && /\s/.test(chars[k]!)) k++;
    if (k >= chars.length) break;
    const start = k;
    let end = k;
    while (k < chars.length) {
      if (!/\s/.test(chars[k]!)) end = ++k;
      else if (chars[k] === ' ' && k + 1 < chars.length && !/\s/.test(chars[k + 1]!)) k++;
      else break;
    }
    const text = chars.slice(start, end).join('');
    out.push({ line: n, col: start, text, width: displayWidth(text) });
    k = end;
  }
  return out;
}

/**
 * Pieces of a part of the page cut at single spaces that part two cells: pdftotext sets two
 * cells one space apart where their gap is narrow, at the column the text before ends, not at
 * the cell's own column. A space between two CJK characters (or a CJK character and a sign:
 * `租赁隔离点数量达 ≦100.00m2`, `设备检修维护次数 有效提升`) is one: Chinese text has no word
 * spaces, and pdftotext writes a space only where the page leaves a gap. So is a space where
 * the text after it starts at a column two other lines or more start a piece at (`more`: pieces
 * parted off before, whose starts count too). Never after a number: `15 万元` is a number and
 * its unit.
 */
function splitAtEdges(part: ReadonlyArray<readonly Run[]>, more: readonly Run[] = [], unitCol = Infinity): Run[][] {
  const starts = new Map<number, Set<number>>();
  for (const r of [...part.flat(), ...more]) (starts.get(r.col) ?? starts.set(r.col, new Set()).get(r.col)!).add(r.line);
  const edge = (col: number, line: number) => {
    const at = starts.get(col);
    return at != null && at.size - (at.has(line) ? 1 : 0) >= 2;
  };
  return part.map((runs) =>
    runs.flatMap((r) => {
      if (!r.text.includes(' ')) return [r];
      const chars = [...r.text];
      const out: Run[] = [];
      let from = 0;
      for (let k = 1; k < chars.length; k++) {
        if (chars[k - 1] !== ' ') continue;
        // (But where the value is split into 符号 · 值 · 单位, a number and the text after it
        // set at the 单位 column, or a column or two left of it, are two cells: `95 万/人`.)
        if (/^[\d.,]+$/.test(chars.slice(from, k - 1).join('')) && r.col + k >= unitCol - UNIT_SQUEEZE && r.col + from < unitCol - UNIT_SQUEEZE) {
          const text = chars.slice(from, k - 1).join('');
          out.push({ line: r.line, col: r.col + from, text, width: displayWidth(text) });
          from = k;
          continue;
        }
        if (/\d$/.test(chars.slice(from, k - 1).join(''))) continue;
        // (And there a sign and the number one space after it are 符号 and 值: `＝ 46.97`.)
        if (Number.isFinite(unitCol) && new RegExp(`^${SIGN.source}+$`).test(chars.slice(from, k - 1).join('')) && /\d/.test(chars[k]!)) {
          const text = chars.slice(from, k - 1).join('');
          out.push({ line: r.line, col: r.col + from, text, width: displayWidth(text) });
          from = k;
          continue;
        }
        const cjk = k >= 2 && WIDE.test(chars[k - 2]!) && (WIDE.test(chars[k]!) || SIGN.test(chars[k]!));
        if (!cjk && !edge(r.col + k, r.line)) continue;
        const text = chars.slice(from, k - 1).join('');
        out.push({ line: r.line, col: r.col + from, text, width: displayWidth(text) });
        from = k;
      }
      if (from === 0) return [r];
      const text = chars.slice(from).join('');
      out.push({ line: r.line, col: r.col + from, text, width: displayWidth(text) });
      return out;
    }),
  );
}

/**
 * How wide a piece stands on the page, in columns: its display width without the spaces
 * pdftotext writes between a CJK character and a Latin letter or digit (`2020 年 6 月`: the
 * page sets them close, the text has no space there).
 */
function measure(text: string): number {
  return displayWidth(text.replace(/ (?=\p{Script=Han})|(?<=\p{Script=Han}) /gu, ''));
}

/** How many columns left of the sub-header's 单位 a row's 单位 cell may be set. */
const UNIT_SQUEEZE = 2;

/** Whether a monospace dump's line holds two pieces or more (text, two spaces, text). */
export function hasColumns(line: string): boolean {
  return /\S {2,}\S/.test(line.trim());
}

/** A column's start, give or take one column (centred text, a sign set before its number). */
const NEAR = 1;

/**
 * The widest piece starting at each column of the page's table lines (within NEAR): the least
 * the column is wide. Pieces with another piece after them on their line count first: the last
 * piece of a line may run on over the columns to its right (a project's goal over the
 * indicator table's columns), and is the measure only of a column no other piece bounds.
 * A piece running over the start of a column other lines start pieces at (two cells set one
 * space apart and read as one piece: `＝ 46.97` over the 符号 and 值 columns, `12345 热线服务
 * 12345 热线服务人员数` over two text columns) is no measure of its column either, and counts
 * only where no other piece measures it.
 */
function widest(byLine: ReadonlyArray<readonly Run[]>, indicators: boolean): (col: number) => number {
  const bounded = new Map<number, number>();
  const last = new Map<number, number>();
  const over = new Map<number, number>();
  // The lines pieces start on, by column.
  const starts = new Map<number, Set<number>>();
  for (const runs of byLine) for (const r of runs) (starts.get(r.col) ?? starts.set(r.col, new Set()).get(r.col)!).add(r.line);
  // (In an indicator table only: its rows share the header's columns. A project table's upper
  // part sets each line's labels and amounts at columns of its own.)
  const edges = indicators ? [...starts].filter(([, at]) => at.size >= 2).map(([c]) => c) : [];
  for (const runs of byLine) {
    if (runs.length < 2) continue;
    runs.forEach((r, k) => {
      const end = r.col + [...r.text].length;
      const crosses = edges.some((e) => e > r.col + NEAR && e < end && [...starts.get(e)!].some((l) => l !== r.line));
      const into = crosses ? over : k < runs.length - 1 ? bounded : last;
      into.set(r.col, Math.max(into.get(r.col) ?? 0, indicators ? measure(r.text) : r.width));
    });
  }
  const near = (m: Map<number, number>, col: number) => {
    let w = 0;
    for (let c = col - NEAR; c <= col + NEAR; c++) w = Math.max(w, m.get(c) ?? 0);
    return w;
  };
  return (col) => near(bounded, col) || near(last, col) || near(over, col);
}

/** Characters a line may not start with (closing punctuation stays with the character before). */
const NO_LINE_START = /[，。、；：？！”’）》」』】〕,.;:?!)\]%]/;
/** Characters a line may not end with (opening punctuation goes with the character after). */
const NO_LINE_END = /[“‘（《「『【〔(\[]/;

/**
 * Display width of the start of a piece that a wrap could not have split: a Latin word or
 * number whole, else its first character with the opening marks before it and the closing
 * marks after it.
 */
function firstUnit(text: string): number {
  const m = /^[A-Za-z0-9.,%\-]+/.exec(text);
  if (m) return m[0].length;
  const chars = [...text];
  let k = 0;
  while (k < chars.length && NO_LINE_END.test(chars[k]!)) k++;
  k++;
  while (k < chars.length && NO_LINE_START.test(chars[k]!)) k++;
  return displayWidth(chars.slice(0, k).join(''));
}

/**
 * The page's lines as rows: runs of consecutive lines, each a list of its runs. A line goes on
 * the row above when no piece of it starts under a piece of the row that ended short (its
 * start would have fitted after it): each continues a wrapped piece, or stands in a column
 * the row has left empty so far (a merged cell's label set in the middle of its rows).
 */
function rowsOf(byLine: ReadonlyArray<readonly Run[]>, widthAt: (col: number) => number, words: TableWords, indicators: boolean, doubt: (lines: readonly number[], why: string) => void): Run[][][] {
  const rows: Run[][][] = [];
  let cur: Run[][] | null = null;
  // Whether the current row is a header's sub-header.
  let sub = false;
  for (const runs of byLine) {
    // A header's sub-header (符号 · 值 · 单位 under 指标值) is a row of its own, as it is written.
    const opensSub = runs.length > 0 && words.headerCell(runs.map((r) => r.text).join(''));
    if (!runs.length || opensSub) cur = null;
    if (!runs.length) {
      cur = null;
      continue;
    }
    let goesOn = false;
    let fresh = false;
    let unclear = false;
    // A piece going on from the line just above (a cell wrapped onto this line).
    let wrapped: Run | undefined;
    if (cur) {
      for (const r of runs) {
        // The row's latest piece in this column.
        let above: Run | undefined;
        for (let k = cur.length - 1; k >= 0 && !above; k--) above = cur[k]!.find((q) => Math.abs(q.col - r.col) <= NEAR);
        // A sub-header stands over the value columns alone: a piece in a column it leaves empty
        // (a row's 二级指标 under the 符号 · 值 · 单位（文 · 字描述） wrapped) is a row's.
        if (!above) {
          if (sub) fresh = true;
          continue;
        }
        // Wrapped: the start of this piece would not have fitted after the piece above in the
        // widest its column is seen.
        if (above.width + firstUnit(r.text) > widthAt(above.col)) {
          goesOn = true;
          // (Measured by CJK text alone: Latin letters and digits are narrower on the page than their columns.)
          if (above.line === r.line - 1 && !/[!-~]/.test(above.text)) wrapped ??= r;
        }
        // Latin letters and digits take a column each but less than half a CJK character's
        // width on the page: in an indicator table (its values), a piece holding them is no
        // sure measure of what fitted after it.
        else if (indicators && /[!-~]/.test(above.text)) unclear = true;
        else fresh = true;
      }
      // Unclear pieces go with the line's others; alone they start a row, as any piece does.
      if (unclear && !goesOn) fresh = true;
      // A line of number fragments alone, each under a number of the line above (a value
      // wrapped digit by digit in a narrow column: 20 · ,7 · 57 · .2 · 1), goes on: a row's
      // first line holds its names.
      const prev: readonly Run[] = cur[cur.length - 1]!;
      const over = (r: Run): Run | undefined => prev.find((q: Run) => q.line === r.line - 1 && Math.abs(q.col - r.col) <= NEAR && /[\d.,\s]/.test(q.text));
      if (indicators && runs.every((r) => NUMBER_PART.test(r.text) && over(r))) {
        fresh = false;
        // Its first line holding a unit after the number's start (`20 亿` over `,7`): the
        // number's digits and its unit come out in the wrong order.
        const top = (r: Run) => cur!.flat().filter((q) => Math.abs(q.col - r.col) <= NEAR).sort((a, b) => a.line - b.line)[0];
        const unit = runs.map(top).find((q) => q && !NUMBER_PART.test(q.text) && /^[\d.,]+\s*\S/.test(q.text));
        if (unit) doubt([...cur.flat().map((x) => x.line), runs[0]!.line], `the number under "${unit.text}" goes on digit by digit on the lines under it: where its unit stands among the digits is a guess`);
      }
    }
    // A line whose pieces all stand in columns the row has left empty so far (a merged cell's
    // label set in the middle of its rows) goes on with the row.
    if (cur && !fresh && (goesOn || runs.length > 0) && cur.length < MAX_ROW_LINES) cur.push([...runs]);
    else {
      // A new row on a line that also goes on with a cell wrapped from the line above: where
      // the row above ends is a guess (a label wrapped over both rows, 预算规模及资 · 金用途).
      if (cur && wrapped && !words.headerLine(cur[0]!.map((r) => r.text).join('  '))) doubt([...cur.flat().map((x) => x.line), runs[0]!.line], `the dump's line with "${wrapped.text}" goes on with a cell wrapped from the line above and starts a row all the same: where the row above ends is a guess`);
      cur = [[...runs]];
      sub = opensSub;
      rows.push(cur);
    }
  }
  return rows;
}

/**
 * Moves each label of a merged column to the first row it spans, where a word processor writes
 * a merged cell. A column is merged where some of the table's rows (of two pieces or more)
 * leave it empty, left of the first two columns side by side they all fill (merged cells are
 * row labels); its labels set at the top of their rows need nothing. Set at the foot (each
 * label on its row's last line), a label spans the rows after the label above it down to its
 * own. Set in the middle, the rows are parted among the labels so that each stands as near the
 * middle of its rows as can be (the first label's rows may begin before it, the last one's go
 * on after it). Rows in `header` keep their cells.
 */
function placeMerged(rows: Run[][][], header: (row: Run[][]) => boolean, widthAt: (col: number) => number, doubt: (lines: readonly number[], why: string) => void): Run[][][] {
  let first = 0;
  rows.forEach((r, k) => header(r) && (first = k + 1));
  const data = rows.slice(first).filter((r) => r.flat().length >= 2);
  if (data.length < 2 || data.length > MAX_PARTED_ROWS) return rows;
  const span = data.map((r) => [Math.min(...r.flat().map((x) => x.line)), Math.max(...r.flat().map((x) => x.line))] as const);
  // Columns: starts within NEAR of each other, chained.
  const cols = [...new Set(data.flat(2).map((x) => x.col))].sort((a, b) => a - b);
  const clusters: number[][] = [];
  for (const c of cols) {
    const last = clusters[clusters.length - 1];
    if (last && c - last[last.length - 1]! <= NEAR) last.push(c);
    else clusters.push([c]);
  }
  // Merged cells are row labels: they stand left of the first two columns side by side that
  // every row fills (an indicator's name and description).
  const isFull = (cl: number[]) => data.every((r) => r.flat().some((x) => cl.includes(x.col)));
  let full = clusters.findIndex((cl, k) => k + 1 < clusters.length && isFull(cl) && isFull(clusters[k + 1]!));
  if (full < 0) full = clusters.length;
  for (const cl of clusters.slice(0, full)) {
    const inCol = (x: Run) => cl.includes(x.col);
    // A label wrapped over the boundary of two rows (set in the middle of its rows, 满意度指 ·
    // 标): the piece on the next row's first line that goes on with it joins it.
    for (let k = 0; k + 1 < data.length; k++) {
      const here = data[k]!.flat().filter(inCol);
      const next = data[k + 1]![0]!.filter(inCol);
      const last = here.sort((a, b) => a.line - b.line)[here.length - 1];
      if (!last || next.length !== 1 || next[0]!.line !== last.line + 1 || last.width + firstUnit(next[0]!.text) <= widthAt(last.col)) continue;
      const line = data[k + 1]![0]!;
      line.splice(line.indexOf(next[0]!), 1);
      data[k]!.push([next[0]!]);
    }
    const cells = data.map((r) => r.flat().filter(inCol));
    const labelled = cells.map((c, k) => [c, k] as const).filter(([c]) => c.length > 0);
    if (labelled.length === 0 || labelled.length === data.length) continue;
    // Cells of one row are set at its top (LibreOffice sets only merged cells as asked): a
    // label on the first line of a row of several lines is that row's alone.
    const lines = (c: readonly Run[]) => [Math.min(...c.map((x) => x.line)), Math.max(...c.map((x) => x.line))] as const;
    const onFirst = labelled.map(([c, k]) => lines(c)[0] === span[k]![0]);
    const onLast = labelled.map(([c, k]) => lines(c)[1] === span[k]![1]);
    // (A label filling its row from its first line to its last may be a merged one set at the foot.)
    // Where the part holds its table's header, every row under it has a label of this column:
    // rows before the first label are that label's (a merged label centred on a row's first
    // line by chance is no row's alone).
    const opens = first > 0;
    const single = labelled.map(([, k], j) => !(opens && j === 0 && k > 0) && onFirst[j]! && !onLast[j] && span[k]![1] > span[k]![0]);
    if (onFirst.every(Boolean)) continue;
    let bottom = labelled.every((_, j) => onFirst[j] || onLast[j]);
    const starts: number[] = [];
    if (bottom) labelled.forEach(([, k], j) => starts.push(single[j] || j === 0 ? k : labelled[j - 1]![1] + 1));
    // A label set below its row's first line is a merged cell's (a cell of one row is set at its
    // top): read at the foot, it must span two rows or more. Where it would span its own row
    // alone, the labels stand in the middle of their rows (centred, one on the last line of a
    // row by chance: 时效指标 on the last line of the first of its two rows).
    if (bottom && labelled.some(([, k], j) => !onFirst[j] && starts[j] === k)) {
      bottom = false;
      starts.length = 0;
    }
    if (!bottom) {
      // Middle: rows [u, v] for label j, u ≤ its row ≤ v, the spans one after another.
      const mid = labelled.map(([c]) => (lines(c)[0] + lines(c)[1]) / 2);
      const m = labelled.length;
      const n = data.length;
      const cost = (j: number, u: number, v: number) => (single[j] ? 0 : Math.abs((span[u]![0] + span[v]![1]) / 2 - mid[j]!));
      // best[j][v]: least cost of labels 0..j with label j's rows ending at v; from[j][v] its start.
      const best = Array.from({ length: m }, () => Array<number>(n).fill(Infinity));
      const from = Array.from({ length: m }, () => Array<number>(n).fill(-1));
      for (let j = 0; j < m; j++) {
        const at = labelled[j]![1];
        const next = j + 1 < m ? labelled[j + 1]![1] : n;
        const prev = j > 0 ? labelled[j - 1]![1] : -1;
        for (let v = at; v < (single[j] ? at + 1 : next); v++) {
          for (let u = single[j] ? at : prev + 1; u <= at; u++) {
            const before = j === 0 ? 0 : u - 1 >= 0 ? best[j - 1]![u - 1]! : Infinity;
            const c = before + cost(j, u, v);
            if (c < best[j]![v]!) {
              best[j]![v] = c;
              from[j]![v] = u;
            }
          }
        }
      }
      const least = Math.min(...best[m - 1]!);
      // No way to part the rows among the labels (a label's rows run into the next one's): left as they stand.
      if (!Number.isFinite(least)) continue;
      let v = best[m - 1]!.indexOf(least);
      const got: number[] = [];
      for (let j = m - 1; j >= 0; j--) {
        const u = from[j]![v]!;
        if (u < 0) break;
        got.unshift(u);
        // A label not in the very middle of the rows it is given: which rows it spans is a guess.
        if (!single[j] && cost(j, u, v) > 0.5) doubt(data.slice(u, v + 1).flat(2).map((x) => x.line), `a merged cell's label (${labelled[j]![0].map((x) => x.text).join('')}) stands off the middle of the rows it is read to span; which rows it spans cannot be told for sure`);
        v = u - 1;
      }
      if (got.length < m) continue;
      // (The rows before the first label's are its own too, where the table starts here.)
      if (opens) got[0] = 0;
      starts.push(...got);
    }
    // Two labels of a line each a line apart, the first filling its column, where the column
    // wraps its other labels over lines (产出 · a row's line · 指标 beside 效果 · 指标): one label
    // wrapped, its lines set among the rows' lines, or two: the rows either is given are a guess.
    const wraps = labelled.some(([c]) => new Set(c.map((x) => x.line)).size >= 2);
    for (let j = 0; wraps && j + 1 < labelled.length; j++) {
      const [a] = labelled[j]!;
      const [b] = labelled[j + 1]!;
      if (a.length !== 1 || b.length !== 1) continue;
      const end = [...a].sort((x, y) => y.line - x.line)[0]!;
      const next = [...b].sort((x, y) => x.line - y.line)[0]!;
      if (next.line - end.line > 2 || end.width + firstUnit(next.text) <= widthAt(end.col)) continue;
      const upTo = j + 2 < labelled.length ? starts[j + 2]! - 1 : data.length - 1;
      doubt(data.slice(Math.min(starts[j]!, labelled[j]![1]), upTo + 1).flat(2).map((x) => x.line), `the merged cells' labels ${a.map((x) => x.text).join('')} and ${b.map((x) => x.text).join('')} stand a line apart, the first filling its column: one label wrapped among the rows' lines, or two; which rows each names cannot be told for sure`);
    }
    labelled.forEach(([c, k], j) => {
      const to = starts[j]!;
      if (to === k) return;
      const own = new Set(c);
      for (const line of data[k]!) for (let i = line.length - 1; i >= 0; i--) if (own.has(line[i]!)) line.splice(i, 1);
      data[to]!.push(c);
    });
  }
  return rows.map((r) => r.filter((line) => line.length > 0)).filter((r) => r.length > 0);
}

/** A piece of a number wrapped over lines. */
const NUMBER_PART = /^[\d.,]+$/;
/** Most lines a row is read to run over (a crafted page of one endless cell stays linear). */
const MAX_ROW_LINES = 64;
/** Most rows a table's merged labels are parted among (the parting takes the square of them). */
const MAX_PARTED_ROWS = 400;

/** Runs of one row grouped by column (starts within NEAR of each other), left to right. */
function columnsOf(row: ReadonlyArray<readonly Run[]>): Run[][] {
  const all = row.flat().sort((a, b) => a.col - b.col || a.line - b.line);
  const cols: Run[][] = [];
  for (const r of all) {
    const last = cols[cols.length - 1];
    if (last && r.col - last[0]!.col <= NEAR && !last.some((q) => q.line === r.line)) last.push(r);
    else cols.push([r]);
  }
  for (const c of cols) c.sort((a, b) => a.line - b.line);
  return cols;
}

export interface MonoPage {
  items: Item[];
  /** The page box in the items' frame (y upwards). */
  view: [number, number, number, number];
  /** The page's line (0-based, in the lines given) a box's top (page coordinates, origin top-left) stands on. */
  lineOf: (top: number) => number;
  /** Lines (0-based) of rows whose cells' columns or rows are a guess, and why. */
  doubts: Map<number, string>;
  /** The columns (starts) of the last indicator header on the page, else those carried in: a table going on over the next page. */
  header: readonly number[];
}

/**
 * One page of a monospace dump as text items in a frame with y upwards, column c at c × COLUMN,
 * each line a pitch under the one above. Items come row by row, column by column.
 */
export function monospacePage(lines: readonly string[], words: TableWords, carried: readonly number[] = []): MonoPage {
  const byLine = lines.map((l, i) => runsOf(l, i));
  joinWrappedHeader(byLine, words);
  // Columns are measured part by part of the page: a table's header row, a title or a unit
  // line starts a table of other columns (a project table's upper part is wider).
  // A header row's names are no measure of its columns: one stands over several (指标值 over
  // 符号 · 值 · 单位).
  const cuts = [0];
  const header = new Set<number>();
  const opensPart = (runs: readonly Run[]) => {
    const text = runs.map((r) => r.text).join('  ');
    return words.title(text) || words.unitLine(text) || words.opensTable(runs[0]!.text);
  };
  byLine.forEach((runs, i) => {
    const text = runs.map((r) => r.text).join('  ');
    if (runs.length && words.headerLine(text)) header.add(i);
    if (i > 0 && runs.length && (header.has(i) || opensPart(runs))) cuts.push(i);
  });
  cuts.push(byLine.length);
  // A page opening with a header, a title, a unit line or a table's first label carries no table on.
  const first = byLine.findIndex((runs) => runs.length);
  if (first >= 0 && (header.has(first) || opensPart(byLine[first]!))) carried = [];
  const rows: Run[][][] = [];
  const doubts = new Map<number, string>();
  const doubt = (lines: readonly number[], why: string) => lines.forEach((l) => doubts.has(l) || doubts.set(l, why));
  // The indicator header's columns so far: a part of the page before any header (a table going
  // on from the page before) is held to the header carried in.
  let headerCols = carried;
  for (let k = 0; k + 1 < cuts.length; k++) {
    // Twice: the values parted from the text before them at a space before their sign show
    // column edges the unparted pieces do not (`信息系统漏洞处置 100 次` parts where `≥90 百分比`
    // starts on the lines around it).
    const raw = byLine.slice(cuts[k], cuts[k + 1]);
    // The 单位 column of a split value's sub-header (符号 · 值 · 单位（文字描述）).
    const unitCol =
      raw
        .filter((runs) => runs.length && !header.has(runs[0]!.line) && words.headerCell(runs.map((r) => r.text.replace(/\s/g, '')).join('')))
        .flatMap((runs) => runs.flatMap((r) => {
          const chars = [...r.text];
          const at = chars.findIndex((_, k) => words.unitHeader(chars.slice(k).join('')));
          return at >= 0 ? [r.col + at] : [];
        }))[0] ?? Infinity;
    const once = splitAtEdges(raw, [], unitCol);
    const signs = once.flatMap((runs, i) => runs.filter((r) => SIGN.test([...r.text][0] ?? '') && !raw[i]!.some((q) => q.col === r.col)));
    const part = splitAtEdges(raw, signs, unitCol);
    // The rows' 单位 cells, set a column or two left of the sub-header's 单位 where the number
    // before them is long, under it (the column between 值 and 单位 shows).
    if (Number.isFinite(unitCol)) for (const runs of part) for (const r of runs) if (r.col >= unitCol - UNIT_SQUEEZE && r.col < unitCol) r.col = unitCol;
    const indicators = part.some((runs) => runs.length && header.has(runs[0]!.line)) || (k === 0 && headerCols.length > 0);
    const widthAt = widest(part.filter((runs) => !header.has(runs[0]?.line ?? -1)), indicators);
    const read = rowsOf(part, widthAt, words, indicators, doubt);
    headerOverData(read, (runs) => header.has(runs[0]?.line ?? -1), words);
    const placed = placeMerged(read, (row) => row.some((runs) => header.has(runs[0]?.line ?? -1) || words.headerCell(runs.map((r) => r.text).join(''))), widthAt, doubt);
    const head = part.filter((runs) => header.has(runs[0]?.line ?? -1)).flat();
    // A header whose 指标值 is split (符号 · 值 · 单位 on the lines under it) names fewer columns
    // than its rows fill: its sub-header's names stand for 指标值 (一级 … 描述, 符号, 值, 单位,
    // 依据), where it shows three pieces or more; else the header gives no count of the columns.
    const sub = part.filter((runs) => runs.length && !header.has(runs[0]!.line) && words.headerCell(runs.map((r) => r.text.replace(/\s/g, '')).join(''))).flat();
    if (head.length >= 3) headerCols = sub.length ? (sub.length >= 3 ? columnStarts([...head.filter((h) => !words.valueHeader(h.text)), ...sub]) : []) : columnStarts(head);
    else if (k > 0) headerCols = [];
    underHeader(placed.filter((r) => !r.some((runs) => runs.some((x) => header.has(x.line)))), headerCols);
    for (const row of placed) misaligned(row, doubt);
    offColumns(placed, head, headerCols, doubt);
    rows.push(...placed);
  }
  // Each line one pitch below the line above; blank lines between two lines add half a pitch
  // however many there are (a page's gap of a line or more: a paragraph's end, cell padding,
  // never a gap wide enough to part a table's rows).
  const down: number[] = [];
  let at = 0;
  let blank = false;
  for (const runs of byLine) {
    if (!runs.length) {
      blank = true;
      down.push(at);
      continue;
    }
    at += blank && at > 0 ? MONO_PITCH * BLANK_GAP : MONO_PITCH;
    blank = false;
    down.push(at);
  }
  const height = at + MONO_PITCH;
  const item = (r: Run): Item => ({ str: r.text, x: r.col * COLUMN, y: height - down[r.line]!, w: (r.cols ?? [...r.text].length) * COLUMN - CELL_GAP, size: MONO_SIZE });
  const items: Item[] = [];
  for (const row of rows) for (const col of columnsOf(row)) for (const r of col) items.push(item(r));
  const width = byLine.reduce((w, runs) => runs.reduce((x, r) => Math.max(x, r.col + [...r.text].length), w), 1) * COLUMN;
  // A box's top is an item's baseline plus its size, turned to the page's top-down frame.
  const lineOf = (top: number) => {
    // The first line at or below the box's top (lines sharing a place: the blank ones before it).
    const d = top + MONO_SIZE - MONO_PITCH / 2;
    let lo = 0;
    let hi = down.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (down[mid]! < d) lo = mid + 1;
      else hi = mid;
    }
    while (lo + 1 < down.length && byLine[lo]!.length === 0 && down[lo + 1] === down[lo]) lo++;
    return lo;
  };
  return { items, view: [0, 0, width, height], lineOf, doubts, header: headerCols };
}

/**
 * Sets a table's rows under its header's columns where the dump set them at columns of their
 * own: pdftotext lays out each line by the text to its left, so the rows of a table (above all
 * on the next page, away from its header) may stand a few columns off the header's names. The
 * rows that fill every column (as many pieces on their first line as the header has names)
 * say where the page's columns are: where they all agree, and stand off the header, each
 * piece at one of those columns is moved to the header's column of the same rank (the table
 * itself says how many columns there are). Pieces at none of them stay (and are said off the
 * header's columns).
 */
function underHeader(rows: ReadonlyArray<ReadonlyArray<readonly Run[]>>, header: readonly number[]): void {
  if (header.length < 3) return;
  const full = rows.filter((r) => r[0]?.length === header.length).map((r) => r[0]!.map((x) => x.col));
  if (!full.length) return;
  const cols = full[0]!;
  if (full.some((f) => f.some((c, j) => Math.abs(c - cols[j]!) > NEAR))) return;
  if (cols.every((c, j) => Math.abs(c - header[j]!) <= NEAR)) return;
  for (const row of rows) {
    for (const runs of row) {
      for (const r of runs) {
        const j = cols.findIndex((c) => Math.abs(c - r.col) <= NEAR);
        if (j >= 0) r.col += header[j]! - cols[j]!;
      }
    }
  }
}

/**
 * An indicator header whose names are all wrapped (`一级 · 指标`, `二 · 级 · 指 · 标` in narrow
 * columns): no line of it holds a whole level name, so it would not be told a header. Where
 * the pieces of a line, each joined with the pieces under it at its column on the lines right
 * after it, read as a header's names, each name is set whole on the header's first line (as
 * wide as its widest line) and its wrapped pieces are taken off the lines under it.
 */
function joinWrappedHeader(byLine: Run[][], words: TableWords): void {
  for (let i = 0; i < byLine.length; i++) {
    const runs = byLine[i]!;
    if (runs.length < 3 || words.headerLine(runs.map((r) => r.text).join('  '))) continue;
    // Each piece's wrapped pieces: at its column, on the lines right after it, while there are.
    const under = runs.map((r) => {
      const got: Run[] = [];
      for (let j = i + 1; j < byLine.length && j <= i + MAX_HEADER_WRAP; j++) {
        const q = byLine[j]!.find((x) => Math.abs(x.col - r.col) <= NEAR);
        if (!q) break;
        got.push(q);
      }
      return got;
    });
    const joined = runs.map((r, k) => r.text + under[k]!.map((q) => q.text).join(''));
    // (Two level names or more, each the whole of its joined piece: not a column of labels
    // that runs on into a header below it.)
    const names = joined.filter((t) => words.headerLine(t));
    if (names.length < 2 || names.some((t) => [...t].length > LEVEL_NAME_CHARS)) continue;
    runs.forEach((r, k) => {
      if (!under[k]!.length) return;
      r.cols = Math.max([...r.text].length, ...under[k]!.map((q) => [...q.text].length));
      r.text = joined[k]!;
      r.width = displayWidth(r.text);
      for (const q of under[k]!) byLine[q.line]!.splice(byLine[q.line]!.indexOf(q), 1);
    });
  }
}

/** Characters of a level name (一级指标). */
const LEVEL_NAME_CHARS = 4;
/** Most lines a header name is read to wrap over. */
const MAX_HEADER_WRAP = 4;

/**
 * Sets an indicator header's names at the columns of the rows under them where the dump set
 * them left of those: pdftotext sets each piece one column past the text to its left, and a
 * header whose names stand close on the page (`一级指标 二级指 三级指标`, one space apart) comes
 * out squeezed left of its columns, a name standing between two columns of the rows (二级指 at
 * column 5, the rows' 二级指标 at 8). A name is moved to the first column the rows start pieces
 * at (two lines or more) right of the name before it, from its own column up to the next name
 * of its line, where it stands at none.
 */
function headerOverData(rows: ReadonlyArray<ReadonlyArray<readonly Run[]>>, isHeader: (runs: readonly Run[]) => boolean, words: TableWords): void {
  const head = rows.filter((r) => r.some(isHeader));
  if (!head.length) return;
  const body = rows.filter((r) => !r.some(isHeader) && !r.some((runs) => words.headerCell(runs.map((x) => x.text).join(''))));
  const starts = new Map<number, Set<number>>();
  for (const r of body.flat(2)) (starts.get(r.col) ?? starts.set(r.col, new Set()).get(r.col)!).add(r.line);
  const edges = [...starts].filter(([, at]) => at.size >= 2).map(([c]) => c).sort((a, b) => a - b);
  if (edges.length < 3) return;
  for (const row of head) {
    for (const runs of row) {
      const sorted = [...runs].sort((a, b) => a.col - b.col);
      // (Each name right of the column the name before it was set at.)
      let before = -Infinity;
      sorted.forEach((r, k) => {
        const to = sorted[k + 1]?.col ?? Infinity;
        const own = edges.some((e) => Math.abs(e - r.col) <= NEAR && e > before);
        const at = own ? undefined : edges.find((e) => e > r.col && e > before && e < to);
        if (at != null) r.col = at;
        before = r.col;
      });
    }
  }
}

/** The distinct starts of a header's pieces (within NEAR of each other, the first kept), left to right. */
function columnStarts(head: readonly Run[]): number[] {
  const out: number[] = [];
  for (const c of [...new Set(head.map((h) => h.col))].sort((a, b) => a - b)) if (!out.length || c - out[out.length - 1]! > NEAR) out.push(c);
  return out;
}

/**
 * Says which rows stand off the columns of the table's header: pdftotext lays out a row by
 * what stands to the left of its own text, so a row whose first columns are empty (merged
 * cells above it) can come out several columns to the left, its cells no longer under their
 * header names. A row of two pieces or more one of whose first line's pieces starts at no
 * column a header name starts at (give or take one) is read with its columns guessed; on a
 * page without the header, the header carried from the page before stands for it (where there
 * is none, the rows that fill every column).
 */
function offColumns(rows: ReadonlyArray<ReadonlyArray<readonly Run[]>>, header: readonly Run[], carried: readonly number[], doubt: (lines: readonly number[], why: string) => void): void {
  // Without a header in the part (a table going on from the page before), the columns are those
  // of the header carried from before — unless there is none: then those of the rows whose
  // first line holds the most pieces (every column filled).
  const most = Math.max(0, ...rows.map((r) => r[0]?.length ?? 0));
  const cols =
    header.length >= 3
      ? header.map((h) => h.col)
      : carried.length >= 3
        ? [...carried]
        : most >= 4
          ? rows.filter((r) => r[0]!.length === most).flatMap((r) => r[0]!.map((x) => x.col))
          : [];
  if (cols.length < 3) return;
  const at = (col: number) => cols.some((h) => Math.abs(h - col) <= NEAR);
  for (const row of rows) {
    const all = row.flat();
    if (all.length < 2 || row.some((runs) => runs.some((r) => header.includes(r)))) continue;
    const off = row[0]!.find((r) => !at(r.col));
    if (off) doubt(all.map((x) => x.line), `the dump sets "${off.text}" at no column of the table's header (a row laid out by its own text, its first cells empty); the cells of this row may stand in the wrong columns`);
  }
}

/** Most pieces of one row checked against each other (a table's row has a few dozen). */
const MAX_CHECKED = 400;

/**
 * Says where a row's pieces stand off its columns: a piece under another piece of the row,
 * overlapping it, but starting more than a column away from it (pdftotext set the line's
 * pieces by what stands left of them, and a line of wrapped rests can come out shifted): the
 * columns they are read into are a guess.
 */
function misaligned(row: ReadonlyArray<readonly Run[]>, doubt: (lines: readonly number[], why: string) => void): void {
  const all = row.flat();
  if (all.length > MAX_CHECKED) return;
  for (const p of all) {
    const off = all.find((q) => q.line < p.line && Math.abs(q.col - p.col) > NEAR && Math.min(q.col + [...q.text].length, p.col + [...p.text].length) - Math.max(q.col, p.col) > 0);
    if (off) {
      doubt(all.map((x) => x.line), `the dump sets "${p.text}" ${p.col < off.col ? 'left' : 'right'} of the column of "${off.text}" above it in the same row; the cells of this row may stand in the wrong columns`);
      return;
    }
  }
}
