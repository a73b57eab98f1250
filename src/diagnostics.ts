/**
 * One diagnostics channel, from loader to output. Every stage returns what it made together
 * with the coded messages it has for the user — `Result {value, messages}`, in the way
 * mammoth's results carry theirs — and a message says where it applies in the model's own
 * terms (the rows and paragraphs it is about, or a place on a page or a line of a dump).
 * Interpretation turns those places into the contract's `loc` once, when the document's
 * `warnings` are written (toWarning).
 */
import type { BBox, Para, Row } from './model.js';
import type { Warning } from './schema.js';
import { type Place, locOf } from './loc.js';

export type { Place };

/**
 * Warning codes. Each is stable (warehouses group by it) and documented in the README's
 * "Warning codes" table; a test checks the two lists agree.
 */
export const WARNING_CODES = {
  'table-no-rules': 'a table was rebuilt from text positions alone (no ruling lines): its columns are less certain',
  'table-header-unknown': 'a part-one table without a recognised indicator header row (一级/二级/三级指标 …): its rows were not read',
  'cells-unplaced': 'a text dump\'s cells could not be placed surely: empty cells dropped, a row of a monospace dump set off its table\'s columns, cut from the row above or given a merged label by a guess (on the row; for the rows a project\'s fields come from, at the project\'s place), a table written block by block (plain pdftotext) and not rebuilt, a project field read from the order of its lines, or a part-one item whose text is a paragraph right after a table\'s last row, in its inner columns (that row\'s cells may run on into it)',
  'indicator-no-level': 'an indicator row whose 一级/二级指标 are empty with no row above to inherit them from',
  'indicator-cell-empty': 'an indicator row leaves empty a cell (三级指标, 描述, 指标值, 依据) that every other row of its table fills, or that the document\'s other project tables fill on nearly every row while this table leaves it empty on many or all of its rows: a cell (or a whole column) may have been lost or misplaced',
  'indicator-cell-spans': 'one cell of an indicator row stands over the columns of two header cells (指标值 and 依据, …) and its text was read for each: the columns of a table without lines may be joined on that row',
  'indicator-level-pattern': 'an indicator row whose 一级/二级指标 break the table\'s pattern (a 二级指标 under another 一级指标, a 一级指标 coming back, or none over a 二级指标 that belongs under one): merged cells may have been read on the wrong rows',
  'indicator-row-marks': 'an indicator row whose cells hold marks alone (dot leaders, specks read as marks): no data',
  'part-one-missing': 'a budget text from which part one (总体绩效目标, 分项绩效目标, 保障措施) or a section of it was not read, or a part-one item without the lines it always has (a sub-goal\'s 绩效目标/绩效指标, a title of words): a line taken for an item',
  'indicator-value-symbol': 'an indicator value opening with a 2 where the other values of its table open with ≥ or ≤ (the ≥ may have been read as 2), or holding two comparison signs (the values of several rows read as one)',
  'project-goals-order': 'a project\'s goals numbered (1. 2.) and then one without a number: lines of the goal cells may have been set in the wrong goal (a table without rules), said on the goal rows',
  'project-field-missing': 'a project whose table leaves empty a field the templates always fill (项目名称, 资金用途, 绩效目标) or the document\'s other projects fill (项目编码, the budget), or whose budget row shows a figure\'s label with no amount beside it that could be read: a cell may have been lost or not read',
  'project-unit-line-missing': 'a project without the unit line (单位编码 单位名, 单位：万元) that the document\'s other projects have',
  'indicator-label-value': 'an indicator cell holds header or label words instead of data',
  'value-cell-overflow': 'digits spilled from the 单位 cell into the 值 cell were given back',
  'budget-mismatch': 'budget_total differs from budget_fiscal + budget_other',
  'money-precision': 'a budget figure has more than 4 decimals or 14 integer digits: the tables\' DECIMAL(18,4) columns round it (budget_printed keeps its digits)',
  'plan-incomplete': 'the spending plan does not reach 100% (or the budget) by its last period',
  'plan-unplaced': 'spending plan values whose periods could not be told',
  'project-no-table': 'a project title with no table after it',
  'project-no-indicators': 'a project table without indicator rows',
  'toc-no-table': 'a table-of-contents entry with no project table',
  'toc-title-mismatch': 'a project title a few characters off its contents entry: one of the two is misread (or misprinted)',
  'unit-line-mismatch': 'a project\'s 单位名 a few characters off the one the document\'s other projects print: one is misread',
  'toc-no-page': 'a table-of-contents entry without a page number',
  'no-part-two': 'no 第二部分 project tables were found',
  'page-too-many-lines': 'a page drew so many lines that its tables were not rebuilt',
  'page-hidden-text': 'text in a page\'s text layer that the page does not show (cut away by its clip, off the page, or in a layer that is off) was left out',
  'page-text-overflow': 'text run past the page\'s edge from text the page shows (a table wider than its page, its last column running off the paper) was read, though a viewer does not show it: check those cells against the source',
  'page-doubled-text': 'a page draws its text twice over itself (a faked bold face) in pieces that do not repeat whole: some characters may come out doubled',
  'page-unreadable': 'a page whose text layer is glyph garbage; its text was left out (it needs OCR)',
  'font-unmapped': 'a page drawn in fonts without a usable Unicode map: their text was read from the shapes of their glyphs (or the page by OCR, where those could not be read surely)',
  'docx-not-converted': 'the DOCX reader (mammoth) could not convert part of the document (an element or image it does not know): its content may be missing',
  'text-damaged': 'bytes of a text dump were not valid in its encoding and were replaced',
  'text-unreadable-char': 'an indicator row holding a character that stands for none (U+FFFD, a noncharacter, a private-use code point): a glyph its font maps to no character was left in the text',
  'text-control-chars': 'control or direction-override characters (NUL, ESC, U+202E …) were removed from the text',
  'paragraph-break-unsure': 'a part-one item whose paragraphs open without indent holds a line filled to the margin that ends a sentence, the next line at the margin: whether a paragraph ends there cannot be told from the page (read as a wrap within a page, as a paragraph\'s end at a page\'s foot)',
  'ocr-low-confidence': 'a table cell or a paragraph read by OCR with low recognition confidence, or whose ink contradicts the reading (a dropped character, more characters than the ink holds): check it against the page',
  'correction-conflict': 'a correction of corrections.jsonl was not applied: its record is gone or ambiguous, or no longer holds the value the person saw (the message names its id); check the record again',
  'correction-obsolete': 'a correction of corrections.jsonl is not needed any more: the extraction already gives its outcome (info; the message names its id)',
} as const;

