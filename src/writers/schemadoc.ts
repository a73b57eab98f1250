/**
 * src/schema/README.md and load.sql, generated from the table definitions (tables.ts): every table
 * with its key, its columns and their types, a CREATE TABLE a warehouse can start from, the
 * derived views (`texts`), and the SQL that reads the CSV or Parquet outputs into DuckDB with the
 * right types. `jixiao schema --tables` and `jixiao schema --load-sql` print them; a test keeps
 * the committed files equal to them.
 */
import { CORRECTIONS_VIEW } from '../corrections/table.js';
import { MONEY_SQL } from '../money.js';
import { type Column, type ColumnType, DERIVED_VIEWS, SCHEMA_VERSION, TABLE_VIEWS } from './tables.js';

const SQL: Record<ColumnType, string> = { string: 'VARCHAR', double: 'DOUBLE', decimal: MONEY_SQL, int: 'INTEGER', bool: 'BOOLEAN', 'string[]': 'VARCHAR[]' };
const PARQUET: Record<ColumnType, string> = {
  string: 'BYTE_ARRAY (UTF8)',
  double: 'DOUBLE',
  decimal: `INT64 (${MONEY_SQL})`,
  int: 'INT32',
  bool: 'BOOLEAN',
  'string[]': 'LIST<BYTE_ARRAY (UTF8)>',
};
const CSV: Record<ColumnType, string> = { string: 'text', double: 'number', decimal: 'decimal, digits as printed', int: 'integer', bool: '`true`/`false`', 'string[]': 'JSON array' };

export const TABLE_KEYS: Record<string, string> = {
  documents: 'doc_id',
  projects: 'doc_id, project_seq',
  indicators: 'doc_id, project_seq, indicator_seq',
  sub_goals: 'doc_id, item_seq',
  safeguards: 'doc_id, item_seq',
  warnings: 'doc_id, warning_seq',
  [CORRECTIONS_VIEW.name]: CORRECTIONS_VIEW.key,
};

/** Every table of the output folder: the analysis tables, and the corrections of corrections.jsonl with their outcome. */
const ALL_VIEWS = [...TABLE_VIEWS, CORRECTIONS_VIEW];

/** SQL type of a column (DuckDB). */
export function sqlType(col: Column): string {
  return SQL[col.type];
}

/** SQL column types of a table or derived view, by column name (what a CSV reader must be told). */
export function sqlTypes(table: string): Record<string, string> {
  const view = ALL_VIEWS.find((v) => v.name === table) ?? DERIVED_VIEWS.find((v) => v.name === table);
  if (!view) throw new Error(`no table ${table}`);
  return Object.fromEntries(view.columns.map((c) => [c.name, SQL[c.type]]));
}

/** The CREATE TABLE of a table, its key as a comment (the outputs never hold two rows of one key). */
export function createTableSql(name: string, columns: readonly Column[]): string {
  return `CREATE TABLE ${name} (\n${columns.map((c) => `  ${c.name} ${SQL[c.type]}`).join(',\n')}\n  -- PRIMARY KEY (${TABLE_KEYS[name]})\n);`;
}

/** What changed in each schema version (newest first). */
const CHANGES = [
  [
    '2',
    [
      '`table` and `row` (provenance) are now `table_index` and `row_index`: no column name needs quoting in SQL.',
      `Money (\`budget_total\`, \`budget_fiscal\`, \`budget_other\`) is ${MONEY_SQL} in Parquet and DuckDB, and its digits as printed in CSV (\`40.00\`), never a binary fraction: sums are exact. Four decimals hold 万元 to the 元; the per-document JSON keeps the contract's numbers and adds \`budget_printed\`, the digits as printed.`,
      'Parquet is a dataset folder per table, `parquet/<table>/part-*.parquet` (one part per run that changed documents; `jixiao compact` merges them), no longer one `<table>.parquet` file rewritten by every run; `-f duckdb` writes `jixiao.duckdb`, updated by key.',
      'The derived view `texts` (one row per budget text) and `load.sql` (typed loading of CSV or Parquet into DuckDB) were added.',
      '`documents` gained `part_seq`, `part_page` and `part_page_end` (a text\'s place in a compiled volume, 汇编); a bundle member\'s `source_path` reads `bundle.zip!/member/path`.',
    ],
  ],
  ['1', ['The first published tables.']],
] as const;

