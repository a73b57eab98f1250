/**
 * Assembles one contract document from the segmented model: cover, TOC, part one, part two,
 * with the year/department fallbacks the contract defines and cross-checks as warnings.
 */
import type { DocModel } from '../model.js';
import type { BudgetDocument } from '../schema.js';
import { segment } from '../segment.js';
import { cleanText } from '../text/clean.js';
import { NO_LOC, locOf, warning } from '../loc.js';
import { readCover, readToc } from './cover.js';
import { readPartOne } from './partOne.js';
import { readPartTwo } from './project.js';

export function interpret(model: DocModel): BudgetDocument {
  const seg = segment(model.blocks);
  const cover = readCover(seg.cover);
  const toc = readToc(seg.toc);
  const { partOne, warnings: partOneWarnings } = readPartOne(seg.partOne);
  const partTwo = readPartTwo(seg.partTwo);
  const warnings = [...model.warnings, ...partOneWarnings, ...partTwo.warnings];

  let year = cover.year;
  if (year == null) {
    const heading = seg.partOne
      .slice(0, 4)
      .map((b) => (b.kind === 'para' ? cleanText(b.text) : ''))
      .map((t) => /(\d{4})年(?:度)?部门整体绩效目标/.exec(t))
      .find((m) => m);
    if (heading) year = Number(heading[1]);
  }
  if (year == null) {
    const code = partTwo.projects.map((p) => p.project_code).find((c) => c && /^\d{8}/.test(c));
    if (code) year = 2000 + Number(code.slice(6, 8));
  }
  let department = cover.department;
  if (department == null && cover.title == null) department = partTwo.projects[0]?.unit_name ?? null;

  if (seg.partTwo.length === 0 && partTwo.projects.length === 0) {
    warnings.push(warning('no-part-two', 'no 第二部分 (project tables) found'));
  }
  for (const entry of toc) {
    const hit = partTwo.projects.some((p) => p.title === entry.title);
    const loc = entry.para ? locOf([entry.para]) : NO_LOC;
    if (!hit) warnings.push(warning('toc-no-table', `TOC entry ${entry.seq} "${entry.title}" has no project table`, loc));
    if (entry.page == null) warnings.push(warning('toc-no-page', `TOC entry ${entry.seq} "${entry.title}" has no page number`, loc));
  }

  return {
    document: { ...cover, year, department, toc: toc.map(({ seq, title, page }) => ({ seq, title, page })) },
    part_one: partOne,
    projects: partTwo.projects,
    warnings,
  };
}
