/**
 * Provenance (output-contract.md, "Provenance and confidence"): the `loc` of a record read
 * from some paragraphs or table rows of the model, and the coded warnings that carry one.
 */
import type { BBox, Para, Row } from './model.js';
import type { Loc, Warning } from './schema.js';

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
export function locOf(parts: ReadonlyArray<Para | Row>): Loc {
  const first = parts[0];
  if (!first) return NO_LOC;
  const page = first.page ?? null;
  const ends = parts.map((p) => p.pageEnd ?? p.page).filter((p): p is number => p != null);
  const at = 'at' in first ? first.at : undefined;
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

/**
 * Warning codes. Each is stable (warehouses group by it) and documented in the README's
 * "Warning codes" table; a test checks the two lists agree.
 */
export const WARNING_CODES = {
  'table-no-rules': 'a table was rebuilt from text positions alone (no ruling lines): its columns are less certain',
  'table-header-unknown': 'a part-one table without a recognised indicator header row (一级/二级/三级指标 …): its rows were not read',
  'cells-unplaced': 'a text dump dropped empty cells, so some fields of a row could not be placed',
  'indicator-no-level': 'an indicator row whose 一级/二级指标 are empty with no row above to inherit them from',
  'indicator-label-value': 'an indicator cell holds header or label words instead of data',
  'value-cell-overflow': 'digits spilled from the 单位 cell into the 值 cell were given back',
  'budget-mismatch': 'budget_total differs from budget_fiscal + budget_other',
  'plan-incomplete': 'the spending plan does not reach 100% (or the budget) by its last period',
  'plan-unplaced': 'spending plan values whose periods could not be told',
  'project-no-table': 'a project title with no table after it',
  'project-no-indicators': 'a project table without indicator rows',
  'toc-no-table': 'a table-of-contents entry with no project table',
  'toc-no-page': 'a table-of-contents entry without a page number',
  'no-part-two': 'no 第二部分 project tables were found',
  'page-too-many-lines': 'a page drew so many lines that its tables were not rebuilt',
  'page-hidden-text': 'text in a page\'s text layer that the page does not show (cut away by its clip, off the page, or in a layer that is off) was left out',
  'page-doubled-text': 'a page draws its text twice over itself (a faked bold face) in pieces that do not repeat whole: some characters may come out doubled',
  'page-unreadable': 'a page whose text layer is glyph garbage; its text was left out (it needs OCR)',
  'font-unmapped': 'a page drawn in fonts without a usable Unicode map: their text was read from the shapes of their glyphs (or the page by OCR, where those could not be read surely)',
  'text-damaged': 'bytes of a text dump were not valid in its encoding and were replaced',
  'text-control-chars': 'control or direction-override characters (NUL, ESC, U+202E …) were removed from the text',
  'ocr-low-confidence': 'a table cell read by OCR with low recognition confidence: check it against the page',
} as const;

export type WarningCode = keyof typeof WARNING_CODES;

/** OCR recognition confidence below which a cell is reported (`ocr-low-confidence`). */
export const OCR_LOW_CONFIDENCE = 0.9;

/** One warning for each table row holding a cell read by OCR below the confidence threshold. */
export function lowConfidenceWarnings(rows: readonly Row[], where: string): Warning[] {
  const out: Warning[] = [];
  for (const r of rows) {
    const low = r.cells.filter((c) => c.confidence != null && c.confidence < OCR_LOW_CONFIDENCE);
    if (low.length === 0) continue;
    const cells = low.map((c) => `"${c.text}" (${c.confidence!.toFixed(2)})`).join(', ');
    out.push(warning('ocr-low-confidence', `${where}row ${r.at ? r.at.row : '?'}: OCR is unsure of ${cells}`, locOf([r])));
  }
  return out;
}

/** The warning a loader gives when its raw text held control characters (cleaning removes them). */
export function controlCharsWarning(): Warning {
  return warning('text-control-chars', 'control or direction-override characters (NUL, ESC, U+202E …) were removed from the text');
}

export function warning(code: WarningCode, message: string, loc: Loc | null = null): Warning {
  return { code, message, loc };
}
