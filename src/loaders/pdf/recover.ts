/**
 * Text of fonts without a Unicode map, read from the shapes of their glyphs.
 *
 * A print driver's round trip (PDF → PostScript → PDF) brings CJK fonts back without their
 * ToUnicode maps: the pages still draw every character, but the text layer is garbage.
 * Instead of reading whole pages by OCR, each distinct glyph of such a font is recognised
 * once — drawn alone from its outline (glyphs.ts), many side by side in one line image, and
 * read by the project's PP-OCRv4 recogniser one character a glyph (`readSpans`) — and the
 * font's text is rebuilt from those readings in pdf.js's own text items, so the page goes
 * through the normal text-layer path with its positions intact.
 *
 * - Which fonts: fonts.ts judges each font of a page by the characters pdf.js gives its
 *   glyphs; a suspect font is unmapped when the readings of its shapes disagree with them.
 * - Readings are kept by outline key for the whole document: a glyph used by several fonts
 *   (a PostScript driver splits one font into many of 255 glyphs) or pages is read once.
 * - A glyph read alone that is not a 汉字 read with near certainty (digits, Latin letters,
 *   punctuation, which the recogniser tells apart by their neighbours) is read again in its
 *   places on the page, among its neighbours as drawn, and the readings vote.
 * - Full- and half-width forms are told by the glyph's advance (， against ,).
 * - A glyph still unsure keeps its best reading with its low confidence (its rows say so);
 *   a page where too many are unsure, or whose unmapped glyphs have no outline, is read by
 *   OCR instead (the loader says which pages).
 */
import type { Glyph, FontInfo, WalkedGlyph } from './clip.js';
import { type FontGlyph, sameChar, suspicion } from './fonts.js';
import { type FontObject, type LineGlyph, type Outline, LINE_EM, drawLine, inkBox, isBlank, outlineKey, outlineOf, signOf } from './glyphs.js';
import { type SpanReading, readSpans } from '../../ocr/recognize.js';
import { type OcrMode, ocrAvailable } from '../../ocr/index.js';
import { type Message, message, pagePlace } from '../../diagnostics.js';

/** A text item as pdf.js gives it. */
export interface RawItem {
  str: string;
  transform: number[];
  width: number;
  fontName?: string;
  /** Recognition confidence of text read from glyph shapes. */
  conf?: number;
  [k: string]: unknown;
}

/** What this module needs of a pdf.js page. */
export interface GlyphPage {
  view: number[];
  commonObjs: { has(id: string): boolean; get(id: string): unknown };
}

type Font = FontInfo & FontObject & { name?: string };

/** A glyph's text, as read from its shape. */
export interface Reading {
  text: string;
  conf: number;
  sure: boolean;
  /** The font's empty box (.notdef), drawn for characters it lost: no text to read. */
  lost?: boolean;
}

/** Codes of one font drawing one shape, from which that shape is taken as the font's empty box. */
const BOX_CODES = 3;

/** Glyphs drawn side by side in one line image, where in it (in sizes of text) each stands, and which of them are to be read. */
interface Line {
  glyphs: LineGlyph[];
  width: number;
  spans: Array<[number, number]>;
  /** The glyph read (its index), when one glyph among its neighbours is; else each. */
  target?: number;
}

/** One reading of a glyph, and what it counts for. */
export interface Vote {
  char: string;
  p: number;
  weight: number;
}

/** One glyph drawn on the page. */
interface Occ {
  w: WalkedGlyph;
  font: Font | null;
  /** The glyph within its font. */
  id: string;
  /** The text item holding it (-1: none). */
  item: number;
  /** The size of the text it stands in (its item's). */
  size: number;
  /** Its advance on the page. */
  adv: number;
  outline?: Outline | null;
  key?: string;
}

/**
 * Distinct glyphs one document may send to the recogniser (each read alone once, and some
 * again among their neighbours): a budget of work, not of time. A budget text uses one to
 * three thousand distinct characters; a document past this is read by OCR page by page
 * instead, each page counted against the file's time limit as it is sent.
 */
export const MAX_GLYPHS = 12_000;

/** Glyphs drawn alone in one line image. */
const PER_LINE = 24;
/** White between glyphs drawn alone, in sizes of text. */
const GAP = 0.3;
/** Neighbours drawn on each side of a glyph read again in its place. */
const CONTEXT = 4;
/** White between neighbours a glyph is still read among, in sizes of text. */
const CONTEXT_GAP = 4;
/** Places on the page a 汉字 read alone without certainty is read again in; other characters. */
const PLACES = 2;
const PLACES_OTHER = 4;
/** What a reading alone of a character other than a 汉字 counts for against a reading among neighbours. */
const ALONE_WEIGHT = 0.5;
/** The most confidence an unsettled reading is given (under the row warning's threshold). */
const UNSURE = 0.85;
/** A glyph read alone as a 汉字 at least this likely is taken as read. */
const SURE_HANZI = 0.95;
/** The least likelihood one of several agreeing readings must reach for them to settle a glyph. */
const LIKELY = 0.5;
/** Confidence given to a reading the votes settle. */
const SETTLED = 0.97;
/** Glyphs of a font not suspect itself read to check it, once the document has shown an unmapped font. */
const SAMPLE = 4;
/** Share of a font's glyphs whose readings must match its characters for the font to be mapped after all. */
const MAPPED_AGREEMENT = 0.7;
/** Glyphs a Type 3 font must show for its own em to be measured; the share of an em its tall glyphs' ink reaches. */
const TALLEST_OF = 5;
const TALLEST_EM = 0.9;
/** pdf.js puts a space between glyphs further apart than this share of the font size. */
const SPACE_GAP = 0.102;

const HANZI = /^[\u3400-\u4DBF\u4E00-\u9FFF\uF900-\uFAFF]$/u;

/** Marks printed in either width (the same shape at another place in its box), and their full-width forms. */
const FULL: Record<string, string> = { ',': '，', ';': '；', ':': '：', '!': '！', '?': '？', '(': '（', ')': '）', '-': '一', '<': '＜', '>': '＞', '=': '＝' };
/** The advance (in sizes of text) from which a glyph is a full-width form: CJK fonts draw them a whole em wide. */
const FULL_EM = 0.9;
/** The same for a Type 3 font, whose size is estimated from its neighbours or its glyphs. */
const FULL_EM_TYPE3 = 0.8;
/**
 * Marks whose full-width form is another shape than the half-width one, read for it on a
 * glyph filling its em: a Latin font's % is at most 0.95 em wide (DejaVu), a CJK font's ％ a
 * whole em; a superscript digit is never a whole em wide, the unit sign ㎡ is.
 */
const WIDE: Record<string, string> = { '%': '％', '²': '㎡', '³': '㎥' };
/** The advance (in sizes of text) from which a glyph fills its em. */
const WHOLE_EM = 0.97;
/** Characters the recogniser reads for a mark of the same shape that budget texts are written with: the radical 丶 for the enumeration comma 、. */
const MISTAKEN: Record<string, string> = { 丶: '、' };
/** Forms a recogniser reads in the other width on a half-width glyph. */
const HALF: Record<string, string> = { 一: '-', 二: '=', '—': '-', '、': ',', '〔': '(', '〕': ')', '【': '[', '】': ']' };

