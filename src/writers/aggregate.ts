/**
 * The collection outputs that are whole files — documents.jsonl and the CSV tables — written
 * from a stream of documents (memory stays flat however many there are), each to a temporary
 * name renamed at the end, so they are always whole and hold each document once. They are
 * exports: rewritten when the set of documents changed, left as they are when it did not
 * (collections.ts decides); the Parquet dataset and the DuckDB database are the incremental
 * outputs.
 */
import path from 'node:path';
import { stringify } from 'csv-stringify/sync';
import type { DocumentRecord } from '../schema.js';
import { AtomicStream } from './atomic.js';
import { type Cell, type Column, TABLE_VIEWS, rowsOf } from './tables.js';

/** Collection outputs; per-document JSON (docs/<doc_id>.json) is always written. */
export type OutputKind = 'jsonl' | 'csv' | 'parquet' | 'duckdb';
export const OUTPUT_KINDS: readonly OutputKind[] = ['jsonl', 'csv', 'parquet', 'duckdb'];

export interface AggregateOptions {
  formats: ReadonlySet<OutputKind>;
  /** Start each CSV with a UTF-8 byte-order mark (for Excel). */
  bom: boolean;
  /**
   * Escape CSV text cells that a spreadsheet would run as a formula (`=`, `+`, `-`, `@`, tab,
   * CR first) with a leading `'`, as csv-stringify's escape_formulas does. Numbers, money and the
   * other outputs keep their text as is.
   */
  escapeFormulas: boolean;
}

/** The whole files each output kind writes in the output folder (for cleaning away kinds a run no longer asks for). */
export function outputFiles(kind: 'jsonl' | 'csv'): string[] {
  if (kind === 'jsonl') return ['documents.jsonl'];
  return TABLE_VIEWS.map((v) => `${v.name}.csv`);
}

/** A text cell a spreadsheet would run as a formula (csv-stringify's escape_formulas rule). */
const FORMULA = /^[=+\-@\t\r]/;

export function csvLine(columns: readonly Column[], row: readonly Cell[], escapeFormulas: boolean): string {
  const cells = row.map((v, i) => {
    if (v == null) return '';
    if (Array.isArray(v)) return JSON.stringify(v);
    // Only text is escaped: a negative number or sum of money is no formula.
    const text = columns[i]!.type === 'string' && typeof v === 'string';
    return escapeFormulas && text && FORMULA.test(v) ? `'${v}` : v;
  });
  return stringify([cells], { cast: { boolean: (b) => (b ? 'true' : 'false') } });
}

/** Writes the whole-file outputs asked for (`jsonl`, `csv`) in `outDir` from `docs`, in order. */
export async function writeWholeFiles(outDir: string, docs: AsyncIterable<DocumentRecord>, kinds: ReadonlySet<'jsonl' | 'csv'>, opts: AggregateOptions): Promise<number> {
  const jsonl = kinds.has('jsonl') ? new AtomicStream(path.join(outDir, 'documents.jsonl')) : null;
  const csv = new Map<string, AtomicStream>();
  if (kinds.has('csv')) {
    for (const view of TABLE_VIEWS) {
      const out = new AtomicStream(path.join(outDir, `${view.name}.csv`));
      await out.write((opts.bom ? '\uFEFF' : '') + stringify([view.columns.map((c) => c.name)]));
      csv.set(view.name, out);
    }
  }
  let n = 0;
  try {
    for await (const doc of docs) {
      n++;
      if (jsonl) await jsonl.write(`${JSON.stringify(doc)}\n`);
      if (csv.size === 0) continue;
      for (const [table, rows] of rowsOf(doc)) {
        const columns = TABLE_VIEWS.find((v) => v.name === table)!.columns;
        const out = csv.get(table)!;
        if (rows.length) await out.write(rows.map((r) => csvLine(columns, r, opts.escapeFormulas)).join(''));
      }
    }
    await jsonl?.commit();
    for (const s of csv.values()) await s.commit();
  } catch (err) {
    await jsonl?.abort();
    for (const s of csv.values()) await s.abort();
    throw err;
  }
  return n;
}
