/**
 * One scanned page → the PDF loader's inputs: text items (recognised line pieces with their
 * positions and confidence) and ruling segments (lines found in the bitmap), in PDF points
 * with y upwards. From there the page goes through exactly the table and paragraph rules of
 * a PDF with a text layer (../pdf/page.ts).
 *
 *   grey bitmap → paper flattened → ink mask → skew measured and turned back → bent lines
 *   straightened → leaning column lines stood upright → rules found and cleared →
 *   text pieces (XY cut) → each piece recognised → items and segments in points
 */
import type { Segment } from '../layout/segments.js';
import type { Item } from '../layout/text.js';
import { skewOf } from './deskew.js';
import { dewarp, upright } from './dewarp.js';
import { type Piece, textPieces } from './pieces.js';
import { type Gray, binarize, clearEdges, crop, despeckle, flatten, median3, otsu, rotate } from './raster.js';
import { type Recognized, recognitionStats, recognize, strayDots, unspaced } from './recognize.js';
import { type PixelRule, alignRules, findRules, leanOf } from './rules.js';

export interface ScanPage {
  items: Item[];
  segments: Segment[];
}

/** Confidence from which a short piece's reading is not checked in other crops. */
const SURE = 0.98;
/** Confidence of a piece whose readings from different crops disagree (under the warning threshold). */
const UNSURE = 0.85;
/** Skews smaller than this are left alone (turning the page costs more than it gains). */
const MIN_SKEW = 0.08;
/** Specks cleared per million pixels above which a page is taken to be noisy (clean scans and seal remnants measured under 130, photocopies 150 and more). */
const NOISY_SPECKS = 140;
/** Nominal body text size in points: sets the scale of the layout rules in pixels. */
const BODY_PT = 10.5;

/** Share of the nominal size under which a page's measured text size needs many lines to be believed, and how many. */
const SMALL_TEXT = 0.5;
const SMALL_TEXT_LINES = 20;

/**
 * The body text's size in pixels: the usual height of the page's lines of text (pieces at
 * least three times as wide as high), when it differs much from what the resolution says
 * (a page whose stated size is not its printed size, a scan enlarged or reduced).
 */
function textSize(pieces: readonly Piece[], nominal: number, mask: Uint8Array, width: number): number {
  // A line's height is that of its rows of ink dense enough to be text: a speck of a
  // photocopy joined to the line above or below it does not make it taller.
  const heights = pieces
    .filter((p) => !p.leader && p.x1 - p.x0 >= (p.y1 - p.y0) * 3)
    .map((p) => {
      const dense = (y: number) => {
        let n = 0;
        for (let x = p.x0; x < p.x1; x++) n += mask[y * width + x]!;
        return n >= (p.x1 - p.x0) * 0.04;
      };
      let y0 = p.y0;
      while (y0 < p.y1 && !dense(y0)) y0++;
      let y1 = p.y1;
      while (y1 > y0 && !dense(y1 - 1)) y1--;
      return { h: y1 - y0, w: p.x1 - p.x0 };
    })
    .filter((l) => l.h > 0 && l.w >= l.h * 3)
    .sort((a, b) => a.h - b.h);
  if (heights.length < 5) return nominal;
  // The height under which half the lines' length lies: a photocopy's specks joined into
  // short flat chains (many, a few pixels high) do not outvote the page's lines of text.
  const total = heights.reduce((s, l) => s + l.w, 0);
  let run = 0;
  const middle = heights.find((l) => (run += l.w) >= total / 2)!;
  const measured = middle.h / 0.95;
  // Text under half the nominal size (5 pt) on a page of few lines is a blank page's specks
  // joined into chains: read at their size, every speck would pass for a character.
  if (measured < nominal * SMALL_TEXT && heights.length < SMALL_TEXT_LINES) return nominal;
  return Math.abs(measured / nominal - 1) > 0.3 ? measured : nominal;
}

/** Marks printed in either width: ASCII → full-width, closing ones (white after) and opening. */
const CLOSING: Record<string, string> = { ')': '）', ',': '，', ';': '；', ':': '：', '?': '？', '!': '！' };
const OPENING: Record<string, string> = { '(': '（' };
const HALF: Record<string, string> = Object.fromEntries([...Object.entries(CLOSING), ...Object.entries(OPENING)].map(([a, b]) => [b, a]));
const CJK = /[\u3400-\u9fff]/u;

/**
 * Punctuation as printed: the model often reads a full-width （ ） ， ； ： as its ASCII
 * twin. A full-width mark's glyph sits at one side of a whole character box, so white of
 * about half a character lies after a closing mark (before an opening one); an ASCII mark
 * sits close to its neighbours. The mark's ink is found where the model read it and the
 * white beside it measured in the ink mask. A mark with no neighbour on that side in its
 * piece takes the width of its pair (brackets), or full width after a 汉字 (a clause mark
 * ending a line of Chinese), or keeps the model's reading — a bracket whose pair could not be
 * told either is then a guess (`guessed`: the piece is uncertain).
 */
