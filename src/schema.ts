/**
 * The output contract (shared/spec/output-contract.md) as a zod schema. Every document is
 * validated against it before anything is written; the TypeScript types are inferred from it.
 */
import { z } from 'zod';
import { ContractError } from './errors.js';
import { FORMATS } from './model.js';

const text = z.string().refine((s) => !/[\r\n]/.test(s), 'line break inside a value');
const multiline = z.string();

export const ValueSchema = z.object({
  symbol: z.enum(['≥', '≤', '>', '<', '=']).nullable(),
  number: z.number().finite().nullable(),
  unit: z.string().nullable(),
  text: text.nullable(),
});

/** Where a record came from (output-contract.md, "Provenance and confidence"). */
export const LocSchema = z.object({
  page: z.number().int().positive().nullable(),
  page_end: z.number().int().positive().nullable(),
  bbox: z.tuple([z.number(), z.number(), z.number(), z.number()]).nullable(),
  table: z.number().int().nonnegative().nullable(),
  row: z.number().int().nonnegative().nullable(),
  line: z.number().int().positive().nullable(),
});

/**
 * Marks a person's corrections leave on a record (corrections.md, "In the outputs"): the
 * contract fields they corrected (`["*"]` for a record they inserted), absent when none.
 */
export const CorrectedSchema = z.array(z.string()).optional();

/** A document or project table a person marked as checked (corrections.md, op `reviewed`). */
export const ReviewedSchema = z.object({ by: z.string().nullable(), at: z.string() });

/** Where a record came from; null for a record a person inserted (corrections.md). */
const RecordLocSchema = LocSchema.nullable();

/** A coded warning: a stable `code` (README, "Warning codes"), the sentence, and where it applies. */
export const WarningSchema = z.object({
  code: z.string().regex(/^[a-z0-9-]+$/),
  message: text,
  loc: LocSchema.nullable(),
});

export const IndicatorSchema = z.object({
  level1: text.nullable(),
  level2: text.nullable(),
  level3: text.nullable(),
  description: text.nullable(),
  value_raw: text.nullable(),
  value: ValueSchema,
  basis: text.nullable(),
  loc: RecordLocSchema,
  /** Lowest OCR confidence of the row's cells; null where the text was not read by OCR. */
  confidence: z.number().min(0).max(1).nullable(),
  corrected: CorrectedSchema,
});

export const ProjectSchema = z.object({
  seq: z.number().int().positive(),
  title: text,
  unit_code: text.nullable(),
  unit_name: text.nullable(),
  money_unit: text.nullable(),
  project_code: text.nullable().refine((s) => s == null || !/\s/.test(s), 'project code contains white space'),
  project_name: text.nullable(),
  budget_total: z.number().finite().nullable(),
  budget_fiscal: z.number().finite().nullable(),
  budget_other: z.number().finite().nullable(),
  /** The three budget figures' digits as printed (`40.00`), thousands separators dropped: the tables' exact decimals. */
  budget_printed: z.object({
    total: z.string().regex(/^-?\d+(\.\d+)?$/).nullable(),
    fiscal: z.string().regex(/^-?\d+(\.\d+)?$/).nullable(),
    other: z.string().regex(/^-?\d+(\.\d+)?$/).nullable(),
  }),
  fund_use: text.nullable(),
  spending_plan: z.array(z.object({ period: text, value: text.nullable() })),
  goals: z.array(text),
  indicators: z.array(IndicatorSchema),
  explanation: multiline.nullable(),
  loc: RecordLocSchema,
  corrected: CorrectedSchema,
  reviewed: ReviewedSchema.optional(),
});

