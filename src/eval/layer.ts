/**
 * Telling extractor errors from text the PDF producer itself lost. Some producers drop
 * characters from the text layer (LibreOffice leaves out a punctuation mark hanging at the end
 * of a full line): the mark is in the DOCX and the gold, but not in the PDF, so no extractor
 * can output it. `npm run eval` asks poppler's `pdftotext` — an independent reader — for the
 * text layer, and a field that differs from the gold only by characters missing there too is
 * counted as lost by the producer, not against the extractor.
 */
import { spawnSync } from 'node:child_process';

/** The PDF's text layer by pdftotext, white space removed; null when pdftotext is not installed. */
export function textLayer(file: string): string | null {
  const r = spawnSync('pdftotext', ['-enc', 'UTF-8', file, '-'], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (r.error || r.status !== 0) return null;
  return r.stdout.replace(/\s+/g, '');
}

const CONTEXT = 6;
/** Most characters a page break puts between the two sides of a lost run (page number, running lines). */
const GAP = 12;

/**
 * Whether `got` is `want` with some characters left out, each left-out run being absent from
 * the text layer at that place (its neighbours stand there side by side) — so the producer
 * lost it. Runs holding a line break are never producer losses (they are paragraph splits).
 */
export function lostByProducer(got: string, want: string, layer: string): boolean {
  if (got === want || got.length >= want.length) return false;
  /** Each left-out run, with where it would stand in `got`. */
  const runs: Array<{ at: number; run: string }> = [];
  let i = 0;
  let j = 0;
  while (j < want.length) {
    if (i < got.length && got[i] === want[j]) {
      i++;
      j++;
      continue;
    }
    const start = j;
    // The shortest run of `want` after which `got` goes on.
    while (j < want.length && !(i < got.length && got[i] === want[j] && got.slice(i, i + 3) === want.slice(j, j + 3))) j++;
    if (j === want.length && i < got.length) return false;
    runs.push({ at: i, run: want.slice(start, j) });
  }
  if (i !== got.length || runs.length === 0) return false;
  const flat = (s: string) => s.replace(/\s+/g, '');
  return runs.every(({ at, run }) => {
    if (/\n/.test(run) || run.length > 3) return false;
    // Context from what was extracted: a neighbouring loss must not spoil the look-up.
    const left = flat(got.slice(Math.max(0, at - CONTEXT), at));
    const right = flat(got.slice(at, at + CONTEXT));
    return standsWithout(layer, left, right, flat(run));
  });
}

/**
 * Whether `left` is followed in the layer by `right` with `run` not between them. A page
 * break may put its page number or running lines between the two (a few characters).
 */
function standsWithout(layer: string, left: string, right: string, run: string): boolean {
  let from = 0;
  let seen = false;
  // An empty `left` (a loss at the start of what was extracted) is found at every place, and
  // past the end at the end again: the look-up stops there.
  for (; from <= layer.length; ) {
    const at = layer.indexOf(left, from);
    if (at < 0) return seen;
    const after = layer.slice(at + left.length, at + left.length + GAP + right.length);
    const k = after.indexOf(right);
    if (k >= 0) {
      if (after.slice(0, k).includes(run)) return false;
      seen = true;
    }
    from = at + 1;
  }
  return seen;
}
