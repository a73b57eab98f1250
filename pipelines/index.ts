/**
 * The pipeline: the one place that wires jixiao's stages, for every kind of input.
 *
 *   detect → (convert) → load → split → for each text: guard → repair → segment → interpret → guard → validate
 *
 * - detect (src/detect.ts): the format from the bytes; a legacy .doc/.wps is converted to DOCX
 *   and a legacy .xls/.et sheet to XLSX first (src/loaders/legacy.ts, LibreOffice). An archive
 *   of files (a bundle) is no document: the batch opens it (src/bundles/) and sends each member
 *   here as an input of its own.
 * - load: one loader per format (src/loaders/) → the document model (src/model.ts); positioned
 *   text (PDF and OFD pages, scans) goes through the layout engine (src/layout/), pictures of
 *   pages through the OCR engine (src/ocr/). Paged formats (PDF, OFD) are read a page at a time.
 * - split (src/volume.ts): a compiled volume (汇编) is cut into its texts, each going on as a
 *   document of its own; a paged file is split page by page as it is read, each text's pages
 *   made a model and taken through the later stages when the next text opens.
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
import type { Block, DocModel, Format } from '../src/model.js';
import type { TaskOptions } from '../src/options.js';
import { type Message, type Result, toWarnings } from '../src/diagnostics.js';
import { detectFormat } from '../src/detect.js';
import { InputError } from '../src/errors.js';
import { guardCells, guardContent } from '../src/guards.js';
import type { PageContent, PagedRead } from '../src/layout/index.js';
import { loadDocx } from '../src/loaders/docx.js';
import { loadPdf, readPdf } from '../src/loaders/pdf/index.js';
import { loadTxt } from '../src/loaders/txt.js';
import { loadImage } from '../src/loaders/image/index.js';
import { loadHtml } from '../src/loaders/html.js';
import { loadXlsx } from '../src/loaders/xlsx.js';
import { loadOfd, readOfd } from '../src/loaders/ofd/index.js';
import { stitchTables } from '../src/repair/stitch.js';
import { joinBrokenParagraphs } from '../src/repair/paragraphs.js';
import { locateRows, relocateMessages } from '../src/repair/locate.js';
import { segment } from '../src/segment.js';
import { interpret } from '../src/interpret/document.js';
import { VolumeSplitter, pageMarks, splitBlocks } from '../src/volume.js';
import { type BudgetDocument, validateDocument } from '../src/schema.js';

export type Loader = (bytes: Buffer, opts: TaskOptions) => Promise<Result<DocModel>>;
/** A paged format's reader: its pages one at a time, and the model of any run of them. */
export type PagedLoader = (bytes: Buffer, opts: TaskOptions) => Promise<PagedRead>;
export type RepairStage = (model: DocModel) => Result<DocModel>;

export interface Pipeline {
  format: Format;
  load: Loader;
  /** Paged formats: read a page at a time, so that a compiled volume is held one text at a time. */
  paged?: PagedLoader;
  repair: RepairStage[];
}

/** Page-based formats share the repairs for what page breaks cut. */
const PAGED: RepairStage[] = [stitchTables, joinBrokenParagraphs, locateRows];

export const pipelines: Record<Format, Pipeline> = {
  docx: { format: 'docx', load: loadDocx, repair: [locateRows] },
  pdf: { format: 'pdf', load: loadPdf, paged: readPdf, repair: PAGED },
  txt: { format: 'txt', load: loadTxt, repair: PAGED },
  image: { format: 'image', load: loadImage, repair: PAGED },
  xlsx: { format: 'xlsx', load: loadXlsx, repair: [locateRows] },
  html: { format: 'html', load: loadHtml, repair: [locateRows] },
  ofd: { format: 'ofd', load: loadOfd, paged: readOfd, repair: PAGED },
};

/** Where one text of a compiled volume stands in its file. */
export interface Part {
  /** 1-based place of the text in the file. */
  seq: number;
  /** The file's pages it covers, where the format has pages. */
  pages: [number, number] | null;
}

