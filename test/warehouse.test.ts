/**
 * The outputs as a data team uses them: the corpus (every format) is converted to JSONL, CSV, the
 * Parquet dataset and the DuckDB database, loaded into DuckDB (@duckdb/node-api) — directly, and
 * through the folder's load.sql — and the tables must have the documented types, need no quoted
 * column name, join on their keys, sum money exactly (DECIMAL, to the digit the documents print),
 * count each budget text once through `texts`, and answer three researcher's queries exactly as
 * the JSON does. The committed JSON Schema, table docs and load.sql must equal what `jixiao
 * schema` prints.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_BATCH, runBatch } from '../src/batch/run.js';
import type { DocumentRecord } from '../src/schema.js';
import { TABLE_KEYS, loadSql, sqlTypes } from '../src/writers/schemadoc.js';
import { DERIVED_VIEWS, RENDITION_ORDER, TABLE_VIEWS } from '../src/writers/tables.js';
import { CORPUS, ROOT, requireShared } from './helpers.js';

let out = '';
let docs: DocumentRecord[] = [];
let db: DuckDBInstance;
let con: DuckDBConnection;

const sqlString = (s: string) => `'${s.replace(/'/g, "''")}'`;

/** The CSV of a table, read with the documented column types. */
function csvOf(table: string): string {
  const cols = Object.entries(sqlTypes(table)).map(([k, t]) => `${sqlString(k)}: ${sqlString(t === 'VARCHAR[]' ? 'VARCHAR' : t)}`).join(', ');
  return `read_csv(${sqlString(path.join(out, `${table}.csv`))}, header = true, columns = {${cols}})`;
}
const parquetOf = (table: string) => `read_parquet(${sqlString(path.join(out, 'parquet', table, '*.parquet'))})`;
const duckdbOf = (table: string) => `o.${table}`;

async function rows(sql: string): Promise<Record<string, unknown>[]> {
  const r = await con.runAndReadAll(sql);
  return r.getRowObjectsJson() as Record<string, unknown>[];
}

beforeAll(async () => {
  requireShared();
  out = mkdtempSync(path.join(tmpdir(), 'jixiao-warehouse-'));
  await runBatch({ ...DEFAULT_BATCH, inputs: [CORPUS], outDir: out, progress: 'none', inProcess: true, formats: new Set(['jsonl', 'csv', 'parquet', 'duckdb']) });
  docs = readFileSync(path.join(out, 'documents.jsonl'), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as DocumentRecord);
  db = await DuckDBInstance.create(':memory:');
  con = await db.connect();
  await con.run(`ATTACH ${sqlString(path.join(out, 'jixiao.duckdb'))} AS o (READ_ONLY)`);
});

afterAll(() => {
  con?.closeSync();
});

