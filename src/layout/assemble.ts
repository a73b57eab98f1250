/**
 * Pages → the document's blocks: running headers and footers (lines repeated at the same
 * height in the margin zone of many pages) and page numbers dropped, the lines between
 * tables made paragraphs against the body's text column and line pitch, and each page's
 * tables and paragraphs put in reading order. Shared by PDFs and scans.
 */
import type { Block, Para } from '../model.js';
import { para } from '../model.js';
import { PAGE_NUMBER, cleanText, joinLines } from '../text/clean.js';
import { FULL_STOP, type Item, type Line, cellsOfLine, firstCellGoesOn, lineParts, toParagraphs } from './text.js';
import { type PageContent, itemsBox } from './page.js';
import type { TableWords } from './textgrid.js';
import { pushTo } from '../util.js';

/** Depth of the header and footer zones, in PDF units (about 2.5 cm). */
const MARGIN_ZONE = 72;

function inMarginZone(l: Line, p: PageContent): boolean {
  return l.y > p.height - MARGIN_ZONE || l.y < MARGIN_ZONE;
}

/** Text of lines that repeat at the same height in the margin zone of many pages: running headers and footers. */
function runningLines(pages: PageContent[]): Set<string> {
  const seen = new Map<string, Set<number>>();
  for (const p of pages) {
    for (const l of p.lines) {
      if (!inMarginZone(l, p)) continue;
      const key = runningKey(l);
      seen.set(key, (seen.get(key) ?? new Set()).add(p.page));
    }
  }
  const out = new Set<string>();
  const min = Math.max(3, Math.ceil(pages.length * 0.4));
  for (const [key, on] of seen) if (on.size >= min) out.add(key);
  return out;
}

function runningKey(l: Line): string {
  return `${Math.round(l.y / 3)}|${cleanText(l.text).replace(/\d+/g, '#')}`;
}

/**
 * A page's lines without its running header and footer: the lines repeated on many pages
 * that stand between the body and the page's edge. A repeated line with body text between it
 * and the edge stays: the same caption at the same height under each project's title (a unit
 * line on pages that each begin a project) is body text, not a header.
 */
function withoutRunning(p: PageContent, running: ReadonlySet<string>): Line[] {
  const drop = new Set<Line>();
  const byY = [...p.lines].sort((a, b) => b.y - a.y);
  const tops = p.tables.map((t) => t.top);
  for (const l of byY) {
    if (!(l.y > p.height - MARGIN_ZONE && running.has(runningKey(l)) && !tops.some((y) => y > l.y + l.size))) break;
    drop.add(l);
  }
  for (const l of byY.reverse()) {
    if (!(l.y < MARGIN_ZONE && running.has(runningKey(l)))) break;
    drop.add(l);
  }
  return p.lines.filter((l) => !drop.has(l));
}

/** The usual baseline distance between consecutive lines of the same size, per size. */
/** Largest distance between two lines' baselines, in font sizes, that can be the usual line pitch. */
const MAX_PITCH = 3.2;

function linePitch(pages: PageContent[]): (size: number) => number | null {
  const gaps = new Map<number, number[]>();
  for (const p of pages) {
    for (let i = 1; i < p.lines.length; i++) {
      const a = p.lines[i - 1]!;
      const b = p.lines[i]!;
      const gap = a.y - b.y;
      // Up to double spacing of a tall CJK face (1.5 × its 1.45 em line is 2.2 em: a line pitch, not a gap).
      if (Math.abs(a.size - b.size) < 0.1 && gap > 0 && gap < a.size * MAX_PITCH) {
        const k = Math.round(a.size);
        pushTo(gaps, k, gap);
      }
    }
  }
  const bySize = new Map([...gaps].map(([k, v]) => [k, mode(v)]));
  return (size) => bySize.get(Math.round(size)) ?? null;
}

/**
 * The distance between baselines beyond which two lines of one size are two paragraphs, where
 * the document sets its paragraphs apart by a little space (a few points, less than toParagraphs'
 * own gap of 1.2 line pitches): learnt from the breaks the text itself shows — a line ending a
 * sentence with room left for several characters, the next line starting a paragraph at the
 * left margin or indented. Where most such breaks stand clearly further apart than the line
 * pitch, the threshold is halfway between; null where they do not (no spacing, or too few).
 */
