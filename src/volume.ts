/**
 * Compiled volumes (汇编): one file holding several budget texts, one after another — a county
 * binds its departments' texts into one PDF, DOCX or text dump. The splitting stage runs
 * after loading and cuts the file into its texts, in order, so that each becomes a document
 * of its own.
 *
 * A new text begins where one opens — its cover title (…绩效文本), its contents (目录) or its
 * 第一部分 heading — after the text before it has come to its part two's project tables (a
 * text is complete only then: a 第一部分 heading before any project table is the same
 * text's). Cover and contents units just before the opening one (a cover's department lines
 * above its title, a cover page before the contents page) go with the new text.
 *
 * Units are pages where the format has them (a new text begins on a new page: a PDF's, an
 * OFD's) and blocks where it has not (DOCX, web pages, text dumps). The splitter takes units
 * one at a time and hands back each text as soon as the next one opens, so a paged file is
 * held one text at a time however many it binds.
 */
import type { Block, Table } from './model.js';
import { isProjectTable, isProjectTitle, isTocEntry } from './segment.js';
import { para } from './model.js';
import { DRAFT_LINE, opensText } from './vocab.js';
import { PAGE_NUMBER } from './text/clean.js';

/** What the volume rule needs to know of a unit: a page, or a block of a format without pages. */
export interface UnitMarks {
  /** Opens a budget text: a cover title, a contents heading or a 第一部分 heading. */
  opens: boolean;
  /** Holds a project table: its text has come to part two (a title alone may be a contents line). */
  projects: boolean;
  /** Could be part of a cover or a contents: short lines, no table, no prose. */
  coverish: boolean;
}

/** Longest line a cover or contents unit holds (a department's name may take two). */
const COVER_LINE = 40;
/** Most lines a cover or contents page holds. */
const COVER_LINES = 40;

/** A line that may stand on a cover or in a contents: short and no sentence, or a contents entry. */
function coverLine(text: string): boolean {
  const p = para(text);
  if (isTocEntry(p) || DRAFT_LINE.test(text)) return true;
  return text.length <= COVER_LINE && !/[。；;：:，,]$/.test(text) && !isProjectTitle(p);
}

/** The marks of one block (a DOCX, web page or text dump unit). */
export function blockMarks(b: Block): UnitMarks {
  if (b.kind === 'table') return { opens: false, projects: isProjectTable(b), coverish: false };
  return { opens: opensText(b.text), projects: false, coverish: coverLine(b.text) };
}

/** The marks of one page from its lines (reading order) and tables. */
export function pageMarks(lines: readonly string[], tables: readonly Table[]): UnitMarks {
  // Page numbers say nothing of a page; a page with nothing else (a blank back page) stays with the text before it.
  const texts = lines.map((l) => l.trim()).filter((t) => t !== '' && !PAGE_NUMBER.test(t));
  return {
    opens: texts.some(opensText),
    projects: tables.some((t) => isProjectTable(t)),
    coverish: tables.length === 0 && texts.length > 0 && texts.length <= COVER_LINES && texts.every(coverLine),
  };
}

/**
 * Cuts a stream of units into texts: `push` each unit with its marks, in order; it returns the
 * units of the text before when this unit opens a new one (null otherwise); `end` returns the
 * last text's units.
 */
export class VolumeSplitter<U> {
  private units: U[] = [];
  /** The current text has come to its project tables. */
  private complete = false;
  /** Cover or contents units at the end of the current text (they go with a text opening next). */
  private tail = 0;
  /** Texts handed back so far. */
  count = 0;

  push(unit: U, marks: UnitMarks): U[] | null {
    let done: U[] | null = null;
    if (marks.opens && this.complete) {
      const cut = this.units.length - this.tail;
      done = this.units.slice(0, cut);
      this.units = this.units.slice(cut);
      this.complete = false;
      this.count++;
    }
    this.units.push(unit);
    if (marks.projects) this.complete = true;
    this.tail = marks.coverish && !marks.projects ? this.tail + 1 : 0;
    return done;
  }

  end(): U[] {
    const out = this.units;
    this.units = [];
    if (out.length) this.count++;
    return out;
  }
}

/** The texts of a whole model's blocks (a format without pages, or a paged one read at once), in order. */
export function splitBlocks(blocks: readonly Block[]): Block[][] {
  const s = new VolumeSplitter<Block>();
  const out: Block[][] = [];
  for (const b of blocks) {
    const done = s.push(b, blockMarks(b));
    if (done?.length) out.push(done);
  }
  const last = s.end();
  if (last.length) out.push(last);
  return out;
}
