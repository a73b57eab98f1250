/**
 * Renditions of the corpus whose fonts lost their Unicode maps, for `npm run eval`: a PDF
 * printed to PostScript and distilled back, as print drivers and archive systems do, and a
 * PDF whose writer left the maps out. Made from several producers' PDFs of each document, by
 * several routes, and cached (the inputs decide their names):
 *
 *   sources   lo         the corpus PDF (LibreOffice: CFF fonts, several subsets of one font)
 *             chromium   test/fixtures/layouts/<id>.chromium.pdf (TrueType CID fonts, Type 3 bold)
 *             weasy      test/fixtures/layouts/<id>.weasyprint.pdf (TrueType CID fonts)
 *             xelatex    the DOCX through pandoc and XeLaTeX (OpenType CID-keyed fonts), in a CJK
 *                        font and size chosen by the document
 *   routes    pdftops    poppler's pdftops, then Ghostscript's ps2pdf: fonts re-encoded 255
 *                        glyphs at a time, glyph names like /cid38972 or /g4FF8, no ToUnicode
 *             pdftops3   pdftops -level3, then ps2pdf: CID fonts kept, Identity-H, no ToUnicode
 *             pdf2ps     Ghostscript's pdf2ps (ps2write), then ps2pdf: Type 3 fonts, some of
 *                        bitmaps traced to paths
 *             cairops    pdftocairo -ps, then ps2pdf: some glyphs become Type 3 fonts
 *             strip      the PDF with every /ToUnicode entry taken out (qpdf)
 *
 * pdftops writes two subsets of one font under one PostScript name, and the second one's
 * glyphs come back as empty boxes: the LibreOffice source through pdftops and pdftops3 loses
 * a fifth of its characters in the PDF itself. Those renditions are made and scored too, as
 * `lossy` (no extractor can read what the page shows as boxes).
 *
 * Needs pdftops and pdftocairo (poppler-utils), Ghostscript, qpdf, and for the XeLaTeX source
 * pandoc, xelatex (texlive-xetex) and CJK fonts (fonts-noto-cjk, fonts-arphic-*, fonts-wqy-zenhei).
 * A rendition whose tool is missing is skipped with a note.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { extractBytes } from '../extract.js';
import { glyphStats } from '../loaders/pdf/recover.js';
import type { BudgetDocument } from '../schema.js';
import { EMPTY_SCORE, type EvalResult } from './corpus.js';
import { textLayer } from './layer.js';
import { type Score, scoreDocument } from './score.js';

export const RT_SOURCES = ['lo', 'chromium', 'weasy', 'xelatex'] as const;
export const RT_ROUTES = ['pdftops', 'pdftops3', 'pdf2ps', 'cairops', 'strip'] as const;
export type RtSource = (typeof RT_SOURCES)[number];
export type RtRoute = (typeof RT_ROUTES)[number];

/** Renditions whose own pages lose characters (drawn as empty boxes): scored apart. */
export function lossy(source: RtSource, route: RtRoute): boolean {
  return source === 'lo' && (route === 'pdftops' || route === 'pdftops3');
}

/** The CJK fonts and sizes the XeLaTeX source is set in, one per document in turn. */
const XELATEX_FONTS = [
  ['Noto Serif CJK SC', '11pt'],
  ['AR PL UMing CN', '12pt'],
  ['Noto Sans CJK SC', '10pt'],
  ['WenQuanYi Zen Hei', '11pt'],
  ['AR PL SungtiL GB', '12pt'],
] as const;

const found = new Map<string, boolean>();
function has(tool: string): boolean {
  if (!found.has(tool)) found.set(tool, spawnSync(tool, ['-v'], { stdio: 'ignore' }).error == null);
  return found.get(tool)!;
}

const NEEDS: Record<RtRoute, string[]> = {
  pdftops: ['pdftops', 'ps2pdf'],
  pdftops3: ['pdftops', 'ps2pdf'],
  pdf2ps: ['pdf2ps', 'ps2pdf'],
  cairops: ['pdftocairo', 'ps2pdf'],
  strip: ['qpdf', 'fix-qdf'],
};

function run(cmd: string, args: string[], cwd?: string): void {
  execFileSync(cmd, args, { stdio: 'ignore', cwd, timeout: 600_000 });
}

/** The PDF of one producer for a document, made in `work` when it has to be. */
function sourcePdf(corpus: string, layouts: string, id: string, source: RtSource, index: number, work: string): string | null {
  if (source === 'lo') return path.join(corpus, id, 'document.pdf');
  if (source === 'chromium' || source === 'weasy') {
    const file = path.join(layouts, `${id}.${source === 'weasy' ? 'weasyprint' : 'chromium'}.pdf`);
    return existsSync(file) ? file : null;
  }
  const docx = path.join(corpus, id, 'document.docx');
  if (!existsSync(docx) || !has('pandoc') || !has('xelatex')) return null;
  const [font, size] = XELATEX_FONTS[index % XELATEX_FONTS.length]!;
  const out = path.join(work, 'xelatex.pdf');
  run('pandoc', [docx, '-o', out, '--pdf-engine=xelatex', '-V', `CJKmainfont=${font}`, '-V', `mainfont=${font}`, '-V', `fontsize=${size}`, '-V', 'geometry:margin=2cm'], work);
  return out;
}