function paragraphSpacing(pages: PageContent[], left: number, right: number, pitch: (size: number) => number | null): (size: number) => number | null {
  const gaps = new Map<number, number[]>();
  for (const p of pages) {
    for (let i = 1; i < p.lines.length; i++) {
      const [a, b] = [p.lines[i - 1]!, p.lines[i]!];
      const size = a.size;
      if (Math.abs(a.size - b.size) >= 0.1 || Math.abs(a.x0 - left) > size * 2.6 || b.x0 - left > size * 2.6 || b.x0 < left - size * 0.5) continue;
      if (!FULL_STOP.test(a.text.trim()) || right - a.x1 < size * 4) continue;
      const gap = a.y - b.y;
      if (gap > 0 && gap < size * MAX_PITCH) pushTo(gaps, Math.round(size), gap);
    }
  }
  const bySize = new Map<number, number>();
  for (const [k, list] of gaps) {
    const usual = pitch(k);
    if (usual == null || list.length < 3) continue;
    const sorted = [...list].sort((x, y) => x - y);
    const median = sorted[Math.floor(sorted.length / 2)]!;
    const apart = median - usual;
    if (apart < Math.max(1.5, k * 0.12)) continue;
    const threshold = usual + apart / 2;
    // The spacing is the document's way only when nearly every shown break keeps it.
    if (list.filter((g) => g > threshold).length >= list.length * 0.8) bySize.set(k, threshold);
  }
  return (size) => bySize.get(Math.round(size)) ?? null;
}

/** The most common value, in 2-unit bins (null when no bin holds two values). */
function mode(values: number[]): number | null {
  const bins = new Map<number, number[]>();
  for (const v of values) {
    const k = Math.round(v / 2);
    pushTo(bins, k, v);
  }
  let best: number[] | null = null;
  for (const b of bins.values()) if (!best || b.length > best.length) best = b;
  return best && best.length >= 2 ? best.reduce((a, b) => a + b, 0) / best.length : null;
}

/**
 * One edge of a page's text column as a line over the page's height, x = a + b·y, fitted to
 * the lines that reach it: of the lines within four characters of the page's outermost, those
 * within half a character of the fit are kept and the fit made again (a paragraph's short last
 * line, an indented first line fall away). Null where fewer than five lines reach it or the
 * edge leans more than a photograph or a skewed scan does (1 in 20).
 */
function fitEdge(points: ReadonlyArray<readonly [number, number]>, side: 'left' | 'right', size: number): ((y: number) => number) | null {
  if (points.length < 5) return null;
  const xs = points.map(([, x]) => x).sort((a, b) => a - b);
  const outer = side === 'right' ? xs[Math.floor((xs.length - 1) * 0.9)]! : xs[Math.ceil((xs.length - 1) * 0.1)]!;
  let kept = points.filter(([, x]) => (side === 'right' ? x >= outer - size * 4 : x <= outer + size * 4));
  let fit: { a: number; b: number } | null = null;
  for (let round = 0; round < 4; round++) {
    if (kept.length < 5) return null;
    const n = kept.length;
    const my = kept.reduce((t, [y]) => t + y, 0) / n;
    const mx = kept.reduce((t, [, x]) => t + x, 0) / n;
    const vy = kept.reduce((t, [y]) => t + (y - my) ** 2, 0);
    const b = vy > 0 ? kept.reduce((t, [y, x]) => t + (y - my) * (x - mx), 0) / vy : 0;
    fit = { a: mx - b * my, b };
    const f = fit;
    // Inward of the edge by more than half a character: a line that stops short of it.
    const next = kept.filter(([y, x]) => (side === 'right' ? x >= f.a + f.b * y - size * 0.5 : x <= f.a + f.b * y + size * 0.5));
    if (next.length === kept.length) break;
    kept = next;
  }
  if (!fit || Math.abs(fit.b) > 0.05) return null;
  const f = fit;
  return (y) => f.a + f.b * y;
}

/**
 * A page read by OCR is a picture of its own: placed on the glass its own way, framed and
 * leant by a camera (a photograph's column narrows towards its far end). Its lines as they
 * would stand on the document's column (`left`, `right`): each edge fitted over the page's
 * height (fitEdge) and the lines between them mapped onto the column, so that a full line
 * reaches the right edge wherever on the page it stands. Null where the page's edges cannot be
 * told (the lines as they are).
 */
function straightened(lines: readonly Line[], left: number, right: number, size: number): Map<Line, Line> | null {
  if (lines.length < 8) return null;
  const l = fitEdge(lines.map((x) => [x.y, x.x0] as const), 'left', size);
  const r = fitEdge(lines.map((x) => [x.y, x.x1] as const), 'right', size);
  if (!l || !r) return null;
  const out = new Map<Line, Line>();
  for (const line of lines) {
    const [a, b] = [l(line.y), r(line.y)];
    // The same column, moved and scaled a little by the scan: never another column.
    if (b - a < (right - left) * 0.8 || b - a > (right - left) * 1.25) return null;
    const k = (right - left) / (b - a);
    const x = (v: number) => left + (v - a) * k;
    out.set(line, { ...line, x0: x(line.x0), x1: x(line.x1), items: line.items.map((i) => ({ ...i, x: x(i.x), w: i.w * k })) });
  }
  return out;
}