export type WarningCode = keyof typeof WARNING_CODES;

/** What a message is about: model nodes (table rows, paragraphs) or places on a page or line, in document order. */
export type Where = ReadonlyArray<Place>;

export interface Message {
  code: WarningCode;
  message: string;
  /** null: the document as a whole. */
  where: Where | null;
}

/** A stage's output and its messages. */
export interface Result<T> {
  value: T;
  messages: Message[];
}

export function message(code: WarningCode, text: string, where: Where | null = null): Message {
  return { code, message: text, where };
}

export function result<T>(value: T, messages: Message[] = []): Result<T> {
  return { value, messages };
}

/** A page as a place (a warning about the whole page). */
export function pagePlace(page: number, bbox: BBox | null = null): Place {
  return { page, pageEnd: page, bbox };
}

/** The contract's warning for a message: its place as `loc` (rows must have been located by then). */
export function toWarning(m: Message): Warning {
  return { code: m.code, message: m.message, loc: m.where ? locOf(m.where) : null };
}

/**
 * The document's warnings from all its stages' messages, in order; a message about the whole
 * document said by several parts (each page of a PDF holding control characters) is given once.
 */
export function toWarnings(messages: readonly Message[]): Warning[] {
  const seen = new Set<string>();
  const out: Warning[] = [];
  for (const m of messages) {
    if (m.where == null) {
      const key = `${m.code}\u0000${m.message}`;
      if (seen.has(key)) continue;
      seen.add(key);
    }
    out.push(toWarning(m));
  }
  return out;
}

/** OCR recognition confidence below which a cell is reported (`ocr-low-confidence`). */
export const OCR_LOW_CONFIDENCE = 0.9;

/** One message for each table row holding a cell read by OCR below the confidence threshold. */
export function lowConfidenceMessages(rows: readonly Row[], prefix: string): Message[] {
  const out: Message[] = [];
  for (const r of rows) {
    const low = r.cells.filter((c) => c.confidence != null && c.confidence < OCR_LOW_CONFIDENCE);
    if (low.length === 0) continue;
    const cells = low.map((c) => `"${c.text}" (${c.confidence!.toFixed(2)})`).join(', ');
    out.push(message('ocr-low-confidence', `${prefix}row ${r.at ? r.at.row : '?'}: OCR is unsure of ${cells}`, [r]));
  }
  return out;
}

/**
 * One message for each text item (a part-one sub-goal, a safeguard: `items[i]` its
 * paragraphs) holding a paragraph read by OCR below the confidence threshold, placed on
 * those paragraphs (their page and box).
 */
export function lowConfidenceItems(items: ReadonlyArray<readonly Para[]>, name: (i: number) => string): Message[] {
  const out: Message[] = [];
  items.forEach((paras, i) => {
    const low = paras.filter((p) => p.confidence != null && p.confidence < OCR_LOW_CONFIDENCE);
    if (low.length === 0) return;
    const texts = low.map((p) => `"${p.text.length > 24 ? `${p.text.slice(0, 24)}…` : p.text}" (${p.confidence!.toFixed(2)})`).join(', ');
    out.push(message('ocr-low-confidence', `${name(i)}: OCR is unsure of ${texts}`, paras));
  });
  return out;
}

/**
 * One message for each text item (`items[i]` its paragraphs) holding a line break that may or
 * may not end a paragraph (Para.unsureBreaks), placed on those paragraphs.
 */
export function unsureBreakItems(items: ReadonlyArray<readonly Para[]>, name: (i: number) => string): Message[] {
  const out: Message[] = [];
  items.forEach((paras, i) => {
    const at = paras.flatMap((p) => p.unsureBreaks ?? []);
    if (at.length === 0) return;
    const where = paras.filter((p) => p.unsureBreaks?.length);
    out.push(message('paragraph-break-unsure', `${name(i)}: whether a paragraph ends after ${at.map((t) => `"…${t}"`).join(', ')} cannot be told (a full line closing a sentence, the next at the margin, the paragraphs opening without indent)`, where));
  });
  return out;
}

/**
 * One message for each text item (`items[i]` its paragraphs) holding a paragraph the loader
 * doubts is one (Para.unsure: a table row's cells may run on into it), placed on those
 * paragraphs.
 */
export function unsureParaItems(items: ReadonlyArray<readonly Para[]>, name: (i: number) => string): Message[] {
  const out: Message[] = [];
  items.forEach((paras, i) => {
    const where = paras.filter((p) => p.unsure);
    if (where.length === 0) return;
    out.push(message('cells-unplaced', `${name(i)}: ${where.map((p) => p.unsure).join('; ')}`, where));
  });
  return out;
}

/** The message a loader gives when its raw text held control characters (cleaning removes them). */
export function controlCharsMessage(): Message {
  return message('text-control-chars', 'control or direction-override characters (NUL, ESC, U+202E …) were removed from the text');
}
