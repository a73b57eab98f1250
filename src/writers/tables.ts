/**
 * The analysis views of one document record (output-contract.md, "Views for analysis"):
 * rows for projects.csv, indicators.csv, sub_goals.csv and safeguards.csv.
 */
import type { DocumentRecord, Indicator, Loc } from '../schema.js';

export type CsvRow = Array<string | number | boolean | null>;

export interface CsvView {
  file: string;
  header: string[];
  rows: (doc: DocumentRecord) => CsvRow[];
}

/** Provenance columns (output-contract.md, "Provenance"): where in the source a row came from. */
const LOC_HEADER = ['page', 'page_end', 'table', 'row', 'line'];
function locCells(loc: Loc | null | undefined): CsvRow {
  return [loc?.page ?? null, loc?.page_end ?? null, loc?.table ?? null, loc?.row ?? null, loc?.line ?? null];
}

function indicatorRow(doc: DocumentRecord, code: string | null, name: string | null, i: Indicator, scope: string): CsvRow {
  return [
    doc.doc_id, code, name, i.level1, i.level2, i.level3, i.description, i.value_raw,
    i.value.symbol, i.value.number, i.value.unit, i.value.text, i.basis, scope, ...locCells(i.loc), i.confidence,
  ];
}

export const CSV_VIEWS: readonly CsvView[] = [
  {
    file: 'projects.csv',
    header: [
      'doc_id', 'department', 'year', 'seq', 'title', 'unit_code', 'unit_name', 'money_unit', 'project_code',
      'project_name', 'budget_total', 'budget_fiscal', 'budget_other', 'fund_use', 'spending_plan', 'goals',
      'indicator_count', 'explanation', ...LOC_HEADER,
    ],
    rows: (d) =>
      d.projects.map((p) => [
        d.doc_id, d.document.department, d.document.year, p.seq, p.title, p.unit_code, p.unit_name, p.money_unit,
        p.project_code, p.project_name, p.budget_total, p.budget_fiscal, p.budget_other, p.fund_use,
        JSON.stringify(p.spending_plan), JSON.stringify(p.goals), p.indicators.length, p.explanation, ...locCells(p.loc),
      ]),
  },
  {
    file: 'indicators.csv',
    header: [
      'doc_id', 'project_code', 'project_name', 'level1', 'level2', 'level3', 'description', 'value_raw',
      'symbol', 'number', 'unit', 'value_text', 'basis', 'scope', ...LOC_HEADER, 'confidence',
    ],
    rows: (d) => [
      ...d.projects.flatMap((p) => p.indicators.map((i) => indicatorRow(d, p.project_code, p.project_name, i, 'project'))),
      ...d.part_one.dept_indicators.map((i) => indicatorRow(d, null, null, i, 'department')),
    ],
  },
  {
    file: 'sub_goals.csv',
    header: ['doc_id', 'seq', 'title', 'goal', 'indicator', ...LOC_HEADER],
    rows: (d) => d.part_one.sub_goals.map((s) => [d.doc_id, s.seq, s.title, s.goal, s.indicator, ...locCells(s.loc)]),
  },
  {
    file: 'safeguards.csv',
    header: ['doc_id', 'seq', 'title', 'text', ...LOC_HEADER],
    rows: (d) => d.part_one.safeguards.map((s) => [d.doc_id, s.seq, s.title, s.text, ...locCells(s.loc)]),
  },
  {
    file: 'warnings.csv',
    header: ['doc_id', 'code', 'message', ...LOC_HEADER],
    rows: (d) => d.warnings.map((w) => [d.doc_id, w.code, w.message, ...locCells(w.loc)]),
  },
];