function percentile(values: number[], q: number): number {
  if (values.length === 0) return 0;
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.floor(q * (s.length - 1))))]!;
}

/** Confidence under which a reading of a letter or two (no 汉字, no digit) is a speck's, not text. */
const SPECK_READING = 0.5;

/** An OCR item that reads a speck: one or two letters or marks, no 汉字 or digit, read unsurely. */
function speckReading(it: Item): boolean {
  const t = it.str.trim();
  return it.conf != null && it.conf < SPECK_READING && [...t].length <= 2 && !/[\u4e00-\u9fff\d]/u.test(t);
}

/**
 * A paragraph's text of several lines. Where its first line holds two cells side by side and
 * the lines under it are the first cell's wrapped rest (text.ts firstCellGoesOn), the first
 * cell is read whole before the second.
 */
function cellsText(group: readonly Line[]): string {
  const [first, ...rest] = group;
  const cells = rest.length && firstCellGoesOn(first!, rest[0]!) ? cellsOfLine(first!) : null;
  if (!cells) return joinLines(group.map((l) => l.text));
  const sep = cells.rest.includes('\t') || first!.text.includes('\t') ? '\t' : ' ';
  return [joinLines([cells.first, ...rest.map((l) => l.text)]), ...cells.rest.split('\t').map(cleanText)].filter(Boolean).join(sep);
}

/**
 * The document's blocks from its pages. `words` (optional) tells contents lines: a line of
 * title, leaders and page number ends its paragraph, however near the right edge it reaches
 * (the next entry, or a part heading under it, is no wrapped rest of it); and lines that
 * always open a paragraph (a lead-in label under a full line).
 */
export function assemble(pages: PageContent[], words?: Pick<TableWords, 'tocLine' | 'opensParagraph'>): Block[] {
  const running = runningLines(pages);
  const allLines = pages.flatMap((p) => p.lines);
  // The text column: most lines start at the left margin and full lines end at the right one.
  const left = mode(allLines.map((l) => l.x0)) ?? percentile(allLines.map((l) => l.x0), 0.05);
  const right = mode(allLines.map((l) => l.x1)) ?? percentile(allLines.map((l) => l.x1), 0.95);
  const bodySize = percentile(allLines.map((l) => l.size), 0.5);
  const pitch = linePitch(pages);
  const spacing = paragraphSpacing(pages, left, right, pitch);
  const blocks: Block[] = [];
  // Each paragraph's lines, and how the document's paragraphs open.
  const groups = new Map<Para, readonly Line[]>();
  const opening = { indented: 0, flush: 0 };
  for (const p of pages) {
    const lines = withoutRunning(p, running).filter((l, i, all) => {
      // A page number: a bare number (or "- 3 -", "第3页") as the page's first or last line —
      // beside it, on a page read by OCR, no more than specks read unsurely as a letter or two
      // (a photocopy's `7 CR`, which parted a table from its continuation on the next page).
      const t = cleanText(l.items.some((it) => it.conf != null) ? l.items.filter((it) => !speckReading(it)).map((it) => it.str).join(' ') : l.text);
      return !(PAGE_NUMBER.test(t) && (i === 0 || i === all.length - 1));
    });
    const placed: Array<{ top: number; block: Block }> = [];
    for (const t of p.tables) placed.push({ top: t.top, block: t.table });
    // Paragraphs never run through a table: split the line list at each table.
    const tops = p.tables.map((t) => t.top);
    const segments: Line[][] = [];
    for (const l of lines) {
      const above = tops.filter((y) => y > l.y).length;
      (segments[above] ??= []).push(l);
    }
    // A page read by OCR is a picture of its own, placed on the glass or framed by the camera
    // its own way: its lines are set on the document's column (straightened) before paragraphs are told.
    const straight = lines.some((l) => l.items.some((i) => i.conf != null)) ? straightened(lines, left, right, bodySize) : null;
    const back = new Map<Line, Line>();
    if (straight) for (const [a, b] of straight) back.set(b, a);
    for (const seg of segments) {
      if (!seg) continue;
      const paragraphs = toParagraphs(straight ? seg.map((l) => straight.get(l)!) : seg, { left, right, pitch, spacing, ends: words?.tocLine, opens: words?.opensParagraph });
      for (const group of straight ? paragraphs.map((g) => g.map((l) => back.get(l)!)) : paragraphs) {
        const text = group.length === 1 ? group[0]!.text.split('\t').map(cleanText).filter(Boolean).join('\t') : cellsText(group);
        if (text === '') continue;
        const size = Math.max(...group.map((l) => l.size));
        const items = group.flatMap((l) => l.items);
        const bbox = itemsBox(items, p.box);
        // Read by OCR: the paragraph is as sure as its least sure piece.
        const confs = items.map((i) => i.conf).filter((c): c is number => c != null);
        const confidence = confs.length ? { confidence: Math.min(...confs) } : {};
        const block: Para = { ...para(text, { page: p.page, heading: size > bodySize + 1 ? 1 : null }), bbox, ...confidence };
        // A line of parts set far apart: each part's box, where they are the text's parts.
        if (group.length === 1 && text.includes('\t')) {
          const parts = lineParts(group[0]!).filter((its) => cleanText(its.map((i) => i.str).join('')) !== '');
          if (parts.length === text.split('\t').length) block.parts = parts.map((its) => itemsBox(its, p.box)!);
        }
        countOpening(group, left, opening);
        groups.set(block, group);
        placed.push({ top: group[0]!.y + group[0]!.size, block });
      }
    }
    placed.sort((a, b) => b.top - a.top);
    blocks.push(...placed.map((x) => x.block));
  }
  const flush = opening.flush >= 2 && opening.flush > opening.indented;
  markRunsOn(blocks, groups, left, right, flush ? 'unsure' : opening.indented >= 2 ? 'sure' : null);
  // Paragraphs that open without indent: a sentence closing a full line may have ended its paragraph.
  if (flush) {
    for (const [p, group] of groups) {
      const breaks = unsureBreaks(group, left, spacing);
      if (breaks.length) p.unsureBreaks = breaks;
    }
  }
  return blocks;
}

