/**
 * Text on a PDF page: pdf.js text items → visual lines → paragraphs.
 *
 * pdf.js splits text into items at font changes and often inserts space items (or no space
 * at all) between pieces; lines are rebuilt from positions, spaces come only from real gaps,
 * and cleaning removes the ones that touch CJK characters.
 */

import { opensItem } from '../text/numbering.js';

export interface Item {
  str: string;
  x: number;
  /** Baseline. */
  y: number;
  w: number;
  /** Font size. */
  size: number;
  /** Recognition confidence (0–1) of text read by OCR. */
  conf?: number;
}

/** Characters a CJK face sets one em wide: 汉字, kana, full-width forms and CJK punctuation. */
const FULL_WIDTH = /[\u2E80-\u9FFF\uF900-\uFAFF\uFE30-\uFE4F\uFF01-\uFF60\uFFE0-\uFFE6\u3000-\u303F]/u;

/**
 * Where each character of an item starts, estimated: text items do not place their
 * characters. Full-width characters take one em; the others share what is left of the width.
 */
export function charStarts(chars: readonly string[], x: number, w: number, size: number): number[] {
  const full = chars.filter((c) => FULL_WIDTH.test(c)).length;
  const rest = chars.length - full;
  const em = rest === 0 ? w / Math.max(1, full) : full > 0 ? Math.min(size, w / full) : 0;
  const narrow = rest > 0 ? Math.max(0, w - full * em) / rest : 0;
  const out: number[] = [];
  for (const c of chars) {
    out.push(x);
    x += FULL_WIDTH.test(c) ? em : narrow;
  }
  return out;
}

export interface Line {
  text: string;
  x0: number;
  x1: number;
  y: number;
  size: number;
  items: Item[];
}

/** How many of the latest lines an item is tried against (a table row has fewer side by side). */
const LINE_WINDOW = 64;

/** Groups items into lines: an item joins a line when its vertical middle lies in the line's band. */
export function toLines(items: readonly Item[]): Line[] {
  const sorted = items.filter((i) => i.str.trim() !== '').sort((a, b) => b.y - a.y || a.x - b.x);
  const lines: Array<{ y: number; size: number; items: Item[] }> = [];
  for (const it of sorted) {
    const mid = it.y + it.size * 0.35;
    const fits = (l: (typeof lines)[number]) => mid >= l.y - l.size * 0.25 && mid <= l.y + l.size * 0.9;
    // A small raised item (m², a footnote mark) belongs to the line whose baseline is at or below its own.
    const small = (l: (typeof lines)[number]) => it.size < l.size * 0.8;
    // Items come top to bottom, so only the latest lines can take this one: a fixed window
    // keeps grouping linear however many lines a page has.
    const recent = lines.length > LINE_WINDOW ? lines.slice(-LINE_WINDOW) : lines;
    const line = recent.find((l) => fits(l) && (!small(l) || l.y <= it.y + 0.5)) ?? recent.find(fits);
    if (line) {
      line.items.push(it);
      if (it.size > line.size) {
        line.size = it.size;
        line.y = it.y;
      }
    } else lines.push({ y: it.y, size: it.size, items: [it] });
  }
  return lines
    .map((l) => {
      const its = l.items.sort((a, b) => a.x - b.x);
      return { text: joinItems(its, l.size, mainBaseline(its)), x0: its[0]!.x, x1: Math.max(...its.map((i) => i.x + i.w)), y: l.y, size: l.size, items: its };
    })
    .sort((a, b) => b.y - a.y || a.x0 - b.x0);
}

/**
 * The baseline most of a line's text sits on (by characters): a raised superscript written
 * first, at the same font size, must not become the line's baseline.
 */
function mainBaseline(items: readonly Item[]): number {
  const weight = new Map<number, number>();
  for (const it of items) {
    const k = Math.round(it.y * 2) / 2;
    weight.set(k, (weight.get(k) ?? 0) + it.str.trim().length);
  }
  let best = items[0]!.y;
  let most = -1;
  for (const [y, w] of weight) if (w > most) [best, most] = [y, w];
  return best;
}

/** A gap between a line's items wider than this many font sizes is a tab stop (a tab in its text). */
const TAB_GAP = 2.5;

/** A line's items in the parts its tabs set apart (joinItems), in order. */
export function lineParts(line: Pick<Line, 'items' | 'size'>): Item[][] {
  const parts: Item[][] = [];
  let end: number | null = null;
  for (const it of line.items) {
    if (end == null || it.x - end > line.size * TAB_GAP) parts.push([]);
    parts[parts.length - 1]!.push(it);
    end = it.x + it.w;
  }
  return parts;
}

