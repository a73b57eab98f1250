/**
 * Pipeline definitions: for each kind of input, which stages run and in what order.
 *
 *   load (format → DocModel) → repair stages (DocModel → DocModel) → interpret → validate
 *
 * Each stage is a small module under src/; this file is the one place that wires them.
 */
import type { DocModel, Format } from '../src/model.js';
import { loadDocx } from '../src/loaders/docx.js';
import { loadPdf } from '../src/loaders/pdf/index.js';
import { loadTxt } from '../src/loaders/txt.js';
import { type OcrMode, loadImage } from '../src/loaders/image/index.js';
import { stitchTables } from '../src/repair/stitch.js';
import { joinBrokenParagraphs } from '../src/repair/paragraphs.js';
import { locateRows } from '../src/repair/locate.js';

export interface LoadOptions {
  /** Upper bound on pages read from one PDF. */
  maxPages: number;
  /** Upper bound on table cells in one document (checked by a loader as early as it can). */
  maxCells: number;
  /** When pages are read by OCR (default 'auto': pages without a usable text layer). */
  ocr?: OcrMode;
}

export type Loader = (bytes: Buffer, opts: LoadOptions) => Promise<DocModel>;
export type RepairStage = (model: DocModel) => DocModel;

export interface Pipeline {
  format: Format;
  load: Loader;
  repair: RepairStage[];
}

export const pipelines: Record<Format, Pipeline> = {
  docx: { format: 'docx', load: (b, o) => loadDocx(b, o), repair: [locateRows] },
  pdf: { format: 'pdf', load: loadPdf, repair: [stitchTables, joinBrokenParagraphs, locateRows] },
  txt: { format: 'txt', load: (b, o) => loadTxt(b, o), repair: [stitchTables, joinBrokenParagraphs, locateRows] },
  // Scans go through the PDF's page rules (their pages are read into the same items and lines).
  image: { format: 'image', load: loadImage, repair: [stitchTables, joinBrokenParagraphs, locateRows] },
};
