/**
 * The incremental collection outputs (src/writers/collections.ts): a run that adds one file to a
 * folder writes that file's rows alone — counted, never timed — and every output then holds what
 * a full rebuild of the same inputs holds: the Parquet dataset and the DuckDB database row for
 * row (loaded into DuckDB and compared table by table), documents.jsonl and the CSV files byte
 * for byte, and after `jixiao compact` the Parquet files byte for byte. The same after a changed
 * input, a removed one (--prune), a re-extraction with the same result (nothing written), and the
 * leftovers of a killed run.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { describe, expect, it } from 'vitest';
import { type BatchSummary, DEFAULT_BATCH, runBatch } from '../src/batch/run.js';
import { synthDocument } from '../src/bench/synth.js';
import { TABLE_KEYS } from '../src/writers/schemadoc.js';
import { DERIVED_VIEWS, TABLE_VIEWS } from '../src/writers/tables.js';
import { ROOT } from './helpers.js';

const CLI = path.join(ROOT, 'dist/src/cli.js');
const ALL = new Set(['jsonl', 'csv', 'parquet', 'duckdb'] as const);
const WHOLE = ['documents.jsonl', ...TABLE_VIEWS.map((v) => `${v.name}.csv`), 'errors.jsonl', 'load.sql'];

const tmp = (name: string) => mkdtempSync(path.join(tmpdir(), `jixiao-inc-${name}-`));

/** A folder of synthetic budget texts `from`…`to - 1`. */
function inputs(dir: string, from: number, to: number): string {
  mkdirSync(dir, { recursive: true });
  for (let i = from; i < to; i++) writeFileSync(path.join(dir, `${String(i).padStart(4, '0')}.txt`), synthDocument(i));
  return dir;
}

function run(input: string, out: string, extra: Partial<typeof DEFAULT_BATCH> = {}): Promise<BatchSummary> {
  return runBatch({ ...DEFAULT_BATCH, inputs: [input], outDir: out, progress: 'none', inProcess: true, formats: ALL, ...extra });
}

/** Every table and view of an output folder as DuckDB reads it — from the Parquet dataset and from jixiao.duckdb — rows sorted by key. */
async function tables(out: string): Promise<Record<string, unknown>> {
  const db = await DuckDBInstance.create(':memory:');
  const con = await db.connect();
  await con.run(`ATTACH '${path.join(out, 'jixiao.duckdb')}' AS o (READ_ONLY)`);
  const got: Record<string, unknown> = {};
  for (const v of TABLE_VIEWS) {
    const order = `ORDER BY ${TABLE_KEYS[v.name]}`;
    got[`parquet:${v.name}`] = (await con.runAndReadAll(`SELECT * FROM read_parquet('${path.join(out, 'parquet', v.name, '*.parquet')}') ${order}`)).getRowObjectsJson();
    got[`duckdb:${v.name}`] = (await con.runAndReadAll(`SELECT * FROM o.${v.name} ${order}`)).getRowObjectsJson();
  }
  for (const v of DERIVED_VIEWS) got[`duckdb:${v.name}`] = (await con.runAndReadAll(`SELECT * FROM o.${v.name} ORDER BY text_key`)).getRowObjectsJson();
  got['duckdb:jixiao_documents'] = (await con.runAndReadAll('SELECT * FROM o.jixiao_documents ORDER BY doc_id')).getRowObjectsJson();
  con.closeSync();
  db.closeSync();
  return got;
}

const parts = (out: string, table = 'indicators') => readdirSync(path.join(out, 'parquet', table)).sort();
const whole = (out: string) => Object.fromEntries(WHOLE.map((f) => [f, readFileSync(path.join(out, f), 'utf8')]));

/** A full rebuild of the same inputs: a fresh folder. */
async function fullRebuild(input: string): Promise<string> {
  const out = tmp('full');
  const s = await run(input, out);
  expect(s.failed).toBe(0);
  return out;
}

async function expectSameAsFull(out: string, input: string): Promise<string> {
  const full = await fullRebuild(input);
  expect(await tables(out)).toEqual(await tables(full));
  expect(whole(out)).toEqual(whole(full));
  return full;
}

