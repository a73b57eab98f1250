/**
 * Scores one extracted document against its gold (both in the contract's shape), field by
 * field. Lists are compared position by position and an extra or missing item counts as a
 * miss, so a score of 1 means "exactly what the document says, nothing more".
 */
import { isDeepStrictEqual } from 'node:util';
import type { BudgetDocument, Loc, Project, Warning } from '../schema.js';
import { lostByProducer } from './layer.js';

export interface Tally {
  ok: number;
  total: number;
}

export interface Score {
  indicators: Tally;
  values: Tally;
  projectFields: Tally;
  partOne: Tally;
  documentFields: Tally;
  /** Human-readable differences (field path: got ≠ want), for --verbose. */
  diffs: string[];
  /**
   * Wrong table records (indicator rows, values, project fields) with no warning on their
   * table: errors a user would not be told of. The goal is 0.
   */
  silent: number;
  /**
   * Wrong records — indicator rows, project fields, part-one items — with no warning naming
   * that record's own place: its table row (`loc.table`/`loc.row`; for a project field the
   * project's own table position), or a whole page it lies on. A table-level
   * `table-no-rules` excuses no row. The goal is 0.
   */
  silentRows: number;
  /** Where each silent row is (field path and what was read), for --verbose. */
  silentWhere: string[];
  /**
   * False alarms: right records (indicator rows, part-one items) against those of them a
   * warning names all the same (on their row, line or page). A warning on every row would
   * bring the silent rows to 0 and tell the user nothing: this keeps the warnings honest.
   */
  alarms: Tally;
  /** Each indicator row read by OCR: its confidence and whether it is right (for calibration). */
  confidences: Array<[number, boolean]>;
  /** Projects of the gold found (by position, with the same project code or name). */
  projectsFound: Tally;
  /** Fields that differ from the gold only by characters the PDF's own text layer lacks (counted as right). */
  lost: number;
}

export const CATEGORIES = ['indicators', 'values', 'projectFields', 'partOne', 'documentFields'] as const;
export type Category = (typeof CATEGORIES)[number];

const PROJECT_FIELDS: ReadonlyArray<keyof Project> = [
  'seq', 'title', 'unit_code', 'unit_name', 'money_unit', 'project_code', 'project_name',
  'budget_total', 'budget_fiscal', 'budget_other', 'fund_use', 'spending_plan', 'goals', 'explanation',
];

function tally(): Tally {
  return { ok: 0, total: 0 };
}

function short(v: unknown): string {
  const s = JSON.stringify(v) ?? 'undefined';
  return s.length > 160 ? `${s.slice(0, 157)}…` : s;
}

/** Provenance fields are the extractor's own (gold files do not have them): never scored. */
function contractOnly<T>(v: T): T {
  if (v == null || typeof v !== 'object' || Array.isArray(v)) return v;
  const { loc: _loc, confidence: _confidence, ...rest } = v as Record<string, unknown>;
  return rest as T;
}

function compareList<T>(got: readonly T[], want: readonly T[], t: Tally, diffs: string[], where: string, eq: (a: T, b: T) => boolean = (a, b) => isDeepStrictEqual(contractOnly(a), contractOnly(b))): void {
  const n = Math.max(got.length, want.length);
  t.total += n;
  for (let i = 0; i < n; i++) {
    if (i < got.length && i < want.length && eq(got[i]!, want[i]!)) t.ok++;
    else diffs.push(`${where}[${i}]: got ${short(got[i])} want ${short(want[i])}`);
  }
}

/**
 * Whether a warning of the document covers a wrong record read from table `table`: one on
 * the same table, one on a whole page the record lies on, or (for a record the extractor did
 * not find, so has no table) one about the whole document.
 */
function covered(warnings: readonly Warning[], loc: Loc | null | undefined): boolean {
  const table = loc?.table ?? null;
  if (table == null) return warnings.some((w) => w.loc == null);
  // A warning on the table, or on a whole page the record lies on (a page's text drawn twice).
  return warnings.some((w) => w.loc?.table === table || onPage(w, loc));
}

