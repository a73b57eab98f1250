/**
 * `npm run bench -- --only pages`: how large the review's source-page images must be, measured.
 *
 * For a spread of corpus PDF pages (tables in small print), each page is drawn at several
 * scales and encoded as PNG, JPEG and WebP at several qualities; each image is decoded again
 * and read by jixiao's own OCR engine, and the characters it reads (CJK and digits) are scored
 * against the page's text layer (longest common subsequence). The bytes per page and the
 * characters read tell which scale keeps small print legible and which encoding keeps it at
 * the fewest bytes (src/review/pages.ts holds the choice).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { drawPage } from '../loaders/pdf/draw.js';
import { openPdf } from '../loaders/pdf/open.js';
import { type Gray, readScan } from '../ocr/index.js';

const SCALES = [1, 1.25, 1.5, 2, 2.5];
const VARIANTS: Array<{ format: 'png' | 'jpeg' | 'webp'; quality: number }> = [
  { format: 'png', quality: 100 },
  ...[60, 75, 90].map((quality) => ({ format: 'jpeg' as const, quality })),
  ...[60, 75, 90].map((quality) => ({ format: 'webp' as const, quality })),
];
/** Pages measured per document, spread over it. */
const PAGES_PER_DOC = 2;

const READABLE = /[\u4e00-\u9fff0-9]/u;

function chars(s: string): string[] {
  return [...s].filter((ch) => READABLE.test(ch));
}

/** Length of the longest common subsequence (two rows). */
function lcs(a: readonly string[], b: readonly string[]): number {
  let prev = new Uint16Array(b.length + 1);
  let cur = new Uint16Array(b.length + 1);
  for (const x of a) {
    for (let j = 1; j <= b.length; j++) cur[j] = x === b[j - 1] ? prev[j - 1]! + 1 : Math.max(prev[j]!, cur[j - 1]!);
    [prev, cur] = [cur, prev];
  }
  return prev[b.length]!;
}

async function grayOf(bytes: Buffer): Promise<Gray> {
  const { createCanvas, loadImage } = await import('@napi-rs/canvas');
  const img = await loadImage(bytes);
  const canvas = createCanvas(img.width, img.height);
  const ctx = canvas.getContext('2d');
  ctx.drawImage(img, 0, 0);
  const rgba = ctx.getImageData(0, 0, img.width, img.height).data;
  const data = new Uint8Array(img.width * img.height);
  for (let i = 0, j = 0; j < data.length; i += 4, j++) data[j] = (rgba[i]! * 299 + rgba[i + 1]! * 587 + rgba[i + 2]! * 114) / 1000;
  return { width: img.width, height: img.height, data };
}

interface Cell {
  bytes: number;
  read: number;
  total: number;
}

export async function pageImageBench(corpus: string, docs: readonly string[]): Promise<void> {
  const results = new Map<string, Cell>();
  let pages = 0;
  for (const id of docs) {
    const pdf = await openPdf(readFileSync(path.join(corpus, id, 'document.pdf')));
    try {
      const picks = Array.from({ length: PAGES_PER_DOC }, (_, k) => Math.max(1, Math.round(((k + 1) * pdf.numPages) / (PAGES_PER_DOC + 1))));
      for (const n of new Set(picks)) {
        const page = await pdf.getPage(n);
        const text = await page.getTextContent();
        const truth = chars(text.items.map((i) => ('str' in i ? i.str : '')).join(''));
        const height = page.getViewport({ scale: 1 }).height;
        pages++;
        for (const scale of SCALES) {
          const canvas = await drawPage(page, scale);
          for (const v of VARIANTS) {
            const bytes = v.format === 'png' ? await canvas.encode('png') : await canvas.encode(v.format, v.quality);
            const scan = await readScan(await grayOf(bytes), 72 * scale, height);
            const got = chars(scan.items.map((i) => i.str).join(''));
            const key = `${v.format}\u0000${v.quality}\u0000${scale}`;
            const cell = results.get(key) ?? { bytes: 0, read: 0, total: 0 };
            cell.bytes += bytes.length;
            cell.read += lcs(truth, got);
            cell.total += truth.length;
            results.set(key, cell);
          }
          process.stderr.write('.');
        }
        page.cleanup();
      }
    } finally {
      await pdf.destroy();
    }
  }
  process.stderr.write('\n');
  console.log(`\nSource-page images: ${pages} corpus pages, read back by jixiao's OCR (characters of the text layer found, CJK and digits)\n`);
  console.log(`| format | quality | ${SCALES.map((s) => `×${s} (${Math.round(72 * s)} dpi)`).join(' | ')} |`);
  console.log(`|---|---|${SCALES.map(() => '---').join('|')}|`);
  for (const v of VARIANTS) {
    const cells = SCALES.map((s) => {
      const c = results.get(`${v.format}\u0000${v.quality}\u0000${s}`)!;
      return `${Math.round(c.bytes / pages / 1024)} KB, ${((100 * c.read) / c.total).toFixed(1)}%`;
    });
    console.log(`| ${v.format} | ${v.format === 'png' ? '–' : v.quality} | ${cells.join(' | ')} |`);
  }
}
