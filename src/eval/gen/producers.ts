/**
 * The producers a generated document is printed through, each a program Debian ships:
 *
 *   docx         the DOCX itself (written by the `docx` library)
 *   lo           LibreOffice's PDF export of the DOCX
 *   lo-pdfa      the same as PDF/A-2b
 *   chromium     headless Chromium printing the HTML rendition
 *   weasyprint   WeasyPrint printing the HTML rendition
 *   wkhtmltopdf  wkhtmltopdf (Qt WebKit) printing the HTML rendition
 *   xelatex      pandoc turning the DOCX into LaTeX (longtable, booktabs rules, merged cells as
 *                \multirow: vertically centred), typeset by XeLaTeX with xeCJK
 *   cairo        the LibreOffice PDF re-saved by poppler's pdftocairo
 *   gs           the LibreOffice PDF re-saved by Ghostscript's pdfwrite
 *   ps           a print-driver round trip: the LibreOffice PDF to PostScript (pdftops) and back
 *                (Ghostscript's ps2pdf); its CJK fonts come back as Type 1C subsets without a
 *                ToUnicode map
 *   txt-lo       LibreOffice's plain-text export of the DOCX
 *   txt-pdftotext  pdftotext's text of the LibreOffice PDF
 *
 * Each writes `<producer>.<ext>` in the seed's folder from `source.docx` / `source.html`.
 */
import { execFile } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import type { Geometry } from './blocks.js';

const run = promisify(execFile);

export const PRODUCERS = ['docx', 'lo', 'lo-pdfa', 'chromium', 'weasyprint', 'wkhtmltopdf', 'xelatex', 'cairo', 'gs', 'ps', 'txt-lo', 'txt-pdftotext'] as const;
export type Producer = (typeof PRODUCERS)[number];

export const EXT: Record<Producer, string> = {
  docx: 'docx', lo: 'pdf', 'lo-pdfa': 'pdf', chromium: 'pdf', weasyprint: 'pdf', wkhtmltopdf: 'pdf', xelatex: 'pdf',
  cairo: 'pdf', gs: 'pdf', ps: 'pdf', 'txt-lo': 'txt', 'txt-pdftotext': 'txt',
};

/**
 * Each producer's version: raise it when its command changes, and the seeds' renditions by it
 * (and by the producers made from it) are made again.
 */
export const VERSION: Record<Producer, number> = {
  docx: 1, lo: 1, 'lo-pdfa': 1, chromium: 1, weasyprint: 1, wkhtmltopdf: 1, xelatex: 2, cairo: 1, gs: 1, ps: 1, 'txt-lo': 1, 'txt-pdftotext': 1,
};

/** Producers made from another rendition, which is made first. */
export const FROM: Partial<Record<Producer, Producer>> = { cairo: 'lo', gs: 'lo', ps: 'lo', 'txt-pdftotext': 'lo' };

export const TOOLS: Record<Producer, string[]> = {
  docx: [], lo: ['soffice'], 'lo-pdfa': ['soffice'], chromium: ['chromium'], weasyprint: ['weasyprint'], wkhtmltopdf: ['wkhtmltopdf'],
  xelatex: ['pandoc', 'xelatex'], cairo: ['pdftocairo'], gs: ['gs'], ps: ['pdftops', 'ps2pdf'], 'txt-lo': ['soffice'], 'txt-pdftotext': ['pdftotext'],
};

export interface Job {
  dir: string;
  /** A scratch folder of this worker slot (LibreOffice and Chromium profiles live here). */
  work: string;
  geometry: Geometry;
}

const LIMIT = { timeout: 300_000, maxBuffer: 64 * 1024 * 1024 };

async function soffice(job: Job, filter: string, src: string): Promise<string> {
  const out = path.join(job.work, 'lo-out');
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  await run('soffice', ['--headless', `-env:UserInstallation=file://${job.work}/lo-profile`, '--convert-to', filter, '--outdir', out, src], LIMIT);
  const made = readdirSync(out);
  if (made.length !== 1) throw new Error(`soffice made ${made.length} files`);
  return path.join(out, made[0]!);
}

const pt2mm = (v: number) => (v * 25.4) / 72;

/**
 * pandoc writes a cell spanning columns as \multicolumn{n}{l}{…} and one spanning rows as
 * \multirow{n}{*}{…}: single unbreakable lines that run off the page or over the next
 * column. A typesetter gives them the width of their columns (a row-spanning label then
 * wraps, vertically centred, and may stand taller than its rows); the rest — longtable,
 * booktabs rules, no vertical rules — is pandoc's own.
 */
