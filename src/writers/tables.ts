/**
 * The analysis tables of the output (output-contract.md, "Views for analysis"), defined once
 * with a type per column, so that CSV, Parquet and DuckDB carry the same columns typed the same
 * way every run (an all-empty column is still a number column; `unit_code` is text; money is an
 * exact decimal, ../money.ts), and src/schema/README.md documents them from this very list. Column
 * names need no quoting in SQL (`table_index`, `row_index`). `rowsOf` is the one way from a
 * document to its rows: every output writes what it returns.
 *
 * Keys: every row of a record table has a primary key — documents `(doc_id)`, projects
 * `(doc_id, project_seq)`, indicators `(doc_id, project_seq, indicator_seq)` (project_seq 0
 * is part one's department table), sub_goals and safeguards `(doc_id, item_seq)`, warnings
 * `(doc_id, warning_seq)` — whether or not the document printed a project code.
 */
import { moneyText } from '../money.js';
import type { DocumentRecord, Indicator, Loc } from '../schema.js';

/**
 * The version of the tables' shape (names, types, tables). 2: `table`/`row` became
 * `table_index`/`row_index`, money became DECIMAL(18,4), Parquet became a dataset folder per
 * table, the `texts` view was added (src/schema/README.md, "What changed").
 */
export const SCHEMA_VERSION = 2;

/**
 * Column types: `decimal` is money (DECIMAL(18,4); its cells are the decimal's digits as text),
 * `string[]` a list (Parquet LIST, a JSON array in CSV).
 */
export type ColumnType = 'string' | 'double' | 'decimal' | 'int' | 'bool' | 'string[]';

export interface Column {
  name: string;
  type: ColumnType;
  doc: string;
}

export type Cell = string | number | boolean | null | string[];

export interface TableView {
  /** Base name: `<name>.csv`, `<name>.parquet`. */
  name: string;
  doc: string;
  columns: readonly Column[];
  rows: (doc: DocumentRecord) => Cell[][];
}

const c = (name: string, type: ColumnType, doc: string): Column => ({ name, type, doc });

const DOC_KEYS = [
  c('doc_id', 'string', 'document id: first 16 hex digits of the input sha256'),
  c('department', 'string', 'department (document.department)'),
  c('year', 'int', 'budget year (document.year)'),
];

/** Provenance columns (output-contract.md, "Provenance"): where in the source a row came from. */
const LOC_COLUMNS = [
  c('page', 'int', '1-based PDF page the record starts on'),
  c('page_end', 'int', 'PDF page it ends on'),
  c('table_index', 'int', '0-based table of the document'),
  c('row_index', 'int', '0-based row in that table'),
  c('line', 'int', '1-based line of a text dump'),
];

/** What a person's corrections left on a record (corrections.md, "In the outputs"). */
const CORRECTED = c('corrected', 'string[]', 'contract fields a person corrected (corrections.jsonl); ["*"] for a record they inserted; empty when none');
/** A document or project table a person marked as checked (corrections.jsonl op reviewed). */
const CHECKED = [c('checked_by', 'string', 'who marked it reviewed in the review workspace'), c('checked_at', 'string', 'when (ISO 8601); empty when not reviewed')];

function markCells(r: { corrected?: string[] | undefined }): Cell[] {
  return [r.corrected ?? []];
}

function checkedCells(r: { reviewed?: { by: string | null; at: string } | undefined }): Cell[] {
  return [r.reviewed?.by ?? null, r.reviewed?.at ?? null];
}

function locCells(loc: Loc | null | undefined): Cell[] {
  return [loc?.page ?? null, loc?.page_end ?? null, loc?.table ?? null, loc?.row ?? null, loc?.line ?? null];
}

function docKeys(d: DocumentRecord): Cell[] {
  return [d.doc_id, d.document.department, d.document.year];
}

function indicatorCells(i: Indicator): Cell[] {
  return [i.level1, i.level2, i.level3, i.description, i.value_raw, i.value.symbol, i.value.number, i.value.unit, i.value.text, i.basis];
}

const INDICATOR_COLUMNS = [
  c('level1', 'string', '一级指标'),
  c('level2', 'string', '二级指标'),
  c('level3', 'string', '三级指标'),
  c('description', 'string', '绩效指标描述'),
  c('value_raw', 'string', '指标值 as written'),
  c('symbol', 'string', 'comparison sign: ≥ ≤ > < ='),
  c('number', 'double', 'the number of the value'),
  c('unit', 'string', 'canonical unit'),
  c('value_text', 'string', 'text of the value beyond the number'),
  c('basis', 'string', '指标值确定依据'),
];