/**
 * Whether a warning covering a whole page (no table) lies on the record's pages. A page's
 * `font-unmapped` excuses none of its records: it says how the page was read (from its glyphs'
 * shapes), and a record read unsurely so carries its own row's warning.
 */
function onPage(w: Warning, loc: Loc | null | undefined): boolean {
  return w.code !== 'font-unmapped' && w.loc != null && w.loc.table == null && w.loc.page != null && loc?.page != null && w.loc.page >= loc.page && w.loc.page <= (loc.page_end ?? loc.page);
}

/** Whether two boxes on one page overlap by more than the few points two neighbouring lines' boxes share. */
function overlaps(a: readonly number[], b: readonly number[]): boolean {
  const m = Math.min(3, (a[2]! - a[0]!) / 3, (a[3]! - a[1]!) / 3, (b[2]! - b[0]!) / 3, (b[3]! - b[1]!) / 3);
  return a[0]! + m < b[2]! && b[0]! + m < a[2]! && a[1]! + m < b[3]! && b[1]! + m < a[3]!;
}

/**
 * Whether a warning names the record's own place (see Score.silentRows): `row` records
 * (indicator rows) need a warning on their table row, a project (`table`) one on its table
 * position; part-one items (`item`, no table) a warning on their page or line, or on the
 * whole document where they have no page (`page`: the same for a record standing for
 * another). A warning on a part of a page (a paragraph's box) names a table record on that
 * page only where their boxes meet; a warning about the page itself (`page-…` codes) names
 * all of it.
 */
export function namedOn(warnings: readonly Warning[], loc: Loc | null | undefined, kind: 'row' | 'table' | 'item' | 'page'): boolean {
  return warnings.some((w) => {
    if (onPage(w, loc) && (kind === 'page' || kind === 'item' || w.code.startsWith('page-') || !(w.loc!.bbox && loc?.bbox && w.loc!.page === loc.page) || overlaps(w.loc!.bbox, loc.bbox))) return true;
    if (kind === 'item' || kind === 'page') return w.loc == null || (w.loc.line != null && w.loc.line === loc?.line);
    if (w.code === 'table-no-rules' || w.loc == null || loc?.table == null || w.loc.table !== loc.table) return false;
    return kind === 'table' || (w.loc.row != null && w.loc.row === loc.row);
  });
}

/**
 * Where part one's indicator table stands in a document none of whose part-one rows was read:
 * the first table a warning names that comes before every project's table (part one comes
 * before part two, and a table no project was read from there is part one's), as the loc of the
 * table as a whole. Null when no warning names such a table: then the missing rows have no place.
 */
function partOneTable(got: BudgetDocument): Loc | null {
  const first = Math.min(...got.projects.map((p) => p.loc?.table ?? Infinity));
  const tables = got.warnings.map((w) => w.loc?.table).filter((t): t is number => t != null && t < first);
  if (!tables.length) return null;
  return { page: null, page_end: null, bbox: null, table: Math.min(...tables), row: null, line: null };
}

/**
 * Counts the wrong items of two lists whose own place no warning names (each told to
 * `where`), and the right ones a warning names all the same (into `alarms`).
 */
function silentRowsIn<T extends { loc?: Loc }>(got: readonly T[], want: readonly T[], warnings: readonly Warning[], fallback: Loc | null, eq: (a: T, b: T) => boolean, kind: 'row' | 'item', alarms: Tally, where: (i: number, got: T | undefined) => void): number {
  let n = 0;
  for (let i = 0; i < Math.max(got.length, want.length); i++) {
    const g = got[i];
    const w = want[i];
    if (g && w && eq(g, w)) {
      alarms.total++;
      if (namedOn(warnings, g.loc, kind)) alarms.ok++;
      continue;
    }
    // A missing record has no place of its own: the last record read stands for it.
    if (!namedOn(warnings, g?.loc ?? got[got.length - 1]?.loc ?? fallback, kind)) {
      n++;
      where(i, g);
    }
  }
  return n;
}