export function wrapSpans(tex: string): string {
  // \ncols: the column count of the longtable a \multicolumn stands in.
  return tex
    .replace(/\\begin\{longtable\}\[\]\{@\{\}\n([\s\S]*?)@\{\}\}/g, (whole, spec: string) => `\\def\\ncols{${(spec.match(/\bp\{/g) ?? []).length || 1}}${whole}`)
    .replace(/\\multirow\{(\d+)\}\{\*\}\{/g, (_m, n: string) => `\\multirow{${n}}{=}{`)
    .replace(/\\multicolumn\{(\d+)\}\{l\}\{/g, (_m, n: string) => `\\multicolumn{${n}}{p{\\dimexpr ${Number(n)}\\linewidth/\\ncols-2\\tabcolsep\\relax}}{`);
}

async function xelatex(job: Job, dst: string): Promise<void> {
  const g = job.geometry;
  const tex = path.join(job.work, 'doc.tex');
  const m = g.margins;
  await run('pandoc', [
    path.join(job.dir, 'source.docx'), '-s', '-o', tex,
    '-V', `geometry:paperwidth=${g.page.width}pt,paperheight=${g.page.height}pt,top=${m.top}pt,bottom=${m.bottom}pt,left=${m.left}pt,right=${m.right}pt`,
    // Latin text and signs (≥ ≦ ² ㎡) in a font that has them: Latin Modern has no ≥, some CJK
    // fonts no ≦, and XeLaTeX drops a glyph its font lacks without a word.
    '-V', `CJKmainfont=${g.bodyFont}`, ...['mainfont', 'sansfont', 'monofont'].flatMap((v) => ['-V', `${v}=${g.serif ? 'Noto Serif CJK SC' : 'Noto Sans CJK SC'}`]),
    '-V', `fontsize=${g.bodySize >= 12 ? 12 : g.bodySize >= 11 ? 11 : 10}pt`,
  ], LIMIT);
  writeFileSync(tex, wrapSpans(readFileSync(tex, 'utf8')));
  for (let i = 0; i < 2; i++) await run('xelatex', ['-interaction=nonstopmode', '-halt-on-error', `-output-directory=${job.work}`, tex], { ...LIMIT, cwd: job.work });
  renameSync(path.join(job.work, 'doc.pdf'), dst);
}

/** Makes one rendition into `dst` (a temporary name, renamed by the caller). */
export async function produce(p: Producer, job: Job, dst: string): Promise<void> {
  const docx = path.join(job.dir, 'source.docx');
  const html = path.join(job.dir, 'source.html');
  const lo = path.join(job.dir, 'lo.pdf');
  const g = job.geometry;
  switch (p) {
    case 'docx':
      copyFileSync(docx, dst);
      return;
    case 'lo':
      renameSync(await soffice(job, 'pdf', docx), dst);
      return;
    case 'lo-pdfa':
      renameSync(await soffice(job, 'pdf:writer_pdf_Export:{"SelectPdfVersion":{"type":"long","value":"2"}}', docx), dst);
      return;
    case 'txt-lo':
      renameSync(await soffice(job, 'txt:Text (encoded):UTF8', docx), dst);
      return;
    case 'chromium':
      await run('chromium', [
        '--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update',
        '--disable-sync', `--user-data-dir=${job.work}/chrome`, '--no-pdf-header-footer', `--print-to-pdf=${dst}`, `file://${html}`,
      ], LIMIT);
      return;
    case 'weasyprint':
      await run('weasyprint', ['-q', html, dst], LIMIT);
      return;
    case 'wkhtmltopdf': {
      const m = g.margins;
      await run('wkhtmltopdf', [
        '--quiet', '--enable-local-file-access', '--encoding', 'utf-8',
        '--page-width', `${pt2mm(g.page.width).toFixed(1)}mm`, '--page-height', `${pt2mm(g.page.height).toFixed(1)}mm`,
        '-T', `${pt2mm(m.top).toFixed(1)}mm`, '-R', `${pt2mm(m.right).toFixed(1)}mm`, '-B', `${pt2mm(m.bottom).toFixed(1)}mm`, '-L', `${pt2mm(m.left).toFixed(1)}mm`,
        html, dst,
      ], LIMIT);
      return;
    }
    case 'xelatex':
      await xelatex(job, dst);
      return;
    case 'cairo':
      await run('pdftocairo', ['-pdf', lo, dst], LIMIT);
      return;
    case 'gs':
      await run('gs', ['-q', '-dNOPAUSE', '-dBATCH', '-dSAFER', '-sDEVICE=pdfwrite', `-sOutputFile=${dst}`, lo], LIMIT);
      return;
    case 'ps': {
      const ps = path.join(job.work, 'print.ps');
      await run('pdftops', [lo, ps], LIMIT);
      await run('ps2pdf', [ps, dst], LIMIT);
      return;
    }
    case 'txt-pdftotext':
      await run('pdftotext', ['-enc', 'UTF-8', lo, dst], LIMIT);
      return;
  }
}

export function exists(file: string): boolean {
  return existsSync(file);
}
