/**
 * Ruling lines found in a page bitmap: long horizontal and vertical runs of ink.
 *
 * A run may jump small breaks (a scanned line is rarely unbroken); runs on neighbouring
 * pixel rows (columns) that overlap make one line, as thick as the rows it took — a line a
 * degree off the axis steps from row to row and is still one line. Runs far longer than a
 * character is wide are rules; text strokes never are. The pixels of the rules found are
 * cleared from the ink mask, so text touching a rule is read without it.
 *
 * Lines come out in pixels (y down); the page reader turns them into the PDF loader's
 * segments, and the grid is built from them exactly as from drawn vector lines.
 */

export interface PixelRule {
  dir: 'h' | 'v';
  /** Row (h) or column (v) of the line's middle. */
  pos: number;
  /** Extent along the line. */
  a: number;
  b: number;
  /** Thickness in pixels. */
  thick: number;
}

interface Run {
  line: number;
  a: number;
  b: number;
  /** Inked pixels in [a, b] (the rest are jumped breaks). */
  ink: number;
}

interface Scale {
  /** Longest break jumped inside one line. */
  gap: number;
  /** Shortest horizontal / vertical line taken as a rule. */
  minH: number;
  minV: number;
  /** Thickest line taken as a rule (thicker is a filled area). */
  maxThick: number;
}

/** Rule sizes at a resolution: lines of about 0.4 inch across and 0.2 inch down. */
export function ruleScale(dpi: number): Scale {
  return {
    gap: Math.max(2, Math.round(dpi / 60)),
    minH: Math.round(dpi * 0.4),
    minV: Math.round(dpi * 0.2),
    maxThick: Math.max(4, Math.round(dpi / 25)),
  };
}

/** Runs of ink along one axis: `at(line, k)` reads the mask at position k of line `line`. */
function runs(lines: number, length: number, at: (line: number, k: number) => number, gap: number, min: number): Run[] {
  const out: Run[] = [];
  for (let l = 0; l < lines; l++) {
    let start = -1;
    let last = -1;
    let count = 0;
    for (let k = 0; k <= length; k++) {
      const ink = k < length && at(l, k) === 1;
      if (ink) {
        if (start < 0) start = k;
        else if (k - last - 1 > gap) {
          if (last - start + 1 >= min) out.push({ line: l, a: start, b: last, ink: count });
          start = k;
          count = 0;
        }
        last = k;
        count++;
      } else if (k === length && start >= 0 && last - start + 1 >= min) out.push({ line: l, a: start, b: last, ink: count });
    }
  }
  return out;
}

/** Share of a rule's length that is ink (a scanned line has a few breaks; dot leaders are half paper). */
const MIN_FILL = 0.8;

/** Share of a rule's length where ink touches it from the side: 2 pixels beyond its edges. */
function crossed(g: { parts: Run[]; a: number; b: number }, at: (line: number, k: number) => number, extent: number): number {
  let top = Infinity;
  let bottom = -Infinity;
  for (const p of g.parts) {
    top = Math.min(top, p.line);
    bottom = Math.max(bottom, p.line);
  }
  const before = top - 2;
  const after = bottom + 2;
  let hit = 0;
  let n = 0;
  for (let k = g.a; k <= g.b; k += 2) {
    n++;
    if ((before >= 0 && at(before, k) === 1) || (after < extent && at(after, k) === 1)) hit++;
  }
  return n ? hit / n : 1;
}

/**
 * Most of a rule's length is paper on both sides (a crossing line or a character touching
 * it here and there). Strokes of large bold characters joined across a line of text are
 * crossed by the characters' other strokes all along.
 */
const MAX_CROSSED = 0.35;

/** Joins runs on neighbouring lines that overlap into rules (runs come sorted by line). */
function joinRuns(rs: Run[], dir: 'h' | 'v', s: Scale, at: (line: number, k: number) => number, extent: number): Array<PixelRule & { parts: Run[] }> {
  const open: Array<{ parts: Run[]; last: number; a: number; b: number }> = [];
  const done: Array<{ parts: Run[]; last: number; a: number; b: number }> = [];
  for (const r of rs) {
    // Lines still open: their latest run is at most two lines back.
    for (let i = open.length - 1; i >= 0; i--) {
      if (r.line - open[i]!.last > 2) done.push(...open.splice(i, 1));
    }
    const g = open.find((o) => r.a <= o.b + s.gap && r.b >= o.a - s.gap);
    if (g) {
      g.parts.push(r);
      g.last = r.line;
      g.a = Math.min(g.a, r.a);
      g.b = Math.max(g.b, r.b);
    } else open.push({ parts: [r], last: r.line, a: r.a, b: r.b });
  }
  done.push(...open);
  const out: Array<PixelRule & { parts: Run[] }> = [];
  for (const g of done) {
    const lines = new Set(g.parts.map((p) => p.line));
    // Thickness over the line's length: a skewed line crosses many rows but is thin at each point.
    const inked = g.parts.reduce((n, p) => n + p.b - p.a + 1, 0);
    const thick = inked / (g.b - g.a + 1);
    if (thick > s.maxThick) continue;
    // A rule is drawn solid: a row of dots (contents leaders) or of characters is not one.
    const fill = g.parts.reduce((n, p) => n + p.ink, 0) / inked;
    if (fill < MIN_FILL) continue;
    if (crossed(g, at, extent) > MAX_CROSSED) continue;
    const pos = g.parts.reduce((n, p) => n + p.line * (p.b - p.a + 1), 0) / inked;
    out.push({ dir, pos, a: g.a, b: g.b, thick: Math.max(1, Math.min(lines.size, Math.round(thick))), parts: g.parts });
  }
  return out;
}

