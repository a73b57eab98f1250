/**
 * The DuckDB output (`-f duckdb`): `jixiao.duckdb` in the output folder, every table of
 * tables.ts with its documented types, the derived views (`texts`), and `jixiao_documents`
 * (doc_id, stamp: what the database holds). A run replaces rows by key: in one transaction the
 * rows of the documents that changed or left are deleted and the changed and new documents'
 * rows inserted, so its cost follows what changed, and a killed run leaves the database as it
 * was (DuckDB's own write-ahead log). `jixiao_meta` names the source the database was last
 * written from (the mark of the manifest and corrections, ../batch/mark.ts): a run that knows
 * only documents were added since then inserts them without comparing every document held.
 * Written from scratch (a new file renamed into place) when
 * it is new, of another schema version, or compacted. Uses @duckdb/node-api, an optional
 * dependency loaded only here.
 */
import { rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import type { DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { VERSION } from '../version.js';
import { tempName } from './atomic.js';
import { type DocumentRef, inOrder } from './refs.js';
import { createTableSql } from './schemadoc.js';
import { DERIVED_VIEWS, SCHEMA_VERSION, TABLE_VIEWS } from './tables.js';

export const DUCKDB_FILE = 'jixiao.duckdb';

/** What a run does to the database. */
export interface DuckdbPlan {
  /** Documents whose rows are (re)inserted, in order. */
  write: DocumentRef[];
  /** Documents whose rows are deleted first (changed or gone). */
  gone: string[];
  /** Documents that left. */
  removed: number;
  full: boolean;
}

type Api = typeof import('@duckdb/node-api');

/** @duckdb/node-api, or a clear error naming the fix. */
export async function duckdbApi(): Promise<Api> {
  try {
    return await import('@duckdb/node-api');
  } catch (err) {
    throw new Error(`-f duckdb needs the optional package @duckdb/node-api, which is not installed or does not load here (${(err as Error).message.split('\n')[0]}): npm install @duckdb/node-api`);
  }
}

const quote = (s: string) => `'${s.replace(/'/g, "''")}'`;

export class DuckdbOutput {
  private constructor(
    private readonly file: string,
    private readonly instance: DuckDBInstance,
    private readonly con: DuckDBConnection,
    /** The database holds documents already (it is updated); false: written from scratch. */
    private readonly held: boolean,
    /** The file written when from scratch (renamed over `file` at the end). */
    private readonly target: string,
    /** The mark of what the database was last written from, if known. */
    readonly source: string | undefined = undefined,
  ) {}

  /** Opens the database of `outDir`; from scratch when `full`, new, or of another schema version. */
  static async open(outDir: string, full: boolean): Promise<DuckdbOutput> {
    const api = await duckdbApi();
    const target = path.join(outDir, DUCKDB_FILE);
    const exists = await stat(target).then(() => true, () => false);
    if (exists && !full) {
      const instance = await openInstance(api, target);
      const con = await instance.connect();
      const current = await currentSource(con);
      if (current) {
        await dropDocumentsKey(con);
        return new DuckdbOutput(target, instance, con, true, target, current.source);
      }
      con.closeSync();
      instance.closeSync();
    }
    const file = tempName(target);
    const instance = await openInstance(api, file);
    const con = await instance.connect();
    return new DuckdbOutput(file, instance, con, false, target);
  }

  /**
   * What changes for the documents wanted now. The comparison runs inside DuckDB (the wanted
   * list goes over as one text): only the few documents that differ come back, however many the
   * database holds.
   */
  async plan(want: readonly DocumentRef[]): Promise<DuckdbPlan> {
    if (!this.held) return { write: inOrder(want), gone: [], removed: 0, full: true };
    const list = want.map((r) => `${r.doc_id}\t${r.stamp}`).join('\n');
    const rows = (
      await this.con.runAndReadAll(
        `WITH want AS (SELECT split_part(l, chr(9), 1) AS doc_id, split_part(l, chr(9), 2) AS stamp FROM (SELECT unnest(string_split($1, chr(10))) AS l) WHERE l <> '')
         SELECT 'write' AS what, w.doc_id FROM want w LEFT JOIN jixiao_documents h USING (doc_id) WHERE h.stamp IS DISTINCT FROM w.stamp
         UNION ALL
         SELECT CASE WHEN w.doc_id IS NULL THEN 'removed' ELSE 'gone' END, h.doc_id FROM jixiao_documents h LEFT JOIN want w USING (doc_id) WHERE w.stamp IS DISTINCT FROM h.stamp`,
        [list],
      )
    ).getRows();
    const write = new Set(rows.filter((r) => r[0] === 'write').map((r) => String(r[1])));
    const gone = rows.filter((r) => r[0] !== 'write').map((r) => String(r[1]));
    return { write: inOrder(want.filter((r) => write.has(r.doc_id))), gone, removed: rows.filter((r) => r[0] === 'removed').length, full: false };
  }

  /**
   * The plan of a run that only adds documents (the others are those the database holds); null
   * when the database is new or holds one of them already (then `plan`).
   */
  async append(added: readonly DocumentRef[]): Promise<DuckdbPlan | null> {
    if (!this.held) return null;
    if (added.length) {
      const rows = (
        await this.con.runAndReadAll(`SELECT count(*) FROM jixiao_documents WHERE doc_id IN (SELECT unnest(string_split($1, chr(10))))`, [added.map((r) => r.doc_id).join('\n')])
      ).getRows();
      if (Number(rows[0]?.[0]) !== 0) return null;
    }
    return { write: inOrder(added), gone: [], removed: 0, full: false };
  }

  /**
   * Applies the plan, written from `source`: `staged` holds, per table, a Parquet file of exactly
   * the rows of `plan.write`.
   */
  async apply(plan: DuckdbPlan, staged: ReadonlyMap<string, string>, source?: string): Promise<void> {
    const run = (sql: string) => this.con.run(sql);
    if (plan.full) {
      await run('CREATE TABLE jixiao_meta (key VARCHAR PRIMARY KEY, value VARCHAR)');
      // No index: DuckDB rewrites a table's index whole at every checkpoint, which would make
      // adding one document cost what the database holds; each doc_id is there once because a
      // run deletes a document's row before it inserts it again, and appends only ids not held.
      await run('CREATE TABLE jixiao_documents (doc_id VARCHAR, stamp VARCHAR)');
      for (const v of TABLE_VIEWS) await run(createTableSql(v.name, v.columns));
      for (const v of DERIVED_VIEWS) await run(`CREATE VIEW ${v.name} AS\n${v.sql}`);
    }
    const meta = `INSERT OR REPLACE INTO jixiao_meta VALUES ('schema_version', '${SCHEMA_VERSION}'), ('extractor_version', ${quote(VERSION)}), ('source', ${source ? quote(source) : 'NULL'})`;
    if (plan.write.length === 0 && plan.gone.length === 0 && !plan.full) {
      if (source !== this.source) await run(meta);
      return;
    }
    await run('BEGIN TRANSACTION');
    try {
      if (plan.gone.length) {
        await this.con.run(`CREATE OR REPLACE TEMP TABLE jixiao_gone AS SELECT unnest(string_split($1, chr(10))) AS doc_id`, [plan.gone.join('\n')]);
        for (const v of TABLE_VIEWS) await run(`DELETE FROM ${v.name} WHERE doc_id IN (SELECT doc_id FROM temp.jixiao_gone)`);
        await run('DELETE FROM jixiao_documents WHERE doc_id IN (SELECT doc_id FROM temp.jixiao_gone)');
        await run('DROP TABLE temp.jixiao_gone');
      }
      if (plan.write.length) {
        for (const v of TABLE_VIEWS) await run(`INSERT INTO ${v.name} BY NAME SELECT * FROM read_parquet(${quote(staged.get(v.name)!)})`);
        await this.con.run(
          `INSERT INTO jixiao_documents SELECT split_part(l, chr(9), 1), split_part(l, chr(9), 2) FROM (SELECT unnest(string_split($1, chr(10))) AS l)`,
          [plan.write.map((r) => `${r.doc_id}\t${r.stamp}`).join('\n')],
        );
      }
      await run(meta);
      await run('COMMIT');
    } catch (err) {
      await run('ROLLBACK').catch(() => undefined);
      throw err;
    }
  }

  /** Closes the database (written through to its file); one written from scratch replaces the old file. */
  async close(commit = true): Promise<void> {
    if (commit) await this.con.run('CHECKPOINT');
    this.con.closeSync();
    this.instance.closeSync();
    if (this.file === this.target) return;
    if (!commit) {
      await rm(this.file, { force: true });
      await rm(`${this.file}.wal`, { force: true });
      return;
    }
    // The old file's log must not be replayed onto the new one.
    await rm(`${this.target}.wal`, { force: true });
    await rename(this.file, this.target);
  }
}

async function openInstance(api: Api, file: string): Promise<DuckDBInstance> {
  try {
    return await api.DuckDBInstance.create(file);
  } catch (err) {
    const m = (err as Error).message;
    if (/lock/i.test(m)) throw new Error(`${file} is open in another program (${m.replace(/\s+/g, ' ').slice(0, 200)}): close it, then run again; the next run brings the database up to date`);
    throw err;
  }
}

/**
 * Whether the database is one this version updates (its schema version, its bookkeeping table),
 * and the source it was last written from; null when it is not.
 */
async function currentSource(con: DuckDBConnection): Promise<{ source: string | undefined } | null> {
  try {
    const meta = new Map((await con.runAndReadAll(`SELECT key, value FROM jixiao_meta`)).getRows().map((r) => [String(r[0]), r[1] == null ? undefined : String(r[1])]));
    if (meta.get('schema_version') !== String(SCHEMA_VERSION)) return null;
    await con.run('SELECT count(*) FROM jixiao_documents');
    return { source: meta.get('source') };
  } catch {
    return null;
  }
}

/** `jixiao_documents` as databases written before held it, with a primary key (rewritten whole at every checkpoint): the same rows without it. */
async function dropDocumentsKey(con: DuckDBConnection): Promise<void> {
  const keyed = (await con.runAndReadAll(`SELECT count(*) FROM duckdb_constraints() WHERE table_name = 'jixiao_documents' AND constraint_type = 'PRIMARY KEY'`)).getRows();
  if (Number(keyed[0]?.[0]) === 0) return;
  await con.run('BEGIN TRANSACTION');
  try {
    await con.run('CREATE TABLE jixiao_documents_unkeyed AS SELECT doc_id, stamp FROM jixiao_documents');
    await con.run('DROP TABLE jixiao_documents');
    await con.run('ALTER TABLE jixiao_documents_unkeyed RENAME TO jixiao_documents');
    await con.run('COMMIT');
  } catch (err) {
    await con.run('ROLLBACK').catch(() => undefined);
    throw err;
  }
}

/** Removes the DuckDB output of `outDir` (its format is no longer asked for). */
export async function removeDuckdb(outDir: string): Promise<void> {
  await rm(path.join(outDir, DUCKDB_FILE), { force: true });
  await rm(path.join(outDir, `${DUCKDB_FILE}.wal`), { force: true });
}
