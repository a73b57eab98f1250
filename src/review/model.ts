/**
 * What the review views show, computed from documents as corrected so far: the queue of what to
 * check (documents and their tables scored by warnings, cross-check failures, low OCR
 * confidence and corrections in conflict), each record's address in the analysis tables, and
 * the `match` a correction names its record by. Pure and free of Node: the static report
 * (index.ts), the workspace's server (../serve/) and the browser (app/) share it.
 */
import type { Outcome } from '../corrections/apply.js';
import type { Correction, Target, TargetTable } from '../corrections/model.js';
import type { DocumentRecord, Indicator, Loc, Warning } from '../schema.js';

/** OCR confidence under which a row is checked first (the `ocr-low-confidence` threshold). */
export const LOW_CONFIDENCE = 0.9;

/**
 * Warnings that say two parts of a document disagree or miss each other (sums that do not add
 * up, contents without tables, tables without rows), and corrections in conflict: checked first.
 */
export const CROSS_CHECKS: ReadonlySet<string> = new Set([
  'budget-mismatch', 'plan-incomplete', 'plan-unplaced', 'toc-no-table', 'project-no-table', 'project-no-indicators', 'no-part-two', 'correction-conflict',
]);

/** A source page image: its file and the page's size in PDF points (the unit of every bbox). */
export interface PageRef {
  page: number;
  src: string;
  width: number;
  height: number;
}

/** A line of corrections.jsonl about this document, with what the current state makes of it. */
export interface LineView {
  seq: number;
  correction: Correction;
  outcome: Outcome;
}

/** Everything one document's view needs. */
export interface DocModel {
  doc: DocumentRecord;
  lines: LineView[];
  pages: PageRef[];
  /** The workspace (editing) or the static report (read-only). */
  mode: 'serve' | 'static';
  /** Tables reviewed over the batch (the workspace's progress bar). */
  progress: Progress | null;
}

export interface Progress {
  tables: number;
  tablesReviewed: number;
  documents: number;
  documentsReviewed: number;
}

/** One table of a document in the queue: part one, or a project with its indicators. */
export interface QueueTable {
  /** Anchor of the table in the document's view. */
  anchor: string;
  label: string;
  warnings: number;
  checks: number;
  low: number;
  conflicts: number;
  reviewed: boolean;
  score: number;
}

/** One document in the queue. */
export interface QueueEntry {
  doc_id: string;
  text_key: string;
  name: string;
  department: string | null;
  year: number | null;
  format: string;
  path: string;
  projects: number;
  indicators: number;
  warnings: number;
  codes: Record<string, number>;
  reviewed: boolean;
  corrections: number;
  tables: QueueTable[];
  score: number;
}

export interface QueueModel {
  entries: QueueEntry[];
  failed: Array<{ path: string; kind: string; reason: string }>;
  mode: 'serve' | 'static';
  progress: Progress;
}

/** "p. 5–6 · table 3 · row 7 · line 40": where a record is, in words. */
export function locText(loc: Loc | null | undefined): string {
  if (!loc) return 'added by hand';
  const parts: string[] = [];
  if (loc.page != null) parts.push(loc.page_end != null && loc.page_end !== loc.page ? `p. ${loc.page}–${loc.page_end}` : `p. ${loc.page}`);
  if (loc.table != null) parts.push(`table ${loc.table}`);
  if (loc.row != null) parts.push(`row ${loc.row}`);
  if (loc.line != null) parts.push(`line ${loc.line}`);
  return parts.length ? parts.join(' · ') : 'document';
}

/** The same table row of the source (warnings point at rows this way). */
export function sameRow(a: Loc | null | undefined, b: Loc | null | undefined): boolean {
  return a != null && b != null && a.table != null && a.table === b.table && a.row === b.row && (a.line == null || b.line == null || a.line === b.line);
}

export function sameTable(a: Loc | null | undefined, b: Loc | null | undefined): boolean {
  return a != null && b != null && a.table != null && a.table === b.table;
}

/** A record's address as a string: `indicators:1:3`, `projects:2`, `sub_goals:4`, `documents`. */
export function refOf(t: Target): string {
  return [t.table, t.project_seq, t.indicator_seq, t.item_seq].filter((v) => v != null).join(':');
}

export function targetOf(ref: string): Target {
  const [table, a, b] = ref.split(':') as [TargetTable, string | undefined, string | undefined];
  if (table === 'indicators') return { table, project_seq: Number(a), indicator_seq: Number(b) };
  if (table === 'projects') return { table, project_seq: Number(a) };
  if (table === 'sub_goals' || table === 'safeguards') return { table, item_seq: Number(a) };
  return { table: 'documents' };
}