/**
 * The reading as the glyph is drawn, where its size tells what the recogniser cannot (a
 * character it mistakes for a mark of the same shape taken back first: 丶 is 、):
 * - width: a mark read on a glyph a whole em wide is its full-width form (，（）＝), a full-width
 *   form read on a narrower glyph its ASCII twin (a dash a whole em wide is 一; DejaVu Sans draws
 *   < = > 0.84 em wide, and the recogniser reads them ＜ ＝ ＞); a straight
 *   quotation mark on a whole em is a full-width one, which stands at one side of its box: at
 *   the right an opening one (“), at the left a closing one (”);
 * - height: a Latin letter whose two cases differ in size only (c/C, o/O, p/P …) is lower case
 *   when its ink stays under the middle of the em (x-height), upper case above it; o/O/0 drawn
 *   that tall is a digit when narrow.
 */
function asDrawn(read: string, o: Occ, oneWidth = false): string {
  const ch = MISTAKEN[read] ?? read;
  const ratio = o.size > 0 ? o.adv / o.size : 1;
  if (ch.length !== 1) return ch;
  const c = ch.charCodeAt(0);
  const ink = o.outline ? inkBox(o.outline) : null;
  if (ink && CASES.includes(ch.toLowerCase()) && o.size > 0 && ratio < 0.8) {
    // The ink's top above the baseline, in ems, with the glyph turned upright on its line.
    const { top } = inkRise(o)!;
    if (top < X_HEIGHT) return ch.toLowerCase();
    // O and 0 differ in width alone: a narrow one is the digit; else the recogniser's choice
    // stands — and in a font drawing every narrow character in one width (a CJK font's
    // half-width Latin: O as narrow as 0), where width tells nothing.
    if (/[oO0]/u.test(ch)) return ratio < 0.6 && !oneWidth ? '0' : ch === '0' ? '0' : 'O';
    return ch.toUpperCase();
  }
  if (ratio < 0.7) {
    if (c >= 0xff01 && c <= 0xff5e) return String.fromCharCode(c - 0xfee0);
    return HALF[ch] ?? ch;
  }
  // Wider than half an em, narrower than a whole one: a Latin font's wide mark (DejaVu Sans
  // draws < = > 0.84 em wide), never a full-width form, which fills its em.
  // A Type 3 font's size is estimated (sizeGlyphs), so its full-width forms may measure less.
  if (ratio < (o.font?.isType3Font ? FULL_EM_TYPE3 : FULL_EM)) return c >= 0xff01 && c <= 0xff5e ? String.fromCharCode(c - 0xfee0) : ch;
  const quote = QUOTES[ch];
  if (quote && ink) {
    const advance = (o.w.glyph.width ?? 0) * (o.font?.fontMatrix?.[0] ?? 0.001);
    if (advance > 0) return (ink.x0 + ink.x1) / 2 > advance / 2 ? quote[0] : quote[1];
  }
  if (WIDE[ch] && ratio >= WHOLE_EM && !o.font?.isType3Font) return WIDE[ch];
  return FULL[ch] ?? ch;
}

/** Curly quotation marks, opening and closing, by the straight mark a recogniser reads for them. */
const CURLY: Record<string, readonly [string, string]> = { '"': ['“', '”'], "'": ['‘', '’'] };

/**
 * Straight quotation marks read for curly ones: the recogniser hardly tells a narrow ” (a Latin
 * font's) from ", but on its line the mark after an opening “ (or before a closing ”), with no
 * other mark of its kind between, is its partner. The glyphs' texts (`text`, by occurrence)
 * along each line; the partners found, by occurrence.
 */
export function pairQuotes<T>(line: ReadonlyArray<{ o: T; text: string }>): Map<T, string> {
  const out = new Map<T, string>();
  for (const [straight, [open, close]] of Object.entries(CURLY)) {
    const marks = line.filter((g) => g.text === straight || g.text === open || g.text === close);
    marks.forEach((g, k) => {
      if (g.text !== straight) return;
      if (marks[k - 1]?.text === open) out.set(g.o, close);
      else if (marks[k + 1]?.text === close) out.set(g.o, open);
    });
  }
  return out;
}

/** Occurrences of recognised glyphs grouped into lines (level text), each along its baseline. */
function glyphLines(occs: readonly Occ[]): Occ[][] {
  const level = occs.filter((o) => Math.abs(o.w.at[1]!) < 1e-3 * Math.abs(o.w.at[0]!) && o.size > 0);
  const sorted = [...level].sort((a, b) => b.w.at[5]! - a.w.at[5]! || a.w.at[4]! - b.w.at[4]!);
  const lines: Occ[][] = [];
  for (const o of sorted) {
    const line = lines[lines.length - 1];
    if (line && Math.abs(line[0]!.w.at[5]! - o.w.at[5]!) < o.size * 0.3) line.push(o);
    else lines.push([o]);
  }
  return lines.map((l) => l.sort((a, b) => a.w.at[4]! - b.w.at[4]!));
}

/** Glyphs narrower than this (ems) are a font's narrow characters: Latin letters, digits, marks. */
const NARROW = 0.8;

/**
 * The fonts of a page that draw every narrow character they hold in one width (three glyphs or
 * more, all within 0.02 em): a CJK font's half-width Latin, where O is as narrow as 0.
 */
function oneWidthFonts(occs: readonly Occ[]): Set<string> {
  const widths = new Map<string, Map<string, number>>();
  for (const o of occs) {
    const ratio = o.size > 0 ? o.adv / o.size : 0;
    if (!(ratio > 0) || ratio >= NARROW) continue;
    let m = widths.get(o.w.font);
    if (!m) widths.set(o.w.font, (m = new Map()));
    m.set(o.id, ratio);
  }
  const out = new Set<string>();
  for (const [font, m] of widths) {
    const rs = [...m.values()];
    if (rs.length >= 3 && Math.max(...rs) - Math.min(...rs) <= 0.02) out.add(font);
  }
  return out;
}

/** The ink's bottom and top above the baseline, in ems, with the glyph turned upright on its line (null: no ink). */
function inkRise(o: Occ): { bottom: number; top: number } | null {
  const ink = o.outline ? inkBox(o.outline) : null;
  if (!ink || !(o.size > 0)) return null;
  const [, b, , d] = shapeOf(o, o.size);
  const ys = [b * ink.x0 + d * ink.y0, b * ink.x1 + d * ink.y0, b * ink.x0 + d * ink.y1, b * ink.x1 + d * ink.y1];
  return { bottom: Math.min(...ys), top: Math.max(...ys) };
}

/** Ink this far above the baseline (ems) is raised: a superscript, no letter or digit on the line. */
const RAISED = 0.2;
/** Ink this far below the baseline (ems) is a descender, which capitals and digits do not have. */
const DESCENDS = 0.06;
const SUPERSCRIPT: Record<string, string> = { '1': '¹', '2': '²', '3': '³' };

/**
 * A reading checked against where the glyph's ink stands on its line: a digit raised off the
 * baseline is its superscript (m², as the producer set it); a letter or another digit raised
 * so, or a capital or digit reaching below the baseline (≦ read as M), is not what the
 * recogniser took it for, and stays unsure (its row says so).
 */
export function asInked(r: Reading, rise: { bottom: number; top: number } | null): Reading {
  if (!/^[A-Za-z0-9]$/u.test(r.text) || !rise) return r;
  if (rise.bottom > RAISED) return SUPERSCRIPT[r.text] ? { ...r, text: SUPERSCRIPT[r.text]! } : { ...r, conf: Math.min(r.conf, UNSURE), sure: false };
  if (/^[A-IK-PR-Z0-9]$/u.test(r.text) && rise.bottom < -DESCENDS) return { ...r, conf: Math.min(r.conf, UNSURE), sure: false };
  return r;
}

