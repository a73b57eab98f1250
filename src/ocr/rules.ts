/**
 * Ruling lines found in a page bitmap: long horizontal and vertical runs of ink.
 *
 * A run may jump small breaks (a scanned line is rarely unbroken); runs on neighbouring
 * pixel rows (columns) that overlap where the line has reached make one line, as thick as the
 * rows it took — a line a degree or two off the axis steps from row to row and is still one
 * line, and a stroke of text beside it further along is not taken in. Runs far longer than a
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

/**
 * Share of a rule's length where ink touches it from the side, 2 pixels beyond its edges:
 * ink on both sides counts whole (a stroke crossing it), on one side half (a cell's text set
 * down on its border, touching it all along one side when a photograph blurs them together).
 */
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
    const a = before >= 0 && at(before, k) === 1;
    const b = after < extent && at(after, k) === 1;
    hit += a && b ? 1 : a || b ? 0.5 : 0;
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
function joinRuns(rs: Run[], dir: 'h' | 'v', s: Scale, at: (line: number, k: number) => number, extent: number, bent = false): Array<PixelRule & { parts: Run[] }> {
  const open: Array<{ parts: Run[]; last: number; a: number; b: number }> = [];
  const done: Array<{ parts: Run[]; last: number; a: number; b: number }> = [];
  for (const r of rs) {
    // Lines still open: their latest run is at most two lines back.
    for (let i = open.length - 1; i >= 0; i--) {
      if (r.line - open[i]!.last > 2) done.push(...open.splice(i, 1));
    }
    // A run continues a line it overlaps. On a bent page, only where the line reaches now (its
    // runs on the lines just before), not anywhere along it: a line turned a degree or two
    // steps across the lines, and a stroke of text standing beside it further along is not
    // part of it; a run that continues two such pieces (a line jogging a pixel to and fro)
    // makes them one. A straight page's thick or doubled line steps from row to row in no
    // order (a grey scan's edge) and is one line wherever its runs overlap.
    const touches = (o: (typeof open)[number]) => {
      if (!bent) return r.a <= o.b + s.gap && r.b >= o.a - s.gap;
      for (let k = o.parts.length - 1; k >= 0 && o.parts[k]!.line >= r.line - 2; k--) {
        const p = o.parts[k]!;
        if (r.a <= p.b + s.gap && r.b >= p.a - s.gap) return true;
      }
      return false;
    };
    const hit = bent ? open.filter(touches) : open.filter(touches).slice(0, 1);
    const g = hit[0];
    if (g) {
      for (const o of hit.slice(1)) {
        g.parts.push(...o.parts);
        g.a = Math.min(g.a, o.a);
        g.b = Math.max(g.b, o.b);
        open.splice(open.indexOf(o), 1);
      }
      if (hit.length > 1) g.parts.sort((p, q) => p.line - q.line);
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
 * `bent`: a page whose column lines leaned and were stood upright (a photograph): its lines
 * still step a pixel here and there, and are followed run by run. (Not a page the dewarping
 * alone moved: it moves some straight scans a little too.)
 */
export function findRules(mask: Uint8Array, width: number, height: number, dpi: number, bent = false): PixelRule[] {
  const s = ruleScale(dpi);
  const atH = (y: number, x: number) => mask[y * width + x]!;
  const atV = (x: number, y: number) => mask[y * width + x]!;
  // A line turned a little (a photographed sheet's perspective, a bowed page) crosses rows of
  // pixels every 1/slope pixels: its runs on each row are short, and joined across rows they
  // are the line. Runs of a quarter of a rule's length are joined, and the joined line must be
  // a rule's length; so for columns on a bent page (a column line at a page's foot crosses a
  // row of cells a few times as tall as a rule's shortest run). On a straight page a column's
  // runs are its length (shorter ones are strokes of text, which touching a thick grey line
  // would be taken into it).
  const hAll = joinRuns(runs(height, width, atH, s.gap, Math.round(s.minH / 4)), 'h', s, atH, height, bent).filter((r) => r.b - r.a + 1 >= s.minH);
  const vAll = bent
    ? joinRuns(runs(width, height, atV, s.gap, Math.round(s.minV / 4)), 'v', s, atV, width, true).filter((r) => r.b - r.a + 1 >= s.minV)
    : joinRuns(runs(width, height, atV, s.gap, s.minV), 'v', s, atV, width);
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
 * How the page's vertical lines lean, as a photograph's perspective leans them (they run
 * towards a point beyond the page, so each leans by an amount that changes steadily across
 * the page): the lean in pixels across per pixel down, as a + b·x, fitted to the lines an inch
 * long or more (each line's lean from where its runs stand along it). Null when fewer than
 * two such lines tell, or when no line would move by more than a pixel or two at its ends
 * (a flat or deskewed page).
 */
export function leanOf(mask: Uint8Array, width: number, height: number, dpi: number): { a: number; b: number } | null {
  const s = ruleScale(dpi);
  const atV = (x: number, y: number) => mask[y * width + x]!;
  const lines = joinRuns(runs(width, height, atV, s.gap, Math.round(s.minV / 4)), 'v', s, atV, width, true).filter((r) => r.b - r.a >= dpi);
  const fits: Array<{ x: number; lean: number; w: number }> = [];
  for (const l of lines) {
    // Least squares of the runs' column on their middle row, each weighted by its length.
    let n = 0, my = 0, mx = 0;
    for (const p of l.parts) {
      const w = p.b - p.a + 1;
      n += w;
      my += ((p.a + p.b) / 2) * w;
      mx += p.line * w;
    }
    my /= n;
    mx /= n;
    let sxy = 0, syy = 0;
    for (const p of l.parts) {
      const w = p.b - p.a + 1;
      const dy = (p.a + p.b) / 2 - my;
      sxy += dy * (p.line - mx) * w;
      syy += dy * dy * w;
    }
    if (syy > 0) fits.push({ x: mx, lean: sxy / syy, w: l.b - l.a });
  }
  // A line leaning more than a photographed sheet's lines can (MAX_LEAN) is no single straight line.
  let kept = fits.filter((f) => Math.abs(f.lean) < MAX_LEAN);
  let model: { a: number; b: number } | null = null;
  for (let pass = 0; pass < 2 && kept.length >= 2; pass++) {
    // Weighted least squares of lean on x (a single lean where the lines stand close together).
    const W = kept.reduce((n, f) => n + f.w, 0);
    const mx = kept.reduce((n, f) => n + f.x * f.w, 0) / W;
    const ml = kept.reduce((n, f) => n + f.lean * f.w, 0) / W;
    const sxx = kept.reduce((n, f) => n + (f.x - mx) ** 2 * f.w, 0);
    const b = sxx > (width / 4) ** 2 * W * 0.05 ? kept.reduce((n, f) => n + (f.x - mx) * (f.lean - ml) * f.w, 0) / sxx : 0;
    model = { a: ml - b * mx, b };
    // Lines off the fit (a stroke, a line of another drawing) are left out and the rest fitted again.
    const m = model;
    kept = kept.filter((f) => Math.abs(m.a + m.b * f.x - f.lean) < LEAN_OFF);
  }
  if (!model || kept.length < 2) return null;
  const m = model;
  // Moved at its ends by how much, the line the fit moves most.
  const most = Math.max(...kept.map((f) => Math.abs(m.a + m.b * f.x) * (f.w / 2)));
  return most < MIN_LEAN_SHIFT ? null : model;
}

/**
 * Lean (across per down) beyond which a line is not one a turned or photographed sheet shows
 * (4.6°): a photograph's shear, left after the page is deskewed by its text lines, leans the
 * column lines 3° and more (0.053 on a phone photograph's table, whose rules were then not
 * found at all).
 */
const MAX_LEAN = 0.08;
/** How far a line's lean may stand off the page's fit and still be taken to lean with it. */
const LEAN_OFF = 0.006;
/** Shift at a line's ends (pixels) under which a lean is left alone. */
const MIN_LEAN_SHIFT = 6;

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
