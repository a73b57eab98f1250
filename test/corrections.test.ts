/**
 * Corrections across runs (shared/spec/corrections.md): lines written to corrections.jsonl are
 * applied by the next run that writes the folder — a run that skips everything, `--force`, a new
 * extractor version — to docs/*.json, documents.jsonl and every CSV and Parquet table (read
 * back by DuckDB), with their marks; a line whose base the extraction no longer has is reported
 * (a warning on its row, `conflict` in the corrections table) and not applied; the extraction
 * itself is kept beside (extracted/) and comes back when the lines are gone.
 */
import { DuckDBInstance } from '@duckdb/node-api';
import { appendFileSync, cpSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_BATCH, runBatch } from '../src/batch/run.js';
import { writeOutputs } from '../src/batch/rebuild.js';
import { Manifest } from '../src/batch/manifest.js';
import type { Correction } from '../src/corrections/model.js';
import { extractBytes } from '../src/index.js';
import type { DocumentRecord } from '../src/schema.js';
import { writeDocument } from '../src/writers/document.js';
import { ROOT } from './helpers.js';

const input = mkdtempSync(path.join(tmpdir(), 'jixiao-corr-in-'));
const out = mkdtempSync(path.join(tmpdir(), 'jixiao-corr-out-'));
const formats = new Set(['jsonl', 'csv', 'parquet'] as const);
const run = (extra: Partial<typeof DEFAULT_BATCH> = {}) =>
  runBatch({ ...DEFAULT_BATCH, inputs: [input], outDir: out, progress: 'none', inProcess: true, formats, ...extra });
const docFile = (id: string) => path.join(out, 'docs', `${id}.json`);
const readDoc = (id: string) => JSON.parse(readFileSync(docFile(id), 'utf8')) as DocumentRecord;

let park: DocumentRecord;
let office: DocumentRecord;
let lines: Correction[];

/** Every output file of the folder, by name (for comparing runs). */
function snapshot(): Record<string, string> {
  const files: Record<string, string> = {};
  for (const f of readdirSync(out)) if (/\.(jsonl|csv)$/.test(f) && f !== 'manifest.jsonl') files[f] = readFileSync(path.join(out, f), 'utf8');
  for (const f of readdirSync(path.join(out, 'docs'))) files[`docs/${f}`] = readFileSync(path.join(out, 'docs', f), 'utf8');
  return files;
}

async function query(sql: string): Promise<Array<Record<string, unknown>>> {
  const db = await DuckDBInstance.create(':memory:');
  const con = await db.connect();
  try {
    return (await con.runAndReadAll(sql)).getRowObjectsJson() as Array<Record<string, unknown>>;
  } finally {
    con.closeSync();
  }
}

beforeAll(async () => {
  for (const f of ['laoting-park-2023.txt', 'chengde-office-2024.txt']) cpSync(path.join(ROOT, 'samples', f), path.join(input, f));
  await run();
  // As the run records them: paths relative to the folder named.
  park = await extractBytes(readFileSync(path.join(input, 'laoting-park-2023.txt')), 'laoting-park-2023.txt');
  office = await extractBytes(readFileSync(path.join(input, 'chengde-office-2024.txt')), 'chengde-office-2024.txt');
  const row = park.projects[0]!.indicators[0]!;
  const p2 = park.projects[1]!;
  const base = { by: 'wang', at: '2026-12-02T08:00:00Z', extractor: '0.1.0' };
  lines = [
    { id: 'v1', doc_id: park.doc_id, target: { table: 'indicators', project_seq: 1, indicator_seq: 1 }, match: { level2: row.level2, level3: row.level3 }, op: 'set', field: 'value_raw', before: row.value_raw, after: '≥1200米', ...base },
    { id: 'l1', doc_id: park.doc_id, target: { table: 'indicators', project_seq: 1, indicator_seq: 1 }, match: { level2: row.level2, level3: row.level3 }, op: 'set', field: 'level3', before: row.level3, after: '修缮道路工程量', ...base },
    { id: 'p1', doc_id: park.doc_id, target: { table: 'projects', project_seq: 2 }, match: { project_name: p2.project_name }, op: 'set', field: 'project_code', before: p2.project_code, after: '13022523P00CXF810004Q', ...base },
    { id: 'r1', doc_id: park.doc_id, target: { table: 'projects', project_seq: 2 }, match: { project_name: p2.project_name }, op: 'reviewed', ...base },
    // Made against another extraction: the value seen is not what this one reads.
    { id: 'x1', doc_id: office.doc_id, target: { table: 'indicators', project_seq: 1, indicator_seq: 2 }, match: { level3: office.projects[0]!.indicators[1]!.level3 }, op: 'set', field: 'value_raw', before: '≥999平方米', after: '≥1000平方米', ...base, extractor: '0.0.9' },
    { id: 'o1', doc_id: office.doc_id, target: { table: 'documents' }, op: 'set', field: 'department', before: 'x', after: office.document.department, ...base },
    { id: 'gone', doc_id: '0123456789abcdef', target: { table: 'documents' }, op: 'reviewed', ...base },
  ];
});

