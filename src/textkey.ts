/**
 * `text_key`: one key for the renditions of one budget text (its PDF, DOCX and text dump),
 * derived from what the extraction says the text is — department, year, draft or final, and
 * its projects (codes, else names) in order — so the same text converted from three files
 * gets one key while each file keeps its own `doc_id`.
 *
 * Limits: the key is only as good as the fields it is made of. Renditions whose extraction
 * differs in one of them (a project code a producer damaged, a department read from a
 * different cover line) get different keys; two different texts of the same department and
 * year with the same project list (a re-issued version) share one.
 */
import { createHash } from 'node:crypto';
import type { BudgetDocument } from './schema.js';
import { squash } from './text/clean.js';

export function textKey(doc: BudgetDocument): string {
  const projects = doc.projects.map((p) => squash(p.project_code ?? p.project_name ?? p.title));
  const parts = [squash(doc.document.department ?? ''), String(doc.document.year ?? ''), doc.document.draft ? 'draft' : 'final', ...projects];
  return createHash('sha256').update(parts.join('\u0001')).digest('hex').slice(0, 16);
}
