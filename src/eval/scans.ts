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