export const TABLE_VIEWS: readonly TableView[] = [
  {
    name: 'documents',
    doc: 'one row per input document',
    columns: [
      ...DOC_KEYS,
      c('text_key', 'string', 'groups renditions (PDF, DOCX, text dump) of one budget text: derived from its content'),
      c('title', 'string', 'cover title'),
      c('draft', 'bool', 'the cover says （草案）'),
      c('compiled_by', 'string', 'who compiled it'),
      c('reviewed_by', 'string', 'who reviewed it'),
      c('overall_goal', 'string', '总体绩效目标'),
      c('toc_titles', 'string[]', 'part-two contents entries'),
      c('project_count', 'int', 'projects'),
      c('indicator_count', 'int', 'indicators, department table included'),
      c('warning_count', 'int', 'warnings'),
      c('source_path', 'string', 'input path, relative to the input given on the command line (a bundle\'s member: bundle.zip!/member/path)'),
      c('source_format', 'string', 'pdf, docx, txt, image, xlsx, html or ofd'),
      c('sha256', 'string', 'sha256 of the input bytes'),
      c('pages', 'int', 'PDF and OFD pages (of this text, in a compiled volume)'),
      c('extractor_version', 'string', 'jixiao version that wrote the document'),
      c('part_seq', 'int', 'place of the text in a compiled volume (汇编) holding several; null for a file of one text'),
      c('part_page', 'int', 'first page of the text in its volume'),
      c('part_page_end', 'int', 'last page of the text in its volume'),
      CORRECTED,
      ...CHECKED,
    ],
    rows: (d) => [[
      ...docKeys(d), d.text_key, d.document.title, d.document.draft, d.document.compiled_by, d.document.reviewed_by,
      d.part_one.overall_goal, d.document.toc.map((t) => t.title), d.projects.length,
      d.part_one.dept_indicators.length + d.projects.reduce((n, p) => n + p.indicators.length, 0), d.warnings.length,
      d.source.path, d.source.format, d.source.sha256, d.source.pages, d.source.extractor.version,
      d.source.part?.seq ?? null, d.source.part?.pages?.[0] ?? null, d.source.part?.pages?.[1] ?? null,
      ...markCells(d.document), ...checkedCells(d.document),
    ]],
  },
  {
    name: 'projects',
    doc: 'one row per project table',
    columns: [
      ...DOC_KEYS,
      c('seq', 'int', 'the number printed before the title'),
      c('title', 'string', 'table title'),
      c('unit_code', 'string', 'budget unit code (text: leading zeros kept)'),
      c('unit_name', 'string', 'budget unit name'),
      c('money_unit', 'string', 'money unit (万元)'),
      c('project_code', 'string', '项目编码'),
      c('project_name', 'string', '项目名称'),
      c('budget_total', 'decimal', '预算数, exact: the digits as printed'),
      c('budget_fiscal', 'decimal', '财政资金, exact'),
      c('budget_other', 'decimal', '其他资金, exact'),
      c('fund_use', 'string', '资金用途'),
      c('spending_plan', 'string', 'spending plan as JSON: [{period, value}]'),
      c('goals', 'string[]', '绩效目标, one per goal'),
      c('indicator_count', 'int', 'indicator rows'),
      c('explanation', 'string', 'the project\'s 说明 prose'),
      c('project_seq', 'int', '1-based position of the project in part two (key)'),
      ...LOC_COLUMNS,
      CORRECTED,
      ...CHECKED,
    ],
    rows: (d) =>
      d.projects.map((p, k) => [
        ...docKeys(d), p.seq, p.title, p.unit_code, p.unit_name, p.money_unit, p.project_code, p.project_name,
        moneyText(p.budget_printed?.total, p.budget_total), moneyText(p.budget_printed?.fiscal, p.budget_fiscal), moneyText(p.budget_printed?.other, p.budget_other), p.fund_use, JSON.stringify(p.spending_plan), p.goals,
        p.indicators.length, p.explanation, k + 1, ...locCells(p.loc), ...markCells(p), ...checkedCells(p),
      ]),
  },
  {
    name: 'indicators',
    doc: 'one row per indicator, project tables and part one\'s department table',
    // The contract's columns first, in its order; keys and provenance after them.
    columns: [
      c('doc_id', 'string', 'document id: first 16 hex digits of the input sha256'),
      c('project_code', 'string', '项目编码 of the project'),
      c('project_name', 'string', '项目名称 of the project'),
      ...INDICATOR_COLUMNS,
      c('scope', 'string', 'project, or department for part one\'s table'),
      c('department', 'string', 'department (document.department)'),
      c('year', 'int', 'budget year (document.year)'),
      c('project_seq', 'int', 'the project (key); 0 for part one\'s department table'),
      c('indicator_seq', 'int', '1-based position in its table (key)'),
      ...LOC_COLUMNS,
      c('confidence', 'double', 'lowest OCR confidence of the row; empty when not read by OCR'),
      CORRECTED,
    ],
    rows: (d) => [
      ...d.projects.flatMap((p, k) =>
        p.indicators.map((i, n) => [d.doc_id, p.project_code, p.project_name, ...indicatorCells(i), 'project', d.document.department, d.document.year, k + 1, n + 1, ...locCells(i.loc), i.confidence, ...markCells(i)]),
      ),
      ...d.part_one.dept_indicators.map((i, n) => [d.doc_id, null, null, ...indicatorCells(i), 'department', d.document.department, d.document.year, 0, n + 1, ...locCells(i.loc), i.confidence, ...markCells(i)]),
    ],
  },
  {
    name: 'sub_goals',
    doc: 'one row per 分项绩效目标 of part one',
    columns: [...DOC_KEYS, c('item_seq', 'int', '1-based position (key)'), c('seq', 'string', 'number as printed'), c('title', 'string', 'title'), c('goal', 'string', '绩效目标'), c('indicator', 'string', '绩效指标'), ...LOC_COLUMNS, CORRECTED],
    rows: (d) => d.part_one.sub_goals.map((s, k) => [...docKeys(d), k + 1, s.seq, s.title, s.goal, s.indicator, ...locCells(s.loc), ...markCells(s)]),
  },
  {
    name: 'safeguards',
    doc: 'one row per 保障措施 item of part one',
    columns: [...DOC_KEYS, c('item_seq', 'int', '1-based position (key)'), c('seq', 'string', 'number as printed'), c('title', 'string', 'heading'), c('text', 'string', 'text'), ...LOC_COLUMNS, CORRECTED],
    rows: (d) => d.part_one.safeguards.map((s, k) => [...docKeys(d), k + 1, s.seq, s.title, s.text, ...locCells(s.loc), ...markCells(s)]),
  },
  {
    name: 'warnings',
    doc: 'one row per warning',
    columns: [...DOC_KEYS, c('warning_seq', 'int', '1-based position (key)'), c('code', 'string', 'warning code (README)'), c('message', 'string', 'the sentence'), ...LOC_COLUMNS],
    rows: (d) => d.warnings.map((w, k) => [...docKeys(d), k + 1, w.code, w.message, ...locCells(w.loc)]),
  },
];