/** Joins a line's items; a real gap becomes a space, a wide gap (TOC leader, tab stop) a tab. */
function joinItems(items: readonly Item[], size: number, baseline: number): string {
  let out = '';
  let end: number | null = null;
  for (const it of items) {
    if (end != null) {
      const gap = it.x - end;
      if (gap > size * TAB_GAP) out += '\t';
      else if (gap > size * 0.2) out += ' ';
    }
    // A raised 2 or 3 after a letter is a superscript: m² / m³.
    const raised = it.y > baseline + size * 0.2 && /^[23]$/.test(it.str.trim()) && /[A-Za-z]$/.test(out);
    out += raised ? (it.str.trim() === '2' ? '²' : '³') : it.str;
    end = it.x + it.w;
  }
  return out;
}

/** How a sentence or clause ends: a paragraph rarely ends without one of these. */
const SENTENCE_END = /[。！？；：…!?;:]$/;
/** How a sentence ends (a clause's `；` or a lead-in's `：` goes on): where a paragraph may end. */
export const FULL_STOP = /[。！？!?]["”’）)]?$/;

/** Characters a line may not start with (closing punctuation stays with the character before). */
const NO_LINE_START = /[，。、；：？！”’）》」』】〕,.;:?!)\]%]/;
/** Characters a line may not end with (opening punctuation goes with the character after). */
const NO_LINE_END = /[“‘（《「『【〔(\[]/;

/**
 * Width of the start of `l` that a line break could not have split: its first character with
 * any closing punctuation after it (and the character after opening punctuation), or its first
 * Latin word or number.
 */
function firstRunWidth(l: Line): number {
  const chars: Array<{ ch: string; w: number }> = [];
  for (const it of l.items) {
    const n = [...it.str].length;
    for (const ch of it.str) chars.push({ ch, w: n ? it.w / n : it.size });
    if (chars.length > 24) break;
  }
  let i = 0;
  let w = 0;
  const take = () => (w += chars[i++]!.w);
  if (i < chars.length && /[A-Za-z0-9]/.test(chars[i]!.ch)) {
    while (i < chars.length && /[A-Za-z0-9.,%\-]/.test(chars[i]!.ch)) take();
    return w;
  }
  while (i < chars.length && NO_LINE_END.test(chars[i]!.ch)) take();
  if (i < chars.length) take();
  while (i < chars.length && NO_LINE_START.test(chars[i]!.ch)) take();
  return w;
}

/**
 * Whether the break between `prev` and `l` was a wrap: the start of `l` would not have fitted
 * after `prev` before `right` (the column's right edge). Works for justified and ragged-right
 * text alike: a paragraph that ends leaves room on its last line.
 */
export function wrapped(prev: Line, l: Line, right: number): boolean {
  // A word or number cut by the wrap (`100.0` + `0%` in a narrow cell) was too long for the line.
  if (/[A-Za-z0-9.%]$/.test(prev.text) && /^[A-Za-z0-9.%]/.test(l.text)) return true;
  const size = Math.min(prev.size, l.size);
  // A line that stops mid-sentence with little room left was wrapped, even where the engine
  // breaks Chinese between words rather than characters (ragged right).
  if (!SENTENCE_END.test(prev.text.trim()) && right - prev.x1 < size * 3) return true;
  return prev.x1 + firstRunWidth(l) > right + size * 0.05;
}


/** A gap between two items of a line wider than this (in font sizes) parts two cells side by side. */
const CELL_GAP = 1.2;

/**
 * A line holding two cells side by side: its text before and after its first gap wider than
 * CELL_GAP font sizes, where the text before ends and where the text after starts.
 */
export function cellsOfLine(l: Line): { first: string; rest: string; end: number; start: number } | null {
  for (let k = 1; k < l.items.length; k++) {
    const [a, b] = [l.items[k - 1]!, l.items[k]!];
    if (b.x - (a.x + a.w) <= l.size * CELL_GAP) continue;
    const base = mainBaseline(l.items);
    return { first: joinItems(l.items.slice(0, k), l.size, base), rest: joinItems(l.items.slice(k), l.size, base), end: a.x + a.w, start: b.x };
  }
  return null;
}

/**
 * Whether `l` is the wrapped rest of the first of two cells side by side on `prev` (a unit line
 * and 单位：万元 in a borderless table of one row, the unit's name too long for its cell: `…（人民
 * 防空办` · `单位：万元`, then `公室）` under the first cell): `l` starts where `prev` does and
 * stays under its first cell, whose text does not end a sentence and fills it up to the second
 * cell (less two cells' padding). The paragraph then reads the first cell's text whole before
 * the second's (assemble.ts).
 */
export function firstCellGoesOn(prev: Line, l: Line): boolean {
  const cells = cellsOfLine(prev);
  const size = Math.min(prev.size, l.size);
  if (!cells || cellsOfLine(l) || Math.abs(l.x0 - prev.x0) > size * 0.5 || l.x1 > cells.start - size) return false;
  return !SENTENCE_END.test(cells.first.trim()) && cells.end + firstRunWidth(l) > cells.start - size * 1.5;
}

export interface ParaOptions {
  /** Left edge of the text column. */
  left: number;
  /** Right edge of the text column. */
  right: number;
  /** Usual distance between the baselines of two lines of one paragraph, by font size. */
  pitch: (size: number) => number | null;
  /** Distance between baselines past which two lines are two paragraphs, where the document sets its paragraphs a little apart. */
  spacing?: (size: number) => number | null;
  /** A line after which a paragraph always ends (a contents entry, filled to the right edge by its leaders). */
  ends?: (text: string) => boolean;
  /** A line that always opens a paragraph (a lead-in label), however full the line above it. */
  opens?: (text: string) => boolean;
}

/** Extra space above a line (paragraph spacing) beyond the usual line pitch. */
function paragraphGap(prev: Line, l: Line, opts: ParaOptions): boolean {
  if (Math.abs(prev.size - l.size) >= 0.6) return false;
  const pitch = opts.pitch(l.size);
  if (pitch != null && prev.y - l.y > pitch * 1.2 + 0.5) return true;
  const spacing = Math.abs(prev.size - l.size) < 0.1 ? opts.spacing?.(l.size) : null;
  return spacing != null && prev.y - l.y > spacing;
}

/** A line set in the middle of the column (a wrapped centred heading goes on centred). */
function centred(l: Line, opts: ParaOptions): boolean {
  const indent = l.x0 - opts.left;
  const room = opts.right - l.x1;
  // Room on both sides, and about as much on each: a full line whose first line is indented is not centred.
  return Math.abs(indent - room) < l.size * 1.5 && indent > l.size * 2 && room > l.size * 1.5;
}

/**
 * Whether `prev` is the first line of a paragraph that `l` goes on at the left margin: a first
 * line indented by about two characters (however much room its end leaves) is no centred line.
 */
function firstLineOf(prev: Line, l: Line, opts: ParaOptions): boolean {
  const indent = prev.x0 - opts.left;
  return Math.abs(l.x0 - opts.left) < l.size * 0.5 && indent > 0 && indent <= prev.size * 2.6;
}

/**
 * Whether `prev` is set against the right edge (a right-aligned caption such as a money unit)
 * and `l` starts back at the left margin: no paragraph's first line is indented by more than
 * a few characters, so `l` starts another paragraph.
 */
function setRight(prev: Line, l: Line, opts: ParaOptions): boolean {
  return prev.x0 - opts.left > prev.size * RIGHT_SET && Math.abs(l.x0 - opts.left) < l.size * 0.5;
}

/** A line starting more than this many characters in from the left margin is no paragraph's first line. */
const RIGHT_SET = 4;

/**
 * Groups lines into paragraphs: a new paragraph starts after a short line, at an indented
 * line, at a change of font size, after a wide vertical gap, at a numbered item, or after a
 * line that always ends one (`opts.ends`).
 */
export function toParagraphs(lines: readonly Line[], opts: ParaOptions): Line[][] {
  const paras: Line[][] = [];
  let prev: Line | null = null;
  for (const l of lines) {
    let brk = prev == null;
    if (prev) {
      const size = Math.max(prev.size, l.size);
      if (Math.abs(prev.size - l.size) > 0.6) brk = true;
      // More than two font sizes between baselines is a gap, unless the text's usual line pitch is that wide (1.5 or double spacing).
      else if (prev.y - l.y > Math.max(size * 2.1, (opts.pitch(l.size) ?? 0) * 1.2 + 0.5)) brk = true;
      else if (paragraphGap(prev, l, opts)) brk = true;
      else if (firstCellGoesOn(prev, l)) brk = false;
      else if (!wrapped(prev, l, opts.right)) brk = true;
      else if (centred(prev, opts) && !centred(l, opts) && !firstLineOf(prev, l, opts)) brk = true;
      else if (setRight(prev, l, opts)) brk = true;
      else if (l.x0 > opts.left + size * 0.8 && !(prev.x1 >= opts.right - size && centred(l, opts))) brk = true;
      else if (opensItem(l.text)) brk = true;
      else if (l.text.includes('\t') || prev.text.includes('\t')) brk = true;
      else if (opts.ends?.(prev.text)) brk = true;
      else if (opts.opens?.(l.text)) brk = true;
    }
    if (brk) paras.push([l]);
    else paras[paras.length - 1]!.push(l);
    prev = l;
  }
  return paras;
}
