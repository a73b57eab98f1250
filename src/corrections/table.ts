/**
 * The `corrections` table (CSV and Parquet, beside the analysis tables): every line of
 * corrections.jsonl with what this run made of it — `applied`, `obsolete` or `conflict`, and
 * why. Typed like the other tables (tables.ts) and documented with them in src/schema/README.md.
 */
import { rm } from 'node:fs/promises';
import { stringify } from 'csv-stringify/sync';
import path from 'node:path';
import { type AggregateOptions, csvLine } from '../writers/aggregate.js';
import { AtomicStream } from '../writers/atomic.js';
import { ParquetSink } from '../writers/parquet.js';
import type { Cell, Column, ColumnType } from '../writers/tables.js';
import type { CorrectionLine, Status } from './model.js';

/** A line and its outcome in this run. */
export interface LineStatus {
  line: CorrectionLine;
  status: Status;
  reason: string;
}

const c = (name: string, type: ColumnType, doc: string): Column => ({ name, type, doc });

export const CORRECTIONS_VIEW = {
  name: 'corrections',
  doc: 'one row per line of corrections.jsonl, with what this run made of it',
  key: 'correction_seq',
  columns: [
    c('correction_seq', 'int', '1-based line of corrections.jsonl (key)'),
    c('id', 'string', 'the correction\'s id'),
    c('doc_id', 'string', 'document it corrects'),
    c('target_table', 'string', 'documents, projects, indicators, sub_goals or safeguards'),
    c('project_seq', 'int', 'target key'),
    c('indicator_seq', 'int', 'target key'),
    c('item_seq', 'int', 'target key'),
    c('op', 'string', 'set, delete, insert or reviewed'),
    c('field', 'string', 'contract field corrected (set)'),
    c('before', 'string', 'value the person saw, as JSON'),
    c('after', 'string', 'right value (set) or record (insert), as JSON'),
    c('by', 'string', 'who'),
    c('at', 'string', 'when (ISO 8601)'),
    c('extractor', 'string', 'jixiao version whose output was corrected'),
    c('status', 'string', 'applied, obsolete (the extraction already gives its outcome) or conflict (not applied)'),
    c('reason', 'string', 'why obsolete or a conflict'),
  ] as readonly Column[],
};

const json = (v: unknown): string | null => (v === undefined ? null : JSON.stringify(v));

function rowOf({ line, status, reason }: LineStatus): Cell[] {
  const k = line.correction;
  if (!k) return [line.seq, null, null, null, null, null, null, null, null, null, null, null, null, null, status, reason];
  return [
    line.seq, k.id, k.doc_id, k.target.table, k.target.project_seq ?? null, k.target.indicator_seq ?? null, k.target.item_seq ?? null,
    k.op ?? 'set', k.field ?? null, json(k.before), json(k.after), k.by ?? null, k.at ?? null, k.extractor ?? null, status, reason || null,
  ];
}

/** Writes corrections.csv / corrections.parquet for the formats asked for (whole, atomically) and removes the others. */
export async function writeCorrectionsTable(outDir: string, statuses: readonly LineStatus[], opts: AggregateOptions): Promise<void> {
  const rows = statuses.map(rowOf);
  for (const kind of ['csv', 'parquet'] as const) {
    const target = path.join(outDir, `${CORRECTIONS_VIEW.name}.${kind}`);
    if (!opts.formats.has(kind)) {
      await rm(target, { force: true });
      continue;
    }
    if (kind === 'csv') {
      const out = new AtomicStream(target);
      try {
        await out.write((opts.bom ? '\uFEFF' : '') + stringify([CORRECTIONS_VIEW.columns.map((col) => col.name)]));
        for (const r of rows) await out.write(csvLine(CORRECTIONS_VIEW.columns, r, opts.escapeFormulas));
        await out.commit();
      } catch (err) {
        await out.abort();
        throw err;
      }
    } else {
      const out = new ParquetSink(CORRECTIONS_VIEW, target);
      try {
        for (const r of rows) await out.write(r);
        await out.commit();
      } catch (err) {
        await out.abort();
        throw err;
      }
    }
  }
}