/**
 * The page's rules, and the ink mask with their pixels cleared (`mask` is changed in place).
 */
export function findRules(mask: Uint8Array, width: number, height: number, dpi: number): PixelRule[] {
  const s = ruleScale(dpi);
  const atH = (y: number, x: number) => mask[y * width + x]!;
  const atV = (x: number, y: number) => mask[y * width + x]!;
  // A line turned a little (a photographed sheet's perspective, a bowed page) crosses rows of
  // pixels every 1/slope pixels: its runs on each row are short, and joined across rows they
  // are the line. Runs of a quarter of a rule's length are joined, and the joined line must be
  // a rule's length.
  const hAll = joinRuns(runs(height, width, atH, s.gap, Math.round(s.minH / 4)), 'h', s, atH, height).filter((r) => r.b - r.a + 1 >= s.minH);
  const vAll = joinRuns(runs(width, height, atV, s.gap, s.minV), 'v', s, atV, width);
  // A line an inch long is a rule; a shorter one only where it meets a rule of the other
  // direction (a table's cell border), step by step from the long ones. Alone it is more
  // likely the stroke of a large bold character.
  const tol = s.gap + s.maxThick;
  const meet = (h: PixelRule, v: PixelRule) => v.pos >= h.a - tol && v.pos <= h.b + tol && h.pos >= v.a - tol && h.pos <= v.b + tol;
  const keptH = new Set(hAll.filter((r) => r.b - r.a >= dpi));
  const keptV = new Set(vAll.filter((r) => r.b - r.a >= dpi));
  for (let step = 0, grew = true; grew && step < 4; step++) {
    grew = false;
    for (const h of hAll) if (!keptH.has(h) && [...keptV].some((v) => meet(h, v))) (keptH.add(h), (grew = true));
    for (const v of vAll) if (!keptV.has(v) && [...keptH].some((h) => meet(h, v))) (keptV.add(v), (grew = true));
  }
  const hs = hAll.filter((r) => keptH.has(r));
  const vs = vAll.filter((r) => keptV.has(r));
  // Cleared with a pixel's margin: the grey edge of a scanned line would read as a stroke.
  for (const r of hs) {
    for (const p of r.parts) {
      for (let y = Math.max(0, p.line - 1); y <= Math.min(height - 1, p.line + 1); y++) mask.fill(0, y * width + p.a, y * width + p.b + 1);
    }
  }
  for (const r of vs) {
    for (const p of r.parts) {
      const x0 = Math.max(0, p.line - 1);
      const x1 = Math.min(width - 1, p.line + 1);
      for (let y = p.a; y <= p.b; y++) mask.fill(0, y * width + x0, y * width + x1 + 1);
    }
  }
  return [...hs, ...vs].map(({ parts: _parts, ...r }) => r);
}

/**
 * Lines of one direction whose positions lie within `tol` pixels share their mean position:
 * the pieces of one scanned grid line (each row's, each cell's) become one grid line.
 */
export function alignRules(rules: PixelRule[], tol: number): PixelRule[] {
  const out: PixelRule[] = [];
  for (const dir of ['h', 'v'] as const) {
    const sorted = rules.filter((r) => r.dir === dir).sort((p, q) => p.pos - q.pos);
    let group: PixelRule[] = [];
    const flush = () => {
      if (group.length === 0) return;
      const w = group.reduce((n, r) => n + (r.b - r.a), 0) || 1;
      const pos = group.reduce((n, r) => n + r.pos * (r.b - r.a), 0) / w;
      for (const r of group) out.push({ ...r, pos });
      group = [];
    };
    for (const r of sorted) {
      if (group.length && r.pos - group[group.length - 1]!.pos > tol) flush();
      group.push(r);
    }
    flush();
  }
  return out;
}
