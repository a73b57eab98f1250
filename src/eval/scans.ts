/**
 * Scanned renditions of the corpus for `npm run eval`, made from each document's PDF the way
 * archives come by them, and cached (they take a while; the inputs decide their names):
 *
 *   scan150        pdftoppm -r 150 -gray, pages wrapped as an image-only PDF by img2pdf
 *   scan300-skew   300 dpi grey, every page turned by 1° (alternately left and right)
 *   scan200-noise  200 dpi grey, salt-and-pepper specks and JPEG quality 50 (a photocopy)
 *   ocr-layer      the 150 dpi pages through tesseract (chi_sim): an image under an invisible
 *                  text layer, as OCR software writes it
 *   tiff           the 150 dpi pages as one multi-page TIFF (scored as tiff:pages)
 *   outlines       the PDF re-written by Ghostscript with its text turned into paths
 *                  (-dNoOutputFonts, as print workflows "outline" fonts): no text layer, no image
 *
 * Needs pdftoppm (poppler-utils), img2pdf, tesseract with chi_sim and Ghostscript (Debian
 * packages poppler-utils, img2pdf, tesseract-ocr, tesseract-ocr-chi-sim, ghostscript); sharp
 * turns and spoils the pages. A variant whose tool is missing is skipped with a note.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { type Raw, between, bilevel, photocopied, photographed, rng, rotated, sealSvg, toGrey, toRgb } from './degrade.js';
import { imagePdf, jbig2Page } from './jbig2.js';

export const SCAN_VARIANTS = ['scan150', 'scan300-skew', 'scan200-noise', 'ocr-layer', 'tiff', 'outlines'] as const;
export type ScanVariant = (typeof SCAN_VARIANTS)[number];

const found = new Map<string, boolean>();
function has(tool: string): boolean {
  if (!found.has(tool)) found.set(tool, spawnSync(tool, ['--version'], { stdio: 'ignore' }).error == null);
  return found.get(tool)!;
}

function pages(pdf: string, dpi: number, dir: string): string[] {
  mkdirSync(dir, { recursive: true });
  execFileSync('pdftoppm', ['-r', String(dpi), '-gray', '-png', pdf, path.join(dir, 'p')]);
  return readdirSync(dir).filter((f) => f.endsWith('.png')).sort().map((f) => path.join(dir, f));
}

/** Deterministic specks: a fixed-seed generator, so a variant is the same file every time. */
function specks(data: Buffer, seed: number, share: number): void {
  let s = seed >>> 0 || 1;
  const rnd = () => ((s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32);
  const n = Math.round(data.length * share);
  for (let i = 0; i < n; i++) data[Math.floor(rnd() * data.length)] = rnd() < 0.5 ? 0 : 255;
}

async function make(pdf: string, variant: ScanVariant, target: string, work: string): Promise<void> {
  const { default: sharp } = await import('sharp');
  if (variant === 'scan150') {
    execFileSync('img2pdf', [...pages(pdf, 150, work), '-o', target]);
  } else if (variant === 'scan300-skew') {
    const out: string[] = [];
    for (const [i, p] of pages(pdf, 300, work).entries()) {
      const turned = `${p}.skew.png`;
      await sharp(p).rotate(i % 2 ? -1 : 1, { background: '#ffffff' }).greyscale().png().toFile(turned);
      out.push(turned);
    }
    execFileSync('img2pdf', [...out, '-o', target]);
  } else if (variant === 'scan200-noise') {
    const out: string[] = [];
    for (const [i, p] of pages(pdf, 200, work).entries()) {
      const { data, info } = await sharp(p).greyscale().raw().toBuffer({ resolveWithObject: true });
      specks(data, i + 7, 0.002);
      const jpg = `${p}.jpg`;
      await sharp(data, { raw: { width: info.width, height: info.height, channels: 1 } }).jpeg({ quality: 50 }).toFile(jpg);
      out.push(jpg);
    }
    execFileSync('img2pdf', [...out, '-o', target]);
  } else if (variant === 'ocr-layer') {
    const list = path.join(work, 'pages.txt');
    writeFileSync(list, `${pages(pdf, 150, work).join('\n')}\n`);
    const base = path.join(work, 'ocr');
    execFileSync('tesseract', [list, base, '-l', 'chi_sim', 'pdf'], { stdio: 'ignore' });
    renameSync(`${base}.pdf`, target);
  } else if (variant === 'outlines') {
    execFileSync('gs', ['-q', '-dNOPAUSE', '-dBATCH', '-dSAFER', '-sDEVICE=pdfwrite', '-dNoOutputFonts', `-sOutputFile=${target}`, pdf]);
  } else {
    await sharp(pages(pdf, 150, work), { join: { animated: true } }).tiff({ compression: 'lzw' }).toFile(target);
  }
}

const NEEDS: Record<ScanVariant, string[]> = {
  scan150: ['pdftoppm', 'img2pdf'],
  'scan300-skew': ['pdftoppm', 'img2pdf'],
  'scan200-noise': ['pdftoppm', 'img2pdf'],
  'ocr-layer': ['pdftoppm', 'tesseract'],
  tiff: ['pdftoppm'],
  outlines: ['gs'],
};

/**
 * Makes (or finds in `cache`) every variant of every corpus document that has a PDF; returns
 * the cache folder, whose files are named `<id>.<variant>.<ext>` like the layout fixtures.
 */
export async function scanVariants(corpus: string, cache: string, variants: readonly ScanVariant[] = SCAN_VARIANTS, log = (s: string) => console.error(s)): Promise<string> {
  mkdirSync(cache, { recursive: true });
  const missing = new Set<string>();
  for (const id of readdirSync(corpus).sort()) {
    const pdf = path.join(corpus, id, 'document.pdf');
    if (!existsSync(pdf)) continue;
    const hash = createHash('sha256').update(readFileSync(pdf)).digest('hex').slice(0, 12);
    for (const v of variants) {
      const absent = NEEDS[v].filter((t) => !has(t));
      if (absent.length) {
        for (const t of absent) missing.add(t);
        continue;
      }
      const ext = v === 'tiff' ? 'tiff' : 'pdf';
      const name = `${id}.${v === 'tiff' ? 'pages' : v}.${ext}`;
      const target = path.join(cache, name);
      const stamp = `${target}.${hash}`;
      if (existsSync(target) && existsSync(stamp)) continue;
      log(`eval: making ${name}`);
      const work = path.join(cache, `.work-${id}-${v}`);
      rmSync(work, { recursive: true, force: true });
      try {
        await make(pdf, v, target, work);
        writeFileSync(stamp, '');
      } finally {
        rmSync(work, { recursive: true, force: true });
      }
    }
  }
  if (missing.size) log(`eval: scan variants needing ${[...missing].join(', ')} skipped (apt-get install poppler-utils img2pdf tesseract-ocr tesseract-ocr-chi-sim ghostscript)`);
  return cache;
}

/**
 * Seeded degradations: each corpus PDF damaged as archives hold it, a different picture for
 * every seed (seed k damages the k-th corpus document, round the corpus), scored per
 * degradation by `npm run eval` (worst seed and rows wrong without a warning on the row):
 *
 *   seal       200 dpi colour JPEG, a red official seal (公章: ring, name, star) stamped over
 *              the cover and over the first project table
 *   photocopy  150 dpi grey JPEG: low contrast, grain, toner specks, turned 1–2°, the dark band
 *              of the binding down one side
 *   photo      a phone photograph: 200 dpi colour JPEG 60–80, 1–2% perspective, the sheet
 *              bowed, uneven light, a warm cast
 *   dpi100 … dpi300   clean grey JPEG scans at 100, 150, 200, 300 dpi (turned by up to 0.5°)
 *   g4         bilevel 200 or 300 dpi pages, CCITT G4 (a TIFF wrapped by img2pdf)
 *   jbig2      bilevel 200 or 300 dpi pages, JBIG2 generic regions (jbig2.ts)
 *   rotate     200 dpi grey JPEG, turned by 0–2° either way
 */
export const DEGRADATIONS = ['seal', 'photocopy', 'photo', 'dpi100', 'dpi150', 'dpi200', 'dpi300', 'g4', 'jbig2', 'rotate'] as const;
export type Degradation = (typeof DEGRADATIONS)[number];
export const DEFAULT_SEEDS = 20;

export interface DegradedFile {
  degradation: Degradation;
  seed: number;
  doc: string;
  file: string;
}

/** The corpus PDF's pages at `dpi`, grey or colour, as raw pixels (rendered once into `dir`). */
async function rawPages(pdf: string, dpi: number, colour: boolean, dir: string): Promise<Raw[]> {
  const { default: sharp } = await import('sharp');
  if (!existsSync(path.join(dir, 'done'))) {
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    execFileSync('pdftoppm', ['-r', String(dpi), ...(colour ? [] : ['-gray']), '-png', pdf, path.join(dir, 'p')]);
    writeFileSync(path.join(dir, 'done'), '');
  }
  const files = readdirSync(dir).filter((f) => f.endsWith('.png')).sort();
  return Promise.all(
    files.map(async (f) => {
      const img = sharp(path.join(dir, f)).removeAlpha();
      const { data, info } = await (colour ? img.toColourspace('srgb') : img.greyscale()).raw().toBuffer({ resolveWithObject: true });
      return { width: info.width, height: info.height, channels: info.channels as 1 | 3, data: new Uint8Array(data.buffer, data.byteOffset, data.length) };
    }),
  );
}

/** The first page holding a project table (its 项目名称 label), by poppler's text of each page. */
function projectTablePage(pdf: string, pages: number): number {
  for (let p = 2; p <= pages; p++) {
    const text = execFileSync('pdftotext', ['-f', String(p), '-l', String(p), '-layout', pdf, '-'], { encoding: 'utf8' });
    if (/项目名称/.test(text) && /绩效指标|一级指标/.test(text)) return p - 1;
  }
  return Math.min(1, pages - 1);
}

async function encode(img: Raw, dpi: number, kind: 'png' | 'jpeg', quality = 90): Promise<Buffer> {
  const { default: sharp } = await import('sharp');
  const s = sharp(Buffer.from(img.data.buffer, img.data.byteOffset, img.data.length), { raw: { width: img.width, height: img.height, channels: img.channels } }).withMetadata({ density: dpi });
  return kind === 'png' ? s.png({ compressionLevel: 6 }).toBuffer() : s.jpeg({ quality, chromaSubsampling: '4:2:0' }).toBuffer();
}

function wrap(images: string[], target: string): void {
  execFileSync('img2pdf', [...images, '-o', target]);
}

async function makeDegraded(pdf: string, d: Degradation, seed: number, target: string, work: string, pagesDir: (dpi: number, colour: boolean) => string): Promise<void> {
  const { default: sharp } = await import('sharp');
  const r = rng(seed * 7919 + DEGRADATIONS.indexOf(d));
  mkdirSync(work, { recursive: true });
  const written: string[] = [];
  const put = async (img: Raw, i: number, dpi: number, kind: 'png' | 'jpeg', quality?: number) => {
    const f = path.join(work, `p${String(i).padStart(3, '0')}.${kind === 'png' ? 'png' : 'jpg'}`);
    writeFileSync(f, await encode(img, dpi, kind, quality));
    written.push(f);
  };
  if (d === 'seal') {
    const pages = await rawPages(pdf, 200, true, pagesDir(200, true));
    const table = projectTablePage(pdf, pages.length);
    for (const [i, page] of pages.entries()) {
      let img = toRgb(page);
      if (i === 0 || i === table) {
        const size = Math.round(between(r, 1.5, 1.75) * 200);
        const svg = sealSvg(size, seed * 31 + i);
        const turned = await sharp(Buffer.from(svg)).rotate(between(r, -25, 25), { background: { r: 255, g: 255, b: 255, alpha: 0 } }).png().toBuffer();
        const meta = await sharp(turned).metadata();
        // Over the issuer and date of the cover; over the upper part of the project table.
        const cx = between(r, 0.3, 0.7) * img.width;
        const cy = (i === 0 ? between(r, 0.45, 0.8) : between(r, 0.15, 0.55)) * img.height;
        const left = Math.max(0, Math.min(img.width - meta.width!, Math.round(cx - meta.width! / 2)));
        const top = Math.max(0, Math.min(img.height - meta.height!, Math.round(cy - meta.height! / 2)));
        const { data, info } = await sharp(Buffer.from(img.data.buffer, img.data.byteOffset, img.data.length), { raw: { width: img.width, height: img.height, channels: 3 } })
          .composite([{ input: turned, left, top, blend: 'multiply' }])
          .removeAlpha()
          .raw()
          .toBuffer({ resolveWithObject: true });
        img = { width: info.width, height: info.height, channels: 3, data: new Uint8Array(data.buffer, data.byteOffset, data.length) };
      }
      await put(img, i, 200, 'jpeg', Math.round(between(r, 75, 92)));
    }
    wrap(written, target);
  } else if (d === 'photocopy') {
    const pages = await rawPages(pdf, 150, false, pagesDir(150, false));
    for (const [i, page] of pages.entries()) await put(photocopied(page, seed * 101 + i), i, 150, 'jpeg', Math.round(between(r, 70, 85)));
    wrap(written, target);
  } else if (d === 'photo') {
    const pages = await rawPages(pdf, 200, true, pagesDir(200, true));
    for (const [i, page] of pages.entries()) await put(photographed(toRgb(page), seed * 101 + i), i, 200, 'jpeg', Math.round(between(r, 60, 80)));
    wrap(written, target);
  } else if (d === 'rotate' || d.startsWith('dpi')) {
    const dpi = d === 'rotate' ? 200 : Number(d.slice(3));
    const pages = await rawPages(pdf, dpi, false, pagesDir(dpi, false));
    for (const [i, page] of pages.entries()) {
      const deg = d === 'rotate' ? between(r, 0, 2) * (r() < 0.5 ? -1 : 1) : between(r, -0.5, 0.5);
      // A flatbed's JPEG (a PNG of a turned page would be as large and no truer).
      await put(rotated(page, deg, [255]), i, dpi, 'jpeg', Math.round(between(r, 80, 92)));
    }
    wrap(written, target);
  } else {
    const dpi = r() < 0.5 ? 200 : 300;
    const pages = await rawPages(pdf, dpi, false, pagesDir(dpi, false));
    const images: Array<{ data: Uint8Array; width: number; height: number; dpi: number; filter: string }> = [];
    for (const [i, page] of pages.entries()) {
      const turned = rotated(toGrey(page), between(r, -0.6, 0.6), [255]);
      const bits = bilevel(turned, between(r, 140, 190));
      if (d === 'jbig2') images.push({ data: jbig2Page(bits, turned.width, turned.height, dpi), width: turned.width, height: turned.height, dpi, filter: 'JBIG2Decode' });
      else {
        const grey = new Uint8Array(bits.length);
        for (let k = 0; k < bits.length; k++) grey[k] = bits[k] ? 0 : 255;
        const f = path.join(work, `p${String(i).padStart(3, '0')}.tiff`);
        await sharp(Buffer.from(grey.buffer), { raw: { width: turned.width, height: turned.height, channels: 1 } })
          .toColourspace('b-w')
          .tiff({ compression: 'ccittfax4', bitdepth: 1, xres: dpi / 25.4, yres: dpi / 25.4, resolutionUnit: 'inch' })
          .toFile(f);
        written.push(f);
      }
    }
    if (d === 'jbig2') writeFileSync(target, imagePdf(images));
    else wrap(written, target);
  }
}

/**
 * Makes (or finds in `cache`/degraded) the first `seeds` seeds of each degradation asked for;
 * files are named `<id>.<degradation>-s<NN>.pdf`.
 */
export async function degradedScans(corpus: string, cache: string, opts: { seeds?: number; degradations?: readonly Degradation[]; log?: (s: string) => void } = {}): Promise<DegradedFile[]> {
  const log = opts.log ?? ((s: string) => console.error(s));
  const absent = ['pdftoppm', 'img2pdf'].filter((t) => !has(t));
  if (absent.length) {
    log(`eval: degraded scans need ${absent.join(', ')} (apt-get install poppler-utils img2pdf): skipped`);
    return [];
  }
  const dir = path.join(cache, 'degraded');
  mkdirSync(dir, { recursive: true });
  const ids = readdirSync(corpus)
    .filter((id) => existsSync(path.join(corpus, id, 'document.pdf')))
    .sort();
  const out: DegradedFile[] = [];
  for (const d of opts.degradations ?? DEGRADATIONS) {
    for (let seed = 0; seed < (opts.seeds ?? DEFAULT_SEEDS); seed++) {
      const id = ids[seed % ids.length]!;
      const pdf = path.join(corpus, id, 'document.pdf');
      const hash = createHash('sha256').update(readFileSync(pdf)).digest('hex').slice(0, 12);
      const name = `${id}.${d}-s${String(seed).padStart(2, '0')}.pdf`;
      const target = path.join(dir, name);
      const stamp = `${target}.${hash}`;
      if (!(existsSync(target) && existsSync(stamp))) {
        log(`eval: making ${name}`);
        const work = path.join(dir, `.work-${name}`);
        rmSync(work, { recursive: true, force: true });
        try {
          await makeDegraded(pdf, d, seed, target, work, (dpi, colour) => path.join(cache, 'pages', `${id}-${hash}-${dpi}${colour ? 'c' : 'g'}`));
          writeFileSync(stamp, '');
        } finally {
          rmSync(work, { recursive: true, force: true });
        }
      }
      out.push({ degradation: d, seed, doc: id, file: target });
    }
  }
  return out;
}

/** Copies one seed of some degradations, made in `cache`, into `out` (the committed test fixtures). */
export async function degradedFixtures(corpus: string, cache: string, out: string, degradations: readonly Degradation[], seed: number): Promise<string[]> {
  const made = await degradedScans(corpus, cache, { seeds: seed + 1, degradations });
  mkdirSync(out, { recursive: true });
  return made
    .filter((f) => f.seed === seed)
    .map((f) => {
      const target = path.join(out, path.basename(f.file));
      writeFileSync(target, readFileSync(f.file));
      return target;
    });
}