function roundTrip(pdf: string, route: RtRoute, target: string, work: string): void {
  const ps = path.join(work, 'print.ps');
  if (route === 'pdftops') run('pdftops', [pdf, ps]);
  else if (route === 'pdftops3') run('pdftops', ['-level3', pdf, ps]);
  else if (route === 'pdf2ps') run('pdf2ps', [pdf, ps]);
  else if (route === 'cairops') run('pdftocairo', ['-ps', pdf, ps]);
  else {
    const qdf = path.join(work, 'qdf.pdf');
    run('qpdf', ['--qdf', '--object-streams=disable', pdf, qdf]);
    const text = readFileSync(qdf).toString('latin1').replace(/\/ToUnicode\s+\d+\s+\d+\s+R/g, '');
    const stripped = path.join(work, 'stripped.pdf');
    writeFileSync(stripped, Buffer.from(text, 'latin1'));
    writeFileSync(target, execFileSync('fix-qdf', [stripped], { stdio: ['ignore', 'pipe', 'ignore'], maxBuffer: 1 << 30 }));
    return;
  }
  run('ps2pdf', [ps, target]);
}

export interface RoundTrip {
  id: string;
  source: RtSource;
  route: RtRoute;
  file: string;
  /** The PDF it was printed from (whose text layer tells what its producer lost). */
  printedFrom: string;
}

/**
 * Makes (or finds in `cache`) every rendition of every corpus document; returns them, named
 * `<id>.rt-<source>-<route>.pdf` in the cache. The made source PDFs are kept beside them.
 */
export function roundTrips(corpus: string, layouts: string, cache: string, log = (s: string) => console.error(s)): RoundTrip[] {
  mkdirSync(cache, { recursive: true });
  const out: RoundTrip[] = [];
  const missing = new Set<string>();
  const ids = readdirSync(corpus).filter((id) => existsSync(path.join(corpus, id, 'gold.json'))).sort();
  for (const [index, id] of ids.entries()) {
    for (const source of RT_SOURCES) {
      const stampOf = (f: string) => createHash('sha256').update(readFileSync(f)).digest('hex').slice(0, 12);
      const kept = path.join(cache, `${id}.src-${source}.pdf`);
      const work = path.join(cache, `.work-${id}-${source}`);
      rmSync(work, { recursive: true, force: true });
      mkdirSync(work, { recursive: true });
      try {
        let src: string | null;
        if (source === 'xelatex') {
          const docx = path.join(corpus, id, 'document.docx');
          const stamp = existsSync(docx) ? `${kept}.${stampOf(docx)}-${index % XELATEX_FONTS.length}` : null;
          if (stamp && existsSync(kept) && existsSync(stamp)) src = kept;
          else {
            if (stamp) log(`eval: making ${path.basename(kept)}`);
            src = sourcePdf(corpus, layouts, id, source, index, work);
            if (src && stamp) {
              renameSync(src, kept);
              writeFileSync(stamp, '');
              src = kept;
            }
          }
        } else src = sourcePdf(corpus, layouts, id, source, index, work);
        if (!src) {
          missing.add(source === 'xelatex' ? 'pandoc, xelatex' : `test/fixtures/layouts/${id}.${source}`);
          continue;
        }
        const hash = stampOf(src);
        for (const route of RT_ROUTES) {
          const absent = NEEDS[route].filter((t) => !has(t));
          if (absent.length) {
            for (const t of absent) missing.add(t);
            continue;
          }
          const target = path.join(cache, `${id}.rt-${source}-${route}.pdf`);
          const stamp = `${target}.${hash}`;
          if (!(existsSync(target) && existsSync(stamp))) {
            log(`eval: making ${path.basename(target)}`);
            roundTrip(src, route, target, work);
            writeFileSync(stamp, '');
          }
          out.push({ id, source, route, file: target, printedFrom: src });
        }
      } finally {
        rmSync(work, { recursive: true, force: true });
      }
    }
  }
  if (missing.size) log(`eval: round-trip renditions needing ${[...missing].join(', ')} skipped (apt-get install poppler-utils ghostscript qpdf pandoc texlive-xetex fonts-noto-cjk)`);
  return out;
}

