/**
 * Segmenter: splits the block list into cover, table of contents, part one (第一部分) and
 * part two (第二部分). Works on any loader's model: it looks only at paragraph text.
 */
import type { Block, Para, Table } from './model.js';
import { PART, PROJECT_TABLE_LABEL, PROJECT_TITLE_END, TOC_BARE_ENTRY, TOC_ENTRY, TOC_HEAD, TOC_LEADERS, TOC_TRAILING_PAGE } from './vocab.js';

export interface Segments {
  cover: Para[];
  toc: Para[];
  partOne: Block[];
  partTwo: Block[];
}

export function isTocEntry(p: Para): boolean {
  // A contents line is short; a long run of tabs or spaces must not make the patterns backtrack.
  if (p.text.length > 300) return false;
  return TOC_ENTRY.test(p.text) || TOC_LEADERS.test(p.text);
}

export function partNumber(p: Block): string | null {
  if (p.kind !== 'para') return null;
  const m = PART.exec(p.text);
  return m ? m[1]! : null;
}

/**
 * Where the contents heading is: [its first block, the block after it], or null. 目录 is one
 * paragraph, or two when its characters are set so far apart that a text dump (pdftotext)
 * gives each a line of its own (目, then 录).
 */
function contentsHead(blocks: readonly Block[]): [number, number] | null {
  for (let i = 0; i < blocks.length; i++) {
    const b = blocks[i]!;
    if (b.kind !== 'para') continue;
    if (TOC_HEAD.test(b.text)) return [i, i + 1];
    const n = blocks[i + 1];
    if (b.text.trim() === '目' && n?.kind === 'para' && n.text.trim() === '录') return [i, i + 2];
  }
  return null;
}

export function segment(blocks: readonly Block[]): Segments {
  const head = contentsHead(blocks);
  const tocAt = head ? head[0] : -1;
  let bodyFrom = 0;
  const toc: Para[] = [];
  if (head) {
    let i = head[1];
    let lastPage = 0;
    while (i < blocks.length) {
      const b = blocks[i]!;
      if (b.kind !== 'para') break;
      // Inside the contents, an entry may meet its page number with no leader, tab or space
      // left between them once cleaned (`一、总体绩效目标 1` → `一、总体绩效目标1`): taken while the
      // page numbers do not go back.
      const bare = TOC_BARE_ENTRY.exec(b.text);
      const loose = bare != null && Number(bare[1]) >= lastPage;
      if (!(isTocEntry(b) || partNumber(b) !== null || loose)) break;
      const page = TOC_TRAILING_PAGE.exec(b.text);
      if (page && partNumber(b) === null) lastPage = Number(page[1]);
      toc.push(b);
      i++;
    }
    // A part heading just before the first body block opens the body, not the TOC.
    while (toc.length > 0 && partNumber(toc[toc.length - 1]!) !== null) {
      toc.pop();
      i--;
    }
    bodyFrom = i;
  }
  const firstPart = blocks.findIndex((b, i) => i >= bodyFrom && partNumber(b) !== null);
  const coverEnd = tocAt >= 0 ? tocAt : firstPart >= 0 ? firstPart : 0;
  const cover = blocks.slice(0, coverEnd).filter((b): b is Para => b.kind === 'para');

  const oneAt = blocks.findIndex((b, i) => i >= bodyFrom && partNumber(b) === '一');
  let twoAt = blocks.findIndex((b, i) => i >= Math.max(bodyFrom, oneAt) && partNumber(b) === '二');
  if (twoAt < 0) {
    // No 第二部分 heading: part two starts at the first project table title or table.
    // (A document without part one may open with its first project's title.)
    twoAt = blocks.findIndex((b, i) => i >= (oneAt >= 0 ? oneAt + 1 : bodyFrom) && (isProjectTitle(b) || isProjectTable(b)));
  }
  const oneFrom = oneAt >= 0 ? oneAt : bodyFrom;
  const partOne = blocks.slice(oneFrom, twoAt >= 0 ? twoAt : blocks.length);
  const partTwo = twoAt >= 0 ? blocks.slice(twoAt) : [];
  return { cover, toc, partOne, partTwo };
}

/** A project table's title line: "1.xxx绩效目标表", "一、xxx绩效目标表", or unnumbered. */
export function isProjectTitle(b: Block): b is Para {
  return b.kind === 'para' && b.text.length <= 120 && PROJECT_TITLE_END.test(b.text) && !isTocEntry(b);
}

export function isProjectTable(b: Block): b is Table {
  return b.kind === 'table' && b.rows.some((r) => r.cells.some((c) => PROJECT_TABLE_LABEL.test(c.text)));
}
