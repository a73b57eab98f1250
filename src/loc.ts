/**
 * Provenance (output-contract.md, "Provenance and confidence"): the `loc` of a record read
 * from some paragraphs or table rows of the model, or from a place on a page or a line.
 */
import type { BBox, Row, Source } from './model.js';
import type { Loc } from './schema.js';

/** Anything with a place in the source: paragraphs, table rows, a page or a line of a dump. */
export interface Place extends Source {
  page: number | null;
  /** Table and row indexes of a located table row (repair/locate.ts). */
  at?: { table: number; row: number };
}

export const NO_LOC: Loc = { page: null, page_end: null, bbox: null, table: null, row: null, line: null };

/** The union of boxes (null when none). */
export function unionBox(boxes: ReadonlyArray<BBox | null | undefined>): BBox | null {
  let out: BBox | null = null;
  for (const b of boxes) {
    if (!b) continue;
    out = out ? [Math.min(out[0], b[0]), Math.min(out[1], b[1]), Math.max(out[2], b[2]), Math.max(out[3], b[3])] : [...b];
  }
  return out && (out.map((v) => Math.round(v * 10) / 10) as BBox);
}

/**
 * Where a record read from `parts` (in document order) stands: the first part's page, the
 * last page any part reaches, the box of the parts on the first page, the first row's table
 * and row, the first line of a text dump.
 */
export function locOf(parts: ReadonlyArray<Place>): Loc {
  const first = parts[0];
  if (!first) return NO_LOC;
  const page = first.page ?? null;
  const ends = parts.map((p) => p.pageEnd ?? p.page).filter((p): p is number => p != null);
  const at = first.at;
  return {
    page,
    page_end: ends.length ? Math.max(...ends) : null,
    bbox: unionBox(parts.filter((p) => p.page === page).map((p) => p.bbox)),
    table: at?.table ?? null,
    row: at?.row ?? null,
    line: first.line ?? null,
  };
}

/** Lowest OCR confidence of a row's cells, or null where none was read by OCR. */
export function rowConfidence(rows: readonly Row[]): number | null {
  const cs = rows.flatMap((r) => r.cells.map((c) => c.confidence)).filter((c): c is number => c != null);
  return cs.length ? Math.min(...cs) : null;
}

