/**
 * Assembles one contract document from the segmented model: cover, TOC, part one, part two,
 * with the year/department fallbacks the contract defines and cross-checks as messages. The
 * document's `warnings` are written from every stage's messages by the pipeline
 * (../../pipelines/index.ts), once all are in.
 */
import type { BudgetDocument } from '../schema.js';
import type { Segments } from '../segment.js';
import { type Message, type Result, message } from '../diagnostics.js';
import { cleanText } from '../text/clean.js';
import { PART_ONE_YEAR } from '../vocab.js';
import { readCover, readToc } from './cover.js';
import { readPartOne } from './partOne.js';
import { readPartTwo } from './project.js';
import { tocTitleChecks } from './checks.js';

/** The contract document but its warnings. */
export type Interpreted = Omit<BudgetDocument, 'warnings'>;

export function interpret(seg: Segments): Result<Interpreted> {
  const cover = readCover(seg.cover);
  const toc = readToc(seg.toc);
  const partOne = readPartOne(seg.partOne);
  const partTwo = readPartTwo(seg.partTwo);
  const projects = partTwo.value;
  const messages: Message[] = [...partOne.messages, ...partTwo.messages];

  let year = cover.year;
  if (year == null) {
    const heading = seg.partOne
      .slice(0, 4)
      .map((b) => (b.kind === 'para' ? cleanText(b.text) : ''))
      .map((t) => PART_ONE_YEAR.exec(t))
      .find((m) => m);
    if (heading) year = Number(heading[1]);
  }
  if (year == null) {
    const code = projects.map((p) => p.project_code).find((c) => c && /^\d{8}/.test(c));
    if (code) year = 2000 + Number(code.slice(6, 8));
  }
  let department = cover.department;
  if (department == null && cover.title == null) department = projects[0]?.unit_name ?? null;

  if (seg.partTwo.length === 0 && projects.length === 0) {
    messages.push(message('no-part-two', 'no 第二部分 (project tables) found'));
  }
  for (const entry of toc) {
    const hit = projects.some((p) => p.title === entry.title);
    const where = entry.para ? [entry.para] : [];
    if (!hit) messages.push(message('toc-no-table', `TOC entry ${entry.seq} "${entry.title}" has no project table`, where));
    if (entry.page == null) messages.push(message('toc-no-page', `TOC entry ${entry.seq} "${entry.title}" has no page number`, where));
  }

  messages.push(...tocTitleChecks(toc, projects));
  // A budget text (its cover says so, or its part one begins) always has part one's three
  // sections: one not read is said.
  if (cover.title != null || seg.partOne.length > 0) {
    const p1 = partOne.value;
    const lost = [p1.overall_goal == null ? '总体绩效目标' : null, p1.sub_goals.length === 0 ? '分项绩效目标' : null, p1.safeguards.length === 0 ? '保障措施' : null].filter(Boolean);
    if (lost.length) messages.push(message('part-one-missing', `part one: no ${lost.join(', ')} read`));
  }

  return {
    value: {
      document: { ...cover, year, department, toc: toc.map(({ seq, title, page }) => ({ seq, title, page })) },
      part_one: partOne.value,
      projects,
    },
    messages,
  };
}
