/**
 * The budget text's vocabulary, in one place: the words and patterns by which jixiao knows the
 * parts of a 部门预算绩效文本 — part and section headings, the table of contents, project
 * titles and unit lines, the labels of a project table, spending-plan periods, the indicator
 * table's header words. Loaders, repair stages, the segmenter and interpretation import them
 * from here; the layout rules (../layout/) know no budget word and are handed the predicates
 * they need (`TABLE_WORDS`).
 */
import type { Block, Row } from './model.js';
import type { TableWords } from './layout/index.js';
import { unifyIdeographs } from './text/compat.js';
import { cleanText } from './text/clean.js';
import { parseNumbered } from './text/numbering.js';

// ── Document structure ──────────────────────────────────────────────────────────────────

/** 第一部分 … 第五部分: a part heading; group 1 is its numeral. */
export const PART = /^第([一二三四五])部分/;
/** The contents heading (目录, 目 录). */
export const TOC_HEAD = /^目\s*录$/;
/** A contents line: title followed by leaders and/or a page number, or Word's broken-reference text. */
export const TOC_ENTRY = /([.…·•]{2,}|\t|\s)\s*(\d{1,4})\s*$|错误！未定义书签。?\s*$/;
/** Dot leaders long enough to make a line a contents entry by themselves. */
export const TOC_LEADERS = /[.…·]{4,}/;
/** A short contents line ending in a page number, with nothing between title and number. */
export const TOC_BARE_ENTRY = /^.{2,78}?\D(\d{1,4})$/;
/** The page number at the end of a contents line. */
export const TOC_TRAILING_PAGE = /(\d{1,4})\s*$/;
/** A contents line as a PDF's text positions or a dump's tabs give it: leaders or a tab, then the page. */
export const TOC_LINE_TABBED = /([.…·]{2,}|\t)\s*(\d{1,4}|错误！未定义书签。?)\s*$/;
/** A contents entry's parts: group 1 the title (leaders may follow), group 2 the page (none after Word's broken-reference text). */
export const TOC_ENTRY_PARTS = /^(.*?)[\s.…·•]*(?:(\d{1,4})|错误！未定义书签。?)\s*$/;
/** A dump's contents line: title, dot leaders, tab, page number (or Word's broken-reference text). */
export const TOC_LINE_DUMP = /([.…·]{2,}\s*\t|\t\s*[.…·]{2,})\s*(\d{1,4}|错误！未定义书签。?)\s*$/;
/** A dump's contents line without leaders: a title, a tab, a bare page number. */
export const TOC_LINE_BARE = /^[^\t]*\S[^\t]*\t\s*(\d{1,4})\s*$/;

/** How a project table's title ends: 绩效目标表, 绩效目标申报表, 绩效目标表（2024年）… */
export const PROJECT_TITLE_END = /绩效目标(申报)?表([（(][^（）()]{0,20}[）)])?$/;
/** The heading of a project's explanation (关于…的说明). */
export const EXPLANATION_HEAD = /^关于.{1,60}的?说明[:：]?$/;
/** A budget unit line: a six-digit unit code and the unit's name. */
export const UNIT_LINE = /^(\d{6})\s*(\S.*)$/;
/** The money unit line: 单位：万元 (金额单位：元). */
export const MONEY_UNIT = /^(?:金额)?单位[：:]\s*(\S+)$/;
/** `单位：万元` printed at the right end of the unit line (left and right aligned on one line). */
export const TRAILING_MONEY_UNIT = /^(.*\S)\s*((?:金额)?单位[：:]\s*\S{1,6})$/;

/** A line of a text dump that opens a new block (a part, a unit line, the money unit, an explanation, a project title). */
export const OPENS_BLOCK = /^(第[一二三四五]部分|\d{6}\s*\S|(金额)?单位[：:]|关于.{1,60}说明)|绩效目标(申报)?表([（(][^（）()]{0,20}[）)])?$/;
/** A paragraph that opens a new item, never the rest of one cut by a page break. */
export const OPENS_ITEM = /^(第[一二三四五]部分|绩效目标|绩效指标|目\s*录|(金额)?单位[：:]|\d{6}\s*\S)/;