/** How far (ems) a relation sign's ink may stand under the baseline, and over it. */
const SIGN_BOTTOM = -0.15;
const SIGN_TOP = 0.85;

/**
 * The reading of a glyph whose shape is a relation sign (glyphs.ts signOf: < > ≤ ≥ ≦ ≧ =)
 * standing where such a sign stands on its line: that sign, in the width the glyph is drawn
 * in, sure. The recogniser reads a sign alone in its cell as V, √, M or ² (and has no ≦ or
 * ≧ at all); the shape leaves no doubt.
 */
function bySign(r: Reading, o: Occ, rise: { bottom: number; top: number } | null): Reading {
  const sign = o.outline ? signOf(o.outline) : null;
  // A 汉字 read with certainty stays one (二 is two bars too).
  if (!sign || !rise || rise.bottom < SIGN_BOTTOM || rise.top > SIGN_TOP || (r.sure && HANZI.test(r.text))) return r;
  const text = asDrawn(sign, o);
  return r.text === text && r.sure ? r : { text, conf: Math.max(SETTLED, r.text === text ? r.conf : 0), sure: true };
}

/** Marks that stand low on the line, and how high their ink may reach (ems). */
const LOW_MARKS = '.,_';
const LOW_TOP = 0.4;

/** Whether a character could draw ink where the glyph's ink stands (null: no ink to judge by). */
export function fitsInk(ch: string, rise: { bottom: number; top: number } | null): boolean {
  if (!rise) return true;
  if (LOW_MARKS.includes(ch)) return rise.top < LOW_TOP;
  if (/^[A-IK-PR-Z0-9]$/u.test(ch)) return rise.bottom >= -DESCENDS && rise.bottom <= RAISED;
  return true;
}

/** Latin letters whose cases differ in size only (and 0, told from o and O so). */
const CASES = 'cosuvwxzp0';
/** The top of lower-case ink, in ems: x-height is about 0.45–0.5, cap height 0.65–0.72. */
const X_HEIGHT = 0.56;

/** Quotation marks, opening and closing. */
const QUOTES: Record<string, readonly [string, string]> = { '"': ['“', '”'], "'": ['‘', '’'] };

/** Whether pdf.js's text items leave the character out as white space. */
function blankChar(s: string): boolean {
  return s.trim() === '';
}

function glyphId(font: Font | null, g: Glyph): string {
  return font?.isType3Font ? `t3:${g.operatorListId ?? ''}` : `c:${g.fontChar ?? ''}`;
}

/** Unit vector along a text matrix's baseline. */
function dirOf(t: ArrayLike<number>): [number, number] {
  const l = Math.hypot(t[0]!, t[1]!) || 1;
  return [t[0]! / l, t[1]! / l];
}

/** The glyph's 2×2 em → line matrix for a line `size` high, its baseline turned level. */
function shapeOf(o: Occ, size: number): LineGlyph['shape'] {
  const [c, s] = dirOf(o.w.at);
  const [a0, a1, a2, a3] = o.w.at;
  return [(c * a0 + s * a1) / size, (-s * a0 + c * a1) / size, (c * a2 + s * a3) / size, (-s * a2 + c * a3) / size];
}

/** Where the origin of matrix `m` stands along the baseline of `ref` (a glyph's or an item's), and off it. */
function alongRef(m: ArrayLike<number>, ref: ArrayLike<number>): { x: number; y: number } {
  const [c, s] = dirOf(ref);
  const dx = m[4]! - ref[4]!, dy = m[5]! - ref[5]!;
  return { x: dx * c + dy * s, y: -dx * s + dy * c };
}

/** Where a glyph's origin stands along another glyph's (or item's) baseline, and off it. */
function along(o: Occ, ref: ArrayLike<number>): { x: number; y: number } {
  return alongRef(o.w.at, ref);
}

/** Glyphs recognised and line images read by this process so far (for the eval's figures). */
export const glyphStats = { glyphs: 0, lines: 0 };

/**
 * Whether a font judged by the readings of its shapes is unmapped (null: not decided yet).
 * `read` inked glyphs were read, `agree` of them as pdf.js's characters, `boxes` are the font's
 * empty box; `suspect`: the font was read in full for its characters' sake (not sampled).
 *
 * - Nothing read, the document's budget of glyphs spent: a suspect font is unmapped (its pages
 *   go to OCR); another stays undecided (its text as it is) until a page reads it.
 * - Nothing read but boxes, in a suspect font: the producer kept none of its glyphs (a print
 *   driver's second subset of a font written under the first one's name, the PDF drawing its
 *   empty box for every code). Its characters are lost, not the codes pdf.js gives them: the
 *   font is unmapped, its text left out and said on its rows.
 * - Else unmapped when too few of its readings agree with its characters.
 */
export function fontVerdict(f: { read: number; agree: number; boxes: number; suspect: boolean; spent: boolean }): boolean | null {
  if (f.read === 0 && f.spent) return f.suspect ? true : null;
  if (f.read === 0 && f.boxes > 0 && f.suspect) return true;
  return f.read > 0 && f.agree < MAPPED_AGREEMENT * f.read;
}

/** The reading of a font's empty box: a character the producer lost. */
const LOST: Reading = Object.freeze({ text: '', conf: 0, sure: true, lost: true });

/**
 * Names the shapes of a font's glyphs (each occurrence gets its outline's key) and gives the
 * keys of the shapes drawn for many of its inked codes: the box a font draws for characters it lacks.
 */
function boxShapes(glyphs: Map<string, { g: FontGlyph; occs: Occ[] }>): string[] {
  const codes = new Map<string, number>();
  for (const e of glyphs.values()) {
    const first = e.occs[0]!;
    if (!first.outline) continue;
    const key = outlineKey(first.outline, (first.w.glyph.width ?? 0) * (first.font?.fontMatrix?.[0] ?? 0.001));
    for (const o of e.occs) o.key = key;
    if (e.g.inked) codes.set(key, (codes.get(key) ?? 0) + 1);
  }
  return [...codes].filter(([, k]) => k >= BOX_CODES).map(([key]) => key);
}

/** Per document: what has been read, and which fonts are unmapped. */
export class FontRecovery {
  /** Readings by outline key. */
  private readings = new Map<string, Reading>();
  /**
   * Outlines by font and glyph, kept from the page that first drew them: pdf.js hands a
   * glyph's outline over once, and drops it once it has drawn it (a page read by OCR).
   */
  private outlines = new Map<string, Outline | null>();
  /** Fonts judged by their shapes: unmapped or not. */
  private verdicts = new Map<string, boolean>();
  /** Unmapped fonts: their names, and the pages they were read on. */
  readonly unmapped = new Map<string, { name: string; pages: Set<number> }>();
  /** Distinct glyphs recognised, and line images read. */
  glyphs = 0;
  lines = 0;
  /** Set once the document's budget of glyphs to recognise is spent: its other pages are read by OCR. */
  spent = false;

  /** `onRead`: called once for each page whose glyphs go to the recogniser. */
  constructor(private readonly onRead?: (page: number) => void) {}