export interface PipelineOutput {
  document: BudgetDocument;
  /** The format read (a converted .doc reads as 'docx'). */
  format: Format;
  model: DocModel;
  /** The text's place in a compiled volume; null for a file holding one text. */
  part: Part | null;
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

/** The bytes a loader reads, and their format: legacy files converted first; a bundle refused (the batch opens bundles). */
async function loadable(input: Buffer, file: string, opts: TaskOptions): Promise<{ bytes: Buffer; format: Format }> {
  const detected = detectFormat(input, file);
  if (detected === 'doc' || detected === 'xls') {
    const { convertLegacy } = await import('../src/loaders/legacy.js');
    const to = detected === 'doc' ? 'docx' : 'xlsx';
    return { bytes: await convertLegacy(input, file, to, opts.task), format: to };
  }
  if (detected === 'bundle') {
    throw new InputError('an archive of files (ZIP, 7z, RAR, tar): extract it with the batch (jixiao extract, extractBatch), which reads each member as an input of its own', 'bundle');
  }
  return { bytes: input, format: detected };
}

/** Receives each text of a file as it is done (a file holding one text: once, at the end). */
export type OnDocument = (out: PipelineOutput) => Promise<void> | void;

/** The stages after loading, over one text's model: guard → repair → segment → interpret → guard → validate. */
function finish(pipeline: Pipeline, loaded: Result<DocModel>, opts: TaskOptions, part: Part | null): PipelineOutput {
  const messages: Message[] = [];
  let model = take(loaded, messages);
  guardCells(model, opts.maxCells);
  for (const stage of pipeline.repair) model = take(stage(model), messages);
  const doc = documentOf(model, relocateMessages(messages, model));
  guardContent(model, doc);
  return { document: validateDocument(doc), format: pipeline.format, model, part };
}

/** A failure in one text of a volume names the text. */
function inPart<T>(part: Part | null, run: () => T): T {
  try {
    return run();
  } catch (err) {
    if (!part || !(err instanceof InputError)) throw err;
    const where = part.pages ? `pages ${part.pages[0]}–${part.pages[1]}` : `text ${part.seq}`;
    throw new InputError(`compiled volume, text ${part.seq} (${where}): ${err.message}`, err.kind);
  }
}

/**
 * Runs every stage over one input's bytes and hands each budget text it holds to `onDocument`
 * as soon as that text is done (one for most files; one per text for a compiled volume). Any
 * stage may throw an InputError with the reason. Resolves with the number of texts.
 */
export async function runPipeline(input: Buffer, file: string, opts: TaskOptions, onDocument: OnDocument): Promise<number> {
  const { bytes, format } = await loadable(input, file, opts);
  const pipeline = pipelines[format];
  if (pipeline.paged) return runPaged(pipeline, await pipeline.paged(bytes, opts), opts, onDocument);
  const loaded = await pipeline.load(bytes, opts);
  const texts = splitBlocks(loaded.value.blocks);
  if (texts.length <= 1) {
    await onDocument(finish(pipeline, loaded, opts, null));
    return 1;
  }
  // The loader's messages about the whole file go with every text; the others with the text holding their place.
  for (const [i, blocks] of texts.entries()) {
    const part: Part = { seq: i + 1, pages: pageRange(blocks) };
    const own = { value: { ...loaded.value, blocks }, messages: loaded.messages.filter((m) => m.where == null || holds(blocks, m.where)) };
    await onDocument(inPart(part, () => finish(pipeline, own, opts, part)));
  }
  return texts.length;
}

/** Whether a message's places are among these blocks (or their rows). */
function holds(blocks: readonly Block[], where: NonNullable<Message['where']>): boolean {
  const nodes = new Set<unknown>(blocks.flatMap((b): unknown[] => (b.kind === 'table' ? [b, ...b.rows] : [b])));
  return where.some((w) => nodes.has(w));
}

/** The pages a run of blocks covers, where they have pages. */
function pageRange(blocks: readonly Block[]): [number, number] | null {
  const pages = blocks.map((b) => b.page).filter((p): p is number => p != null);
  return pages.length ? [Math.min(...pages), Math.max(...pages)] : null;
}

/** A paged file, a page at a time: each text's pages made a model and finished when the next text opens. */
async function runPaged(pipeline: Pipeline, read: PagedRead, opts: TaskOptions, onDocument: OnDocument): Promise<number> {
  const splitter = new VolumeSplitter<PageContent>();
  const done = async (pages: PageContent[], part: Part | null) => {
    await onDocument(inPart(part, () => finish(pipeline, read.model(pages), opts, part)));
  };
  const partOf = (pages: PageContent[]): Part => ({ seq: splitter.count, pages: [pages[0]!.page, pages[pages.length - 1]!.page] });
  for await (const page of read.pages) {
    const text = splitter.push(page, pageMarks(page.lines.map((l) => l.text), page.tables.map((t) => t.table)));
    // A text handed back means the next one has opened: the file is a volume.
    if (text?.length) await done(text, partOf(text));
  }
  const volume = splitter.count > 0;
  const last = splitter.end();
  await done(last, volume && last.length ? partOf(last) : null);
  return Math.max(1, splitter.count);
}
