/**
 * Table-of-contents entries printed without leaders — a title, a gap or tab, a bare page
 * number — look like the rows of a two-column table. A run of three or more of them whose
 * page numbers never go back (headings and blank lines between them allowed) is contents.
 * Shared by the text-dump loader and the PDF's text-position tables.
 */

/** What one line is to a contents run: an entry with its page number, neutral (heading, blank), or neither. */
export type ContentsLine = { page: number } | 'neutral' | 'other';

/** Indexes of the lines that belong to a run of contents entries. */
export function contentsRuns(lines: readonly ContentsLine[]): Set<number> {
  const out = new Set<number>();
  let run: Array<{ i: number; page: number }> = [];
  const close = () => {
    if (run.length >= 3 && run.every((r, k) => k === 0 || r.page >= run[k - 1]!.page)) for (const r of run) out.add(r.i);
    run = [];
  };
  lines.forEach((l, i) => {
    if (l === 'other') close();
    else if (l !== 'neutral') run.push({ i, page: l.page });
  });
  close();
  return out;
}