/**
 * Where in a paragraph's lines a break cannot be told from a wrap: a line closing a sentence
 * and the next starting at the left margin (a wrap, by the room the line leaves: toParagraphs
 * joined them). In a document whose paragraphs open with an indent the next line's place
 * tells, and where they stand a little apart the space between tells; where they open flush
 * and close, nothing does. Each is given as the line's last characters.
 */
function unsureBreaks(group: readonly Line[], left: number, spacing: (size: number) => number | null): string[] {
  const out: string[] = [];
  for (let k = 1; k < group.length; k++) {
    const [prev, l] = [group[k - 1]!, group[k]!];
    // Paragraphs set apart by a little space: lines as close as these are one paragraph's.
    if (spacing(l.size) != null) continue;
    const text = prev.text.trim();
    if (FULL_STOP.test(text) && Math.abs(l.x0 - left) < l.size * 0.5) out.push(text.slice(-12));
  }
  return out;
}

/** A sentence's or a clause's end (a paragraph ending mid-clause is the repair stage's own case). */
const ENDS_CLAUSE = /[。！？；!?;]["”’）)]?$/;

/**
 * A paragraph at the foot of a page whose last line closes a sentence or clause at the right
 * edge, the next page opening with a paragraph at the left margin: where the document's
 * paragraphs open indented, the first surely goes on in the second (`runsOn`, joined by the
 * repair stage, repair/paragraphs.ts); where they open flush nothing tells, and on the
 * generated documents either happens about as often: they stay two, the place said (an
 * unsure break). A paragraph ending mid-sentence is joined by the repair stage without this.
 */
function markRunsOn(blocks: readonly Block[], groups: ReadonlyMap<Para, readonly Line[]>, left: number, right: number, how: 'sure' | 'unsure' | null): void {
  if (how == null) return;
  for (let i = 1; i < blocks.length; i++) {
    const [a, b] = [blocks[i - 1]!, blocks[i]!];
    if (a.kind !== 'para' || b.kind !== 'para' || a.page == null || b.page !== a.page + 1) continue;
    const lines = groups.get(a) ?? [];
    const first = groups.get(b)?.[0];
    // A paragraph of one line at a page's foot may be a heading: only one of several lines goes on.
    const last = lines.length > 1 ? lines.at(-1) : undefined;
    if (!last || !first || Math.abs(last.size - first.size) >= 0.1) continue;
    const text = last.text.trim();
    if (!ENDS_CLAUSE.test(text) || right - last.x1 > last.size * 1.5 || Math.abs(first.x0 - left) >= first.size * 0.5) continue;
    if (how === 'sure') a.runsOn = true;
    else a.unsureBreaks = [...(a.unsureBreaks ?? []), text.slice(-12)];
  }
}

/**
 * How the document's paragraphs open: of the paragraphs of several lines whose second line
 * starts at the left margin, how many open indented by about two characters and how many
 * flush (a wrapped heading counts as flush too: a few do not turn a document's style).
 */
function countOpening(group: readonly Line[], left: number, style: { indented: number; flush: number }): void {
  if (group.length < 2) return;
  const [first, second] = [group[0]!, group[1]!];
  if (Math.abs(second.x0 - left) >= second.size * 0.5) return;
  const indent = first.x0 - left;
  if (Math.abs(indent) < first.size * 0.5) style.flush++;
  else if (indent > first.size * 1.5 && indent <= first.size * 2.6) style.indented++;
}
