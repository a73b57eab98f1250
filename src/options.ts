/**
 * The extractor's default limits, apart from the extractor itself: the batch coordinator and
 * the queue read them without loading the pipeline (pdf.js, mammoth), which only its workers run.
 */
import type { ExtractOptions } from './extract.js';

export const DEFAULT_EXTRACT_OPTIONS: ExtractOptions = { maxPages: 2000, maxBytes: 200 * 1024 * 1024, maxCells: 500_000 };