  /**
   * The page's text items with the text of its unmapped fonts read from their glyphs (the
   * same items when it has none), and how much of that text is unsure: the share of its
   * glyphs read without certainty, and whether some of its glyphs have no outline to read.
   */
  async page(n: number, page: GlyphPage, items: RawItem[], placed: readonly WalkedGlyph[]): Promise<{ items: RawItem[]; fonts: string[]; unsure: number; missing: boolean; lost: number }> {
    const objs = page.commonObjs;
    const fontOf = (name: string): Font | null => (objs.has(name) ? (objs.get(name) as Font) : null);
    const occs: Occ[] = placed.map((w) => {
      const font = fontOf(w.font);
      const adv = (w.glyph.width ?? 0) * (font?.fontMatrix?.[0] ?? 0.001) * Math.hypot(w.at[0], w.at[1]);
      return { w, font, id: glyphId(font, w.glyph), item: -1, size: Math.hypot(w.at[2], w.at[3]), adv };
    });
    const same = { items, fonts: [], unsure: 0, missing: false, lost: 0 };
    if (occs.length === 0) return same;
    assign(occs, items);
    for (const o of occs) o.outline = this.outline(objs, o);
    sizeGlyphs(occs, items);
    // Each font's distinct glyphs on this page, with what pdf.js says they are.
    const census = new Map<string, Map<string, { g: FontGlyph; occs: Occ[] }>>();
    for (const o of occs) {
      let f = census.get(o.w.font);
      if (!f) census.set(o.w.font, (f = new Map()));
      let e = f.get(o.id);
      if (!e) {
        e = { g: { claim: o.w.glyph.unicode ?? '', ratio: o.size > 0 ? o.adv / o.size : 0, inked: o.outline != null && !isBlank(o.outline) }, occs: [] };
        f.set(o.id, e);
      }
      e.occs.push(o);
    }
    const fonts = await this.judge(n, census, occs);
    const unmappedFonts = new Set(fonts);
    // pdf.js spaces the text of a Type 3 font drawn at a size of 1 or less by that size: a
    // space between any two glyphs. Its items are spaced again, by the size of the text.
    const tiny = new Set(occs.filter((o) => o.font?.isType3Font && Math.hypot(o.w.at[0], o.w.at[1]) <= 1).map((o) => o.w.font));
    if (fonts.length === 0 && tiny.size === 0) return same;
    let total = 0, unsure = 0, lost = 0, missing = false;
    // A glyph of a font that keeps its map but draws its empty box where pdf.js gives no
    // character: a character the producer lost (a subset whose glyphs ps2pdf dropped, mapped
    // to nothing), which the text layer leaves out without a trace. It reads as lost too.
    const boxed = (o: Occ): Reading | null => {
      const r = o.key ? this.readings.get(o.key) : undefined;
      return r?.lost && blankChar(o.w.glyph.unicode ?? '') ? r : null;
    };
    const readingOf = (o: Occ): Reading | null => {
      if (!unmappedFonts.has(o.w.font)) return boxed(o);
      const r = o.key ? this.readings.get(o.key) : undefined;
      return r ?? { text: '', conf: 0, sure: false };
    };
    // How much of the page's text is in doubt: unsure glyphs of unmapped fonts over all it draws.
    for (const o of occs) {
      if (o.outline && isBlank(o.outline)) continue;
      if (!unmappedFonts.has(o.w.font)) {
        if (boxed(o)) lost++;
        else total++;
        continue;
      }
      if (!o.outline) {
        missing = true;
        continue;
      }
      if (o.key && this.readings.get(o.key)?.lost) {
        lost++;
        continue;
      }
      total++;
      if (!readingOf(o)!.sure) {
        unsure++;
      }
    }
    const rewritten = rewrite(items, occs, readingOf, (o) => unmappedFonts.has(o.w.font) || tiny.has(o.w.font), unmappedFonts, page.view);
    // The operator list's glyphs carry their readings too: what the page hides or draws twice
    // is found by character (clip.ts, doubles.ts).
    for (const o of occs) {
      const r = readingOf(o);
      if (r) o.w.glyph.unicode = r.text === '' ? ' ' : r.text;
    }
    return { items: rewritten, fonts, unsure: total ? unsure / total : 0, missing, lost };
  }

  /**
   * The fonts of the page without a usable map: each font judged once, by its characters and
   * (suspect, or on a page or in a document where others are) by the readings of its shapes.
   */
  private async judge(n: number, census: Map<string, Map<string, { g: FontGlyph; occs: Occ[] }>>, occs: Occ[]): Promise<string[]> {
    // Fonts to read by their shapes: those known to be unmapped, suspect ones not judged yet,
    // and — once the document has shown an unmapped font — the others too, by a sample.
    const suspect = new Map([...census].map(([font, glyphs]) => [font, !this.verdicts.has(font) && suspicion([...glyphs.values()].map((e) => e.g)) != null]));
    const vigilant = this.unmapped.size > 0 || [...suspect.values()].some(Boolean);
    const look = [...census].filter(([font]) => (this.verdicts.has(font) ? this.verdicts.get(font)! : vigilant));
    if (look.length === 0) return [];
    const judged = new Map<string, boolean>(look.map(([font]) => [font, this.verdicts.has(font) || suspect.get(font)!]));
    const todo = new Map<string, Occ[]>();
    const want = (e: { occs: Occ[] }) => {
      const key = e.occs[0]!.key;
      if (key && !this.readings.has(key)) todo.set(key, [...(todo.get(key) ?? []), ...e.occs]);
    };
    // Fonts found mapped keep their characters, but their shapes are named too: a glyph drawn
    // as the font's empty box where pdf.js gives no character is a character lost (page()).
    const looked = new Set(look.map(([font]) => font));
    for (const [font, glyphs] of census) {
      if (looked.has(font) || !vigilant) continue;
      for (const key of boxShapes(glyphs)) if (!this.readings.has(key)) this.readings.set(key, LOST);
    }
    for (const [font, glyphs] of look) {
      // One shape for many codes: the box a font draws for characters it lacks.
      for (const key of boxShapes(glyphs)) this.readings.set(key, LOST);
      // A font read in full, or (not suspect itself) by a sample of its glyphs.
      const entries = [...glyphs.values()].filter((e) => e.g.inked && e.occs[0]!.key);
      if (judged.get(font)) entries.forEach(want);
      else entries.filter((e) => !this.readings.has(e.occs[0]!.key!)).slice(0, SAMPLE).forEach(want);
    }
    await this.readTodo(n, todo, occs);
    const fonts: string[] = [];
    for (const [font, glyphs] of look) {
      if (!this.verdicts.has(font)) {
        let read = 0, agree = 0, boxes = 0;
        for (const e of glyphs.values()) {
          const r = e.occs[0]!.key ? this.readings.get(e.occs[0]!.key!) : undefined;
          if (!r || !e.g.inked) continue;
          if (r.lost) {
            boxes++;
            continue;
          }
          read++;
          if (sameChar(r.text, e.g.claim)) agree++;
        }
        const verdict = fontVerdict({ read, agree, boxes, suspect: judged.get(font)!, spent: this.spent });
        if (verdict == null) continue;
        this.verdicts.set(font, verdict);
        if (!judged.get(font) && this.verdicts.get(font)) {
          // Sampled and unmapped after all: its other glyphs are read too.
          const rest = new Map<string, Occ[]>();
          for (const e of glyphs.values()) {
            const key = e.occs[0]!.key;
            if (e.g.inked && key && !this.readings.has(key)) rest.set(key, [...(rest.get(key) ?? []), ...e.occs]);
          }
          await this.readTodo(n, rest, occs);
        }
      }
      if (!this.verdicts.get(font)) continue;
      fonts.push(font);
      const name = (census.get(font)!.values().next().value?.occs[0]?.font?.name as string | undefined) ?? font;
      const u = this.unmapped.get(font) ?? { name, pages: new Set<number>() };
      this.unmapped.set(font, u.pages.add(n) && u);
    }
    return fonts;
  }

