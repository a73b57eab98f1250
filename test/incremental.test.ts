/**
 * The incremental collection outputs (src/writers/collections.ts): a run that adds one file to a
 * folder writes that file's rows alone — counted, never timed — and every output then holds what
 * a full rebuild of the same inputs holds: the Parquet dataset and the DuckDB database row for
 * row (loaded into DuckDB and compared table by table), documents.jsonl and the CSV files byte
 * for byte, and after `jixiao compact` the Parquet files byte for byte. The same after a changed
 * input, a removed one (--prune), a re-extraction with the same result (nothing written), and the
 * leftovers of a killed run. A run that only adds files reads only what it adds — the manifest
 * lines it parses and the documents each output compares are counted — and whatever is not only
 * an addition (a failure, corrections changed, a killed run, an output written from another
 * source, another version) compares every document.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { describe, expect, it } from 'vitest';
import { manifestLinesParsed } from '../src/batch/manifest.js';
import { MARK_FILE } from '../src/batch/mark.js';
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

const runFolder = run;

function run(input: string | string[], out: string, extra: Partial<typeof DEFAULT_BATCH> = {}): Promise<BatchSummary> {
  return runBatch({ ...DEFAULT_BATCH, inputs: typeof input === 'string' ? [input] : input, outDir: out, progress: 'none', inProcess: true, formats: ALL, ...extra });
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
const whole = (out: string) => Object.fromEntries(WHOLE.filter((f) => existsSync(path.join(out, f))).map((f) => [f, readFileSync(path.join(out, f), 'utf8')]));

/** A full rebuild of the same inputs (and corrections.jsonl): a fresh folder. */
async function fullRebuild(input: string, corrections?: string, formats: ReadonlySet<string> = ALL): Promise<string> {
  const out = tmp('full');
  if (corrections) writeFileSync(path.join(out, 'corrections.jsonl'), corrections);
  const s = await run(input, out, { formats: formats as typeof ALL });
  expect(s.failed).toBe(0);
  return out;
}

async function expectSameAsFull(out: string, input: string, corrections?: string, formats: ReadonlySet<string> = ALL): Promise<string> {
  const full = await fullRebuild(input, corrections, formats);
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
    expect(second.collections).toMatchObject({ parquet: { written: 1, removed: 0, full: false, compared: 0 }, duckdb: { written: 1, removed: 0, full: false, compared: 0 } });
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

  it('a run that only adds files reads only what it adds (counted); anything else compares every document, and the outputs equal a full rebuild', async () => {
    // The archive's formats: documents.jsonl and the CSV files are whole files, rewritten whole when a document is added.
    const formats = new Set(['parquet', 'duckdb'] as const) as unknown as typeof ALL;
    const run = (i: string | string[], o: string, extra: Partial<typeof DEFAULT_BATCH> = {}) => runFolder(i, o, { formats, ...extra });
    const expectSame = (o: string, i: string, corrections?: string) => expectSameAsFull(o, i, corrections, formats);
    const input = inputs(path.join(tmp('in4'), 'docs'), 300, 330);
    const out = tmp('out4');
    const first = await run(input, out);
    expect(first.collections).toMatchObject({ parquet: { written: 30, full: true }, duckdb: { written: 30, full: true } });
    const only = (i: number) => [path.join(inputs(input, i, i + 1), `${String(i).padStart(4, '0')}.txt`)];
    const compared = (s: BatchSummary) => [s.collections?.parquet?.compared, s.collections?.duckdb?.compared];

    // The new file alone named (as --files-from names the new files): no line of the 30 held is
    // parsed, no document held is compared, and the outputs are a full rebuild's.
    let parsed = manifestLinesParsed();
    const added = await run(only(330), out);
    expect(manifestLinesParsed() - parsed).toBe(0);
    expect(added).toMatchObject({ done: 1, failed: 0 });
    expect(added.collections).toMatchObject({ parquet: { written: 1, removed: 0, compared: 0 }, duckdb: { written: 1, removed: 0, compared: 0 } });
    // Nothing new: nothing compared, nothing written.
    parsed = manifestLinesParsed();
    const noop = await run(only(330), out);
    expect(manifestLinesParsed() - parsed).toBe(1); // the line of the file named
    expect(noop.collections).toMatchObject({ parquet: { written: 0, compared: 0 }, duckdb: { written: 0, compared: 0 } });
    const dbThen = readFileSync(path.join(out, 'jixiao.duckdb'));
    // The whole folder named again with one new file: its inputs are looked up, still nothing compared.
    inputs(input, 331, 332);
    const rescan = await run(input, out);
    expect(rescan).toMatchObject({ done: 1, skipped: 31 });
    expect(compared(rescan)).toEqual([0, 0]);
    await expectSame(out, input);

    // The database put back as it was two runs ago (written from another mark): it compares
    // every document and takes the one it lacks; the dataset appends as before.
    writeFileSync(path.join(out, 'jixiao.duckdb'), dbThen);
    const restored = await run(only(332), out);
    expect(restored.collections).toMatchObject({ parquet: { written: 1, compared: 0 }, duckdb: { written: 2, compared: 33 } });
    await expectSame(out, input);

    // A killed run leaves no mark (and maybe a document no input names): every document compared, the stray removed.
    rmSync(path.join(out, MARK_FILE));
    const stray = path.join(out, 'docs', '0123456789abcdef.json');
    writeFileSync(stray, '{}');
    const afterKill = await run(only(333), out);
    expect(compared(afterKill)).toEqual([34, 34]);
    expect(existsSync(stray)).toBe(false);

    // A mark of another extractor version is no mark.
    const mark = JSON.parse(readFileSync(path.join(out, MARK_FILE), 'utf8'));
    writeFileSync(path.join(out, MARK_FILE), JSON.stringify({ ...mark, version: '0.0.0' }));
    expect(compared(await run(only(334), out))).toEqual([35, 35]);

    // corrections.jsonl changed: compared; a failure (errors.jsonl): compared.
    const corrections = `${JSON.stringify({ note: 'not a correction' })}\n`;
    writeFileSync(path.join(out, 'corrections.jsonl'), corrections);
    expect(compared(await run(only(335), out))).toEqual([36, 36]);
    const bad = path.join(tmp('in4bad'), 'notes.txt');
    writeFileSync(bad, '这不是预算文本。');
    const failed = await run([bad], out);
    expect(failed.failed).toBe(1);
    expect(compared(failed)).toEqual([36, 36]);
    // Back to only additions: appended again, and a full rebuild's outputs.
    const last = await run(only(336), out, { prune: false });
    expect(compared(last)).toEqual([0, 0]);
    rmSync(bad);
    const pruned = await run(input, out, { prune: true });
    expect(compared(pruned)).toEqual([37, 37]);
    await expectSame(out, input, corrections);
  }, 300_000);
});