export function markWidths(r: Recognized, p: Piece, cropWidth: number, mask: Uint8Array, width: number): { text: string; guessed: boolean } {
  const chars = [...r.text];
  if (!chars.some((c) => HALF[c] || CLOSING[c] || OPENING[c]) || r.at.length !== chars.length) return { text: r.text, guessed: false };
  let guesses = 0;
  const h = p.y1 - p.y0;
  const cols = new Uint8Array(p.x1 - p.x0);
  for (let y = p.y0; y < p.y1; y++) for (let x = p.x0; x < p.x1; x++) if (mask[y * width + x]) cols[x - p.x0] = 1;
  // The crop reaches a little beyond the piece on each side.
  const side = (cropWidth - (p.x1 - p.x0)) / 2;
  const told: boolean[] = [];
  const out = chars.map((c, i) => {
    const half = HALF[c] ?? c;
    const closing = half in CLOSING;
    if (!closing && !(half in OPENING)) return c;
    const full = closing ? CLOSING[half]! : OPENING[half]!;
    let x = Math.round(r.at[i]! * cropWidth - side);
    x = Math.max(0, Math.min(cols.length - 1, x));
    // The mark's ink: the nearest inked column, then its run.
    let k = 0;
    while (k < h && !cols[x + k] && !cols[x - k]) k++;
    x = cols[x + k] ? x + k : x - k;
    if (!cols[x]) return c;
    let a = x;
    let b = x;
    while (a > 0 && cols[a - 1]) a--;
    while (b + 1 < cols.length && cols[b + 1]) b++;
    // White beside it, up to the next ink (the piece's edge: it cannot tell).
    let j = closing ? b + 1 : a - 1;
    while (j >= 0 && j < cols.length && !cols[j]) j += closing ? 1 : -1;
    if (j < 0 || j >= cols.length) {
      if (closing && half !== ')' && i === chars.length - 1 && i > 0 && CJK.test(chars[i - 1]!)) return full;
      return c;
    }
    told[i] = true;
    return Math.abs(j - (closing ? b : a)) - 1 >= h * 0.3 ? full : half;
  });
  // A bracket that could not be told (at the piece's edge) takes the width of its pair; one
  // whose pair could not be told either (（%） alone on a line) is a guess.
  for (let i = 0; i < out.length; i++) {
    if (told[i] || !/[()（）]/.test(out[i]!)) continue;
    guesses++;
    const closing = out[i] === ')' || out[i] === '）';
    let depth = 0;
    for (let j = i + (closing ? -1 : 1); j >= 0 && j < out.length; j += closing ? -1 : 1) {
      const o = out[j]!;
      const same = closing ? o === ')' || o === '）' : o === '(' || o === '（';
      const pair = closing ? o === '(' || o === '（' : o === ')' || o === '）';
      if (same) depth++;
      else if (pair && depth-- === 0) {
        const full = o === '（' || o === '）';
        if (told[j]) {
          out[i] = full ? (closing ? '）' : '（') : closing ? ')' : '(';
          guesses--;
        }
        break;
      }
    }
  }
  // A comma, semicolon or colon told half-width between two 汉字: Chinese text sets them full
  // width there far more often than not, and a photocopy's specks and thin ink move the white
  // the width is told by (设施齐全,运转正常). Kept as told, a guess. So too after a 汉字 at the
  // piece's end, where its line goes on in the next (工作方针, over 反映社情民意).
  // A mark whose white could not be told (no ink found at its place) is as much a guess; so is
  // one a speck read as a dot follows (机制，·充分: the speck took the white the width is told by).
  for (let i = 1; i < out.length; i++) {
    if (!/^[,;:]$/.test(out[i]!) || !CJK.test(out[i - 1]!)) continue;
    let k = i + 1;
    while (k < out.length && /^[·.'`]$/.test(out[k]!)) k++;
    if (k === out.length || CJK.test(out[k]!)) guesses++;
  }
  return { text: out.join(''), guessed: guesses > 0 };
}

/**
 * Latin letters the documents never print so: one letter alone against a 汉字 (进出口 read
 * 进出E; a grade like A级 or A类 is left alone), or a run mixing a small letter before capitals
 * (PPP read pPP). A reading holding one is a misreading of 汉字 or of the letters' case.
 */
export function implausibleLatin(text: string): boolean {
  return /(?<=[\u4e00-\u9fff])[A-Za-z](?![A-Za-z0-9级类档等])|(?<![A-Za-z0-9])[A-Za-z](?=[\u4e00-\u9fff])(?![级类档等])/u.test(text) || /[a-z][A-Z]{2}/u.test(text);
}

/** A reading made of marks alone. */
const LONE = /^[.,:;'"`·。，、：；]+$/u;

/**
 * Pieces read as marks alone (a dot, a comma) with no text beside them on their line, within
 * one and a half ems: specks of the paper the model read as marks, not text (a mark is always
 * set against a character). Their indexes.
 */
export function loneMarks(words: readonly Piece[], texts: readonly string[], em: number): Set<number> {
  const marks = (i: number) => LONE.test(texts[i]!.trim());
  const lone = (i: number) => {
    const p = words[i]!;
    return marks(i) && !words.some((q, j) => j !== i && !marks(j) && q.y0 < p.y1 + em * 0.3 && q.y1 > p.y0 - em * 0.3 && Math.max(q.x0 - p.x1, p.x0 - q.x1) < em * 1.5);
  };
  return new Set(words.map((_, i) => i).filter(lone));
}

/** Largest side of a piece, in ems, whose ink no character but a mark or a dash is as small as. */
const TINY_PIECE = 0.3;
/** A dash alone (a value cell's `-`) is as short as a speck, and kept. */
const DASHES = /^[-‐‑‒–—―－_~～]+$/u;

/**
 * Pieces whose ink is smaller than any character but a mark — a blot under a third of an em
 * either way, or a short piece of such blots alone — read as a character (a photocopy's toner
 * read 9, 0, e, 电, +): specks. A digit stands half an em tall or more, a small letter near as
 * much; marks alone are loneMarks', and a dash alone is kept. Their indexes.
 */
export function tinyPieces(words: readonly Piece[], texts: readonly string[], em: number, mask?: Uint8Array, width = 0): Set<number> {
  const tiny = (p: Piece) => Math.max(p.x1 - p.x0, p.y1 - p.y0) < em * TINY_PIECE;
  // A short piece none of whose blots is that large: specks scattered in an empty cell, read
  // as 业馆 (a character's strokes join into a blot larger than that, even on a photocopy).
  // Not where a value's sign stands (a number within three ems): a thin <= broken into dots.
  const signPlace = (p: Piece) => words.some((q, j) => q !== p && Math.max(q.x0 - p.x1, p.x0 - q.x1) < em * 3 && Math.max(q.y0 - p.y1, p.y0 - q.y1) < em * 3 && /^\d/.test(texts[j]!));
  const scattered = (p: Piece) => mask != null && p.x1 - p.x0 < em * 3 && largestBlot(mask, width, p.x0, p.y0, p.x1, p.y1) < em * TINY_PIECE && !signPlace(p);
  return new Set(
    words
      .map((_, i) => i)
      .filter((i) => texts[i]!.trim() !== '' && !LONE.test(texts[i]!.trim()) && !DASHES.test(texts[i]!.trim()) && (tiny(words[i]!) || scattered(words[i]!))),
  );
}

/**
 * Dots a speck leaves at a line's ends, where the line's own text cannot tell them
 * (`strayDots` takes them out between two 汉字 of one line): a dot ending a line whose last
 * character is a 汉字 when the line below it, starting within the line's width, opens with a
 * 汉字 (the sentence runs on: 反映办公· / 用房专项资金), and a full stop opening a line before a
 * 汉字 (.文字描述). Chinese text ends a sentence with 。, never a dot. The pieces' texts without
 * those dots.
 */
export function wrappedDots(words: readonly Piece[], texts: readonly string[], em: number): string[] {
  return texts.map((t, i) => {
    let out = t.replace(/^[.・](?=[\u4e00-\u9fff])/u, '');
    if (!/[\u4e00-\u9fff][.·・]$/u.test(out)) return out;
    const p = words[i]!;
    const below = words.some((q, j) => j !== i && q.y0 >= p.y1 - em * 0.2 && q.y0 - p.y1 < em * 0.8 && q.x0 < p.x1 && q.x1 > p.x0 && q.x0 >= p.x0 - em * 0.5 && /^[\u4e00-\u9fff]/u.test(texts[j]!));
    if (below) out = out.slice(0, -1);
    return out;
  });
}

/** Marks a line of Chinese never opens with (kinsoku: they stay at the end of the line above). */
const NEVER_OPENS = /^[，。：；、！？,:;]+(?=[\u4e00-\u9fff])/u;

/**
 * A clause mark opening a line before a 汉字 (：常年法律服务协议, 、年初预算): typesetting never
 * starts a line with one, so it is a speck read as a mark — unless the piece goes on from
 * another on its line (绩效目标 | ：…, parted at a wide gap). The pieces' texts without them.
 */
export function openingMarks(words: readonly Piece[], texts: readonly string[], em: number): string[] {
  return texts.map((t, i) => {
    if (!NEVER_OPENS.test(t)) return t;
    const p = words[i]!;
    const after = words.some((q, j) => j !== i && texts[j]!.trim() !== '' && q.x1 <= p.x0 + em * 0.2 && p.x0 - q.x1 < em * 2 && Math.min(p.y1, q.y1) - Math.max(p.y0, q.y0) > (p.y1 - p.y0) / 2);
    return after ? t : t.replace(NEVER_OPENS, '');
  });
}

/** Confidence under which one or two characters read alone outside a table are taken for specks. */
const SPECK_CONF = 0.7;

/** Whether a piece stands in a ruled cell: rules above and below it across its middle, and to each side along it. */
export function inRuledCell(p: Piece, rules: readonly PixelRule[]): boolean {
  const cx = (p.x0 + p.x1) / 2, cy = (p.y0 + p.y1) / 2;
  const across = (r: PixelRule, at: number) => r.a <= at && r.b >= at;
  return (
    rules.some((r) => r.dir === 'h' && across(r, cx) && r.pos <= p.y0) &&
    rules.some((r) => r.dir === 'h' && across(r, cx) && r.pos >= p.y1) &&
    rules.some((r) => r.dir === 'v' && across(r, cy) && r.pos <= p.x0) &&
    rules.some((r) => r.dir === 'v' && across(r, cy) && r.pos >= p.x1)
  );
}

/**
 * Pieces outside any ruled cell read as one or two characters with little confidence, with no
 * other text within two ems around: specks of a photocopy's paper or its binding's shadow
 * that the model read as 心, ae, ty. A short reading in a table cell is never taken for a
 * speck (it is kept, and its doubt said on its row); nor is a piece with text beside it.
 * Their indexes.
 */
export function strayPieces(words: readonly Piece[], readings: ReadonlyArray<{ text: string; confidence: number }>, rules: readonly PixelRule[], em: number): Set<number> {
  const weak = readings.map((r) => {
    const n = [...r.text.replace(/\s+/gu, '')].length;
    return n > 0 && n <= 2 && r.confidence < SPECK_CONF;
  });
  // Text that stands for itself: read surely enough, or longer.
  const text = words.filter((_, j) => !weak[j] && readings[j]!.text.trim() !== '');
  const near = (p: Piece, q: Piece) => Math.max(q.x0 - p.x1, p.x0 - q.x1) < em * 2 && Math.max(q.y0 - p.y1, p.y0 - q.y1) < em * 2;
  return new Set(words.map((_, i) => i).filter((i) => weak[i] && !inRuledCell(words[i]!, rules) && !text.some((q) => near(words[i]!, q))));
}

/**
 * Characters a speck of ink is read as that the documents never print as small among 汉字: a
 * dot (· . * ` ' ") or a letter. Not the clause marks (， 、 。 ； ：): a photocopy's thin ink
 * leaves a real comma's head alone in the mask, no larger than a speck.
 */
const SPECK_READ = /^[·.*`'"A-Za-z]$/u;
/** Largest side of a speck, in ems: a full stop 。, a 、 and a comma's ink stand taller or wider. */
const SPECK_SIDE = 0.18;

/**
 * Characters read from specks: the ink where the model read a dot or a letter is one blot no
 * larger than a fifth of an em either way — toner or dust beside or inside a line (反映办公·用房,
 * .文字描述, 总分20分RS). A letter's ink is taller than that; a decimal point or a numbering's
 * dot as small stands beside a digit, and is kept; so is a piece read as letters that would
 * lose every character, standing where a value's sign stands (`signPlace`: a number within
 * three ems of it, above, below or beside). A piece of dots alone goes. The ink is the connected blot
 * of the mask nearest the character's place, within the piece; a character with no ink
 * within a third of an em of its place was read from grey the page's threshold calls paper
 * (a faint smudge) and is taken out too. Returns the reading with those characters taken
 * out, and how many were.
 */
export function speckMarks(r: Recognized, p: Piece, cropWidth: number, mask: Uint8Array, width: number, em: number, signPlace: () => boolean = () => false): { text: string; at: number[]; removed: number } {
  const chars = [...r.text];
  if (r.at.length !== chars.length || !chars.some((c) => SPECK_READ.test(c))) return { text: r.text, at: r.at, removed: 0 };
  const side = (cropWidth - (p.x1 - p.x0)) / 2;
  const limit = Math.max(2, em * SPECK_SIDE);
  const ink = (x: number, y: number) => x >= p.x0 && x < p.x1 && y >= p.y0 && y < p.y1 && mask[y * width + x] === 1;
  const mid = (p.y0 + p.y1) / 2;
  /** The blot nearest column x: whether it is no larger than a speck. */
  const speckAt = (x: number): boolean | null => {
    let sx = -1;
    let sy = -1;
    for (let k = 0; k <= em * 0.35 && sx < 0; k++) {
      for (const cx of k ? [x - k, x + k] : [x]) {
        let best = Infinity;
        for (let y = p.y0; y < p.y1; y++) {
          if (ink(cx, y) && Math.abs(y - mid) < best) {
            best = Math.abs(y - mid);
            sx = cx;
            sy = y;
          }
        }
        if (sx >= 0) break;
      }
    }
    if (sx < 0) return null;
    // Flood the blot, giving up once it outgrows a speck.
    const seen = new Set<number>([sy * width + sx]);
    const stack: Array<[number, number]> = [[sx, sy]];
    let [x0, x1, y0, y1] = [sx, sx, sy, sy];
    while (stack.length) {
      const [cx, cy] = stack.pop()!;
      x0 = Math.min(x0, cx); x1 = Math.max(x1, cx); y0 = Math.min(y0, cy); y1 = Math.max(y1, cy);
      if (x1 - x0 + 1 > limit || y1 - y0 + 1 > limit) return false;
      for (let dy = -1; dy <= 1; dy++) for (let dx = -1; dx <= 1; dx++) {
        const nx = cx + dx, ny = cy + dy;
        const key = ny * width + nx;
        if ((dx || dy) && ink(nx, ny) && !seen.has(key)) {
          seen.add(key);
          stack.push([nx, ny]);
        }
      }
    }
    return true;
  };
  const keep = chars.map((c, i) => {
    if (!SPECK_READ.test(c)) return true;
    // A decimal point, a numbering's dot: beside a digit.
    if (/[.·]/u.test(c) && (/[0-9]/.test(chars[i - 1] ?? '') || /[0-9]/.test(chars[i + 1] ?? ''))) return true;
    return speckAt(Math.round(p.x0 + r.at[i]! * cropWidth - side)) === false;
  });
  const removed = keep.filter((k) => !k).length;
  // A piece of nothing but such readings, letters among them, beside a number may be a sign
  // whose thin ink broke into dots (<= read OEY by 100.00%): it stays as read, its doubt said
  // on its row.
  if (!removed || (removed === chars.length && /[A-Za-z]/.test(r.text) && signPlace())) return { text: r.text, at: r.at, removed: 0 };
  return { text: chars.filter((_, i) => keep[i]).join(''), at: r.at.filter((_, i) => keep[i]), removed };
}

/** What the model reads a faint ≥ or ≤ before a number as (≥1 read 21, ≤8 read S8, ≤ read <). */
const SIGN_MISREAD = /^[2SsZz<>≤≥](?=[0-9])/u;

/**
 * A value's sign the model read as another character, told by its ink: a reading opening with
 * 2, S, Z, <, >, ≤ or ≥ before a digit, whose first glyph stands lower than that digit (a 2
 * stands as tall), no taller, and is a chevron over a bar — the ink of the chevron's top and
 * foot on one side, its middle's on the other — is ≥ (middle right) or ≤ (middle left). A 2's
 * arc is nearer centred at its top; < and > have no bar.
 * The reading with that sign (made unsure by the caller: the model did not read it), or null
 * where the ink says nothing else.
 */
export function signGlyph(text: string, p: Piece, mask: Uint8Array, width: number, em: number): string | null {
  if (!SIGN_MISREAD.test(text)) return null;
  const inkAt = (x: number, y: number) => mask[y * width + x] === 1;
  // Runs of inked columns, left to right; specks (narrow and short) left out.
  const runs: Array<{ a: number; b: number; top: number; bottom: number }> = [];
  for (let x = p.x0; x < p.x1; ) {
    let top = -1;
    let bottom = -1;
    const a = x;
    for (; x < p.x1; x++) {
      let any = false;
      for (let y = p.y0; y < p.y1; y++) {
        if (!inkAt(x, y)) continue;
        any = true;
        if (top < 0 || y < top) top = y;
        bottom = Math.max(bottom, y + 1);
      }
      if (!any) break;
    }
    if (x > a && !(x - a < em * 0.2 && bottom - top < em * 0.2)) runs.push({ a, b: x, top, bottom });
    x++;
    if (runs.length >= 2) break;
  }
  const [g, run] = runs;
  if (!g || !run) return null;
  // The digit after it: the run's first half em (digits run together where the ink blurs).
  let [dTop, dBottom] = [p.y1, p.y0];
  for (let x = run.a; x < Math.min(run.b, run.a + em * 0.5); x++) {
    for (let y = p.y0; y < p.y1; y++) {
      if (!inkAt(x, y)) continue;
      dTop = Math.min(dTop, y);
      dBottom = Math.max(dBottom, y + 1);
    }
  }
  const d = { top: dTop, bottom: dBottom };
  const hd = d.bottom - d.top;
  const hg = g.bottom - g.top;
  // A sign's top stands lower than the digit's; a 2's does not.
  if (hd < em * 0.4 || g.top - d.top < Math.max(2, hd * 0.08) || hg > hd * 1.05 || g.bottom > d.bottom + hd * 0.15) return null;
  const w = g.b - g.a;
  const cover = (y: number) => {
    let n = 0;
    for (let x = g.a; x < g.b; x++) n += inkAt(x, y) ? 1 : 0;
    return n;
  };
  // The bar: the glyph's last rows inked over most of its width (a row of blur under it
  // aside), no more than a third of its height, under a row inked less.
  let y = g.bottom - 1;
  if (cover(y) < w * 0.6) y--;
  const barBottom = y + 1;
  while (y > g.top && cover(y) >= w * 0.6) y--;
  const barTop = y + 1;
  if (barTop >= barBottom || barBottom - barTop > hg * 0.3 || cover(barTop - 1) >= w * 0.5) return null;
  // The chevron over it: the ink of its top and its foot on one side, its middle's on the
  // other (a 2's arc is centred at its top).
  const h = barTop - g.top;
  const meanX = (from: number, to: number): number => {
    let sx = 0;
    let n = 0;
    for (let yy = Math.round(from); yy < Math.round(to); yy++) for (let x = g.a; x < g.b; x++) if (inkAt(x, yy)) { sx += x - g.a + 0.5; n++; }
    return n ? sx / n / w : NaN;
  };
  if (h < hg * 0.5) return null;
  const top = meanX(g.top, g.top + h * 0.2);
  const mid = meanX(g.top + h * 0.4, g.top + h * 0.6);
  const foot = meanX(g.top + h * 0.8, barTop);
  const sign = top < 0.33 && mid > 0.58 && foot < 0.42 ? '≥' : top > 0.67 && mid < 0.42 && foot > 0.58 ? '≤' : null;
  if (!sign) return null;
  const read = sign + text.slice([...text][0]!.length);
  return read === text ? null : read;
}

/** Confidence given to a piece whose reading the ink contradicts (under the warning threshold). */
const CONTRADICTED = 0.5;

/** A character's advance in ems, by kind (a CJK character or full-width mark takes its square). */
function advance(c: string): number {
  if (CJK.test(c) || /[（）【】《》“”‘’、。，；：？！]/.test(c)) return 1;
  if (/[0-9]/.test(c)) return 0.5;
  if (/[A-Z%＆&@#wm]/.test(c)) return 0.65;
  if (/[a-z]/.test(c)) return 0.45;
  if (/[.,:;'"!|·]/.test(c)) return 0.25;
  return 0.4;
}

/** What the ink of a piece says of its reading (inkCheck). */
export interface InkCheck {
  /** More characters read than the ink has room for at their advances. */
  tooMany: boolean;
  /** Runs of ink, [from, to) in piece columns, at least a third of an em wide, that no recognised character lies over. */
  uncovered: Array<[number, number]>;
  /** Whether each column of the piece holds ink. */
  cols: Uint8Array;
  /** Characters of a line of 汉字 after which the next stands two characters on, or the ink a character beyond the last (-1: before the first): a character or a full-width mark dropped there (skippedAt). */
  skipped: number[];
}

/** A 汉字 (not a mark). */
const IDEOGRAPH = /[\u3400-\u9fff]/u;
/** A line of 汉字 and full-width marks: its characters stand one em apart. */
const FULL_WIDTH_LINE = /^[\u3400-\u9fff（）【】《》“”‘’、。，；：？！]+$/u;

/**
 * In a line of at least eight 汉字 and full-width marks (each one em wide, so the characters
 * stand at an even pitch: the line's span over its count), two 汉字 read side by side that
 * stand 1.6 pitches apart or more had a character between them the model dropped — often a
 * full-width comma, whose ink is too small to show as uncovered; so had one before the first
 * or after the last where the ink reaches a pitch beyond them. `at` are the characters' places
 * and [inkFrom, inkTo) the line's ink, in pixels. Indexes of the first of each such pair (-1
 * for one before the first character).
 */
export function skippedAt(text: string, at: readonly number[], inkFrom: number, inkTo: number): number[] {
  const chars = [...text];
  if (chars.length < 8 || at.length !== chars.length || !FULL_WIDTH_LINE.test(text)) return [];
  const pitch = (at[at.length - 1]! - at[0]!) / (at.length - 1);
  const out: number[] = [];
  // Ink reaching more than a pitch before the first character's place or after the last's
  // (their own ink reaches half a pitch): a character there was dropped.
  if (at[0]! - inkFrom > pitch * 1.1) out.push(-1);
  if (inkTo - at[at.length - 1]! > pitch * 1.1) out.push(chars.length - 1);
  for (let i = 0; i + 1 < chars.length; i++) {
    if (IDEOGRAPH.test(chars[i]!) && IDEOGRAPH.test(chars[i + 1]!) && at[i + 1]! - at[i]! >= pitch * 1.6) out.push(i);
  }
  return out;
}

/**
 * Checks a piece's reading against its ink: a run of ink at least a third of an em wide that
 * no recognised character lies over (a character the model dropped: 修缮 read 修), or more
 * characters read than the ink has room for at their advances (a character cut in two and
 * read as two: 基础 read 基矿出). `em` is the advance of the piece's characters in pixels; a
 * character's place is where the model read it (its share of the crop).
 */
export function inkCheck(r: Recognized, p: Piece, cropWidth: number, mask: Uint8Array, width: number, em: number): InkCheck {
  const chars = [...r.text];
  const w = p.x1 - p.x0;
  const cols = new Uint8Array(w);
  for (let y = p.y0; y < p.y1; y++) for (let x = p.x0; x < p.x1; x++) if (mask[y * width + x]) cols[x - p.x0] = 1;
  let first = 0;
  while (first < w && !cols[first]) first++;
  let last = w - 1;
  while (last >= 0 && !cols[last]) last--;
  if (last < first || r.at.length !== chars.length) return { tooMany: false, uncovered: [], cols, skipped: [] };
  // Too many characters for the ink: set at their advances they reach over half a character beyond it.
  const need = (chars.reduce((n, c) => n + advance(c), 0) - 0.15) * em;
  const tooMany = need > last - first + 1 + em * 0.6;
  // Ink no character covers: each character covers its own width around where it was read.
  const side = (cropWidth - w) / 2;
  const covered = new Uint8Array(w);
  chars.forEach((c, i) => {
    const at = r.at[i]! * cropWidth - side;
    const half = Math.max(advance(c), 0.3) * em * 0.65;
    for (let x = Math.max(0, Math.floor(at - half)); x <= Math.min(w - 1, Math.ceil(at + half)); x++) covered[x] = 1;
  });
  const uncovered: Array<[number, number]> = [];
  let start = -1;
  for (let x = 0; x <= w; x++) {
    if (x < w && cols[x] && !covered[x]) {
      if (start < 0) start = x;
      continue;
    }
    // Ink within a fifth of an em after the run continues it (a character's own inner white).
    if (start >= 0 && x < w && !cols[x]) {
      let k = x;
      while (k < w && k - x < em * 0.2 && !cols[k]) k++;
      if (k < w && cols[k] && !covered[k]) {
        x = k - 1;
        continue;
      }
    }
    if (start >= 0 && x - start >= em * 0.35) uncovered.push([start, x]);
    start = -1;
  }
  // Ink standing apart before a reading's first digit — a sign the model dropped (≤100% read
  // 100%) — is narrower than a run no character covers: the digit's own width covers half of
  // it. The digit's ink is the run of inked columns at its place; ink before that run, apart
  // from it, as tall as a quarter of an em and not a speck, is a character not read.
  if (/^[0-9]/.test(chars[0]!) && !uncovered.length) {
    // The inked column nearest the digit's place, within a third of an em.
    const place = Math.round(r.at[0]! * cropWidth - side);
    let at = -1;
    for (let k = 0; k <= em * 0.3 && at < 0; k++) at = cols[place - k] ? place - k : cols[place + k] ? place + k : -1;
    if (at >= 0) {
      let a = at;
      while (a > 0 && cols[a - 1]) a--;
      if (a - first >= em * 0.15 && largestBlot(mask, width, p.x0 + first, p.y0, p.x0 + a - 1, p.y1) >= em * 0.25) uncovered.push([first, a]);
    }
  }
  const skipped = skippedAt(r.text, r.at.map((a) => a * cropWidth - side), first, last + 1);
  return { tooMany, uncovered, cols, skipped };
}

/** A connected blot of ink: its box, [x0, x1) × [y0, y1). */
interface Blot {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

/** The connected blots of ink inside [x0, x1) × [y0, y1) of the mask, top to bottom. */
function blotsIn(mask: Uint8Array, width: number, x0: number, y0: number, x1: number, y1: number): Blot[] {
  const w = x1 - x0;
  const seen = new Uint8Array(Math.max(0, w * (y1 - y0)));
  const out: Blot[] = [];
  for (let y = y0; y < y1; y++) {
    for (let x = x0; x < x1; x++) {
      if (!mask[y * width + x] || seen[(y - y0) * w + x - x0]) continue;
      const b = { x0: x, y0: y, x1: x + 1, y1: y + 1 };
      const stack: Array<[number, number]> = [[x, y]];
      seen[(y - y0) * w + x - x0] = 1;
      while (stack.length) {
        const [cx, cy] = stack.pop()!;
        b.x0 = Math.min(b.x0, cx); b.x1 = Math.max(b.x1, cx + 1); b.y0 = Math.min(b.y0, cy); b.y1 = Math.max(b.y1, cy + 1);
        for (let dy = -1; dy <= 1; dy++) for (let dx = -1; dx <= 1; dx++) {
          const nx = cx + dx, ny = cy + dy;
          if (nx < x0 || nx >= x1 || ny < y0 || ny >= y1 || !mask[ny * width + nx]) continue;
          const k = (ny - y0) * w + nx - x0;
          if (seen[k]) continue;
          seen[k] = 1;
          stack.push([nx, ny]);
        }
      }
      out.push(b);
    }
  }
  return out.sort((a, b) => a.y0 - b.y0);
}

/** The largest side of the largest connected blot of ink inside [x0, x1) × [y0, y1) of the mask. */
function largestBlot(mask: Uint8Array, width: number, x0: number, y0: number, x1: number, y1: number): number {
  return Math.max(0, ...blotsIn(mask, width, x0, y0, x1, y1).map((b) => Math.max(b.x1 - b.x0, b.y1 - b.y0)));
}

/** Whether the ink of a piece contradicts its reading (inkCheck). */
export function inkContradicts(r: Recognized, p: Piece, cropWidth: number, mask: Uint8Array, width: number, em: number): boolean {
  const c = inkCheck(r, p, cropWidth, mask, width, em);
  return c.tooMany || c.uncovered.length > 0 || c.skipped.length > 0;
}

/**
 * A piece's crop with room around it. Ink in that room that is another piece's (the next
 * character of the line where the cut parted them) is made paper: the model reads what the
 * crop shows, and read the edge of 德 beside a piece holding 承 alone as 承德 (承德德高新区,
 * 会费费 on a photocopy). `others`: the pieces near it.
 */
export function pieceCrop(grey: Gray, p: Piece, others: readonly Piece[], x0: number, y0: number, x1: number, y1: number): Gray {
  const c = crop(grey, x0, y0, x1, y1);
  const a = Math.max(0, Math.floor(x0));
  const b = Math.max(0, Math.floor(y0));
  for (const q of others) {
    if (q === p || q.x1 <= a || q.x0 >= a + c.width || q.y1 <= b || q.y0 >= b + c.height) continue;
    for (let gy = Math.max(q.y0, b); gy < Math.min(q.y1, b + c.height); gy++) {
      for (let gx = Math.max(q.x0, a); gx < Math.min(q.x1, a + c.width); gx++) {
        if (gx >= p.x0 && gx < p.x1 && gy >= p.y0 && gy < p.y1) continue;
        c.data[(gy - b) * c.width + (gx - a)] = 255;
      }
    }
  }
  return c;
}

/**
 * Reads a page bitmap at `dpi` whose page box is `heightPt` points tall (the page's origin
 * is its top-left corner in the bitmap).
 */
export async function readScan(scanned: Gray, dpi: number, heightPt: number): Promise<ScanPage> {
  const nominal = (dpi * BODY_PT) / 72;
  // Paper made white and grey ink black before the ink is told from the paper (uneven
  // light, a photocopy's grey, the shadow at the binding).
  const page = flatten(scanned, nominal * 4);
  const threshold = otsu(page);
  let img = page;
  let mask = binarize(img, threshold);
  const skew = skewOf(mask, img);
  if (Math.abs(skew) >= MIN_SKEW) {
    img = rotate(img, skew);
    mask = binarize(img, threshold);
  }
  // A photographed page (perspective, a bowed sheet): its lines straightened where they bend.
  const straight = dewarp(img, mask, nominal);
  if (straight) {
    img = straight;
    mask = binarize(img, threshold);
  }
  // Its vertical lines stood upright where the perspective leans them.
  const lean = leanOf(mask, img.width, img.height, dpi);
  if (lean) {
    img = upright(img, lean);
    mask = binarize(img, threshold);
  }
  // Specks smaller than a full stop (scan noise, dust) are paper; so is ink reaching the edge.
  const speck = Math.max(3, Math.round((nominal * 0.1) ** 2));
  const specks = despeckle(mask, img.width, img.height, speck);
  clearEdges(mask, img.width, img.height);
  const inked = mask.slice();
  const rules = alignRules(findRules(mask, img.width, img.height, dpi, lean != null), Math.max(2, Math.round(dpi / 50)));
  // A page peppered with specks (a photocopy's toner, grain): a 3 × 3 median of the grey takes
  // away specks of a pixel or two — those left in the mask by the clearing above, and those
  // beside characters that would be read as marks — before ink is told from paper again. The
  // rules are found before (a thin rule would not outlive the median) and cleared again after.
  if (specks > (img.width * img.height * NOISY_SPECKS) / 1e6) {
    img = median3(img);
    const smooth = binarize(img, threshold);
    despeckle(smooth, img.width, img.height, speck);
    clearEdges(smooth, img.width, img.height);
    for (let i = 0; i < smooth.length; i++) if (inked[i] && !mask[i]) smooth[i] = 0;
    mask = smooth;
  }
  // Cut at the nominal text size; cut again at the page's own where that differs much
  // (cutting clears dot leaders from the mask: the second cut starts from the mask before).
  const uncut = mask.slice();
  let pieces = textPieces(mask, img.width, img.height, nominal, rules);
  const em = textSize(pieces, nominal, mask, img.width);
  if (em !== nominal) {
    mask.set(uncut);
    pieces = textPieces(mask, img.width, img.height, em, rules);
  }
  // What was cleared from the mask (rules, dot leaders) becomes paper in the grey image too,
  // so no crop shows a piece of rule or a stray dot.
  const clean = new Uint8Array(img.data);
  for (let i = 0; i < clean.length; i++) if (!mask[i] && clean[i]! <= threshold) clean[i] = 255;
  const grey: Gray = { width: img.width, height: img.height, data: clean };
  const words = pieces.filter((p) => !p.leader);
  // Margins of an eighth of the line's height (the recognizer reads a snug crop best); a
  // character or two alone a little more room on the sides.
  // A crop is never less tall than the page's characters: a line of flat characters (一, 四,
  // 工) cut to its ink would be enlarged into characters far wider than high, which the model
  // reads as two (础 as 石 and 出).
  const crops = words.map((p) => {
    const ink = p.y1 - p.y0;
    const h = Math.max(ink, Math.min(em * 0.95, ink * 2));
    const pad = Math.max(2, Math.round(h * 0.12)) + (h - ink) / 2;
    const side = p.x1 - p.x0 < h * 1.5 ? Math.round(h * 0.2) : Math.max(2, Math.round(h * 0.12));
    return pieceCrop(grey, p, words, p.x0 - side, p.y0 - pad, p.x1 + side, p.y1 + pad);
  });
  const texts = await recognize(crops);
  // The characters' advance: in a line with 汉字 about the line's ink height; digits and Latin are shorter than the page's em.
  // A piece a little taller than the page's usual line of 汉字 (a speck above or below it, a
  // bracket) holds characters of the usual size: its advance is theirs.
  const cjkHeights = words
    .filter((_, i) => texts[i]!.confidence >= SURE && [...texts[i]!.text].filter((c) => CJK.test(c)).length >= 4)
    .map((p) => p.y1 - p.y0)
    .sort((a, b) => a - b);
  const usualCjk = cjkHeights.length >= 5 ? cjkHeights[cjkHeights.length >> 1]! : 0;
  const sizeOf = (p: Piece, text: string) => {
    const h = p.y1 - p.y0;
    if (!CJK.test(text)) return Math.min(em, h / 0.7);
    return (usualCjk && h > usualCjk && h < usualCjk * 1.4 ? usualCjk : h) * 0.97;
  };
  const contradicted = (i: number) => inkContradicts(texts[i]!, words[i]!, crops[i]!.width, mask, img.width, sizeOf(words[i]!, texts[i]!.text));
  // A short piece (a symbol, a number, a character or two) read with doubt — unsure, or with
  // ink no character covers — is read again in two other crops — cut to its ink, and snug
  // above and below with room on the sides — and the surest reading kept: the model drops
  // marks like <= in one crop or another. Readings that disagree make the piece uncertain,
  // whichever is kept.
  const short = words
    .map((_, i) => i)
    .filter((i) => words[i]!.x1 - words[i]!.x0 < (words[i]!.y1 - words[i]!.y0) * 2.5 && (texts[i]!.confidence < SURE || contradicted(i)));
  const variants = [
    (p: Piece) => pieceCrop(grey, p, words, p.x0 - 1, p.y0 - 1, p.x1 + 1, p.y1 + 1),
    (p: Piece) => pieceCrop(grey, p, words, p.x0 - Math.round((p.y1 - p.y0) * 0.4), p.y0, p.x1 + Math.round((p.y1 - p.y0) * 0.4), p.y1),
  ];
  recognitionStats.rereads += short.length;
  for (const variant of variants) {
    const again = await recognize(short.map((i) => variant(words[i]!)));
    short.forEach((i, k) => {
      const r = again[k]!;
      const was = texts[i]!;
      const disagree = r.text !== '' && was.text !== '' && r.text !== was.text;
      const best = r.text && (r.confidence > was.confidence || !was.text) ? r : was;
      texts[i] = disagree ? { ...best, confidence: Math.min(best.confidence, UNSURE) } : best;
      if (best === r) crops[i] = variant(words[i]!);
    });
  }
  // 二 standing alone just before a number is the = of a value written "= 100.00%".
  words.forEach((p, i) => {
    if (texts[i]!.text !== '二') return;
    const next = words.findIndex((q, j) => j !== i && q.x0 >= p.x1 && q.x0 - p.x1 < em * 2.5 && Math.min(p.y1, q.y1) - Math.max(p.y0, q.y0) > (p.y1 - p.y0) / 2);
    if (next >= 0 && /^\d/.test(texts[next]!.text)) texts[i] = { ...texts[i]!, text: '=' };
  });
  words.forEach((p, i) => {
    const r = texts[i]!;
    const bad = contradicted(i);
    const odd = implausibleLatin(r.text);
    const marks = markWidths(r, p, crops[i]!.width, mask, img.width);
    const confidence = Math.min(r.confidence, bad ? CONTRADICTED : 1, odd || marks.guessed ? UNSURE : 1);
    // Asked only of a piece that would lose every character to specks.
    const signPlace = () => words.some((q, j) => j !== i && Math.max(q.x0 - p.x1, p.x0 - q.x1) < em * 3 && Math.max(q.y0 - p.y1, p.y0 - q.y1) < em * 3 && /^\d/.test(texts[j]!.text));
    const unspecked = speckMarks({ ...r, text: marks.text }, p, crops[i]!.width, mask, img.width, em, signPlace);
    const sign = signGlyph(unspecked.text, p, mask, img.width, em);
    texts[i] = sign == null ? { ...r, text: unspecked.text, at: unspecked.at, confidence } : { ...r, text: sign, at: unspecked.at, confidence: Math.min(confidence, UNSURE) };
  });
  const pt = 72 / dpi;
  const items: Item[] = [];
  // Ink height varies with the characters a line holds (digits are shorter than 汉字, brackets
  // reach above and below them): lines from 0.6 to 1.4 times the page's usual height are taken
  // to be in its usual font size, so line pitch and paragraph rules see one body size as they
  // do in a PDF.
  const heights = words.filter((_, i) => [...texts[i]!.text].length >= 4).map((p) => p.y1 - p.y0);
  const usual = heights.length ? heights.sort((a, b) => a - b)[heights.length >> 1]! : 0;
  const leaders = pieces.filter((p) => p.leader);
  // A dot of a leader next to the text is read with it: it belongs to the leader.
  const nextTo = (p: Piece, side: 'left' | 'right') =>
    leaders.some((l) => l.y0 < p.y1 && l.y1 > p.y0 && (side === 'right' ? Math.abs(l.x0 - p.x1) < em : Math.abs(p.x0 - l.x1) < em));
  /** The text item of a piece `h` pixels high. */
  const item = (p: Piece, str: string, h: number, conf?: number): Item => {
    // CJK ink fills about 0.9 of the em and sits a little below the baseline.
    const size = (h * pt) / 0.9;
    const bottom = heightPt - p.y1 * pt;
    return { str, x: p.x0 * pt, y: bottom + size * 0.1, w: (p.x1 - p.x0) * pt, size, ...(conf == null ? {} : { conf }) };
  };
  const noise = new Set([...loneMarks(words, texts.map((t) => t.text), em), ...tinyPieces(words, texts.map((t) => t.text), em, mask, img.width), ...strayPieces(words, texts, rules, em)]);
  const undotted = openingMarks(words, wrappedDots(words, texts.map((t) => t.text), em), em);
  words.forEach((_, i) => {
    if (undotted[i] !== texts[i]!.text) texts[i] = { ...texts[i]!, text: undotted[i]! };
  });
  words.forEach((p, i) => {
    if (noise.has(i)) return;
    const r = texts[i]!;
    if (nextTo(p, 'right')) r.text = r.text.replace(/[.。·…]+$/u, '');
    if (nextTo(p, 'left')) r.text = r.text.replace(/^[.。·…]+/u, '');
    r.text = strayDots(unspaced(r.text));
    if (r.text.trim() === '') return;
    const ink = p.y1 - p.y0;
    items.push(item(p, r.text, usual && ink > usual * 0.6 && ink < usual * 1.4 ? usual : ink, r.confidence));
  });
  // A row of dots with no text on its line is a speck trail, not a leader (a leader runs from a title to its page).
  const kept = words.filter((_, i) => !noise.has(i) && texts[i]!.text.trim() !== '');
  for (const l of leaders) if (kept.some((p) => p.y0 < l.y1 && p.y1 > l.y0)) items.push(item(l, '……', usual || l.y1 - l.y0));
  const segments: Segment[] = rules.map((r) =>
    r.dir === 'h'
      ? { dir: 'h', pos: heightPt - r.pos * pt, a: r.a * pt, b: (r.b + 1) * pt }
      : { dir: 'v', pos: r.pos * pt, a: heightPt - (r.b + 1) * pt, b: heightPt - r.a * pt },
  );
  return { items, segments };
}
