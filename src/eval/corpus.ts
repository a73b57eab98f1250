/**
 * Runs the extractor over a corpus folder (`<id>/gold.json` beside `document.docx`,
 * `document.pdf`, `source.txt`) and scores each file against the gold.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { extractBytes, extractDocuments } from '../extract.js';
import type { BudgetDocument } from '../schema.js';
import { CATEGORIES, type Category, type Score, type Tally, ratio, scoreDocument } from './score.js';
import { textLayer } from './layer.js';

export const CORPUS_FILES = [
  ['docx', 'document.docx'],
  ['pdf', 'document.pdf'],
  ['txt', 'source.txt'],
] as const;

export interface EvalResult {
  doc: string;
  format: string;
  error: string | null;
  warnings: number;
  score: Score;
}

/**
 * Scores other renditions of the corpus documents (`<id>.<variant>.<ext>`: re-laid-out and
 * other producers' PDFs made by test/fixtures/make_layouts.py and make_producers.py, altered
 * text dumps) against the same gold files, as format `<ext>:<variant>`.
 */
export async function evaluateLayouts(dir: string, corpus: string): Promise<EvalResult[]> {
  const out: EvalResult[] = [];
  for (const name of readdirSync(dir).filter((f) => /^[^.]+\.[^.]+\.(pdf|docx|txt|tiff|png|jpg|html|mhtml|xlsx|xls|ofd)$/.test(f)).sort()) {
    const [id, variant, ext] = name.split('.');
    const goldFile = path.join(corpus, id!, 'gold.json');
    if (!existsSync(goldFile)) continue;
    const gold = goldOf(variant!, JSON.parse(readFileSync(goldFile, 'utf8')) as BudgetDocument);
    out.push(await scoreFile(path.join(dir, name), gold, id!, `${ext}:${variant}`, path.join(corpus, id!, 'document.pdf')));
  }
  return out;
}

/**
 * The gold a rendition is held to: a workbook of the project tables alone (`tables`) holds
 * no cover, contents or part one, and must invent none: those fields are empty in its gold,
 * but for what the contract derives without a cover (output-contract.md): the department from
 * the first project's unit line, the year from a project code.
 */
export function goldOf(variant: string, gold: BudgetDocument): BudgetDocument {
  if (variant !== 'tables') return gold;
  const code = gold.projects.map((p) => p.project_code).find((c) => c && /^\d{8}/.test(c));
  return {
    document: { title: null, department: gold.projects[0]?.unit_name ?? null, year: code ? 2000 + Number(code.slice(6, 8)) : null, draft: false, compiled_by: null, reviewed_by: null, toc: [] },
    part_one: { overall_goal: null, sub_goals: [], safeguards: [], dept_indicators: [] },
    projects: gold.projects,
    warnings: [],
  };
}

/**
 * Compiled volumes (test/fixtures/volumes, made by make_volumes.py): each `volume.<ext>` binds
 * the corpus texts `volume.json` names, in order; every text it yields is scored against its
 * own gold (format `<ext>:volume`), and a text not yielded is an error row.
 */
export async function evaluateVolumes(dir: string, corpus: string): Promise<EvalResult[]> {
  const order = JSON.parse(readFileSync(path.join(dir, 'volume.json'), 'utf8')) as { texts: string[] };
  const out: EvalResult[] = [];
  for (const name of readdirSync(dir).filter((f) => /^volume\.(pdf|docx|txt|ofd|html|xlsx)$/.test(f)).sort()) {
    const file = path.join(dir, name);
    const format = `${path.extname(name).slice(1)}:volume`;
    let docs: Awaited<ReturnType<typeof extractDocuments>> = [];
    let error: string | null = null;
    try {
      docs = await extractDocuments(readFileSync(file), file);
    } catch (err) {
      error = (err as Error).message;
    }
    const layer = name.endsWith('.pdf') ? textLayer(file) : null;
    order.texts.forEach((id, i) => {
      const gold = JSON.parse(readFileSync(path.join(corpus, id, 'gold.json'), 'utf8')) as BudgetDocument;
      const doc = docs[i];
      if (!doc) out.push({ doc: id, format, error: error ?? `the volume yielded ${docs.length} texts, not ${order.texts.length}`, warnings: 0, score: EMPTY_SCORE });
      else out.push({ doc: id, format, error: null, warnings: doc.record.warnings.length, score: scoreDocument(doc.record, gold, layer) });
    });
  }
  return out;
}