  /** Reads the keys of `todo`, if any (the page reported as sent to recognition). */
  private async readTodo(n: number, todo: Map<string, Occ[]>, occs: Occ[]): Promise<void> {
    if (todo.size === 0) return;
    if (this.glyphs + todo.size > MAX_GLYPHS) {
      this.spent = true;
      return;
    }
    this.onRead?.(n);
    await this.read(todo, occs);
  }

  /** Reads each outline key of `todo` (its places on the page given), alone and where unsure in its places. */
  private async read(todo: Map<string, Occ[]>, occs: Occ[]): Promise<void> {
    const keys: string[] = [];
    for (const [key, places] of todo) {
      if (isBlank(places[0]!.outline!)) this.readings.set(key, { text: '', conf: 1, sure: true });
      else keys.push(key);
    }
    // Alone: many glyphs side by side, a little apart.
    const lines: Line[] = [];
    for (let i = 0; i < keys.length; i += PER_LINE) {
      const line: Line = { glyphs: [], width: 0, spans: [] };
      let x = GAP;
      for (const key of keys.slice(i, i + PER_LINE)) {
        const o = todo.get(key)![0]!;
        const adv = o.size > 0 ? o.adv / o.size : 1;
        line.glyphs.push({ outline: o.outline!, shape: shapeOf(o, o.size || 1), x });
        line.spans.push([x - GAP * 0.4, x + adv + GAP * 0.4]);
        x += adv + GAP;
      }
      line.width = x;
      lines.push(line);
    }
    const alone = await this.readLines(lines);
    const oneWidth = oneWidthFonts(occs);
    const votes = new Map<string, Vote[]>();
    const again: Array<{ key: string; o: Occ }> = [];
    keys.forEach((key, i) => {
      const first = todo.get(key)![0]!;
      const r = alone[Math.floor(i / PER_LINE)]![i % PER_LINE]!;
      const char = asDrawn(r.char, first, oneWidth.has(first.w.font));
      const hanzi = HANZI.test(char);
      // A glyph read alone is a weak witness unless it is a 汉字: the recogniser tells digits,
      // letters and marks apart by their neighbours.
      votes.set(key, [{ char, p: r.p, weight: hanzi ? 1 : ALONE_WEIGHT }]);
      if (hanzi && r.p >= SURE_HANZI) return;
      // Read again among its neighbours, in several places on the page.
      const places = todo.get(key)!;
      const want = hanzi ? PLACES : PLACES_OTHER;
      const step = Math.max(1, Math.floor(places.length / want));
      for (let k = 0; k < places.length && k < step * want; k += step) again.push({ key, o: places[k]! });
    });
    this.glyphs += keys.length;
    glyphStats.glyphs += keys.length;
    if (again.length > 0) {
      const index = new Map(occs.map((o, i) => [o, i]));
      const lines = again.map(({ o }) => context(occs, index.get(o)!));
      const read = (await this.readLines(lines)).map((r, i) => r[lines[i]!.target!]!);
      again.forEach(({ key, o }, i) => {
        const r = read[i]!;
        votes.get(key)!.push({ char: asDrawn(r.char, o, oneWidth.has(o.w.font)), p: r.p, weight: 1 });
      });
    }
    for (const key of keys) {
      const rise = inkRise(todo.get(key)![0]!);
      // Readings the ink contradicts (a period as tall as a digit) give way to those it allows.
      const all = votes.get(key)!;
      const fit = all.filter((v) => fitsInk(v.char, rise));
      const r = asInked(settle(fit.length ? fit : all), rise);
      this.readings.set(key, bySign(r, todo.get(key)![0]!, rise));
    }
  }

  /** A glyph's outline (null when pdf.js holds none). */
  private outline(objs: GlyphPage['commonObjs'], o: Occ): Outline | null {
    const id = `${o.w.font}\u0000${o.id}`;
    let got = this.outlines.get(id);
    if (got === undefined) {
      got = o.font ? outlineOf(objs, o.w.font, o.font, o.w.glyph) : null;
      this.outlines.set(id, got);
    }
    return got;
  }

  /** Reads one character in each span of each line. */
  private async readLines(lines: Line[]): Promise<SpanReading[][]> {
    const crops = [];
    const shares: Array<Array<[number, number]>> = [];
    for (const line of lines) {
      const crop = await drawLine(line.glyphs, line.width);
      crops.push(crop);
      shares.push(line.spans.map(([a, b]) => [Math.max(0, (a * LINE_EM) / crop.width), Math.min(1, (b * LINE_EM) / crop.width)]));
    }
    this.lines += crops.length;
    glyphStats.lines += crops.length;
    return readSpans(crops, shares);
  }
}

/**
 * A glyph among its neighbours as the page draws them: the glyphs before and after it on its
 * line (same baseline and size, in drawing order, no wide gap), at their places on the line;
 * the glyph's span, and the line's width, in sizes of text.
 */
function context(occs: Occ[], at: number): Line {
  const me = occs[at]!;
  const size = me.size || 1;
  const fits = (o: Occ, prev: Occ, forward: boolean) => {
    if (!o.outline || Math.abs(o.size - size) > size * 0.3) return false;
    const p = along(o, me.w.at);
    const q = along(prev, me.w.at);
    if (Math.abs(p.y) > size * 0.3) return false;
    const gap = forward ? p.x - (q.x + prev.adv) : q.x - (p.x + o.adv);
    // Across a cell's white too (a value beside its symbol): a line of two glyphs reads badly.
    return gap > -size * 0.3 && gap < size * CONTEXT_GAP;
  };
  let a = at, b = at;
  while (a > 0 && at - a < CONTEXT && fits(occs[a - 1]!, occs[a]!, false)) a--;
  while (b < occs.length - 1 && b - at < CONTEXT && fits(occs[b + 1]!, occs[b]!, true)) b++;
  const x0 = along(occs[a]!, me.w.at).x;
  const glyphs: LineGlyph[] = [];
  const spans: Array<[number, number]> = [];
  let end = 0;
  for (let i = a; i <= b; i++) {
    const o = occs[i]!;
    const x = GAP + (along(o, me.w.at).x - x0) / size;
    glyphs.push({ outline: o.outline!, shape: shapeOf(o, size), x });
    spans.push([x, x + o.adv / size]);
    end = Math.max(end, x + o.adv / size);
  }
  return { glyphs, width: end + GAP, spans, target: at - a };
}