/** Every table's rows of one document, by table name: what each output writes of it. */
export function rowsOf(doc: DocumentRecord): Map<string, Cell[][]> {
  return new Map(TABLE_VIEWS.map((v) => [v.name, v.rows(doc)]));
}

/** A view derived from the tables by SQL (DuckDB): created in the DuckDB output and by load.sql. */
export interface DerivedView {
  name: string;
  doc: string;
  columns: readonly Column[];
  /** The SELECT over the tables. */
  sql: string;
}

/** Renditions preferred for a text, best first (after the fewest warnings). */
export const RENDITION_ORDER = ['docx', 'pdf', 'txt', 'image'] as const;

export const DERIVED_VIEWS: readonly DerivedView[] = [
  {
    name: 'texts',
    doc: 'one row per budget text (`text_key`): its best rendition — fewest warnings, then DOCX, PDF, text dump, scan, then the smaller doc_id — and the doc_ids of the others, so that a text is counted once (`JOIN texts USING (doc_id)`)',
    columns: [
      c('text_key', 'string', 'the budget text (documents.text_key)'),
      c('doc_id', 'string', 'the chosen rendition'),
      c('department', 'string', 'department of the chosen rendition'),
      c('year', 'int', 'budget year of the chosen rendition'),
      c('source_format', 'string', 'format of the chosen rendition'),
      c('warning_count', 'int', 'warnings of the chosen rendition'),
      c('renditions', 'int', 'documents with this text_key'),
      c('other_doc_ids', 'string[]', 'the other renditions, best first'),
    ],
    sql: [
      'WITH ranked AS (',
      '  SELECT doc_id, text_key, department, year, source_format, warning_count,',
      `    row_number() OVER (PARTITION BY text_key ORDER BY warning_count, CASE source_format ${RENDITION_ORDER.map((f, i) => `WHEN '${f}' THEN ${i + 1}`).join(' ')} ELSE ${RENDITION_ORDER.length + 1} END, doc_id) AS rendition_rank`,
      '  FROM documents',
      ')',
      'SELECT text_key,',
      '  any_value(doc_id) FILTER (WHERE rendition_rank = 1) AS doc_id,',
      '  any_value(department) FILTER (WHERE rendition_rank = 1) AS department,',
      '  any_value(year) FILTER (WHERE rendition_rank = 1) AS year,',
      '  any_value(source_format) FILTER (WHERE rendition_rank = 1) AS source_format,',
      '  any_value(warning_count) FILTER (WHERE rendition_rank = 1) AS warning_count,',
      '  CAST(count(*) AS INTEGER) AS renditions,',
      '  coalesce(list(doc_id ORDER BY rendition_rank) FILTER (WHERE rendition_rank > 1), []::VARCHAR[]) AS other_doc_ids',
      'FROM ranked',
      'GROUP BY text_key',
    ].join('\n'),
  },
];
