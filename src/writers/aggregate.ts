/**
 * Builds the collection outputs — documents.jsonl and the CSV views — from the per-document
 * JSON files, one document at a time (memory stays flat however many there are). Every file
 * is written to a temporary name and renamed at the end, so the outputs are always whole and
 * hold each document once.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { stringify } from 'csv-stringify/sync';
import type { DocumentRecord } from '../schema.js';
import { AtomicStream } from './atomic.js';
import { CSV_VIEWS, type CsvRow } from './tables.js';

/** Collection outputs; per-document JSON (docs/<doc_id>.json) is always written. */
export type OutputKind = 'jsonl' | 'csv';

export interface AggregateOptions {
  formats: ReadonlySet<OutputKind>;
  /** Start each CSV with a UTF-8 byte-order mark (for Excel). */
  bom: boolean;
}

function csvLine(row: CsvRow): string {
  return stringify([row.map((v) => (v == null ? '' : v))], { cast: { boolean: (b) => (b ? 'true' : 'false') } });
}

/** Writes the collection outputs in `outDir` from the given per-document JSON files, in order. */
export async function writeAggregates(outDir: string, docFiles: readonly string[], opts: AggregateOptions): Promise<void> {
  const streams: AtomicStream[] = [];
  const jsonl = opts.formats.has('jsonl') ? new AtomicStream(path.join(outDir, 'documents.jsonl')) : null;
  if (jsonl) streams.push(jsonl);
  const csvs = opts.formats.has('csv')
    ? CSV_VIEWS.map((v) => ({ view: v, out: new AtomicStream(path.join(outDir, v.file)) }))
    : [];
  streams.push(...csvs.map((c) => c.out));
  try {
    for (const c of csvs) await c.out.write((opts.bom ? '\uFEFF' : '') + csvLine(c.view.header));
    for (const file of docFiles) {
      const text = await readFile(file, 'utf8');
      const doc = JSON.parse(text) as DocumentRecord;
      if (jsonl) await jsonl.write(`${JSON.stringify(doc)}\n`);
      for (const c of csvs) for (const row of c.view.rows(doc)) await c.out.write(csvLine(row));
    }
    for (const s of streams) await s.commit();
  } catch (err) {
    for (const s of streams) await s.abort();
    throw err;
  }
}
