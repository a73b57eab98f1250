/**
 * The pipeline: the one place that wires jixiao's stages, for every kind of input.
 *
 *   detect → (convert) → load → guard → repair → segment → interpret → guard → validate
 *
 * - detect (src/detect.ts): the format from the bytes; a legacy .doc/.wps is converted to DOCX
 *   first (src/loaders/legacy.ts, LibreOffice).
 * - load: one loader per format (src/loaders/) → the document model (src/model.ts); positioned
 *   text (PDF pages, scans) goes through the layout engine (src/layout/), pictures of pages
 *   through the OCR engine (src/ocr/).
 * - guard (src/guards.ts): limits a loader could not check earlier (table cells).
 * - repair (src/repair/): tables stitched across pages, paragraphs cut by page breaks joined,
 *   rows located for provenance.
 * - segment (src/segment.ts): cover, contents, part one, part two.
 * - interpret (src/interpret/): the contract's records, each with its `loc`.
 * - guard: nothing of a budget text found, and why.
 * - validate (src/schema.ts): the contract, checked before anything is written.
 *
 * Every stage returns `Result {value, messages}` (src/diagnostics.ts); the messages of all
 * stages, in order, become the document's `warnings`.
 */
import type { DocModel, Format } from '../src/model.js';
import type { TaskOptions } from '../src/options.js';
import { type Message, type Result, toWarnings } from '../src/diagnostics.js';
import { detectFormat } from '../src/detect.js';
import { guardCells, guardContent } from '../src/guards.js';
import { loadDocx } from '../src/loaders/docx.js';
import { loadPdf } from '../src/loaders/pdf/index.js';
import { loadTxt } from '../src/loaders/txt.js';
import { loadImage } from '../src/loaders/image/index.js';
import { stitchTables } from '../src/repair/stitch.js';
import { joinBrokenParagraphs } from '../src/repair/paragraphs.js';
import { locateRows } from '../src/repair/locate.js';
import { segment } from '../src/segment.js';
import { interpret } from '../src/interpret/document.js';
import { type BudgetDocument, validateDocument } from '../src/schema.js';

export type Loader = (bytes: Buffer, opts: TaskOptions) => Promise<Result<DocModel>>;
export type RepairStage = (model: DocModel) => Result<DocModel>;

export interface Pipeline {
  format: Format;
  load: Loader;
  repair: RepairStage[];
}

/** Page-based formats share the repairs for what page breaks cut. */
const PAGED: RepairStage[] = [stitchTables, joinBrokenParagraphs, locateRows];

export const pipelines: Record<Format, Pipeline> = {
  docx: { format: 'docx', load: loadDocx, repair: [locateRows] },
  pdf: { format: 'pdf', load: loadPdf, repair: PAGED },
  txt: { format: 'txt', load: loadTxt, repair: PAGED },
  image: { format: 'image', load: loadImage, repair: PAGED },
};

export interface PipelineOutput {
  document: BudgetDocument;
  /** The format read (a converted .doc reads as 'docx'). */
  format: Format;
  model: DocModel;
}

/** The value of a stage's result; its messages are added to `messages`. */
function take<T>(r: Result<T>, messages: Message[]): T {
  messages.push(...r.messages);
  return r.value;
}

/**
 * segment → interpret over a loaded and repaired model: the contract document (not yet
 * validated), its warnings written from the earlier stages' `messages` and interpretation's own.
 */
export function documentOf(model: DocModel, messages: readonly Message[] = []): BudgetDocument {
  const said = [...messages];
  const doc = take(interpret(segment(model.blocks)), said);
  return { ...doc, warnings: toWarnings(said) };
}

/** Runs every stage over one input's bytes; any stage may throw an InputError with the reason. */
export async function runPipeline(input: Buffer, file: string, opts: TaskOptions): Promise<PipelineOutput> {
  let bytes = input;
  let detected = detectFormat(bytes, file);
  if (detected === 'doc') {
    const { convertLegacyDoc } = await import('../src/loaders/legacy.js');
    bytes = await convertLegacyDoc(bytes, file, opts.task);
    detected = 'docx';
  }
  const pipeline = pipelines[detected];
  const messages: Message[] = [];
  let model = take(await pipeline.load(bytes, opts), messages);
  guardCells(model, opts.maxCells);
  for (const stage of pipeline.repair) model = take(stage(model), messages);
  const doc = documentOf(model, messages);
  guardContent(model, doc);
  return { document: validateDocument(doc), format: detected, model };
}