describe('incremental collection outputs', () => {
  it('one file added writes that file alone; the outputs equal a full rebuild, and after compact the same bytes', async () => {
    const input = inputs(path.join(tmp('in'), 'docs'), 0, 24);
    const out = tmp('out');
    const first = await run(input, out);
    expect(first).toMatchObject({ done: 24, failed: 0 });
    expect(first.collections).toMatchObject({ parquet: { written: 24, full: true }, duckdb: { written: 24, full: true } });
    const before = Object.fromEntries(TABLE_VIEWS.map((v) => [v.name, statSync(path.join(out, 'parquet', v.name, parts(out, v.name)[0]!))]));
    const dbBefore = statSync(path.join(out, 'jixiao.duckdb')).size;

    inputs(input, 24, 25);
    const second = await run(input, out);
    expect(second).toMatchObject({ done: 1, skipped: 24, failed: 0 });
    // The work counted: one document written to each incremental output, nothing else touched.
    expect(second.collections).toMatchObject({ parquet: { written: 1, removed: 0, full: false }, duckdb: { written: 1, removed: 0, full: false } });
    expect(parts(out)).toEqual(['part-000001.parquet', 'part-000002.parquet']);
    for (const v of TABLE_VIEWS) {
      const now = statSync(path.join(out, 'parquet', v.name, 'part-000001.parquet'));
      expect([now.ino, now.mtimeMs, now.size], v.name).toEqual([before[v.name]!.ino, before[v.name]!.mtimeMs, before[v.name]!.size]);
    }
    expect(statSync(path.join(out, 'jixiao.duckdb')).size).toBeLessThan(dbBefore * 2);
    const full = await expectSameAsFull(out, input);

    // Nothing new: nothing written, the whole files left as they are.
    const mtime = statSync(path.join(out, 'documents.jsonl')).mtimeMs;
    const third = await run(input, out);
    expect(third.collections).toMatchObject({ parquet: { written: 0 }, duckdb: { written: 0 } });
    expect(third.collections?.jsonl).toBeUndefined();
    expect(statSync(path.join(out, 'documents.jsonl')).mtimeMs).toBe(mtime);

    // jixiao compact: one part per table, byte for byte the full rebuild's.
    const c = spawnSync(process.execPath, [CLI, 'compact', out], { encoding: 'utf8' });
    expect(c.status, c.stderr).toBe(0);
    for (const v of TABLE_VIEWS) {
      const [only, ...more] = parts(out, v.name);
      expect(more).toEqual([]);
      expect(readFileSync(path.join(out, 'parquet', v.name, only!)).equals(readFileSync(path.join(full, 'parquet', v.name, 'part-000001.parquet'))), v.name).toBe(true);
    }
    expect(await tables(out)).toEqual(await tables(full));
  }, 300_000);

  it('a changed input and a removed one: their rows replaced or gone by key, never twice; a re-extraction with the same result writes nothing', async () => {
    const input = inputs(path.join(tmp('in2'), 'docs'), 100, 112);
    const out = tmp('out2');
    await run(input, out);
    inputs(input, 112, 116); // a second part
    await run(input, out);
    // 0100 changes (another document, another doc_id), 0113 (in the second part) is removed.
    writeFileSync(path.join(input, '0100.txt'), synthDocument(100).replace('第100号文本', '第100号文本（修订）'));
    rmSync(path.join(input, '0113.txt'));
    const s = await run(input, out, { prune: true });
    expect(s).toMatchObject({ done: 1, failed: 0 });
    // Both parts held a document that left: their other documents move to the run's new part.
    expect(s.collections).toMatchObject({ parquet: { written: 15, removed: 2, full: false }, duckdb: { written: 1, removed: 2, full: false } });
    expect(parts(out)).toEqual(['part-000003.parquet']);
    await expectSameAsFull(out, input);

    // Every input extracted again (--force): the same documents, the same digests: nothing to write.
    const forced = await run(input, out, { force: true });
    expect(forced.done).toBe(15);
    expect(forced.collections).toMatchObject({ parquet: { written: 0, removed: 0 }, duckdb: { written: 0, removed: 0 } });
  }, 300_000);

  it('what a killed run leaves — a part no state names, staged rows, a database half written — never shows', async () => {
    const input = inputs(path.join(tmp('in3'), 'docs'), 200, 208);
    const out = tmp('out3');
    await run(input, out);
    for (const v of TABLE_VIEWS) copyFileSync(path.join(out, 'parquet', v.name, 'part-000001.parquet'), path.join(out, 'parquet', v.name, 'part-000009.parquet'));
    mkdirSync(path.join(out, '.jixiao-stage'));
    writeFileSync(path.join(out, '.jixiao-stage', 'indicators.parquet'), 'half');
    writeFileSync(path.join(out, 'jixiao.duckdb.tmp-1-2-3'), 'half');
    writeFileSync(path.join(out, 'parquet', 'indicators', 'notes.txt'), 'mine'); // not jixiao's: kept
    const s = await run(input, out);
    expect(s.collections).toMatchObject({ parquet: { written: 0 }, duckdb: { written: 0 } });
    expect(parts(out, 'documents')).toEqual(['part-000001.parquet']);
    expect(existsSync(path.join(out, '.jixiao-stage'))).toBe(false);
    expect(existsSync(path.join(out, 'jixiao.duckdb.tmp-1-2-3'))).toBe(false);
    expect(readFileSync(path.join(out, 'parquet', 'indicators', 'notes.txt'), 'utf8')).toBe('mine');
    rmSync(path.join(out, 'parquet', 'indicators', 'notes.txt'));
    await expectSameAsFull(out, input);

    // The dataset's state lost: the dataset is written again, whole, and still holds each document once.
    rmSync(path.join(out, 'parquet', '_jixiao.json'));
    const again = await run(input, out);
    expect(again.collections).toMatchObject({ parquet: { written: 8, full: true }, duckdb: { written: 0 } });
    await expectSameAsFull(out, input);

    // A format no longer asked for leaves the folder; asked for again, it is written whole.
    await run(input, out, { formats: new Set(['jsonl', 'csv']) });
    expect(existsSync(path.join(out, 'parquet'))).toBe(false);
    expect(existsSync(path.join(out, 'jixiao.duckdb'))).toBe(false);
    const back = await run(input, out);
    expect(back.collections).toMatchObject({ parquet: { written: 8, full: true }, duckdb: { written: 8, full: true } });
    await expectSameAsFull(out, input);
  }, 300_000);
});
