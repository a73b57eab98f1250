/**
 * The collection outputs of an output folder, written from its documents: one function,
 * `writeCollections`, for a local run, a cluster's end-of-run rebuild and `jixiao compact`.
 * Documents in (refs to their per-document JSON, through an optional step such as corrections),
 * rows out (tables.ts `rowsOf`), to every output asked for:
 *
 * - the Parquet dataset (dataset.ts) and the DuckDB database (duckdb.ts) are incremental: each
 *   knows which documents it holds at which stamp and writes only what changed (new, changed,
 *   gone), so adding one file to an archive costs that file; the rows of the changed documents
 *   are staged once as Parquet and shared by both. Each also names the source it was written
 *   from: when the caller knows that only documents were added since that source
 *   (`CollectionSource.added`), the output appends them without comparing every document it holds;
 *   otherwise (or when the output was written from another source) it compares them all;
 * - documents.jsonl and the CSV tables (aggregate.ts) are whole files, rewritten when the set of
 *   documents changed and left alone when it did not;
 * - `load.sql` reads the Parquet dataset (or the CSV files) into DuckDB with the right types.
 *
 * Every output ends holding each wanted document exactly once, as a full rebuild writes it.
 */
import { createHash } from 'node:crypto';
import { mkdir, readFile, readdir, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { type AggregateOptions, type OutputKind, outputFiles, writeWholeFiles } from './aggregate.js';
import { writeFileAtomic } from './atomic.js';
import { DATASET_DIR, type DatasetPlan, ParquetDataset, removeDataset } from './dataset.js';
import { DUCKDB_FILE, DuckdbOutput, removeDuckdb } from './duckdb.js';
import { ParquetSink } from './parquet.js';
import { type DocumentRef, type DocumentStep, inOrder, readDocuments } from './refs.js';
import { loadSql } from './schemadoc.js';
import { SCHEMA_VERSION, TABLE_VIEWS, rowsOf } from './tables.js';

export type { DocumentRef, DocumentStep } from './refs.js';

export interface CollectionOptions extends AggregateOptions {
  /** Write the incremental outputs whole from the documents (`jixiao compact`): one Parquet part, a new database file. */
  full?: boolean;
  /** The step between a document's JSON and its rows (corrections); see refs.ts. */
  step?: DocumentStep;
}

/** What a run wrote to one output. */
export interface OutputReport {
  /** Documents written (new, changed, or moved with a rewritten part). */
  written: number;
  /** Documents that left. */
  removed: number;
  /** Written whole. */
  full: boolean;
  /** Documents of the folder compared with what the output held (none when it appended what was added). */
  compared: number;
}

export type CollectionReport = Partial<Record<OutputKind, OutputReport>>;

/** State of the whole-file outputs: the documents each was last written from. */
const EXPORTS_STATE = '.jixiao-exports.json';
/** Rows staged for the DuckDB output when it needs other documents than the dataset's new part. */
const STAGE = '.jixiao-stage';
/** The files of the schema-1 Parquet output: one file per table at the top of the folder. */
const OLD_PARQUET = TABLE_VIEWS.map((v) => `${v.name}.parquet`);

/**
 * The documents the outputs are written from: every one (each doc_id once, in any order: what
 * is written is written in `inOrder`), and, when the caller knows it, what was only added since
 * the outputs were last written.
 */
export interface CollectionSource {
  /** Every document wanted now; asked for only by an output that compares them all (once: the caller keeps the answer). */
  all(): Promise<readonly DocumentRef[]>;
  /** The mark of what the outputs are written from now (../batch/mark.ts); each output records it. */
  mark?: string;
  /**
   * Set when nothing changed since the outputs were written from mark `since` but these
   * documents added (none of them held then): an output written from `since` appends them.
   */
  added?: {
    since: string;
    refs: readonly DocumentRef[];
    /** No document held then came first in the outputs' order since (a copy of its input under a path earlier in order). */
    orderKept: boolean;
  };
}

/** A source of documents known whole. */
export function sourceOf(refs: readonly DocumentRef[], mark?: string): CollectionSource {
  return { all: async () => refs, mark };
}

/** Writes the collection outputs of `outDir` for the documents of `source`. */
export async function writeCollections(outDir: string, source: CollectionSource, opts: CollectionOptions): Promise<CollectionReport> {
  const report: CollectionReport = {};
  await clearLeftovers(outDir);
  const wants = (k: OutputKind) => opts.formats.has(k);
  /** What an output written from `held` appends, when it may; null: it compares every document. */
  const addedTo = (held: string | undefined) => (!opts.full && source.added && held === source.added.since ? source.added.refs : null);

  // Whole files: rewritten when the documents (or how they are written) changed.
  const whole = new Set((['jsonl', 'csv'] as const).filter(wants));
  const state = await readExportsState(outDir);
  const presentAll = async (kind: 'jsonl' | 'csv') => !(await Promise.all(outputFiles(kind).map((f) => exists(path.join(outDir, f))))).includes(false);
  const nextState: ExportsState = { csv_options: { bom: opts.bom, escapeFormulas: opts.escapeFormulas }, ...(source.mark ? { source: source.mark } : {}) };
  const sameCsv = state.csv_options?.bom === opts.bom && state.csv_options?.escapeFormulas === opts.escapeFormulas;
  let unchanged = whole.size > 0 && addedTo(state.source)?.length === 0 && source.added?.orderKept === true && (sameCsv || !whole.has('csv'));
  for (const kind of whole) if (unchanged && !(state[kind] && (await presentAll(kind)))) unchanged = false;
  if (unchanged) {
    // Nothing added since they were written: as they are.
    for (const kind of whole) nextState[kind] = state[kind];
  } else if (whole.size) {
    const refs = await source.all();
    const listed = inOrder(refs);
    const stamp = (kind: 'jsonl' | 'csv') =>
      hashOf([`schema ${SCHEMA_VERSION}`, kind === 'csv' ? `bom ${opts.bom} escape ${opts.escapeFormulas}` : '', ...listed.map((r) => `${r.order}\t${r.doc_id}\t${r.stamp}`)]);
    const stale = new Set<'jsonl' | 'csv'>();
    for (const kind of whole) if (state[kind] !== stamp(kind) || !(await presentAll(kind))) stale.add(kind);
    if (stale.size) {
      await writeWholeFiles(outDir, readDocuments(listed, opts.step), stale, opts);
      for (const kind of stale) report[kind] = { written: refs.length, removed: 0, full: true, compared: refs.length };
    }
    for (const kind of whole) nextState[kind] = stamp(kind);
  }
  await writeFileAtomic(path.join(outDir, EXPORTS_STATE), `${JSON.stringify(nextState)}\n`);

  // Incremental outputs: each writes what changed for it; the rows are staged once where the two agree.
  const dataset = wants('parquet') ? await ParquetDataset.open(outDir) : null;
  let dsPlan: DatasetPlan | null = null;
  let dsCompared = 0;
  if (dataset) {
    const added = addedTo(dataset.source);
    dsPlan = added && dataset.append(added);
    if (!dsPlan) {
      const refs = await source.all();
      dsCompared = refs.length;
      dsPlan = dataset.plan(refs, opts.full === true);
    }
  }
  let part: string | null = null;
  if (dataset && dsPlan) {
    if (dsPlan.write.length || dsPlan.drop.length) {
      part = dataset.nextPart;
      if (dsPlan.write.length) await stageRows(dsPlan.write, (t) => dataset.partFile(t, part!), opts.step);
    }
    await dataset.commit(dsPlan, source.mark);
    report.parquet = { written: dsPlan.write.length, removed: dsPlan.removed, full: dsPlan.full, compared: dsCompared };
  }
  if (wants('duckdb')) {
    const db = await DuckdbOutput.open(outDir, opts.full === true);
    try {
      const added = addedTo(db.source);
      let plan = added && (await db.append(added));
      let compared = 0;
      if (!plan) {
        const refs = await source.all();
        compared = refs.length;
        plan = await db.plan(refs);
      }
      // The dataset's new part holds exactly these documents: the database reads it.
      const shared = dataset && dsPlan && part && dsPlan.write.length === plan.write.length && dsPlan.write.every((r, i) => r.doc_id === plan.write[i]!.doc_id);
      const staged = new Map(TABLE_VIEWS.map((v) => [v.name, shared ? dataset.partFile(v.name, part!) : path.join(outDir, STAGE, `${v.name}.parquet`)]));
      if (!shared && plan.write.length) await stageRows(plan.write, (t) => staged.get(t)!, opts.step);
      await db.apply(plan, staged, source.mark);
      await db.close();
      report.duckdb = { written: plan.write.length, removed: plan.removed, full: plan.full, compared };
    } catch (err) {
      await db.close(false).catch(() => undefined);
      throw err;
    } finally {
      await rm(path.join(outDir, STAGE), { recursive: true, force: true });
    }
  }

  // Outputs not asked for this time are not left behind stale; neither are the schema-1 Parquet files.
  for (const kind of (['jsonl', 'csv'] as const).filter((k) => !wants(k))) for (const f of outputFiles(kind)) await rm(path.join(outDir, f), { force: true });
  if (!wants('parquet')) await removeDataset(outDir);
  if (!wants('duckdb')) await removeDuckdb(outDir);
  for (const f of OLD_PARQUET) await rm(path.join(outDir, f), { force: true });

  // load.sql: typed views over the Parquet dataset, else over the CSV files.
  const loadFrom = wants('parquet') ? 'parquet' : wants('csv') ? 'csv' : null;
  if (loadFrom) await writeFileAtomic(path.join(outDir, 'load.sql'), loadSql(loadFrom, opts.escapeFormulas));
  else await rm(path.join(outDir, 'load.sql'), { force: true });
  return report;
}

/** Writes one Parquet file per table holding the rows of `refs`, at `fileOf(table)`. */
async function stageRows(refs: readonly DocumentRef[], fileOf: (table: string) => string, step?: DocumentStep): Promise<void> {
  const sinks = new Map<string, ParquetSink>();
  for (const v of TABLE_VIEWS) {
    await mkdir(path.dirname(fileOf(v.name)), { recursive: true });
    sinks.set(v.name, new ParquetSink(v, fileOf(v.name)));
  }
  try {
    for await (const doc of readDocuments(refs, step)) {
      for (const [table, rows] of rowsOf(doc)) {
        const sink = sinks.get(table)!;
        for (const row of rows) await sink.write(row);
      }
    }
    for (const s of sinks.values()) await s.commit();
  } catch (err) {
    for (const s of sinks.values()) await s.abort();
    throw err;
  }
}

/** What a killed run may leave besides its temporary files: staged rows, a database being written from scratch. */
async function clearLeftovers(outDir: string): Promise<void> {
  await rm(path.join(outDir, STAGE), { recursive: true, force: true });
  for (const f of await readdir(outDir)) if (f.startsWith(`${DUCKDB_FILE}.tmp-`)) await rm(path.join(outDir, f), { force: true });
}

interface ExportsState {
  /** The mark of what they were last written from (../batch/mark.ts). */
  source?: string;
  jsonl?: string;
  csv?: string;
  /** How the CSV files were written (`jixiao compact` keeps it). */
  csv_options?: { bom: boolean; escapeFormulas: boolean };
}

async function readExportsState(outDir: string): Promise<ExportsState> {
  try {
    return JSON.parse(await readFile(path.join(outDir, EXPORTS_STATE), 'utf8')) as ExportsState;
  } catch {
    return {};
  }
}

/** How the CSV files of `outDir` were last written. */
export async function csvOptionsOf(outDir: string): Promise<{ bom: boolean; escapeFormulas: boolean } | null> {
  return (await readExportsState(outDir)).csv_options ?? null;
}

function hashOf(lines: readonly string[]): string {
  const h = createHash('sha256');
  for (const l of lines) h.update(`${l}\n`);
  return h.digest('hex');
}

function exists(file: string): Promise<boolean> {
  return stat(file).then(() => true, () => false);
}

/** The collection outputs an output folder holds now (for `jixiao compact`). */
export async function presentFormats(outDir: string): Promise<Set<OutputKind>> {
  const out = new Set<OutputKind>();
  if (await exists(path.join(outDir, 'documents.jsonl'))) out.add('jsonl');
  if (await exists(path.join(outDir, `${TABLE_VIEWS[0]!.name}.csv`))) out.add('csv');
  if (await exists(path.join(outDir, DATASET_DIR))) out.add('parquet');
  if (await exists(path.join(outDir, DUCKDB_FILE))) out.add('duckdb');
  return out;
}