describe('warehouse outputs', () => {
  it('writes every table as Parquet and in DuckDB with the documented types', async () => {
    for (const v of TABLE_VIEWS) {
      for (const src of [parquetOf(v.name), duckdbOf(v.name)]) {
        const described = await rows(`DESCRIBE SELECT * FROM ${src}`);
        const got = Object.fromEntries(described.map((r) => [r.column_name, r.column_type]));
        expect(got, src).toEqual(sqlTypes(v.name));
      }
    }
    for (const v of DERIVED_VIEWS) {
      const described = await rows(`DESCRIBE SELECT * FROM ${duckdbOf(v.name)}`);
      expect(Object.fromEntries(described.map((r) => [r.column_name, r.column_type])), v.name).toEqual(sqlTypes(v.name));
    }
  });

  it('load.sql reads the Parquet dataset, or the CSV files, with the documented types and the same rows', async () => {
    for (const source of ['parquet', 'csv'] as const) {
      const mem = await DuckDBInstance.create(':memory:');
      const c = await mem.connect();
      await c.run(`SET file_search_path = ${sqlString(out)}`);
      await c.run(source === 'parquet' ? readFileSync(path.join(out, 'load.sql'), 'utf8') : loadSql('csv'));
      for (const v of [...TABLE_VIEWS, ...DERIVED_VIEWS]) {
        const described = (await c.runAndReadAll(`DESCRIBE SELECT * FROM ${v.name}`)).getRowObjectsJson();
        expect(Object.fromEntries(described.map((r) => [r.column_name, r.column_type])), `${source} ${v.name}`).toEqual(sqlTypes(v.name));
        const order = v.name === 'texts' ? 'text_key' : TABLE_KEYS[v.name];
        const mine = (await c.runAndReadAll(`SELECT * FROM ${v.name} ORDER BY ${order}`)).getRowObjectsJson();
        expect(mine, `${source} ${v.name}`).toEqual(await rows(`SELECT * FROM ${duckdbOf(v.name)} ORDER BY ${order}`));
      }
      c.closeSync();
      mem.closeSync();
    }
  });

  it('needs no quoted column name: every column of every table selects bare', async () => {
    await rows(`SELECT table_index, row_index FROM ${duckdbOf('indicators')}`);
    const keywords = new Map((await rows('SELECT keyword_name, keyword_category FROM duckdb_keywords()')).map((k) => [k.keyword_name, k.keyword_category]));
    for (const v of [...TABLE_VIEWS, ...DERIVED_VIEWS]) {
      for (const c of v.columns) {
        expect(['reserved', 'column_name', 'type_function'], `${v.name}.${c.name}`).not.toContain(keywords.get(c.name));
        await rows(`SELECT ${c.name} FROM ${duckdbOf(v.name)} LIMIT 1`);
      }
    }
  });

  it('sums money exactly, to the digit the documents print, and writes those digits in CSV', async () => {
    // The exact sum of each department's budgets, in units of 0.0001 (the DECIMAL's scale).
    const units = (d: string) => {
      const [i, f = ''] = d.split('.');
      return BigInt(i! + f.padEnd(4, '0'));
    };
    const want = new Map<string, bigint>();
    for (const d of docs) for (const p of d.projects) if (p.budget_printed.total != null) want.set(d.document.department ?? '', (want.get(d.document.department ?? '') ?? 0n) + units(p.budget_printed.total));
    const asText = (u: bigint) => `${u / 10000n}.${String(u % 10000n).padStart(4, '0')}`;
    for (const src of [parquetOf('projects'), duckdbOf('projects'), csvOf('projects')]) {
      const got = await rows(`SELECT coalesce(department, '') AS department, CAST(sum(budget_total) AS VARCHAR) AS total, typeof(sum(budget_total)) AS type FROM ${src} WHERE budget_total IS NOT NULL GROUP BY ALL`);
      expect(Object.fromEntries(got.map((r) => [r.department, r.total])), src).toEqual(Object.fromEntries([...want].map(([k, u]) => [k, asText(u)])));
      for (const r of got) expect(r.type).toBe('DECIMAL(38,4)');
    }
    // The CSV cell is the printed digits (40.00 stays 40.00); the JSON keeps the contract's number.
    const csv = await rows(`SELECT doc_id, project_seq, budget_total FROM read_csv(${sqlString(path.join(out, 'projects.csv'))}, header = true, all_varchar = true)`);
    const printed = new Map(docs.flatMap((d) => d.projects.map((p, k) => [`${d.doc_id}/${k + 1}`, p.budget_printed.total])));
    expect(csv.length).toBeGreaterThan(0);
    for (const r of csv) expect(r.budget_total ?? null).toBe(printed.get(`${r.doc_id}/${r.project_seq}`));
    expect(csv.some((r) => /\.\d*0$/.test(String(r.budget_total)))).toBe(true);
    for (const d of docs) for (const p of d.projects) expect(p.budget_total).toBe(p.budget_printed.total == null ? null : Number(p.budget_printed.total));
  });

  it('counts each budget text once through texts: its best rendition, and the others listed', async () => {
    const rank = (f: string) => (RENDITION_ORDER as readonly string[]).indexOf(f);
    const groups = new Map<string, DocumentRecord[]>();
    for (const d of docs) groups.set(d.text_key, [...(groups.get(d.text_key) ?? []), d]);
    const want = [...groups].map(([key, ds]) => {
      const best = [...ds].sort((a, b) => a.warnings.length - b.warnings.length || rank(a.source.format) - rank(b.source.format) || (a.doc_id < b.doc_id ? -1 : 1));
      return { text_key: key, doc_id: best[0]!.doc_id, renditions: ds.length, other_doc_ids: best.slice(1).map((d) => d.doc_id) };
    });
    const got = await rows(`SELECT text_key, doc_id, renditions, other_doc_ids FROM ${duckdbOf('texts')} ORDER BY text_key`);
    expect(got).toEqual(want.sort((a, b) => (a.text_key < b.text_key ? -1 : 1)));
    expect(got.length).toBe(new Set(docs.map((d) => d.text_key)).size);
    // Joined, the projects count each text once.
    const [once] = await rows(`SELECT count(*) AS n FROM ${duckdbOf('projects')} JOIN ${duckdbOf('texts')} USING (doc_id)`);
    expect(Number(once!.n)).toBe(want.reduce((n, t) => n + docs.find((d) => d.doc_id === t.doc_id)!.projects.length, 0));
  });

  it('loads the CSVs with the documented types, the same rows as the Parquet files', async () => {
    for (const v of TABLE_VIEWS) {
      const [csv] = await rows(`SELECT count(*) AS n FROM ${csvOf(v.name)}`);
      const [pq] = await rows(`SELECT count(*) AS n FROM ${parquetOf(v.name)}`);
      expect(csv!.n, v.name).toBe(pq!.n);
    }
    // unit_code keeps its leading zeros; an all-empty money column is still summable.
    const [r] = await rows(`SELECT count(*) FILTER (WHERE unit_code LIKE '0%' OR unit_code ~ '^[0-9]{6}$') AS codes, sum(budget_other) AS other FROM ${csvOf('projects')}`);
    expect(Number(r!.codes)).toBeGreaterThan(0);
    const [p] = await rows(`SELECT sum(budget_other) AS other FROM ${parquetOf('projects')}`);
    expect(r!.other).toEqual(p!.other);
  });

  it('gives every row its key, and the keys join', async () => {
    const n = docs.reduce((k, d) => k + d.projects.reduce((m, p) => m + p.indicators.length, 0) + d.part_one.dept_indicators.length, 0);
    const [keys] = await rows(`SELECT count(*) AS n, count(DISTINCT (doc_id, project_seq, indicator_seq)) AS k FROM ${parquetOf('indicators')}`);
    expect(Number(keys!.n)).toBe(n);
    expect(Number(keys!.k)).toBe(n);
    const [joined] = await rows(
      `SELECT count(*) AS n FROM ${parquetOf('indicators')} i JOIN ${parquetOf('projects')} p USING (doc_id, project_seq) JOIN ${parquetOf('documents')} d USING (doc_id) WHERE i.scope = 'project'`,
    );
    expect(Number(joined!.n)).toBe(docs.reduce((k, d) => k + d.projects.reduce((m, p) => m + p.indicators.length, 0), 0));
  });

  it('answers a researcher\'s queries as the JSON does, from Parquet, CSV and JSONL alike', async () => {
    // 1. Share of indicators with a numeric target, by 一级指标.
    const share = new Map<string, [number, number]>();
    for (const d of docs) for (const i of [...d.projects.flatMap((p) => p.indicators), ...d.part_one.dept_indicators]) {
      const k = i.level1 ?? '';
      const [a, b] = share.get(k) ?? [0, 0];
      share.set(k, [a + (i.value.number != null ? 1 : 0), b + 1]);
    }
    const want1 = [...share].map(([k, [a, b]]) => ({ level1: k, share: Math.round((a / b) * 1e6) / 1e6 })).sort((x, y) => x.level1.localeCompare(y.level1));
    for (const src of [parquetOf('indicators'), csvOf('indicators')]) {
      const got = await rows(`SELECT coalesce(level1, '') AS level1, round(avg(CASE WHEN number IS NOT NULL THEN 1 ELSE 0 END), 6) AS share FROM ${src} GROUP BY 1 ORDER BY 1 COLLATE NOCASE`);
      expect(got.map((r) => ({ level1: r.level1, share: Number(r.share) })).sort((x, y) => String(x.level1).localeCompare(String(y.level1)))).toEqual(want1);
    }
    // 2. Budget totals by department and year.
    const totals = new Map<string, number>();
    for (const d of docs) for (const p of d.projects) {
      const k = `${d.document.department}|${d.document.year}`;
      totals.set(k, (totals.get(k) ?? 0) + (p.budget_total ?? 0));
    }
    const want2 = [...totals].map(([k, v]) => `${k}|${Math.round(v * 100) / 100}`).sort();
    for (const src of [parquetOf('projects'), csvOf('projects'), duckdbOf('projects')]) {
      const got = await rows(`SELECT department, year, sum(coalesce(budget_total, 0)) AS total FROM ${src} GROUP BY ALL`);
      expect(got.map((r) => `${r.department}|${r.year}|${Number(r.total)}`).sort()).toEqual(want2);
    }
    // 3. Most common units.
    const units = new Map<string, number>();
    for (const d of docs) for (const i of [...d.projects.flatMap((p) => p.indicators), ...d.part_one.dept_indicators]) {
      if (i.value.unit) units.set(i.value.unit, (units.get(i.value.unit) ?? 0) + 1);
    }
    const want3 = [...units].map(([u, n]) => `${u}:${n}`).sort();
    for (const src of [parquetOf('indicators'), csvOf('indicators')]) {
      const got = await rows(`SELECT unit, count(*) AS n FROM ${src} WHERE unit IS NOT NULL GROUP BY unit`);
      expect(got.map((r) => `${r.unit}:${Number(r.n)}`).sort()).toEqual(want3);
    }
    // The JSONL loads too: its projects unnest to the same count.
    const [j] = await rows(`SELECT sum(len(projects)) AS n FROM read_json_auto(${sqlString(path.join(out, 'documents.jsonl'))})`);
    expect(Number(j!.n)).toBe(docs.reduce((k, d) => k + d.projects.length, 0));
  });

  it('groups the renditions of one budget text under one text_key', async () => {
    const groups = await rows(`SELECT text_key, count(*) AS n, count(DISTINCT source_format) AS formats FROM ${parquetOf('documents')} GROUP BY text_key`);
    const corpusDocs = new Set(docs.map((d) => path.dirname(d.source.path))).size;
    expect(groups.length).toBe(corpusDocs);
    for (const g of groups) expect(Number(g.formats)).toBe(Number(g.n));
  });

  it('publishes the schema it validates with, and the load.sql it writes', () => {
    const cli = (...a: string[]) => spawnSync(process.execPath, [path.join(ROOT, 'dist/src/cli.js'), ...a], { encoding: 'utf8' });
    expect(cli('schema').stdout).toBe(readFileSync(path.join(ROOT, 'src', 'schema', 'document.schema.json'), 'utf8'));
    expect(cli('schema', '--tables').stdout).toBe(readFileSync(path.join(ROOT, 'src', 'schema', 'README.md'), 'utf8'));
    expect(cli('schema', '--load-sql', 'parquet').stdout).toBe(readFileSync(path.join(ROOT, 'src', 'schema', 'load.sql'), 'utf8'));
    expect(readFileSync(path.join(out, 'load.sql'), 'utf8')).toBe(readFileSync(path.join(ROOT, 'src', 'schema', 'load.sql'), 'utf8'));
  });
});
