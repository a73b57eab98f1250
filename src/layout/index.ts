/**
 * The layout engine for positioned text: whatever a page came from — a PDF's text layer and
 * vector lines, a scan read by OCR, an OFD page — a loader gives it text items (strings with
 * their baseline, width and size) and ruling segments per page, in a frame with y upwards, and
 * the engine does the rest with one set of rules:
 *
 *   items + segments → grids from rules (grid.ts) and tables from text positions (textgrid.ts)
 *   → cells and lines (text.ts) → page content (page.ts) → running headers and page numbers
 *   dropped, paragraphs, reading order (assemble.ts) → the document model's blocks
 *
 * A page drawn turned is turned first (orient.ts). The rules know no budget word: the words
 * they must recognise (header rows, whole-cell labels, contents lines) come in as `TableWords`.
 */
export type { Item, Line } from './text.js';
export type { Segment } from './segments.js';
export { type Polyline, pathSegments, segmentOf } from './segments.js';
export type { TableWords } from './textgrid.js';
export { type Matrix, IDENTITY, apply, boxOf, invert, multiply } from './matrix.js';
export { type PageContent, type PageFrame, type PageView, type PagedRead, type ToBox, MIN_DOCUMENT_CHARS, itemsBox, pageContent, readAll, tooLittleText } from './page.js';
export { assemble } from './assemble.js';
export { type TurnedItem, turnOf, upright } from './orient.js';
