/**
 * Cover and table of contents → `document` fields (title, department, year, draft,
 * compiled_by, reviewed_by, toc).
 */
import type { Para } from '../model.js';
import { cleanText } from '../text/clean.js';
import { parseNumbered, numeralValue } from '../text/numbering.js';
import { partNumber } from '../segment.js';
import { COMPILED_BY, DRAFT_LINE as DRAFT, DRAFT_MARK, REVIEWED_BY, TITLE_END, TOC_ENTRY_PARTS } from '../vocab.js';

export interface CoverInfo {
  title: string | null;
  department: string | null;
  year: number | null;
  draft: boolean;
  compiled_by: string | null;
  reviewed_by: string | null;
}

/** Joins cover lines up to and including the first one that `end` accepts. */
function takeUntil(lines: string[], end: (l: string) => boolean): string | null {
  const i = lines.findIndex(end);
  if (i < 0) return null;
  const taken = lines.splice(0, i + 1);
  return cleanText(taken.join(''));
}

export function readCover(cover: readonly Para[]): CoverInfo {
  const lines = cover.map((p) => cleanText(p.text)).filter((l) => l !== '' && !/^\d{1,3}$/.test(l));
  const draft = lines.some((l) => DRAFT.test(l) || DRAFT_MARK.test(l));
  const rest = lines.filter((l) => !DRAFT.test(l));
  const title = takeUntil(rest, (l) => TITLE_END.test(l));
  const compiled_by = takeUntil([...rest], (l) => COMPILED_BY.test(l));
  if (compiled_by) takeUntil(rest, (l) => COMPILED_BY.test(l));
  const reviewed_by = takeUntil(rest, (l) => REVIEWED_BY.test(l));
  const titleNoDraft = title ? cleanText(title.replace(DRAFT_MARK, '')) : null;
  const ym = titleNoDraft ? /^(.*?)(\d{4})年/.exec(titleNoDraft) : null;
  return {
    title: titleNoDraft,
    department: ym ? cleanText(ym[1]!) || null : null,
    year: ym ? Number(ym[2]) : null,
    draft,
    compiled_by,
    reviewed_by,
  };
}

export interface TocEntry {
  seq: number;
  title: string;
  page: number | null;
  /** The TOC line it was read from. */
  para?: Para;
}

/** Part-two TOC entries, in order. */
export function readToc(toc: readonly Para[]): TocEntry[] {
  const out: TocEntry[] = [];
  let inPartTwo = false;
  for (const p of toc) {
    const part = partNumber(p);
    if (part) {
      inPartTwo = part === '二';
      continue;
    }
    if (!inPartTwo) continue;
    const m = TOC_ENTRY_PARTS.exec(p.text);
    if (!m) continue;
    const head = cleanText(m[1]!.replace(/[.…·•]+$/, ''));
    const n = parseNumbered(head);
    const seq = n ? numeralValue(n.seq) : null;
    out.push({
      seq: seq ?? out.length + 1,
      title: cleanText(n ? n.rest : head),
      page: m[2] ? Number(m[2]) : null,
      para: p,
    });
  }
  return out;
}
