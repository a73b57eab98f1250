/**
 * Builds the collection outputs — documents.jsonl, the CSV tables and the Parquet tables —
 * from the per-document JSON files, one document at a time (memory stays flat however many
 * there are). Every file is written to a temporary name and renamed at the end, so the
 * outputs are always whole and hold each document once.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { stringify } from 'csv-stringify/sync';
import type { DocumentRecord } from '../schema.js';
import { AtomicStream } from './atomic.js';
import { ParquetSink } from './parquet.js';
import { type Cell, TABLE_VIEWS, type TableView } from './tables.js';

/** Collection outputs; per-document JSON (docs/<doc_id>.json) is always written. */
export type OutputKind = 'jsonl' | 'csv' | 'parquet';
export const OUTPUT_KINDS: readonly OutputKind[] = ['jsonl', 'csv', 'parquet'];

export interface AggregateOptions {
  formats: ReadonlySet<OutputKind>;
  /** Start each CSV with a UTF-8 byte-order mark (for Excel). */
  bom: boolean;
  /**
   * Escape CSV cells that a spreadsheet would run as a formula (`=`, `+`, `-`, `@`, tab, CR
   * first) with a leading `'`, as csv-stringify's escape_formulas does. JSONL and Parquet keep
   * the text as is.
   */
  escapeFormulas: boolean;
}

/** The files each output kind writes (for cleaning away kinds a run no longer asks for). */
export function outputFiles(kind: OutputKind): string[] {
  if (kind === 'jsonl') return ['documents.jsonl'];
  return TABLE_VIEWS.map((v) => `${v.name}.${kind}`);
}

export function csvLine(row: readonly Cell[], escapeFormulas: boolean): string {
  const cells = row.map((v) => (v == null ? '' : Array.isArray(v) ? JSON.stringify(v) : v));
  return stringify([cells], { cast: { boolean: (b) => (b ? 'true' : 'false') }, escape_formulas: escapeFormulas });
}

interface Sink {
  view: TableView;
  write(row: Cell[]): Promise<void>;
  commit(): Promise<void>;
  abort(): Promise<void>;
}

/** Writes the collection outputs in `outDir` from the given per-document JSON files, in order. */
export async function writeAggregates(outDir: string, docFiles: readonly string[], opts: AggregateOptions): Promise<void> {
  const jsonl = opts.formats.has('jsonl') ? new AtomicStream(path.join(outDir, 'documents.jsonl')) : null;
  const sinks: Sink[] = [];
  if (opts.formats.has('csv')) {
    for (const view of TABLE_VIEWS) {
      const out = new AtomicStream(path.join(outDir, `${view.name}.csv`));
      await out.write((opts.bom ? '\uFEFF' : '') + csvLine(view.columns.map((c) => c.name), false));
      sinks.push({ view, write: (row) => out.write(csvLine(row, opts.escapeFormulas)), commit: () => out.commit(), abort: () => out.abort() });
    }
  }
  if (opts.formats.has('parquet')) {
    for (const view of TABLE_VIEWS) {
      const out = new ParquetSink(view, path.join(outDir, `${view.name}.parquet`));
      sinks.push({ view, write: (row) => out.write(row), commit: () => out.commit(), abort: () => out.abort() });
    }
  }
  try {
    for (const file of docFiles) {
      const text = await readFile(file, 'utf8');
      const doc = JSON.parse(text) as DocumentRecord;
      if (jsonl) await jsonl.write(`${JSON.stringify(doc)}\n`);
      for (const s of sinks) for (const row of s.view.rows(doc)) await s.write(row);
    }
    await jsonl?.commit();
    for (const s of sinks) await s.commit();
  } catch (err) {
    await jsonl?.abort();
    for (const s of sinks) await s.abort();
    throw err;
  }
}