/** A rendition's score, and what reading it took. */
export interface RoundTripResult extends EvalResult {
  trip: RoundTrip;
  /** Its score against the extraction of the PDF it was printed from (whose fonts have their maps): 100% is read as if mapped. */
  asMapped: Score | null;
  pages: number;
  /** Pages read by OCR. */
  ocrPages: number;
  /** Distinct glyphs recognised, and line images read for them. */
  glyphs: number;
  lines: number;
  /** Wall-clock and CPU time of the extraction (ms). */
  ms: number;
  cpuMs: number;
}

/** Extracts and scores each rendition against its gold; a field is lost by the producer as in the PDF it was printed from. */
export async function evaluateRoundTrips(trips: readonly RoundTrip[], corpus: string): Promise<RoundTripResult[]> {
  const out: RoundTripResult[] = [];
  const sources = new Map<string, BudgetDocument | null>();
  const sourceOf = async (file: string) => {
    if (!sources.has(file)) sources.set(file, await extractBytes(readFileSync(file), file).then((x) => x.record as BudgetDocument, () => null));
    return sources.get(file)!;
  };
  for (const trip of trips) {
    const gold = JSON.parse(readFileSync(path.join(corpus, trip.id, 'gold.json'), 'utf8')) as BudgetDocument;
    const format = `pdf:rt-${trip.source}-${trip.route}${lossy(trip.source, trip.route) ? ' (lossy)' : ''}`;
    const before = { ...glyphStats };
    const cpu = process.cpuUsage();
    const started = Date.now();
    try {
      const { record } = await extractBytes(readFileSync(trip.file), trip.file);
      const ms = Date.now() - started;
      const used = process.cpuUsage(cpu);
      const score = scoreDocument(record, gold, textLayer(trip.printedFrom));
      const source = await sourceOf(trip.printedFrom);
      const asMapped = source ? scoreDocument(record, source) : null;
      out.push({ doc: trip.id, format, error: null, warnings: record.warnings.length, score, asMapped, trip, pages: record.source.pages ?? 0, ocrPages: record.source.ocr?.pages.length ?? 0, glyphs: glyphStats.glyphs - before.glyphs, lines: glyphStats.lines - before.lines, ms, cpuMs: Math.round((used.user + used.system) / 1000) });
    } catch (err) {
      const score = EMPTY_SCORE;
      out.push({ doc: trip.id, format, error: (err as Error).message, warnings: 0, score, asMapped: null, trip, pages: 0, ocrPages: 0, glyphs: 0, lines: 0, ms: Date.now() - started, cpuMs: 0 });
    }
  }
  return out;
}

/** The share of a score's table records (indicator rows, values, project fields) right. */
function records(s: Score | null): string {
  if (!s) return '–';
  const ok = s.indicators.ok + s.values.ok + s.projectFields.ok;
  const total = s.indicators.total + s.values.total + s.projectFields.total;
  return `${((100 * ok) / Math.max(1, total)).toFixed(1)}% (${ok}/${total})`;
}

/** What reading the renditions took: per rendition, and per distinct glyph recognised; and how they read against the PDF they were printed from. */
export function formatRoundTripTimes(results: readonly RoundTripResult[]): string {
  const rows = results.map((r) => `| ${r.doc} | ${r.format} | ${r.error ? `ERROR ${r.error.slice(0, 30)}` : records(r.asMapped)} | ${r.pages} | ${r.ocrPages} | ${r.glyphs} | ${r.lines} | ${(r.ms / 1000).toFixed(1)} | ${(r.cpuMs / 1000).toFixed(1)} | ${r.glyphs ? (r.cpuMs / r.glyphs).toFixed(1) : '–'} |`);
  const sum = (f: (r: RoundTripResult) => number) => results.reduce((n, r) => n + f(r), 0);
  const glyphs = sum((r) => r.glyphs);
  const all = results.filter((r) => r.asMapped).map((r) => r.asMapped!);
  const total = (c: 'indicators' | 'values' | 'projectFields') => ({ ok: all.reduce((n, s) => n + s[c].ok, 0), total: all.reduce((n, s) => n + s[c].total, 0) });
  const summed = { ...all[0]!, indicators: total('indicators'), values: total('values'), projectFields: total('projectFields') };
  rows.push(`| ALL | ${results.length} renditions | ${all.length ? records(summed) : '–'} | ${sum((r) => r.pages)} | ${sum((r) => r.ocrPages)} | ${glyphs} | ${sum((r) => r.lines)} | ${(sum((r) => r.ms) / 1000).toFixed(1)} | ${(sum((r) => r.cpuMs) / 1000).toFixed(1)} | ${glyphs ? (sum((r) => r.cpuMs) / glyphs).toFixed(1) : '–'} |`);
  return ['| document | rendition | as the PDF printed from | pages | pages OCR | glyphs recognised | line images | s | CPU s | CPU ms / glyph |', '|---|---|---|---|---|---|---|---|---|---|', ...rows].join('\n');
}