/** One reading from the votes: the character most likely over all readings; sure when they settle it. */
export function settle(all: Vote[]): Reading {
  // A straight quotation mark is the recogniser's reading of a curly one it does not tell:
  // where another reading says which, it votes for that one.
  const curly = (forms: string) => all.filter((v) => forms.includes(v.char)).sort((a, b) => b.p * b.weight - a.p * a.weight)[0]?.char;
  const votes = all.map((v) => {
    const to = v.char === '"' ? curly('“”') : v.char === "'" ? curly('‘’') : undefined;
    return to ? { ...v, char: to } : v;
  });
  const score = new Map<string, number>();
  for (const v of votes) if (v.char) score.set(v.char, (score.get(v.char) ?? 0) + v.p * v.weight);
  const ranked = [...score].sort((a, b) => b[1] - a[1]);
  if (ranked.length === 0) return { text: '', conf: 0, sure: false };
  const [text, support] = ranked[0]!;
  const against = ranked.slice(1).reduce((s, [, p]) => s + p, 0);
  if (votes.length === 1) {
    const v = votes[0]!;
    return { text, conf: v.p, sure: HANZI.test(text) && v.p >= SURE_HANZI };
  }
  const agreeing = votes.filter((v) => v.char === text);
  const best = Math.max(...agreeing.map((v) => v.p));
  // Settled: readings that agree, one of them likely (two: near certain), little against
  // them; or one reading among neighbours near certain, with little against it. Readings that
  // agree but are each unlikely settle nothing: the recogniser's best guess at a shape it does
  // not know (缮 read 鳝 three times, at 0.10, 0.09 and 0.04); nor do two readings of a 汉字
  // where the second is unlikely (辦 read 瓣 alone at 0.84, then at 0.37 among its neighbours).
  const likely = agreeing.filter((v) => v.p >= LIKELY).length;
  const sure = against <= 0.25 * support && ((agreeing.length >= 2 && best >= 0.8 && (agreeing.length > 2 || likely >= 2 || !HANZI.test(text))) || (agreeing.length >= 3 && best >= LIKELY) || agreeing.some((v) => v.weight === 1 && v.p >= 0.98));
  return { text, conf: sure ? Math.max(SETTLED, best) : Math.min(UNSURE, support / votes.reduce((n, v) => n + v.weight, 0)), sure };
}

/**
 * Glyphs to the text items holding them: an item holds the glyphs of its baseline whose middle
 * lies within its width. Items and glyphs come in drawing order, so each glyph is looked for
 * from the item the previous one went to.
 */
function assign(occs: Occ[], items: RawItem[]): void {
  const live = items.map((it, i) => ({ it, i })).filter(({ it }) => it.str.trim() !== '' && Array.isArray(it.transform));
  // How far the glyph's middle lies outside the item (0: within it); Infinity when off its baseline or further than a tenth of its size.
  const outside = (k: number, o: Occ) => {
    const { it } = live[k]!;
    // An item is one string shown in one font: a glyph of another font drawn over it (a number
    // overflowing its cell into the next one's label) is not its.
    if (it.fontName != null && it.fontName !== o.w.font) return Infinity;
    const size = textSize(it.transform) || 1;
    const p = along(o, it.transform);
    if (Math.abs(p.y) > size * 0.3) return Infinity;
    // An item of no width (pdf.js takes a character it maps to for a combining mark as one)
    // holds the glyph drawn at its start.
    const mid = it.width > 0 ? p.x + o.adv / 2 : p.x;
    const d = mid < 0 ? -mid : mid > it.width ? mid - it.width : 0;
    return d <= size * 0.1 ? d : Infinity;
  };
  const best = (from: number, to: number, o: Occ) => {
    let found = -1, least = Infinity;
    for (let j = from; j < to; j++) {
      const d = outside(j, o);
      if (d < least) {
        least = d;
        found = j;
        if (d === 0) break;
      }
    }
    return { found, least };
  };
  let k = 0;
  for (const o of occs) {
    let { found, least } = best(k, Math.min(live.length, k + 8), o);
    if (least > 0) {
      const all = best(0, live.length, o);
      if (all.least < least) ({ found, least } = all);
    }
    if (found < 0) continue;
    k = found;
    o.item = live[found]!.i;
  }
}

/**
 * The item standing beside a run of glyphs on its line, within an em and a half of its ends
 * (-1: none), among those with text (`hasText`): the text the run belongs with.
 */
function nearest(items: RawItem[], first: Occ, last: Occ, hasText: (i: number) => boolean): number {
  const size = first.size || 1;
  let found = -1, least = size * 1.5;
  items.forEach((it, i) => {
    if (!hasText(i) || !Array.isArray(it.transform)) return;
    const a = along(first, it.transform);
    if (Math.abs(a.y) > size * 0.3) return;
    const b = along(last, it.transform);
    // Before the item (the run's end to its start) or after it (its end to the run's start).
    const gap = Math.min(Math.abs(-(b.x + last.adv)), Math.abs(a.x - it.width));
    if (gap < least) {
      least = gap;
      found = i;
    }
  });
  return found;
}

/** The middle value. */
function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[s.length >> 1]!;
}

/**
 * The size of the text each glyph stands in. A font's size is its em on the page, except a
 * Type 3 font's: its glyphs are drawn at whatever scale its own matrix and the text's size
 * make (a font drawn at size 0.1 with glyphs 100 units high), and pdf.js's item heights follow
 * its box. A Type 3 font takes the size of the text beside it in fonts whose size is known
 * (other fonts first, then Type 3 fonts sized so); a font of several glyphs with no such
 * neighbour, the height of its tallest glyph as the em; else the height pdf.js gives its items.
 */
function sizeGlyphs(occs: Occ[], items: RawItem[]): void {
  const scaleOf = (o: Occ) => Math.hypot(o.w.at[2], o.w.at[3]) || 1;
  const type3 = new Map<string, Occ[]>();
  occs.forEach((o) => {
    if (o.font?.isType3Font) type3.set(o.w.font, [...(type3.get(o.w.font) ?? []), o]);
  });
  if (type3.size === 0) return;
  const index = new Map(occs.map((o, i) => [o, i]));
  const known = new Map<string, number>();
  const sized = (o: Occ) => !o.font?.isType3Font || known.has(o.w.font);
  const fromNeighbours = (mine: Occ[]): number | null => {
    const ratios: number[] = [];
    for (const o of mine) {
      const i = index.get(o)!;
      for (let j = Math.max(0, i - 3); j <= Math.min(occs.length - 1, i + 3); j++) {
        const n = occs[j]!;
        if (n.w.font === o.w.font || !sized(n)) continue;
        const p = along(o, n.w.at);
        if (Math.abs(p.y) < n.size * 0.5 && Math.abs(p.x) < n.size * 4) ratios.push(n.size / scaleOf(o));
      }
    }
    return ratios.length ? median(ratios) : null;
  };
  const settleFont = (font: string, k: number) => {
    known.set(font, k);
    for (const o of type3.get(font)!) o.size = k * scaleOf(o);
  };
  // A font's em from its own glyphs, in its units: the advance of most of its characters (a
  // font of 汉字, where that is one em); else its glyphs' usual tall height (a font of Latin
  // letters and marks, whose tallest but a few reach about an em).
  const own = (mine: Occ[]) => {
    const outlines = [...new Set(mine.map((o) => o.outline))];
    const ink = outlines.map((ol) => (ol ? inkBox(ol) : null)).filter((b) => b != null);
    const heights = ink.map((b) => b.y1 - b.y0).sort((a, b) => a - b);
    const tall = heights.length ? heights[Math.floor((heights.length - 1) * 0.9)]! / TALLEST_EM : 0;
    const advances = new Map<number, number>();
    for (const o of mine) {
      const a = Math.round((o.adv / scaleOf(o)) * 100) / 100;
      advances.set(a, (advances.get(a) ?? 0) + 1);
    }
    const [common, count] = [...advances].sort((a, b) => b[1] - a[1])[0] ?? [0, 0];
    // 汉字 fill their advance: the common advance is an em when its glyphs are about as tall.
    const hanzi = count >= mine.length * 0.3 && common > 0 && tall > 0 && common >= tall * 0.8 && common <= tall * 1.5;
    return { n: ink.length, em: hanzi ? common : tall };
  };
  // Beside text of other fonts.
  for (const [font, mine] of type3) {
    const k = fromNeighbours(mine);
    if (k != null) settleFont(font, k);
  }
  // Fonts of several glyphs measured on their own glyphs — taken together with the other Type 3
  // fonts of one matrix: a producer that draws a face as Type 3 fonts splits it into fonts of a
  // few glyphs each (Chromium's emboldened CJK), all drawn at one scale.
  const families = new Map<string, string[]>();
  for (const [font, mine] of type3) {
    if (known.has(font)) continue;
    const key = (mine[0]!.font?.fontMatrix ?? []).map((v) => v.toPrecision(6)).join(' ');
    families.set(key, [...(families.get(key) ?? []), font]);
  }
  for (const fonts of families.values()) {
    const { n, em } = own(fonts.flatMap((f) => type3.get(f)!));
    if (n >= TALLEST_OF && em > 0) for (const font of fonts) settleFont(font, em);
  }
  // Beside text of Type 3 fonts sized so far.
  for (let round = 0; round < 3; round++) {
    for (const [font, mine] of type3) {
      if (known.has(font)) continue;
      const k = fromNeighbours(mine);
      if (k != null) settleFont(font, k);
    }
  }
  for (const [font, mine] of type3) {
    if (known.has(font)) continue;
    const held = mine.filter((o) => o.item >= 0).map((o) => textSize(items[o.item]!.transform) / scaleOf(o));
    const { em } = own(mine);
    settleFont(font, held.length ? median(held) : em > 0 ? em : 1);
  }
}