describe('corrections across runs', () => {
  it('a folder without corrections is as before: no marks, no extracted copies, an empty corrections table', () => {
    expect(readDoc(park.doc_id)).toEqual(park);
    expect(existsSync(path.join(out, 'extracted'))).toBe(false);
    expect(readFileSync(path.join(out, 'corrections.csv'), 'utf8').trim().split('\n')).toHaveLength(1);
    expect(readFileSync(path.join(out, 'indicators.csv'), 'utf8')).toContain(',[]');
  });

  it('the next run applies them everywhere, with their marks, and reports what it could not apply', async () => {
    writeFileSync(path.join(out, 'corrections.jsonl'), `${lines.map((l) => JSON.stringify(l)).join('\n')}\n{"torn":`);
    const s = await run();
    expect(s.skipped).toBe(2); // nothing re-extracted: the run only rebuilt the outputs
    const d = readDoc(park.doc_id);
    const row = d.projects[0]!.indicators[0]!;
    expect(row).toMatchObject({ value_raw: '≥1200米', level3: '修缮道路工程量', corrected: ['value_raw', 'value', 'level3'] });
    expect(row.value.number).toBe(1200);
    expect(d.projects[1]).toMatchObject({ project_code: '13022523P00CXF810004Q', corrected: ['project_code'], reviewed: { by: 'wang', at: '2026-12-02T08:00:00Z' } });
    // The extraction is kept beside.
    expect(JSON.parse(readFileSync(path.join(out, 'extracted', `${park.doc_id}.json`), 'utf8'))).toEqual(park);

    const o = readDoc(office.doc_id);
    expect(o.projects[0]!.indicators[1]!).toEqual(office.projects[0]!.indicators[1]!); // not applied blindly
    const conflict = o.warnings.find((w) => w.code === 'correction-conflict')!;
    expect(conflict.message).toContain('x1');
    expect(conflict.loc).toEqual(office.projects[0]!.indicators[1]!.loc);
    expect(o.warnings.find((w) => w.code === 'correction-obsolete')!.message).toContain('o1');

    const jsonl = readFileSync(path.join(out, 'documents.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as DocumentRecord);
    expect(jsonl.find((x) => x.doc_id === park.doc_id)).toEqual(d);

    const status = await query(`SELECT correction_seq, id, status FROM '${path.join(out, 'corrections.parquet')}' ORDER BY correction_seq`);
    expect(status.map((r) => [r.id, r.status])).toEqual([
      ['v1', 'applied'], ['l1', 'applied'], ['p1', 'applied'], ['r1', 'applied'], ['x1', 'conflict'], ['o1', 'obsolete'], ['gone', 'conflict'], [null, 'conflict'],
    ]);
    const csvStatus = await query(`SELECT id, status, reason FROM read_csv('${path.join(out, 'corrections.csv')}', header=true, all_varchar=true) ORDER BY correction_seq::INT`);
    expect(csvStatus.map((r) => r.status)).toEqual(status.map((r) => r.status));
    expect(csvStatus[7]!.reason).toContain('not a JSON object');

    for (const kind of ['parquet', 'csv'] as const) {
      const from = kind === 'parquet' ? `'${path.join(out, 'parquet', 'indicators', '*.parquet')}'` : `read_csv('${path.join(out, 'indicators.csv')}', header=true, types={'corrected': 'VARCHAR'})`;
      const [i] = await query(`SELECT value_raw, number, level3, corrected FROM ${from} WHERE doc_id = '${park.doc_id}' AND project_seq = 1 AND indicator_seq = 1`);
      expect(i, kind).toMatchObject({ value_raw: '≥1200米', number: 1200, level3: '修缮道路工程量' });
      expect(kind === 'csv' ? JSON.parse(i!.corrected as string) : i!.corrected).toEqual(['value_raw', 'value', 'level3']);
    }
    const [p] = await query(`SELECT project_code, corrected, checked_by FROM '${path.join(out, 'parquet', 'projects', '*.parquet')}' WHERE doc_id = '${park.doc_id}' AND project_seq = 2`);
    expect(p).toEqual({ project_code: '13022523P00CXF810004Q', corrected: ['project_code'], checked_by: 'wang' });
    const [w] = await query(`SELECT count(*)::INT AS n FROM '${path.join(out, 'parquet', 'warnings', '*.parquet')}' WHERE code = 'correction-conflict' AND row_index IS NOT NULL`);
    expect(w!.n).toBe(1);
  });

  it('survives --force and a new extractor version: the same outputs, byte for byte', async () => {
    const before = snapshot();
    const forced = await run({ force: true });
    expect(forced.done).toBe(2);
    expect(snapshot()).toEqual(before);
    // A new version: the manifest says another version wrote every document, so each is redone.
    const manifestFile = path.join(out, 'manifest.jsonl');
    writeFileSync(manifestFile, readFileSync(manifestFile, 'utf8').replaceAll('"version":"0.1.0"', '"version":"0.0.9"'));
    const bumped = await run();
    expect(bumped.done).toBe(2);
    expect(snapshot()).toEqual(before);
  });

  it('survives a cluster rebuild: documents written by a worker, then the outputs rebuilt as the cluster does', async () => {
    const before = snapshot();
    // A worker writes the fresh extraction of each input (queue/worker.ts), and the coordinator rebuilds.
    for (const d of [park, office]) await writeDocument(out, d);
    expect(readDoc(park.doc_id)).toEqual(park);
    expect(existsSync(path.join(out, 'extracted', `${park.doc_id}.json`))).toBe(false);
    await writeOutputs(out, await Manifest.open(path.join(out, 'manifest.jsonl')), { formats, bom: false, escapeFormulas: true });
    expect(snapshot()).toEqual(before);
  });

  it('a new folder holding only a corrections.jsonl is taken, and the first run applies it', async () => {
    const fresh = mkdtempSync(path.join(tmpdir(), 'jixiao-corr-fresh-'));
    writeFileSync(path.join(fresh, 'corrections.jsonl'), `${JSON.stringify(lines[0])}\n`);
    const s = await runBatch({ ...DEFAULT_BATCH, inputs: [input], outDir: fresh, progress: 'none', inProcess: true, formats });
    expect(s.done).toBe(2);
    const d = JSON.parse(readFileSync(path.join(fresh, 'docs', `${park.doc_id}.json`), 'utf8')) as DocumentRecord;
    expect(d.projects[0]!.indicators[0]!.value_raw).toBe('≥1200米');
    expect(readFileSync(path.join(fresh, 'corrections.jsonl'), 'utf8')).toBe(`${JSON.stringify(lines[0])}\n`); // never rewritten
  });

  it('a line appended later is applied on top; with the lines gone the extraction comes back', async () => {
    const p = readDoc(park.doc_id).projects[0]!;
    appendFileSync(path.join(out, 'corrections.jsonl'), `\n${JSON.stringify({ id: 'd1', doc_id: park.doc_id, target: { table: 'indicators', project_seq: 1, indicator_seq: 2 }, op: 'delete', match: { level3: p.indicators[1]!.level3 } })}\n`);
    await run();
    expect(readDoc(park.doc_id).projects[0]!.indicators.length).toBe(park.projects[0]!.indicators.length - 1);
    expect(readDoc(park.doc_id).projects[0]!.indicators[0]!.value_raw).toBe('≥1200米');
    rmSync(path.join(out, 'corrections.jsonl'));
    await run();
    expect(readDoc(park.doc_id)).toEqual(park);
    expect(readDoc(office.doc_id)).toEqual(office);
    expect(readdirSync(path.join(out, 'extracted'))).toEqual([]);
    expect(readFileSync(path.join(out, 'corrections.csv'), 'utf8').trim().split('\n')).toHaveLength(1);
  });
});