/** Counts the wrong items of two lists that no warning covers. */
function silentIn<T extends { loc?: Loc }>(got: readonly T[], want: readonly T[], warnings: readonly Warning[], fallback: Loc | null, eq: (a: T, b: T) => boolean): number {
  let n = 0;
  for (let i = 0; i < Math.max(got.length, want.length); i++) {
    const g = got[i];
    const w = want[i];
    if (g && w && eq(g, w)) continue;
    if (!covered(warnings, g?.loc ?? got[got.length - 1]?.loc ?? fallback)) n++;
  }
  return n;
}

/**
 * Equality of two field values where strings may also differ by characters the producer lost
 * from the text layer (`layer`, see layer.ts); `onLost` is told when that made them equal.
 */
function sameAllowingLoss(layer: string | null, onLost: () => void): (a: unknown, b: unknown) => boolean {
  const eq = (a: unknown, b: unknown): boolean => {
    if (isDeepStrictEqual(a, b)) return true;
    if (layer == null) return false;
    if (typeof a === 'string' && typeof b === 'string') return lostByProducer(a, b, layer);
    if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, k) => eq(x, b[k]));
    if (a && b && typeof a === 'object' && typeof b === 'object') {
      const ka = Object.keys(a);
      return ka.length === Object.keys(b).length && ka.every((k) => eq((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
    }
    return false;
  };
  return (a, b) => {
    if (isDeepStrictEqual(a, b)) return true;
    const ok = eq(a, b);
    if (ok) onLost();
    return ok;
  };
}

/**
 * Scores `got` against `want`. `layer` is the source PDF's text layer as an independent reader
 * sees it (null for other formats): where given, text the producer lost is not held against
 * the extractor.
 */
export function scoreDocument(got: BudgetDocument, want: BudgetDocument, layer: string | null = null): Score {
  const s: Score = {
    indicators: tally(),
    values: tally(),
    projectFields: tally(),
    partOne: tally(),
    documentFields: tally(),
    diffs: [],
    silent: 0,
    silentRows: 0,
    silentWhere: [],
    alarms: tally(),
    confidences: [],
    projectsFound: tally(),
    lost: 0,
  };
  const same = sameAllowingLoss(layer, () => s.lost++);
  const d = s.diffs;
  const warns = got.warnings;
  const sameRow = (a: object, b: object) => isDeepStrictEqual(contractOnly(a), contractOnly(b));
  const silentAt = (list: string) => (i: number, g: unknown) => s.silentWhere.push(`${list}[${i}]: ${short(g ?? null)}`);

  for (const key of ['title', 'department', 'year', 'draft', 'compiled_by', 'reviewed_by'] as const) {
    s.documentFields.total++;
    if (got.document[key] === want.document[key]) s.documentFields.ok++;
    else d.push(`document.${key}: got ${short(got.document[key])} want ${short(want.document[key])}`);
  }
  compareList(got.document.toc, want.document.toc, s.documentFields, d, 'document.toc');

  s.partOne.total++;
  if (same(got.part_one.overall_goal, want.part_one.overall_goal)) s.partOne.ok++;
  else {
    d.push(`part_one.overall_goal: got ${short(got.part_one.overall_goal)} want ${short(want.part_one.overall_goal)}`);
    // The overall goal has no loc of its own: the first part-one item's page stands for it.
    if (!namedOn(warns, got.part_one.sub_goals[0]?.loc ?? null, 'page')) {
      s.silentRows++;
      s.silentWhere.push(`part_one.overall_goal: ${short(got.part_one.overall_goal)}`);
    }
  }
  const sameItem = (a: object, b: object) => same(contractOnly(a), contractOnly(b));
  compareList(got.part_one.sub_goals, want.part_one.sub_goals, s.partOne, d, 'part_one.sub_goals', sameItem);
  compareList(got.part_one.safeguards, want.part_one.safeguards, s.partOne, d, 'part_one.safeguards', sameItem);
  s.silentRows += silentRowsIn(got.part_one.sub_goals, want.part_one.sub_goals, warns, null, sameItem, 'item', s.alarms, silentAt('part_one.sub_goals'));
  s.silentRows += silentRowsIn(got.part_one.safeguards, want.part_one.safeguards, warns, null, sameItem, 'item', s.alarms, silentAt('part_one.safeguards'));
  compareList(got.part_one.dept_indicators, want.part_one.dept_indicators, s.indicators, d, 'part_one.dept_indicators');
  const deptTable = got.part_one.dept_indicators.length ? null : partOneTable(got);
  if (deptTable && namedOn(warns, deptTable, 'table')) {
    // None of part one's rows was read, and a warning on the table they stand in says so: each
    // missing row is named there (a row read wrong still needs its own row's warning).
    if (!covered(warns, deptTable)) s.silent += want.part_one.dept_indicators.length;
  } else {
    s.silent += silentIn(got.part_one.dept_indicators, want.part_one.dept_indicators, warns, null, sameRow);
    s.silentRows += silentRowsIn(got.part_one.dept_indicators, want.part_one.dept_indicators, warns, null, sameRow, 'row', s.alarms, silentAt('part_one.dept_indicators'));
  }
  compareList(
    got.part_one.dept_indicators.map((i) => [i.value_raw, i.value]),
    want.part_one.dept_indicators.map((i) => [i.value_raw, i.value]),
    s.values, [], 'part_one.dept_indicators.value',
  );

  const n = Math.max(got.projects.length, want.projects.length);
  for (let i = 0; i < n; i++) {
    const g = got.projects[i];
    const w = want.projects[i];
    const where = `projects[${i}]`;
    if (w) {
      s.projectsFound.total++;
      if (g && (g.project_code != null ? g.project_code === w.project_code : g.project_name === w.project_name)) s.projectsFound.ok++;
    }
    if (!w || !g) {
      const missing = (w ?? g)!;
      s.projectFields.total += PROJECT_FIELDS.length;
      s.indicators.total += missing.indicators.length;
      s.values.total += missing.indicators.length;
      d.push(`${where}: ${w ? 'missing' : 'extra'} project ${short(missing.title)}`);
      if (!covered(warns, g?.loc ?? got.projects[got.projects.length - 1]?.loc)) s.silent += 1 + missing.indicators.length;
      if (!namedOn(warns, g?.loc ?? got.projects[got.projects.length - 1]?.loc, 'table')) {
        s.silentRows += 1 + missing.indicators.length;
        s.silentWhere.push(`${where}: ${w ? 'missing' : 'extra'} project ${short(missing.title)} (${missing.indicators.length} rows)`);
      }
      continue;
    }
    for (const f of PROJECT_FIELDS) {
      s.projectFields.total++;
      if (same(g[f], w[f])) s.projectFields.ok++;
      else {
        d.push(`${where}.${f}: got ${short(g[f])} want ${short(w[f])}`);
        if (!covered(warns, g.loc)) s.silent++;
        if (!namedOn(warns, g.loc, 'table')) {
          s.silentRows++;
          s.silentWhere.push(`${where}.${f}: ${short(g[f])}`);
        }
      }
    }
    compareList(g.indicators, w.indicators, s.indicators, d, `${where}.indicators`);
    g.indicators.forEach((x, k) => {
      if (x.confidence != null) s.confidences.push([x.confidence, w.indicators[k] != null && sameRow(x, w.indicators[k]!)]);
    });
    s.silent += silentIn(g.indicators, w.indicators, warns, g.loc, sameRow);
    s.silentRows += silentRowsIn(g.indicators, w.indicators, warns, g.loc, sameRow, 'row', s.alarms, silentAt(`${where}.indicators`));
    compareList(
      g.indicators.map((x) => [x.value_raw, x.value]),
      w.indicators.map((x) => [x.value_raw, x.value]),
      s.values, [], `${where}.value`,
    );
  }
  return s;
}

export function ratio(t: Tally): number {
  return t.total === 0 ? 1 : t.ok / t.total;
}
