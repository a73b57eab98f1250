/**
 * schema/README.md, generated from the table definitions (tables.ts): every CSV/Parquet table
 * with its key, its columns and their types, and a CREATE TABLE a warehouse can start from.
 * `jixiao schema --tables` prints it; a test keeps the committed file equal to it.
 */
import { CORRECTIONS_VIEW } from '../corrections/table.js';
import { type ColumnType, TABLE_VIEWS } from './tables.js';

const SQL: Record<ColumnType, string> = { string: 'VARCHAR', double: 'DOUBLE', int: 'INTEGER', bool: 'BOOLEAN', 'string[]': 'VARCHAR[]' };
const PARQUET: Record<ColumnType, string> = { string: 'BYTE_ARRAY (UTF8)', double: 'DOUBLE', int: 'INT32', bool: 'BOOLEAN', 'string[]': 'LIST<BYTE_ARRAY (UTF8)>' };
const CSV: Record<ColumnType, string> = { string: 'text', double: 'number', int: 'integer', bool: '`true`/`false`', 'string[]': 'JSON array' };

const KEYS: Record<string, string> = {
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

/** SQL column types of a table, by column name (what a CSV reader must be told). */
export function sqlTypes(table: string): Record<string, string> {
  const view = ALL_VIEWS.find((v) => v.name === table);
  if (!view) throw new Error(`no table ${table}`);
  return Object.fromEntries(view.columns.map((c) => [c.name, SQL[c.type]]));
}

export function tablesMarkdown(): string {
  const out: string[] = [
    '# jixiao output tables',
    '',
    'Generated from `src/writers/tables.ts` by `jixiao schema --tables`; a test keeps this file equal to it.',
    'Each table is written as `<name>.csv` (`-f csv`, the default) and `<name>.parquet` (`-f parquet`)',
    'with the same columns in the same order. Empty CSV cells are NULL. A column keeps its type whatever',
    'the data: an all-empty column is still a number column, and codes (`unit_code`, `project_code`) are',
    'text. In CSV, cells a spreadsheet would run as a formula (starting with `=`, `+`, `-`, `@`, tab or CR)',
    "start with `'` unless `--no-escape-formulas`; Parquet and JSONL keep the text as is.",
    '',
    'The per-document JSON (`docs/<doc_id>.json`, `documents.jsonl`) follows `document.schema.json`',
    '(JSON Schema, printed by `jixiao schema`).',
    '',
  ];
  for (const v of ALL_VIEWS) {
    out.push(`## ${v.name}`, '', `${v.doc}. Key: \`(${KEYS[v.name]})\`.`, '');
    out.push('| column | SQL type | Parquet | CSV | meaning |', '|---|---|---|---|---|');
    for (const c of v.columns) out.push(`| \`${c.name}\` | ${SQL[c.type]} | ${PARQUET[c.type]} | ${CSV[c.type]} | ${c.doc} |`);
    out.push('', '```sql', `CREATE TABLE ${v.name} (`);
    out.push(v.columns.map((c) => `  "${c.name}" ${SQL[c.type]}`).join(',\n'));
    out.push(`  -- PRIMARY KEY (${KEYS[v.name]})`, ');', '```', '');
  }
  return `${out.join('\n')}`;
}
