/**
 * The analysis tables of the output (output-contract.md, "Views for analysis"), defined once
 * with a type per column, so that CSV and Parquet carry the same columns typed the same way
 * every run (an all-empty column is still a number column; `unit_code` is text), and
 * schema/README.md documents them from this very list.
 *
 * Keys: every row of a record table has a primary key — documents `(doc_id)`, projects
 * `(doc_id, project_seq)`, indicators `(doc_id, project_seq, indicator_seq)` (project_seq 0
 * is part one's department table), sub_goals and safeguards `(doc_id, item_seq)`, warnings
 * `(doc_id, warning_seq)` — whether or not the document printed a project code.
 */
import type { DocumentRecord, Indicator, Loc } from '../schema.js';

/** Column types: `string[]` is a list (Parquet LIST, a JSON array in CSV). */
export type ColumnType = 'string' | 'double' | 'int' | 'bool' | 'string[]';

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
  c('table', 'int', '0-based table of the document'),
  c('row', 'int', '0-based row in that table'),
  c('line', 'int', '1-based line of a text dump'),
];

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
    ],
    rows: (d) => [[
      ...docKeys(d), d.text_key, d.document.title, d.document.draft, d.document.compiled_by, d.document.reviewed_by,
      d.part_one.overall_goal, d.document.toc.map((t) => t.title), d.projects.length,
      d.part_one.dept_indicators.length + d.projects.reduce((n, p) => n + p.indicators.length, 0), d.warnings.length,
      d.source.path, d.source.format, d.source.sha256, d.source.pages, d.source.extractor.version,
      d.source.part?.seq ?? null, d.source.part?.pages?.[0] ?? null, d.source.part?.pages?.[1] ?? null,
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
      c('budget_total', 'double', '预算数'),
      c('budget_fiscal', 'double', '财政资金'),
      c('budget_other', 'double', '其他资金'),
      c('fund_use', 'string', '资金用途'),
      c('spending_plan', 'string', 'spending plan as JSON: [{period, value}]'),
      c('goals', 'string[]', '绩效目标, one per goal'),
      c('indicator_count', 'int', 'indicator rows'),
      c('explanation', 'string', 'the project\'s 说明 prose'),
      c('project_seq', 'int', '1-based position of the project in part two (key)'),
      ...LOC_COLUMNS,
    ],
    rows: (d) =>
      d.projects.map((p, k) => [
        ...docKeys(d), p.seq, p.title, p.unit_code, p.unit_name, p.money_unit, p.project_code, p.project_name,
        p.budget_total, p.budget_fiscal, p.budget_other, p.fund_use, JSON.stringify(p.spending_plan), p.goals,
        p.indicators.length, p.explanation, k + 1, ...locCells(p.loc),
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
    ],
    rows: (d) => [
      ...d.projects.flatMap((p, k) =>
        p.indicators.map((i, n) => [d.doc_id, p.project_code, p.project_name, ...indicatorCells(i), 'project', d.document.department, d.document.year, k + 1, n + 1, ...locCells(i.loc), i.confidence]),
      ),
      ...d.part_one.dept_indicators.map((i, n) => [d.doc_id, null, null, ...indicatorCells(i), 'department', d.document.department, d.document.year, 0, n + 1, ...locCells(i.loc), i.confidence]),
    ],
  },
  {
    name: 'sub_goals',
    doc: 'one row per 分项绩效目标 of part one',
    columns: [...DOC_KEYS, c('item_seq', 'int', '1-based position (key)'), c('seq', 'string', 'number as printed'), c('title', 'string', 'title'), c('goal', 'string', '绩效目标'), c('indicator', 'string', '绩效指标'), ...LOC_COLUMNS],
    rows: (d) => d.part_one.sub_goals.map((s, k) => [...docKeys(d), k + 1, s.seq, s.title, s.goal, s.indicator, ...locCells(s.loc)]),
  },
  {
    name: 'safeguards',
    doc: 'one row per 保障措施 item of part one',
    columns: [...DOC_KEYS, c('item_seq', 'int', '1-based position (key)'), c('seq', 'string', 'number as printed'), c('title', 'string', 'heading'), c('text', 'string', 'text'), ...LOC_COLUMNS],
    rows: (d) => d.part_one.safeguards.map((s, k) => [...docKeys(d), k + 1, s.seq, s.title, s.text, ...locCells(s.loc)]),
  },
  {
    name: 'warnings',
    doc: 'one row per warning',
    columns: [...DOC_KEYS, c('warning_seq', 'int', '1-based position (key)'), c('code', 'string', 'warning code (README)'), c('message', 'string', 'the sentence'), ...LOC_COLUMNS],
    rows: (d) => d.warnings.map((w, k) => [...docKeys(d), k + 1, w.code, w.message, ...locCells(w.loc)]),
  },
];
