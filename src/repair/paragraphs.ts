/**
 * Repair stage: a paragraph cut by a page break (it stops mid-sentence at the foot of one page
 * and goes on at the top of the next) is joined back into one paragraph.
 *
 * A paragraph is taken as cut when it is long (a full line or more), ends in a CJK character
 * or digit rather than closing punctuation — or its last line closes a sentence at the page's
 * right edge and the next page goes on at the margin where paragraphs open indented (the
 * layout engine's `runsOn`) — and the next paragraph does not open a new item (numbering, heading, 绩效目标：…, a part or
 * project title).
 */
import type { Block, DocModel, Para } from '../model.js';
import type { Result } from '../diagnostics.js';
import { joinLines } from '../text/clean.js';
import { parseNumbered } from '../text/numbering.js';
import { OPENS_ITEM, PROJECT_TITLE_END } from '../vocab.js';

const ENDS_OPEN = /[\u4E00-\u9FFF\dA-Za-z、，,]$/;

function isCut(p: Para, next: Para): boolean {
  if (p.heading != null || p.bold || next.heading != null) return false;
  if (p.text.includes('\t') || next.text.includes('\t')) return false;
  // A project title ends whole (…绩效目标表): the line after it (a unit code alone) is no rest of it.
  if (p.text.length < 30 || !(ENDS_OPEN.test(p.text) || p.runsOn) || PROJECT_TITLE_END.test(p.text)) return false;
  if (OPENS_ITEM.test(next.text) || parseNumbered(next.text) || PROJECT_TITLE_END.test(next.text)) return false;
  return p.page == null || next.page == null || next.page === p.page + 1;
}

export function joinBrokenParagraphs(model: DocModel): Result<DocModel> {
  const out: Block[] = [];
  for (const b of model.blocks) {
    const prev = out[out.length - 1];
    if (b.kind === 'para' && prev?.kind === 'para' && isCut(prev, b)) {
      const unsure = [...(prev.unsureBreaks ?? []), ...(b.unsureBreaks ?? [])];
      out[out.length - 1] = { ...prev, text: joinLines([prev.text, b.text]), pageEnd: b.pageEnd ?? b.page ?? prev.pageEnd, runsOn: b.runsOn, ...(unsure.length ? { unsureBreaks: unsure } : {}), ...(prev.unsure ?? b.unsure ? { unsure: prev.unsure ?? b.unsure } : {}) };
      continue;
    }
    out.push(b);
  }
  return { value: { ...model, blocks: out }, messages: [] };
}