/**
 * The size of the text an item's matrix draws: its height (pdf.js gives a Type 3 font drawn
 * at a size of 1 or less the height of its glyphs' box, and leaves its width at the size).
 */
function textSize(t: ArrayLike<number>): number {
  return Math.hypot(t[2]!, t[3]!) || Math.hypot(t[0]!, t[1]!);
}

/**
 * An item's matrix drawing its text as high as its glyphs stand: pdf.js gives an item of
 * Type 3 glyphs the height of its font's box, which is no size of text.
 */
function sized(t: number[], glyphs: readonly Occ[]): number[] {
  if (!glyphs.every((o) => o.font?.isType3Font)) return t;
  const now = Math.hypot(t[2]!, t[3]!);
  const want = median(glyphs.map((o) => o.size));
  if (!(now > 0) || !(want > 0)) return t;
  return [t[0]!, t[1]!, (t[2]! * want) / now, (t[3]! * want) / now, t[4]!, t[5]!];
}

/**
 * The items with the text of unmapped glyphs in place of pdf.js's: an item holding any is
 * written again from its glyphs in order along its baseline (a space where they stand apart,
 * as pdf.js puts one); unmapped glyphs no item holds (pdf.js left them out, taking their
 * characters for white space) become items of their own after the item drawn before them.
 */
function rewrite(items: RawItem[], occs: Occ[], readingOf: (o: Occ) => Reading | null, redo: (o: Occ) => boolean, gone: ReadonlySet<string>, view: number[]): RawItem[] {
  const byItem = new Map<number, Occ[]>();
  for (const o of occs) if (o.item >= 0) byItem.set(o.item, [...(byItem.get(o.item) ?? []), o]);
  const readText = (o: Occ) => readingOf(o)?.text ?? o.w.glyph.unicode ?? '';
  // Straight quotation marks read on glyphs that close (or open) a curly pair on their line.
  const partners = new Map<Occ, string>();
  if (occs.some((o) => CURLY[readingOf(o)?.text ?? ''])) {
    for (const line of glyphLines(occs)) {
      for (const [o, t] of pairQuotes(line.map((o) => ({ o, text: readText(o) })))) if (readingOf(o)) partners.set(o, t);
    }
  }
  const textOf = (o: Occ) => partners.get(o) ?? readText(o);
  /** The text of glyphs along `ref`'s baseline, and its confidence. */
  const write = (glyphs: Occ[], ref: ArrayLike<number>): { str: string; conf: number | undefined } => {
    const sorted = glyphs.map((o) => ({ o, x: along(o, ref).x })).sort((a, b) => a.x - b.x);
    let str = '';
    let end: number | null = null;
    let conf: number | undefined;
    for (const { o, x } of sorted) {
      const r = readingOf(o);
      if (r && (r.lost || !blankChar(r.text))) conf = Math.min(conf ?? 1, r.conf);
      const t = textOf(o);
      if (blankChar(t)) continue;
      if (str !== '' && end != null && x - end > SPACE_GAP * o.size) str += ' ';
      str += t;
      end = x + o.adv;
    }
    return { str, conf };
  };
  const out: RawItem[] = [];
  /** The items written from their glyphs' readings. */
  const redone = new Set<RawItem>();
  const after = new Map<number, RawItem[]>();
  let prevItem = -1;
  /** The last item drawn before the glyph at hand that keeps text of its own. */
  let prevText = -1;
  let orphans: Occ[] = [];
  // The items written again from their glyphs, and which items keep text of their own.
  const written = new Map<number, ReturnType<typeof write>>();
  for (const [i, glyphs] of byItem) if (glyphs.some(redo)) written.set(i, write(glyphs, items[i]!.transform));
  const hasText = (i: number) => {
    const it = items[i]!;
    const w = written.get(i);
    if (w) return w.str.trim() !== '';
    return it.str.trim() !== '' && !(it.fontName != null && gone.has(it.fontName) && !byItem.has(i));
  };
  /** Items beside which the producer lost characters: read with no confidence. */
  const lowered = new Set<number>();
  for (const [i, glyphs] of byItem) if (glyphs.some((o) => !gone.has(o.w.font) && readingOf(o)?.lost)) lowered.add(i);
  // Characters lost with no text beside them in their run: the item they stand next to on
  // their line (within an em and a half) says so, else the item drawn before them (`before`).
  const lowerBeside = (first: Occ, last: Occ, before: number) => {
    const near = nearest(items, first, last, hasText);
    if (near >= 0 || before >= 0) lowered.add(near >= 0 ? near : before);
  };
  // An item of nothing but lost characters (pdf.js cuts its items where the font changes,
  // and the producer emptied one font) leaves no text to say so: the text beside it does.
  for (const [i, w] of written) {
    const glyphs = byItem.get(i)!;
    if (w.str.trim() !== '' || !glyphs.some((o) => readingOf(o)?.lost)) continue;
    const byX = glyphs.map((o) => ({ o, x: along(o, items[i]!.transform).x })).sort((a, b) => a.x - b.x);
    let before = -1;
    for (let j = i - 1; j >= 0 && before < 0; j--) if (hasText(j)) before = j;
    lowerBeside(byX[0]!.o, byX[byX.length - 1]!.o, before);
  }
  const flush = () => {
    if (orphans.length === 0) return;
    const first = orphans[0]!;
    const { str, conf } = write(orphans, first.w.at);
    const last = orphans[orphans.length - 1]!;
    if (str.trim() === '' && conf != null) {
      lowerBeside(first, last, prevText);
    } else if (str.trim() !== '') {
      const [c, s] = dirOf(first.w.at);
      const size = first.size;
      const item: RawItem = { str, transform: [c * size, s * size, -s * size, c * size, first.w.at[4], first.w.at[5]], width: along(last, first.w.at).x + last.adv, fontName: first.w.font, ...(conf != null ? { conf } : {}) };
      redone.add(item);
      after.set(prevItem, [...(after.get(prevItem) ?? []), item]);
    }
    orphans = [];
  };
  for (const o of occs) {
    if (o.item >= 0) {
      flush();
      prevItem = o.item;
      if (hasText(o.item)) prevText = o.item;
      continue;
    }
    if (!readingOf(o)) continue;
    // Text pdf.js leaves out for standing off the page stays out.
    const [x, y] = [o.w.at[4], o.w.at[5]];
    if (x + o.adv < view[0]! || x > view[2]! || y < view[1]! || y > view[3]!) continue;
    const last = orphans[orphans.length - 1];
    if (last) {
      const p = along(o, last.w.at);
      if (Math.abs(p.y) > o.size * 0.3 || p.x - last.adv > o.size * 0.6 || p.x < 0) flush();
    }
    orphans.push(o);
  }
  flush();
  for (const item of after.get(-1) ?? []) out.push(item);
  items.forEach((it, i) => {
    const glyphs = byItem.get(i);
    // An item of an unmapped font that holds none of its glyphs: pdf.js's characters for
    // glyphs that stand in other items (or nowhere); left out.
    if (!glyphs && it.fontName != null && gone.has(it.fontName) && it.str.trim() !== '') return;
    if (glyphs && glyphs.some(redo)) {
      // The item stays one, as pdf.js gave it. (Cutting it into runs of its text where more than
      // a space stands between them would read a driver's strings as the mapped PDF's runs, but
      // read XeLaTeX's round trips' tables into rows whose project fields no warning names:
      // 0 → 14 silent on chengde-office-2024; not done.)
      const { str, conf } = written.get(i)!;
      const item = { ...it, str, transform: sized(it.transform, glyphs), ...(conf != null || lowered.has(i) ? { conf: lowered.has(i) ? 0 : conf } : {}) };
      redone.add(item);
      out.push(item);
    } else out.push(lowered.has(i) ? { ...it, conf: 0 } : it);
    for (const item of after.get(i) ?? []) out.push(item);
  });
  return joinRuns(out, redone);
}

