/**
 * The corrections contract (shared/spec/corrections.md) as types, a line parser and the fields
 * a correction may name: `corrections.jsonl` holds one person's fix per line — keyed by record
 * (doc_id + the analysis table's keys) and field, with the value seen and the right one — and
 * every run applies the lines to the freshly extracted documents (apply.ts).
 */
import { z } from 'zod';
import { DocumentSchema, IndicatorSchema, ProjectSchema } from '../schema.js';

/** The analysis tables a correction can target, each with its keys (src/schema/README.md). */
export const TARGET_TABLES = ['documents', 'projects', 'indicators', 'sub_goals', 'safeguards'] as const;
export type TargetTable = (typeof TARGET_TABLES)[number];

export const OPS = ['set', 'delete', 'insert', 'reviewed'] as const;
export type Op = (typeof OPS)[number];

/** What happened to a line in this run (the `corrections` table's `status`). */
export type Status = 'applied' | 'obsolete' | 'conflict';

const seqNumber = z.number().int().nonnegative();

export const TargetSchema = z.object({
  table: z.enum(TARGET_TABLES),
  project_seq: seqNumber.optional(),
  indicator_seq: seqNumber.optional(),
  item_seq: seqNumber.optional(),
});
export type Target = z.infer<typeof TargetSchema>;

/** One line of corrections.jsonl. Fields beyond the contract's are kept and ignored. */
export const CorrectionSchema = z.looseObject({
  id: z.string().min(1),
  doc_id: z.string().min(1),
  target: TargetSchema,
  match: z.record(z.string(), z.unknown()).optional(),
  op: z.enum(OPS).optional(),
  field: z.string().optional(),
  before: z.unknown().optional(),
  after: z.unknown().optional(),
  by: z.string().nullable().optional(),
  at: z.string().optional(),
  extractor: z.string().optional(),
});
export type Correction = z.infer<typeof CorrectionSchema>;

/** A line of the file as read: its 1-based number, the correction, or why it is not one. */
export interface CorrectionLine {
  seq: number;
  correction: Correction | null;
  /** Why the line is not a correction (not JSON, a field missing); null when it is one. */
  error: string | null;
  /** The line's text as written. */
  raw: string;
}

/** Parses corrections.jsonl's text: every non-blank line, in order, valid or not (none is dropped). */
export function parseCorrections(text: string): CorrectionLine[] {
  const out: CorrectionLine[] = [];
  const lines = text.split('\n');
  for (const [k, raw] of lines.entries()) {
    if (raw.trim() === '') continue;
    let json: unknown;
    try {
      json = JSON.parse(raw);
    } catch {
      out.push({ seq: k + 1, correction: null, error: 'not a JSON object (a torn or hand-edited line?)', raw });
      continue;
    }
    const r = CorrectionSchema.safeParse(json);
    if (r.success) out.push({ seq: k + 1, correction: r.data, error: null, raw });
    else {
      const issue = r.error.issues[0]!;
      out.push({ seq: k + 1, correction: null, error: `not a correction: ${issue.path.join('.') || 'line'}: ${issue.message}`, raw });
    }
  }
  return out;
}

const doc = DocumentSchema.shape.document.shape;
const partOne = DocumentSchema.shape.part_one.shape;
const subGoal = partOne.sub_goals.element.shape;
const safeguard = partOne.safeguards.element.shape;
const project = ProjectSchema.shape;
const indicator = IndicatorSchema.shape;

/**
 * The contract fields a `set` may name in each table, with the schema a new value must satisfy
 * (corrections.md, "The file"). `overall_goal` is a document field (it lives in part_one).
 */
export const FIELDS: Record<TargetTable, Record<string, z.ZodType>> = {
  documents: {
    title: doc.title, department: doc.department, year: doc.year, draft: doc.draft,
    compiled_by: doc.compiled_by, reviewed_by: doc.reviewed_by, overall_goal: partOne.overall_goal,
  },
  projects: {
    seq: project.seq, title: project.title, unit_code: project.unit_code, unit_name: project.unit_name,
    money_unit: project.money_unit, project_code: project.project_code, project_name: project.project_name,
    budget_total: project.budget_total, budget_fiscal: project.budget_fiscal, budget_other: project.budget_other,
    fund_use: project.fund_use, spending_plan: project.spending_plan, goals: project.goals, explanation: project.explanation,
  },
  indicators: {
    level1: indicator.level1, level2: indicator.level2, level3: indicator.level3, description: indicator.description,
    value_raw: indicator.value_raw, value: indicator.value, basis: indicator.basis,
  },
  sub_goals: { seq: subGoal.seq, title: subGoal.title, goal: subGoal.goal, indicator: subGoal.indicator },
  safeguards: { seq: safeguard.seq, title: safeguard.title, text: safeguard.text },
};

/** The keys each table's records are addressed by (corrections.md; the analysis tables' keys). */
export const TABLE_KEYS: Record<TargetTable, ReadonlyArray<'project_seq' | 'indicator_seq' | 'item_seq'>> = {
  documents: [],
  projects: ['project_seq'],
  indicators: ['project_seq', 'indicator_seq'],
  sub_goals: ['item_seq'],
  safeguards: ['item_seq'],
};

/** Deep equality of JSON values (object key order ignored). */
export function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a == null || b == null) return (a ?? null) === (b ?? null);
  if (typeof a !== 'object' || typeof b !== 'object') return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    const bb = b as unknown[];
    return a.length === bb.length && a.every((v, k) => sameValue(v, bb[k]));
  }
  const ka = Object.keys(a as object).filter((k) => (a as Record<string, unknown>)[k] !== undefined);
  const kb = Object.keys(b as object).filter((k) => (b as Record<string, unknown>)[k] !== undefined);
  return ka.length === kb.length && ka.every((k) => sameValue((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

/** A value as a reason quotes it. */
export function shown(v: unknown): string {
  const s = JSON.stringify(v ?? null);
  return s.length > 60 ? `${s.slice(0, 57)}…` : s;
}
