/**
 * Guards: the checks between stages that stop a document which cannot be read as a budget
 * text, with the reason a user can act on — too many cells after loading, nothing of a budget
 * text after interpretation (and why: glyph garbage, no text at all, or simply another kind
 * of document). Their reasons are said in one place, whichever stage finds them.
 */
import { InputError } from './errors.js';
import type { DocModel } from './model.js';
import type { BudgetDocument } from './schema.js';
import { isGarbage } from './text/plausible.js';

/**
 * A text layer of glyph garbage on `pages` pages. `ocrFound`: what OCR of those pages' drawing
 * found none of ('text', 'budget text'), or null when OCR did not read them.
 */
export function unreadableError(pages: number | null, ocrFound: 'text' | 'budget text' | null): InputError {
  const where = pages == null ? '' : ` on ${pages} page(s)`;
  const tail = ocrFound ? `, and OCR of their drawing found no ${ocrFound} either` : ': the pages need OCR';
  const map = pages == null ? 'fonts without a Unicode map' : 'fonts without a usable Unicode map';
  return new InputError(`text layer is not readable (${map})${where}${tail}`, 'unreadable-text');
}

/** Fails a model holding more table cells than `maxCells` (a loader checks earlier where it can). */
export function guardCells(model: DocModel, maxCells: number): void {
  const cells = model.blocks.reduce((n, b) => n + (b.kind === 'table' ? b.rows.reduce((k, r) => k + r.cells.length, 0) : 0), 0);
  if (cells > maxCells) throw new InputError(`too many table cells: ${cells} (limit ${maxCells})`, 'too-many-cells');
}

/** Whether a document's text is glyph garbage rather than language (text/plausible.ts). */
export function unreadableText(model: DocModel): boolean {
  const text = model.blocks
    .map((b) => (b.kind === 'para' ? b.text : b.rows.map((r) => r.cells.map((c) => c.text).join('')).join('')))
    .join('');
  return isGarbage(text);
}

/** Fails an interpreted document that holds nothing of a budget text, saying why. */
export function guardContent(model: DocModel, doc: Pick<BudgetDocument, 'projects' | 'part_one'>): void {
  if (doc.part_one.sub_goals.length > 0 || doc.part_one.overall_goal != null) return;
  // Without part one, a project must show something of a project table: a code, a budget or an
  // indicator (an invoice's goods table has a 项目名称 column and nothing else of one).
  if (doc.projects.some((p) => p.project_code != null || p.budget_total != null || p.indicators.length > 0)) return;
  // Glyph garbage is a text layer's failing (fonts without a Unicode map): PDF and OFD pages.
  if ((model.format === 'pdf' || model.format === 'ofd') && unreadableText(model)) throw unreadableError(null, null);
  // Pages whose text layer was glyph garbage, and nothing of a budget text besides: the garbage
  // is the reason (what OCR read of their drawing, if it ran, was no budget text either).
  const garbled = model.garbledPages ?? [];
  if (garbled.length > 0) {
    const read = model.ocr?.pages.some((p) => garbled.includes(p)) ?? false;
    throw unreadableError(garbled.length, read ? 'budget text' : null);
  }
  throw new InputError('not a budget performance text: no 第一部分 goals and no 第二部分/项目 tables found', 'not-budget-text');
}