/**
 * `printedFrom`: the PDF a scanned rendition was printed from. What that PDF's producer lost
 * (characters missing from its text layer) is missing from its scan's image too.
 */
export async function scoreFile(file: string, gold: BudgetDocument, doc: string, format: string, printedFrom?: string): Promise<EvalResult> {
  try {
    const { record } = await extractBytes(readFileSync(file), file);
    // A scan has no text layer of its own: characters count as lost by the producer only when
    // the PDF it was printed from lacks them; whatever else OCR misreads is the extractor's.
    const scanned = record.source.ocr != null;
    // An OFD rendition is written from the corpus PDF: what that PDF's producer lost, it lacks too.
    const fromPdf = scanned || record.source.format === 'ofd';
    const layer = fromPdf ? (printedFrom && existsSync(printedFrom) ? textLayer(printedFrom) : null) : record.source.format === 'pdf' ? textLayer(file) : null;
    return { doc, format, error: null, warnings: record.warnings.length, score: scoreDocument(record, gold, layer) };
  } catch (err) {
    return { doc, format, error: (err as Error).message, warnings: 0, score: EMPTY_SCORE };
  }
}

export const EMPTY_SCORE: Score = {
  silent: 0,
  silentRows: 0,
  confidences: [],
  projectsFound: { ok: 0, total: 1 },
  lost: 0,
  indicators: { ok: 0, total: 1 },
  values: { ok: 0, total: 1 },
  projectFields: { ok: 0, total: 1 },
  partOne: { ok: 0, total: 1 },
  documentFields: { ok: 0, total: 1 },
  diffs: [],
};

export async function evaluateCorpus(corpus: string): Promise<EvalResult[]> {
  const out: EvalResult[] = [];
  const ids = readdirSync(corpus, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(path.join(corpus, d.name, 'gold.json')))
    .map((d) => d.name)
    .sort();
  for (const id of ids) {
    const gold = JSON.parse(readFileSync(path.join(corpus, id, 'gold.json'), 'utf8')) as BudgetDocument;
    for (const [format, name] of CORPUS_FILES) {
      const file = path.join(corpus, id, name);
      if (!existsSync(file)) continue;
      out.push(await scoreFile(file, gold, id, format));
    }
  }
  return out;
}

/** Column headings of the categories. */
export const LABELS: Record<Category, string> = {
  indicators: 'indicator rows',
  values: 'values',
  projectFields: 'project fields',
  partOne: 'part one',
  documentFields: 'document',
};

function pct(ok: number, total: number): string {
  return `${((total === 0 ? 1 : ok / total) * 100).toFixed(1)}% (${ok}/${total})`;
}

/** Aggregated tallies per format. */
export function totalsByFormat(results: readonly EvalResult[]): Record<string, Record<Category, { ok: number; total: number }>> {
  const t: Record<string, Record<Category, { ok: number; total: number }>> = {};
  for (const r of results) {
    t[r.format] ??= Object.fromEntries(CATEGORIES.map((c) => [c, { ok: 0, total: 0 }])) as Record<Category, { ok: number; total: number }>;
    for (const c of CATEGORIES) {
      t[r.format]![c].ok += r.score[c].ok;
      t[r.format]![c].total += r.score[c].total;
    }
  }
  return t;
}