/**
 * A line that opens a budget text: its contents heading (目录), its 第一部分 heading (not a
 * contents entry naming it) or its cover title. A compiled volume's next text opens so.
 */
export function opensText(text: string): boolean {
  const t = text.trim();
  if (TOC_HEAD.test(t)) return true;
  const contents = t.length <= 300 && (TOC_ENTRY.test(t) || TOC_LEADERS.test(t));
  if (PART.exec(t)?.[1] === '一' && !contents) return true;
  return t.length <= 40 && COVER_TITLE.test(t) && !PROJECT_TITLE_END.test(t);
}

// ── Cover ───────────────────────────────────────────────────────────────────────────────

/** A cover line that says (草案) alone. */
export const DRAFT_LINE = /^[（(]\s*草\s*案\s*[）)]$/;
/** (草案) inside a cover line. */
export const DRAFT_MARK = /[（(]草案[）)]/;
/** A cover's title line, as a compiled volume's next text opens with it (…部门预算绩效文本, 绩效目标文本（草案）). */
export const COVER_TITLE = /绩效(目标)?文本\s*([（(]\s*草\s*案\s*[）)])?$/;
/** The cover line that ends the document's title. */
export const TITLE_END = /绩效文本|绩效目标文本|预算绩效/;
/** The cover line naming who compiled the text. */
export const COMPILED_BY = /编制$/;
/** The cover line naming who reviewed it. */
export const REVIEWED_BY = /审核$/;

// ── Part one ────────────────────────────────────────────────────────────────────────────

/** Part one's section headings (after their 一、 numbering). */
export const SECTION_OVERALL = /^(总体绩效目标|部门整体绩效目标|整体绩效目标)$/;
export const SECTION_SUBGOALS = /^分项绩效目标$/;
export const SECTION_SAFEGUARDS = /保障措施$/;
/** A table's caption: a short line naming a table (四、部门整体支出绩效指标情况表, …指标表). */
export const TABLE_CAPTION = /^.{0,36}表$/;
/** Part one's heading with the budget year (2020年部门整体绩效目标). */
export const PART_ONE_YEAR = /(\d{4})年(?:度)?部门整体绩效目标/;
/** A sub-goal's 绩效目标： and 绩效指标： lead-ins. */
export const SUBGOAL_GOAL = /^绩效目标[一二三四五六七八九十\d]*\s*[：:]\s*/;
export const SUBGOAL_INDICATOR = /^绩效指标[一二三四五六七八九十\d]*\s*[：:]\s*/;
/** Where a sub-goal's 绩效指标： lead-in starts inside a paragraph, after the goal's last sentence (a line joined to the one above). */
export const SUBGOAL_LEAD_IN_INSIDE = /(?<=[。；;])(?=(?:绩效目标|绩效指标)[一二三四五六七八九十\d]*\s*[：:])/;

// ── Project table ───────────────────────────────────────────────────────────────────────

/** Cell texts that are labels of a project table, never values. */
export const LABEL =
  /^(项目编码|项目名称|预算规模及资金用途|预算数|预算金额|年度资金总额|资金总额|预算总额|(其中[：:])?(财政(拨款)?资金|财政拨款)|(其中[：:])?其他资金|资金用途|资金支出计划.*|绩效目标|目标\d+|项目绩效模板|预算项目绩效表|年度绩效目标|实施期绩效目标|主管部门|实施单位)$/;
/** Labels that open a row of a project table (a row starting with one is never the rest of a cut row). */
export const ROW_LABEL = /^(项目编码|项目名称|预算规模及资金用途|预算数|资金用途|资金支出计划|绩效目标|一级指标|目标\d+|预算项目绩效表|项目绩效模板)/;
/**
 * Labels that are a cell's whole text in any layout: where a table has no drawn lines, the
 * text under such a label is the next row's (项目绩效模板 above 资金用途). Only labels no other
 * cell begins with (绩效目标 begins 绩效目标申报, 资金用途 a sentence).
 */