export const DocumentSchema = z.object({
  document: z.object({
    title: text.nullable(),
    department: text.nullable(),
    year: z.number().int().min(1990).max(2100).nullable(),
    draft: z.boolean(),
    compiled_by: text.nullable(),
    reviewed_by: text.nullable(),
    toc: z.array(z.object({ seq: z.number().int(), title: text, page: z.number().int().nullable() })),
    /** Document fields a person corrected (`overall_goal` included), absent when none. */
    corrected: CorrectedSchema,
    reviewed: ReviewedSchema.optional(),
  }),
  part_one: z.object({
    overall_goal: multiline.nullable(),
    sub_goals: z.array(
      z.object({ seq: text.nullable(), title: text.nullable(), goal: multiline.nullable(), indicator: multiline.nullable(), loc: RecordLocSchema, corrected: CorrectedSchema }),
    ),
    safeguards: z.array(z.object({ seq: text.nullable(), title: text.nullable(), text: multiline.nullable(), loc: RecordLocSchema, corrected: CorrectedSchema })),
    dept_indicators: z.array(IndicatorSchema),
  }),
  projects: z.array(ProjectSchema),
  warnings: z.array(WarningSchema),
});

export const SourceSchema = z.object({
  path: z.string(),
  format: z.enum(FORMATS),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  pages: z.number().int().nonnegative().nullable(),
  /** Name and version of the extractor that wrote the document. */
  extractor: z.object({ name: z.literal('jixiao'), version: z.string() }),
  /** For scanned input: the OCR engine and the pages it read; null otherwise. */
  ocr: z.object({ engine: z.string(), pages: z.array(z.number().int().positive()) }).nullable(),
  /**
   * One text of a compiled volume (汇编) holding several: its place in the file (1-based) and
   * the file's pages it covers (null where the format has no pages); null for a file holding one text.
   */
  part: z.object({ seq: z.number().int().positive(), pages: z.tuple([z.number().int().positive(), z.number().int().positive()]).nullable() }).nullable(),
  /** Digital signatures and seals (电子签章) an OFD file carries: counted, not read; null for other formats. */
  signatures: z.number().int().nonnegative().nullable(),
  /** Files embedded in the input (a PDF's attachments: a DOCX, a spreadsheet), by name and size in bytes: not read. */
  attachments: z
    .array(z.object({ name: z.string(), size: z.number().int().nonnegative().nullable() }))
    .describe("files embedded in the input (a PDF's attachments), by name and size in bytes; their content is not read"),
});

/** What jixiao writes per input (docs/<doc_id>.json, a line of documents.jsonl). */
export const DocumentRecordSchema = DocumentSchema.extend({
  doc_id: z.string().regex(/^[0-9a-f]{16}$/).describe('first 16 hex digits of the input sha256'),
  text_key: z.string().regex(/^[0-9a-f]{16}$/).describe('groups renditions of one budget text (derived from its content)'),
  source: SourceSchema,
});

/** The JSON Schema (draft 2020-12) of a written document, as `jixiao schema` prints it. */
export function documentJsonSchema(): object {
  return { title: 'jixiao document', ...z.toJSONSchema(DocumentRecordSchema, { target: 'draft-2020-12' }) };
}

export type Loc = z.infer<typeof LocSchema>;
export type Reviewed = z.infer<typeof ReviewedSchema>;
export type Warning = z.infer<typeof WarningSchema>;
export type Value = z.infer<typeof ValueSchema>;
export type Indicator = z.infer<typeof IndicatorSchema>;
export type Project = z.infer<typeof ProjectSchema>;
export type BudgetDocument = z.infer<typeof DocumentSchema>;
export type Source = z.infer<typeof SourceSchema>;
/**
 * What is written per input: the contract document, its id, `text_key` (groups renditions of
 * one budget text, see src/textkey.ts) and its source.
 */
export type DocumentRecord = BudgetDocument & { doc_id: string; text_key: string; source: Source };

/** Validates a document; throws an Error naming the first failing field's path. */
export function validateDocument(doc: unknown): BudgetDocument {
  const r = DocumentSchema.safeParse(doc);
  if (r.success) return r.data;
  const issue = r.error.issues[0]!;
  const path = issue.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('');
  throw new ContractError(`output does not match the contract at ${path || '(root)'}: ${issue.message}`);
}
