/**
 * What one extraction may take — its limits and its OCR mode — and their defaults, apart from
 * the extractor itself: the batch coordinator and the queue read them without loading the
 * pipeline (pdf.js, mammoth), which only their workers run.
 */
/** When pages are read by OCR — 'auto': the pages without a usable text layer; 'force': every page; 'off': never. */
export type OcrMode = 'auto' | 'force' | 'off';

export interface ExtractOptions {
  /** Largest input accepted, in bytes. */
  maxBytes: number;
  /** Upper bound on pages read from one document. */
  maxPages: number;
  /** Upper bound on table cells in one document (checked by a loader as early as it can). */
  maxCells: number;
  /** When pages are read by OCR (default 'auto': pages without a usable text layer). */
  ocr?: OcrMode;
  /** Called once for each page sent to recognition (OCR of the page, or of its glyphs), as it is found. */
  onRecognition?: (page: number) => void;
}

/** Internal to a batch: names the file's work (its temporary folders), so a batch can clean up after a killed worker. */
export interface TaskOptions extends ExtractOptions {
  task?: string;
}

export const DEFAULT_EXTRACT_OPTIONS: ExtractOptions = { maxPages: 2000, maxBytes: 200 * 1024 * 1024, maxCells: 500_000 };