export const WHOLE_LABEL = /^(项目编码|项目名称|项目绩效模板|预算规模及资金用途)$/;
/** A label the templates merge over two rows of a project table (预算数 … and 资金用途 …). */
export const TWO_ROW_LABEL = /^预算规模及资金用途$/;
export const PROJECT_CODE_LABEL = /^项目编码$/;
export const PROJECT_NAME_LABEL = /^项目名称$/;
/** The project name's label as printed, for telling a label OCR misread (名称 read 名种尔). */
export const PROJECT_NAME_WORD = '项目名称';
/** A cell that says the table is a project table. */
export const PROJECT_TABLE_LABEL = /^项目(编码|名称)$/;
/** Budget labels: 预算数 and the spellings other templates use. */
export const BUDGET_TOTAL = /^(预算数|预算金额|年度资金总额|资金总额|预算总额)(（万元）|\(万元\))?$/;
export const BUDGET_FISCAL = /^(其中[：:])?(财政(拨款)?资金|财政拨款)$/;
export const BUDGET_OTHER = /^(其中[：:])?其他资金$/;
export const FUND_USE_LABEL = '资金用途';
/** The goals row's label (绩效目标, 年度绩效目标). */
export const GOALS_LABEL = /^绩效目标$|^年度绩效目标$/;
/** A numbered goal's own label cell (目标1). */
export const NUMBERED_GOAL_LABEL = /^目标\d+$/;
/**
 * A project code's whole shape in the templates: six-digit region, two-digit year, P and twelve
 * letters or digits (13081124P000049100058), or 101-0103-YBN-B8HR. A piece of a code cut by a
 * narrow column matches neither.
 */
export const PROJECT_CODE_SHAPE = /^(\d{8}P[0-9A-Z]{12}|\d{3}-\d{4}-[A-Z]{3}-[0-9A-Z]{4})$/;
/** The first piece of a project code a narrow column cut (13088126P727263 · 2996A9, 340-0900- · YBN-X5PU). */
export const PROJECT_CODE_START = /^(\d{8}P[0-9A-Z]{0,11}|\d{3}-\d{4}-)$/;
/**
 * A project table's labels written whole, of which a text dump that wraps them in narrow
 * columns (plain pdftotext: 项目编 · 码, 资金支出计 · 划（累计进 · 度%）) gives pieces.
 */
export const PROJECT_LABEL_WORDS = [
  '项目编码', '项目名称', '预算规模及资金用途', '预算数', '其中：财政资金', '其中:财政资金', '其他资金', '资金用途',
  '资金支出计划（累计进度%）', '资金支出计划(累计进度%)', '资金支出计划（%）', '资金支出计划(%)', '绩效目标', '项目绩效模板', '预算项目绩效表',
];
/** The starts of the budget labels a narrow column leaves on their first line (预算数, 其中：财政资, 其他资). */
export const BUDGET_TOTAL_START = /^(预算数|预算金额|资金总额|预算总额)$/;
export const BUDGET_FISCAL_START = /^(其中[：:])?财政(拨款|资金?)?$/;
export const BUDGET_OTHER_START = /^(其中[：:])?其他(资金?)?$/;
/** A spending-plan period heading: 3月底, 第一季度, 全年 … (a cell of its own in any layout). */
export const PERIOD = /^(\d{1,2}月(底|末)|第?[一二三四1-4]季度(末)?|全年|上半年|下半年)$/;
/** Each period in a text (PERIOD unanchored). */
export const PERIODS_IN = new RegExp(PERIOD.source.replace(/^\^|\$$/g, ''), 'g');

// ── Indicator table ─────────────────────────────────────────────────────────────────────