/**
 * Items written again from their glyphs, joined where one goes on where the one before it ends
 * on its line (no white between them): pdf.js cuts a run of text where its font changes, and a
 * print driver splits one face into fonts of 255 glyphs each, so a cell's text came in pieces
 * (有较好的社会 | 影) that the PDF it was printed from holds as one run. Only items drawn
 * in the same direction and size, and only where one of them was written again (`redone`:
 * the originals of the rewritten items), are joined; blank items never.
 */
export function joinRuns(out: RawItem[], redone: ReadonlySet<RawItem>): RawItem[] {
  if (redone.size === 0) return out;
  const joined: RawItem[] = [];
  const mine = new Set<RawItem>(redone);
  for (const it of out) {
    // A blank item between two that join (a space pdf.js put for a glyph drawn as white) goes.
    const blank = joined.length >= 2 && joined[joined.length - 1]!.str.trim() === '';
    const prev = joined[joined.length - (blank ? 2 : 1)];
    if (prev && (mine.has(prev) || mine.has(it)) && follows(prev, it)) {
      if (blank) joined.pop();
      const space = gapOf(prev, it) > SPACE_GAP * textSize(prev.transform) ? ' ' : '';
      const merged: RawItem = { ...prev, str: prev.str + space + it.str, width: alongRef(it.transform, prev.transform).x + it.width, ...(prev.conf != null || it.conf != null ? { conf: Math.min(prev.conf ?? 1, it.conf ?? 1) } : {}) };
      joined[joined.length - 1] = merged;
      mine.add(merged);
      continue;
    }
    joined.push(it);
  }
  return joined;
}

/** The white between the end of item a and the start of item b, along a's baseline. */
function gapOf(a: RawItem, b: RawItem): number {
  return alongRef(b.transform, a.transform).x - a.width;
}

/**
 * Whether item b goes on where item a ends: the same direction and size, on a's baseline, no
 * white between them (less than pdf.js takes for a space). Across a space they stay apart: the
 * white between two cells of a table drawn without rules may be no wider than a space.
 */
function follows(a: RawItem, b: RawItem): boolean {
  if (!Array.isArray(a.transform) || !Array.isArray(b.transform) || a.str.trim() === '' || b.str.trim() === '') return false;
  const size = textSize(a.transform);
  if (!(size > 0)) return false;
  for (let k = 0; k < 4; k++) if (Math.abs(a.transform[k]! - b.transform[k]!) > size * 0.01) return false;
  if (Math.abs(alongRef(b.transform, a.transform).y) > size * 0.05) return false;
  const gap = gapOf(a, b);
  return gap > -size * 0.1 && gap < SPACE_GAP * size;
}

/** Share of a page's unmapped glyphs that may be unsure before the page is read by OCR instead. */
const UNSURE_PAGE = 0.05;

/** What the loader keeps of the fonts read by their glyphs: the recovery, and the pages read by OCR instead. */
export interface Recovery {
  fonts: FontRecovery;
  /** Pages read by OCR because their glyphs could not be read surely, with why. */
  fallback: Map<number, string>;
  /** Pages with characters drawn as their font's empty box, and how many. */
  lost: Map<number, number>;
}

/**
 * The document's font recovery, or null where glyphs are not recognised: OCR off (the text
 * layer is taken as it is), forced (every page is read by OCR anyway), or not installed.
 */
export async function fontRecovery(mode: OcrMode, onRead?: (page: number) => void): Promise<Recovery | null> {
  if (mode !== 'auto' || !(await ocrAvailable())) return null;
  return { fonts: new FontRecovery(onRead), fallback: new Map(), lost: new Map() };
}

/**
 * A page's text items with its unmapped fonts read; `ocr` is set when the page is to be read
 * by OCR instead (its unmapped glyphs have no outline, or too many are unsure).
 */
export async function recoverFonts(r: Recovery, n: number, page: GlyphPage, items: unknown[], placed: readonly WalkedGlyph[]): Promise<{ items: unknown[]; ocr: 'garbage' | null }> {
  const got = await r.fonts.page(n, page, items as RawItem[], placed);
  if (got.fonts.length === 0) return { items, ocr: null };
  if (got.lost > 0) r.lost.set(n, got.lost);
  if (got.missing || got.unsure > UNSURE_PAGE) {
    r.fallback.set(n, got.missing ? 'some of their glyphs have no outline to read' : r.fonts.spent ? `the document's budget of ${MAX_GLYPHS} glyphs to recognise is spent` : `${Math.round(got.unsure * 100)}% of their glyphs could not be read surely`);
    return { items, ocr: 'garbage' };
  }
  return { items: got.items, ocr: null };
}

/** One message for each page of `read` drawn in fonts without a Unicode map: read from their glyphs, or by OCR. */
export function unmappedMessages(r: Recovery, read: ReadonlySet<number>): Message[] {
  const pages = new Map<number, string[]>();
  for (const { name, pages: ps } of r.fonts.unmapped.values()) for (const p of ps) if (read.has(p)) pages.set(p, [...(pages.get(p) ?? []), name]);
  return [...pages]
    .sort((a, b) => a[0] - b[0])
    .map(([p, names]) => {
      const fonts = `${names.length} font(s) without a usable Unicode map (${[...new Set(names)].slice(0, 3).join(', ')}${names.length > 3 ? ', …' : ''})`;
      const why = r.fallback.get(p);
      const boxes = r.lost.get(p);
      const what = (why ? `${why}: the page was read by OCR` : 'their text was read from the shapes of their glyphs') + (boxes ? `; ${boxes} character(s) are drawn as the font's empty box (lost by the PDF's producer) and left out` : '');
      return message('font-unmapped', `page ${p}: ${fonts}; ${what}`, [pagePlace(p)]);
    });
}