/** The record a target names in a document (undefined when there is none). */
export function recordAt(doc: DocumentRecord, t: Target): Record<string, unknown> | undefined {
  switch (t.table) {
    case 'documents':
      return { ...doc.document, overall_goal: doc.part_one.overall_goal };
    case 'projects':
      return doc.projects[(t.project_seq ?? 0) - 1] as unknown as Record<string, unknown> | undefined;
    case 'indicators': {
      const list = t.project_seq === 0 ? doc.part_one.dept_indicators : doc.projects[(t.project_seq ?? 0) - 1]?.indicators;
      return list?.[(t.indicator_seq ?? 0) - 1] as unknown as Record<string, unknown> | undefined;
    }
    case 'sub_goals':
      return doc.part_one.sub_goals[(t.item_seq ?? 0) - 1] as unknown as Record<string, unknown> | undefined;
    case 'safeguards':
      return doc.part_one.safeguards[(t.item_seq ?? 0) - 1] as unknown as Record<string, unknown> | undefined;
  }
}

/** Fields that name a record of each table as a person sees it (a correction's `match`). */
const MATCH_FIELDS: Record<TargetTable, readonly string[]> = {
  documents: [],
  projects: ['project_code', 'project_name'],
  indicators: ['level1', 'level2', 'level3'],
  sub_goals: ['seq', 'title'],
  safeguards: ['seq', 'title'],
};

/** The `match` of a correction of this record, as seen. */
export function matchOf(table: TargetTable, record: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(MATCH_FIELDS[table].map((f) => [f, record[f] ?? null]));
}

function indicatorRows(d: DocumentRecord): Indicator[] {
  return [...d.part_one.dept_indicators, ...d.projects.flatMap((p) => p.indicators)];
}

function isLow(i: Indicator): boolean {
  return i.confidence != null && i.confidence < LOW_CONFIDENCE;
}

function tableScore(t: Omit<QueueTable, 'score' | 'anchor' | 'label' | 'reviewed'>): number {
  return 5 * t.conflicts + 3 * t.checks + t.warnings + t.low;
}

/** Scores of a set of warnings and rows. */
function counts(ws: readonly Warning[], rows: readonly Indicator[]) {
  return {
    warnings: ws.length,
    checks: ws.filter((w) => CROSS_CHECKS.has(w.code)).length,
    conflicts: ws.filter((w) => w.code === 'correction-conflict').length,
    low: rows.filter(isLow).length,
  };
}

/** The document's entry in the queue. */
export function queueEntry(d: DocumentRecord): QueueEntry {
  const reviewedDoc = d.document.reviewed != null;
  const tables: QueueTable[] = d.projects.map((p, k) => {
    const ws = d.warnings.filter((w) => sameTable(w.loc, p.loc));
    const c = counts(ws, p.indicators);
    return { anchor: `project-${k + 1}`, label: `${p.seq}. ${p.project_name ?? p.title}`, ...c, reviewed: reviewedDoc || p.reviewed != null, score: tableScore(c) };
  });
  const own = new Set(d.projects.flatMap((p) => d.warnings.filter((w) => sameTable(w.loc, p.loc))));
  const rest = d.warnings.filter((w) => !own.has(w));
  const c1 = counts(rest, d.part_one.dept_indicators);
  tables.unshift({ anchor: 'part-one', label: '第一部分 · document', ...c1, reviewed: reviewedDoc, score: tableScore(c1) });
  const codes: Record<string, number> = {};
  for (const w of d.warnings) codes[w.code] = (codes[w.code] ?? 0) + 1;
  const name = d.document.title ?? ([d.document.department, d.document.year].filter((x) => x != null).join(' ') || d.source.path);
  return {
    doc_id: d.doc_id,
    text_key: d.text_key,
    name,
    department: d.document.department,
    year: d.document.year,
    format: d.source.format,
    path: d.source.path,
    projects: d.projects.length,
    indicators: indicatorRows(d).length,
    warnings: d.warnings.length,
    codes,
    reviewed: reviewedDoc,
    corrections: 0,
    tables,
    score: tables.reduce((n, t) => n + t.score, 0),
  };
}

/** Queue order: documents not yet reviewed first, then the most to check, then by path. */
export function queueOrder(a: QueueEntry, b: QueueEntry): number {
  return Number(a.reviewed) - Number(b.reviewed) || b.score - a.score || b.warnings - a.warnings || a.path.localeCompare(b.path);
}

/** Progress over a batch: project tables (part one counted with its document) reviewed. */
export function progressOf(entries: readonly QueueEntry[]): Progress {
  let tables = 0;
  let tablesReviewed = 0;
  for (const e of entries) {
    tables += e.tables.length;
    tablesReviewed += e.tables.filter((t) => t.reviewed).length;
  }
  return { tables, tablesReviewed, documents: entries.length, documentsReviewed: entries.filter((e) => e.reviewed).length };
}

/** The lines of a document with their outcomes, as the views list them. */
export function lineViews(lines: ReadonlyArray<{ seq: number; correction: Correction }>, outcomes: readonly Outcome[]): LineView[] {
  return lines.map((l, k) => ({ seq: l.seq, correction: l.correction, outcome: outcomes[k]! }));
}