export const LEVEL1_HEADER = /^一级指标$/;
export const LEVEL2_HEADER = /^二级指标$/;
export const LEVEL3_HEADER = /^三级指标$/;
export const DESCRIPTION_HEADER = /^(绩效)?指标(描述|内容|解释)$/;
/** The 指标值 header cell, in the spellings templates use. */
export const VALUE_HEADER = /^(年度)?(绩效)?指标值([（(].{0,12}[）)])?$/;
export const BASIS_HEADER = /^指标值(确定)?依据$|^(确定|设定)?依据$/;
/** The split value's sub-header cells (符号 / 值 / 单位（文字描述）). */
export const SYMBOL_HEADER = /^符号$/;
export const NUMBER_HEADER = /^值$/;
export const UNIT_HEADER = /^单位/;
/** A level name (一级/二级指标 cells always end in 指标). */
export const LEVEL_NAME_END = /指标$/;
/** The core columns' headers as a cut row's test reads them: 三级指标 · 描述 · 指标值 · 依据. */
export const CORE_HEADERS: readonly RegExp[] = [LEVEL3_HEADER, /指标(描述|内容)$/, VALUE_HEADER, /依据$/];
/** Header words that never stand in an indicator row's data cells. */
export const INDICATOR_LABEL_WORDS = /^(一级指标|二级指标|三级指标|(绩效)?指标(描述|内容)|(年度)?(绩效)?指标值|指标值(确定)?依据|项目编码|项目名称|资金支出计划.*|预算数|绩效目标)$/;
/** 一级指标 names that are never a 二级指标 (成本指标 is either, depending on the template). */
export const LEVEL1_NAME = /^(产出|效益|效果|满意度)指标$/;
/**
 * The 二级指标 each 一级指标 of the national templates holds (产出 → 数量/质量/时效/成本, 效益 or
 * 效果 → 经济/社会/生态效益 and 可持续影响, 满意度 → 服务对象满意度, 成本 → 经济/社会/生态环境成本).
 * A 二级指标 named here under another named 一级指标 is a row whose levels were misplaced.
 */
export const LEVEL2_OF: ReadonlyMap<string, readonly string[]> = new Map([
  ['产出指标', ['数量指标', '质量指标', '时效指标', '成本指标']],
  ['效益指标', ['经济效益指标', '社会效益指标', '生态效益指标', '可持续影响指标']],
  ['效果指标', ['经济效益指标', '社会效益指标', '生态效益指标', '可持续影响指标']],
  ['满意度指标', ['服务对象满意度指标']],
  ['成本指标', ['经济成本指标', '社会成本指标', '生态环境成本指标']],
]);
/** What a 符号 cell holds. */
export const SYMBOL_CELL = /^(文字描述|>=|<=|=|>|<|≥|≤|≧|≦|＞|＜|＝|＞=|＜=)?$/;
/** The 符号 cell's word for a value given as text alone. */
export const TEXT_VALUE_SYMBOL = '文字描述';

/**
 * An indicator table's header row: it names 二级指标 and 三级指标, or three of its columns
 * whichever (a scan's 二级指标 read 级指标 beside 一级指标 · 三级指标 · 指标值: no indicator row
 * holds three header labels).
 */
export function isIndicatorHeaderRow(row: Row): boolean {
  const texts = row.cells.filter((c) => !c.merged).map((c) => c.text);
  if (texts.some((t) => LEVEL2_HEADER.test(t)) && texts.some((t) => LEVEL3_HEADER.test(t))) return true;
  return new Set(texts.filter((t) => HEADER_LABEL.test(t))).size >= 3;
}

/** The split value's sub-header row (符号 · 值 · 单位). */
export function isSplitSubheaderRow(row: Row): boolean {
  const texts = row.cells.filter((c) => !c.merged).map((c) => c.text);
  return texts.includes('符号') && texts.includes('值');
}

// ── For the layout rules ────────────────────────────────────────────────────────────────

/** A line holding the indicator header's level names: a table without lines is cut into bands there. */
const HEADER_LINE = /一级指标|二级指标|三级指标/;
/** The whole text of an indicator header cell. */
const HEADER_LABELS = ['一级指标', '二级指标', '三级指标', '绩效指标描述', '指标值', '指标值确定依据', '符号', '单位（文字描述）', '单位(文字描述)'];
const HEADER_LABEL = /^(一级指标|二级指标|三级指标|绩效指标描述|指标值|指标值确定依据|符号|单位[（(]文字描述[）)])$/;
/** A piece of an indicator header row: the level names, or the split value's 符号 / 值 / 单位. */
const HEADER_CELL = /一级指|二级指|三级指标|^符号|^符号?值单位/;