export function tablesMarkdown(): string {
  const out: string[] = [
    '# jixiao output tables',
    '',
    `Schema version **${SCHEMA_VERSION}**. Generated from \`src/writers/tables.ts\` by \`jixiao schema --tables\`; a test keeps this file equal to it.`,
    'Each table is written as `<name>.csv` (`-f csv`, the default), as the Parquet dataset',
    '`parquet/<name>/*.parquet` (`-f parquet`) and as a table of `jixiao.duckdb` (`-f duckdb`), with the same columns',
    'in the same order. Empty CSV cells are NULL. A column keeps its type whatever the data: an all-empty column is',
    'still a number column, codes (`unit_code`, `project_code`) are text, and money is an exact decimal. In CSV,',
    "text cells a spreadsheet would run as a formula (starting with `=`, `+`, `-`, `@`, tab or CR) start with `'`",
    'unless `--no-escape-formulas`; Parquet, DuckDB and JSONL keep the text as is. No column name needs quoting',
    'in SQL.',
    '',
    'The per-document JSON (`docs/<doc_id>.json`, `documents.jsonl`) follows `document.schema.json`',
    '(JSON Schema, printed by `jixiao schema`).',
    '',
    'Loading with the right types, without writing DDL: `load.sql` in the output folder (also `jixiao schema',
    '--load-sql`) creates a DuckDB view per table over the Parquet dataset (or, without one, the CSV files',
    'read with their declared types), and the derived views below. Run it from the output folder',
    '(`duckdb -init load.sql`), or set `file_search_path` to the folder first.',
    '',
    '## What changed',
    '',
  ];
  for (const [version, notes] of CHANGES) {
    out.push(`Version ${version}:`, '');
    for (const n of notes) out.push(`- ${n}`);
    out.push('');
  }
  const columnTable = (columns: readonly Column[]) => {
    out.push('| column | SQL type | Parquet | CSV | meaning |', '|---|---|---|---|---|');
    for (const c of columns) out.push(`| \`${c.name}\` | ${SQL[c.type]} | ${PARQUET[c.type]} | ${CSV[c.type]} | ${c.doc} |`);
  };
  for (const v of ALL_VIEWS) {
    out.push(`## ${v.name}`, '', `${v.doc}. Key: \`(${TABLE_KEYS[v.name]})\`.`, '');
    columnTable(v.columns);
    out.push('', '```sql', createTableSql(v.name, v.columns), '```', '');
  }
  for (const v of DERIVED_VIEWS) {
    out.push(`## ${v.name} (view)`, '', `${v.doc}. Key: \`(text_key)\`. A view over \`documents\`, created in \`jixiao.duckdb\` and by \`load.sql\`.`, '');
    columnTable(v.columns);
    out.push('', '```sql', `CREATE VIEW ${v.name} AS`, `${v.sql};`, '```', '');
  }
  return out.join('\n');
}

const quote = (s: string) => `'${s.replace(/'/g, "''")}'`;

/** Where load.sql reads the tables from: the Parquet dataset, or the CSV files. */
export type LoadSource = 'parquet' | 'csv';

/**
 * DuckDB SQL that makes every table and derived view of an output folder a view, with the
 * documented types: over the Parquet dataset (typed by its own schema), or over the CSV files
 * read with their declared column types (lists parsed from their JSON arrays, and, when the CSV
 * was written with formulas escaped, the `'` before a leading = + - @ tab or CR taken off text
 * again). Paths are relative to the output folder.
 */
export function loadSql(source: LoadSource, csvEscaped = true): string {
  const out = [
    `-- jixiao output tables, schema version ${SCHEMA_VERSION}: typed views over the ${source === 'parquet' ? 'Parquet dataset' : 'CSV files'} of this folder.`,
    '-- Run from the output folder (duckdb -init load.sql), or SET file_search_path to it first.',
    '',
  ];
  for (const v of TABLE_VIEWS) {
    if (source === 'parquet') {
      out.push(`CREATE OR REPLACE VIEW ${v.name} AS SELECT * FROM read_parquet(${quote(`parquet/${v.name}/*.parquet`)});`);
      continue;
    }
    // Lists are JSON arrays in CSV: read as text, then parsed.
    const columns = v.columns.map((c) => `${quote(c.name)}: ${quote(c.type === 'string[]' ? 'VARCHAR' : SQL[c.type])}`).join(', ');
    const lists = v.columns.filter((c) => c.type === 'string[]').map((c) => `CAST(json(${c.name}) AS VARCHAR[]) AS ${c.name}`);
    const texts = csvEscaped ? v.columns.filter((c) => c.type === 'string').map((c) => `CASE WHEN regexp_matches(${c.name}, '^''[-=+@\\t\\r]') THEN substr(${c.name}, 2) ELSE ${c.name} END AS ${c.name}`) : [];
    const replaced = [...texts, ...lists];
    const select = replaced.length ? `* REPLACE (${replaced.join(', ')})` : '*';
    out.push(`CREATE OR REPLACE VIEW ${v.name} AS SELECT ${select} FROM read_csv(${quote(`${v.name}.csv`)}, header = true, auto_detect = false, columns = {${columns}});`);
  }
  for (const v of DERIVED_VIEWS) out.push('', `CREATE OR REPLACE VIEW ${v.name} AS`, `${v.sql};`);
  return `${out.join('\n')}\n`;
}