export function formatTable(results: readonly EvalResult[]): string {
  const head = ['document', 'format', ...CATEGORIES.map((c) => LABELS[c]), 'warnings', 'silent', 'silent rows', 'lost by producer'];
  const rows: string[][] = results.map((r) => [
    r.doc,
    r.format,
    ...CATEGORIES.map((c) => (r.error ? 'ERROR' : pct(r.score[c].ok, r.score[c].total))),
    r.error ? r.error.slice(0, 40) : String(r.warnings),
    r.error ? '' : String(r.score.silent),
    r.error ? '' : String(r.score.silentRows),
    r.error ? '' : String(r.score.lost),
  ]);
  const totals = totalsByFormat(results);
  for (const [format, t] of Object.entries(totals)) {
    const silent = results.filter((r) => r.format === format).reduce((n, r) => n + r.score.silent, 0);
    const lost = results.filter((r) => r.format === format).reduce((n, r) => n + r.score.lost, 0);
    const silentRows = results.filter((r) => r.format === format).reduce((n, r) => n + r.score.silentRows, 0);
    rows.push(['ALL', format, ...CATEGORIES.map((c) => pct(t[c].ok, t[c].total)), '', String(silent), String(silentRows), String(lost)]);
  }
  const widths = head.map((h, i) => Math.max(width(h), ...rows.map((r) => width(r[i]!))));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c + ' '.repeat(widths[i]! - width(c))).join(' | ')} |`;
  return [line(head), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.map(line)].join('\n');
}

/** Display width: CJK characters take two columns. */
function width(s: string): number {
  let w = 0;
  for (const ch of s) w += /[\u1100-\uFFEF]/.test(ch) ? 2 : 1;
  return w;
}

export { ratio };

/** One seed of a degradation, scored (scans.ts makes the files). */
export interface DegradedResult extends EvalResult {
  degradation: string;
  seed: number;
}

/** Scores degraded scans of the corpus documents against their gold files. */
export async function evaluateDegraded(files: ReadonlyArray<{ degradation: string; seed: number; doc: string; file: string }>, corpus: string): Promise<DegradedResult[]> {
  const out: DegradedResult[] = [];
  for (const f of files) {
    const gold = JSON.parse(readFileSync(path.join(corpus, f.doc, 'gold.json'), 'utf8')) as BudgetDocument;
    const r = await scoreFile(f.file, gold, f.doc, `pdf:${f.degradation}`, path.join(corpus, f.doc, 'document.pdf'));
    out.push({ ...r, degradation: f.degradation, seed: f.seed });
  }
  return out;
}

/**
 * The degradations table: each degradation's totals over its seeds, its worst seed (lowest
 * share of indicator rows right, then of values) and the rows wrong without a warning on the
 * row, over all seeds and on the worst one.
 */
export function formatDegradations(results: readonly DegradedResult[]): string {
  const head = ['degradation', 'seeds', 'indicator rows', 'values', 'projects found', 'project fields', 'worst seed', 'worst: rows · values · projects', 'silent rows', 'failed'];
  const rows: string[][] = [];
  for (const d of [...new Set(results.map((r) => r.degradation))]) {
    const rs = results.filter((r) => r.degradation === d);
    const sum = (k: 'indicators' | 'values' | 'projectsFound' | 'projectFields') =>
      rs.reduce((t, r) => ({ ok: t.ok + (r.error ? 0 : r.score[k].ok), total: t.total + r.score[k].total }), { ok: 0, total: 0 });
    const share = (r: DegradedResult, k: 'indicators' | 'values' | 'projectsFound') => (r.error ? -1 : ratio(r.score[k]));
    const worst = [...rs].sort((a, b) => share(a, 'indicators') - share(b, 'indicators') || share(a, 'values') - share(b, 'values'))[0]!;
    const p = (t: Tally) => pct(t.ok, t.total);
    rows.push([
      d,
      String(rs.length),
      p(sum('indicators')),
      p(sum('values')),
      p(sum('projectsFound')),
      p(sum('projectFields')),
      `s${String(worst.seed).padStart(2, '0')} ${worst.doc}`,
      worst.error ? `ERROR ${worst.error.slice(0, 40)}` : `${(ratio(worst.score.indicators) * 100).toFixed(1)}% · ${(ratio(worst.score.values) * 100).toFixed(1)}% · ${worst.score.projectsFound.ok}/${worst.score.projectsFound.total}`,
      `${rs.reduce((n, r) => n + r.score.silentRows, 0)} (worst seed ${worst.score.silentRows})`,
      String(rs.filter((r) => r.error).length),
    ]);
  }
  const widths = head.map((h, i) => Math.max(width(h), ...rows.map((r) => width(r[i]!))));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c + ' '.repeat(widths[i]! - width(c))).join(' | ')} |`;
  return [line(head), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.map(line)].join('\n');
}

/**
 * Calibration of OCR confidence: indicator rows of the given results binned by their
 * confidence, with the share of each bin that is right (a row of confidence c should be right
 * a share c of the time).
 */
export function formatCalibration(results: readonly EvalResult[]): string {
  const all = results.flatMap((r) => r.score.confidences ?? []);
  const bins: Array<[number, number]> = [[0, 0.5], [0.5, 0.9], [0.9, 0.97], [0.97, 0.99], [0.99, 0.999], [0.999, 1.0001]];
  const lines = ['| confidence | rows | right |', '|---|---|---|'];
  for (const [a, b] of bins) {
    const inBin = all.filter(([c]) => c >= a && c < b);
    const ok = inBin.filter(([, right]) => right).length;
    lines.push(`| ${a.toFixed(3)}–${Math.min(b, 1).toFixed(3)} | ${inBin.length} | ${inBin.length ? `${((ok / inBin.length) * 100).toFixed(1)}%` : '–'} |`);
  }
  return lines.join('\n');
}