/** A budget unit line as a page prints it: the code, the unit's name, and 单位：万元 after it or not. */
const UNIT_LINE_PRINTED = /^\d{6}\s*[\u4e00-\u9fff（(][^\t]{1,60}?(\s*(金额)?单位[：:]\s*\S{1,6})?$/;
/** The money unit alone, or before the unit line (单位：万元 202006 …). */
const MONEY_UNIT_PRINTED = /^(金额)?单位[：:]\s*[^\s\d]{1,6}(\s+\d{6}\s*\S.{0,60})?$/;
/** A label that opens a project table: a table without lines ends before a line that starts with it. */
const TABLE_OPENING = /^(项目编码|预算项目绩效表)/;

/** What the layout rules need to know of budget tables, as predicates (../layout/textgrid.ts). */
const WORDS: TableWords = {
  headerLine: (text) => HEADER_LINE.test(text),
  headerCell: (text) => HEADER_CELL.test(text),
  wholeCell: (text) => PERIOD.test(text) || HEADER_LABEL.test(text) || WHOLE_LABEL.test(text),
  wholeCellStart: (text) => HEADER_LABELS.some((l) => l.length > text.length && l.startsWith(text)),
  tocLine: (text) => TOC_LINE_TABBED.test(text),
  opensParagraph: (text) => SUBGOAL_GOAL.test(text) || SUBGOAL_INDICATOR.test(text),
  title: (text) => {
    const t = text.replace(/\s+/g, '');
    return t.length <= 120 && (PROJECT_TITLE_END.test(t) || PART.test(t));
  },
  unitLine: (text) => {
    const t = text.trim();
    return UNIT_LINE_PRINTED.test(t) || MONEY_UNIT_PRINTED.test(t);
  },
  opensTable: (text) => TABLE_OPENING.test(text.trim()),
  valueHeader: (text) => VALUE_HEADER.test(text.trim()),
  unitHeader: (text) => UNIT_HEADER.test(text.trim()),
};

/**
 * What the layout rules need to know of budget tables, as predicates (../layout/textgrid.ts),
 * on the text as meant: a radical written for an ideograph (a browser's font maps ⽬ for 目:
 * `绩效⽬标表`) does not hide a title or a label.
 */
export const TABLE_WORDS: TableWords = Object.fromEntries(
  Object.entries(WORDS).map(([k, f]) => [k, (text: string) => f(unifyIdeographs(text))]),
) as unknown as TableWords;

/** The indicator table's header columns, each by what names it, in the order they stand. */
export const INDICATOR_COLUMNS = [
  ['level1', LEVEL1_HEADER],
  ['level2', LEVEL2_HEADER],
  ['level3', LEVEL3_HEADER],
  ['description', DESCRIPTION_HEADER],
  ['value', VALUE_HEADER],
  ['basis', BASIS_HEADER],
] as const;

/** The sub-header columns of a 指标值 split into 符号 · 值 · 单位. */
export const INDICATOR_SPLIT_COLUMNS = [
  ['symbol', SYMBOL_HEADER],
  ['number', NUMBER_HEADER],
  ['unit', UNIT_HEADER],
] as const;

/**
 * Whether the paragraph `blocks[at]` is numbered as an item of the list before it: the last
 * paragraph numbered in its style (（五） before （六）) is an item, not one of part one's
 * section headings (三、保障措施 before 四、…情况表: a sibling of the sections, a table's
 * caption). A block that is no paragraph, or a part heading, ends the search.
 */
export function numberedAsItem(blocks: readonly Block[], at: number): boolean {
  const p = blocks[at];
  const own = p?.kind === 'para' ? parseNumbered(cleanText(p.text)) : null;
  if (!own) return false;
  for (let k = at - 1; k >= 0; k--) {
    const b = blocks[k]!;
    if (b.kind !== 'para' || PART.test(b.text)) return false;
    const n = parseNumbered(cleanText(b.text));
    if (n && n.style === own.style) return ![SECTION_OVERALL, SECTION_SUBGOALS, SECTION_SAFEGUARDS].some((re) => re.test(cleanText(n.rest)));
  }
  return false;
}
