/**
 * Part one (第一部分 部门整体绩效目标): overall goal, numbered sub-goals with 绩效目标 /
 * 绩效指标, safeguards (工作保障措施), and the department-level indicator table.
 */
import type { Block, Para, Table } from '../model.js';
import type { Indicator, Loc } from '../schema.js';
import { locOf } from '../loc.js';
import { type Message, type Result, lowConfidenceItems, lowConfidenceMessages, message, unsureBreakItems, unsureParaItems } from '../diagnostics.js';
import { SECTION_OVERALL, SECTION_SAFEGUARDS, SECTION_SUBGOALS, SUBGOAL_GOAL as GOAL, SUBGOAL_INDICATOR as INDICATOR, SUBGOAL_LEAD_IN_INSIDE as LEAD_IN_INSIDE, TABLE_CAPTION, numberedAsItem } from '../vocab.js';
import { cleanText } from '../text/clean.js';
import { type Numbered, numeralValue, parseNumbered } from '../text/numbering.js';
import { readIndicatorTable } from './indicators.js';

export interface SubGoal {
  seq: string | null;
  title: string | null;
  goal: string | null;
  indicator: string | null;
  loc: Loc;
}
export interface Safeguard {
  seq: string | null;
  title: string | null;
  text: string | null;
  loc: Loc;
}
export interface PartOne {
  overall_goal: string | null;
  sub_goals: SubGoal[];
  safeguards: Safeguard[];
  dept_indicators: Indicator[];
}


type Section = 'overall' | 'subgoals' | 'safeguards' | null;

/** Recognises the part's section headings: 一、总体绩效目标 / 二、分项绩效目标 / 三、(工作)保障措施. */
function sectionOf(p: Para): Section {
  const text = cleanText(p.text);
  if (text.length > 24) return null;
  const n = parseNumbered(text);
  const rest = n && n.style === 'cn-comma' ? n.rest : p.heading != null ? text : null;
  if (rest == null) return null;
  if (SECTION_OVERALL.test(rest)) return 'overall';
  if (SECTION_SUBGOALS.test(rest)) return 'subgoals';
  if (SECTION_SAFEGUARDS.test(rest)) return 'safeguards';
  return null;
}

function appendText(prev: string | null, add: string): string {
  return prev == null || prev === '' ? add : `${prev}\n${add}`;
}

function looksLikeTitle(text: string): boolean {
  return text.length <= 30 && !/[。；;，,：:]/.test(text.slice(0, -1));
}

/** The sub-goals and, for each, the paragraphs it was read from. */
function readSubGoals(paras: Para[]): SubGoal[] & { sources: Para[][] } {
  const out: SubGoal[] = [];
  const sources: Para[][] = [];
  let field: 'goal' | 'indicator' | null = null;
  // A lead-in (绩效指标：) that layout joined to the goal's last line above starts its own part.
  const parts = paras.flatMap((p) => cleanText(p.text).split(LEAD_IN_INSIDE).map((text) => ({ p, text })));
  for (const { p, text } of parts) {
    const cur = out[out.length - 1];
    if (cur) sources[sources.length - 1]!.push(p);
    if (GOAL.test(text) && cur) {
      cur.goal = appendText(cur.goal, text.replace(GOAL, ''));
      field = 'goal';
    } else if (INDICATOR.test(text) && cur) {
      cur.indicator = appendText(cur.indicator, text.replace(INDICATOR, ''));
      field = 'indicator';
    } else {
      const n = parseNumbered(text);
      if (n || looksLikeTitle(text) || !cur || field == null) {
        if (cur) sources[sources.length - 1]!.pop();
        out.push({ seq: n ? n.seq : null, title: cleanText(n ? n.rest : text) || null, goal: null, indicator: null, loc: locOf([p]) });
        sources.push([p]);
        field = null;
      } else {
        cur[field] = appendText(cur[field], text);
      }
    }
  }
  out.forEach((g, i) => (g.loc = locOf(sources[i]!)));
  return Object.assign(out, { sources });
}

/** Splits "heading。text" / "heading：text" sharing one line; a line that is all heading stays whole. */
function splitHeading(rest: string): { title: string; text: string | null } {
  const m = /^(.+?)[。：:](.+)$/.exec(rest);
  if (m && m[1]!.length <= 40) return { title: cleanText(m[1]!), text: cleanText(m[2]!) };
  return { title: cleanText(rest), text: null };
}

/**
 * Items whose numbers skip one (一、二、四: the heading of 三 was not read, a scan's misread
 * numeral or a heading run into the text above), go back, or leave no room for the items
 * between them that have no number (三、车、应急工作管理、五: a line taken for an item): from
 * the last item numbered in order on, each item stands at another place than the document's,
 * and the one before the skip may hold the lost item's text. Said on each of those items.
 */
function numberingGaps(items: ReadonlyArray<{ seq: string | null; title: string | null }> & { sources: Para[][] }, what: string): Message[] {
  let last = 0;
  let lastAt = -1;
  // Numbers of the first numbered item's kind (1. or 一、): an item numbered the other way is
  // no item of this list (a heading taken for one, said by its own check).
  const arabic = (seq: string) => /^\d+$/.test(seq);
  const kind = items.find((g) => g.seq != null && numeralValue(g.seq) != null)?.seq;
  for (let i = 0; i < items.length; i++) {
    const seq = items[i]!.seq;
    const n = seq == null || arabic(seq) !== arabic(kind!) ? null : numeralValue(seq);
    if (n == null) continue;
    // An item with no number of its own takes the place of one (一、二、三、应急工作管理、五).
    if (n !== last + (i - lastAt)) {
      const from = Math.max(0, lastAt);
      return items.slice(from).map((g, k) =>
        message('part-one-missing', `part one ${what} ${g.seq ?? from + k + 1} "${g.title ?? ''}": the items' numbers go ${lastAt >= 0 ? items[lastAt]!.seq : '(start)'} → ${seq}: an item's heading was not read here, and the items from here on stand one place off the document's`, items.sources[from + k]!),
      );
    }
    last = n;
    lastAt = i;
  }
  return [];
}

/** The safeguards and, for each, the paragraphs it was read from. */
function readSafeguards(paras: Para[]): Safeguard[] & { sources: Para[][] } {
  const out: Safeguard[] = [];
  let top: Numbered['style'] | null = null;
  const lines: string[][] = [];
  const sources: Para[][] = [];
  for (const p of paras) {
    const text = cleanText(p.text);
    const n = parseNumbered(text);
    if (n && (top == null || n.style === top)) {
      top = n.style;
      const { title, text: body } = splitHeading(n.rest);
      out.push({ seq: n.seq, title, text: null, loc: locOf([p]) });
      lines.push(body ? [body] : []);
      sources.push([p]);
    } else if (out.length === 0) {
      // Unnumbered safeguards: each bold heading (or short line) starts an item.
      if (p.bold || p.heading != null || looksLikeTitle(text)) {
        out.push({ seq: null, title: text, text: null, loc: locOf([p]) });
        lines.push([]);
        sources.push([p]);
      }
    } else {
      lines[lines.length - 1]!.push(text);
      sources[sources.length - 1]!.push(p);
    }
  }
  out.forEach((s, i) => {
    s.text = lines[i]!.length ? lines[i]!.join('\n') : null;
    s.loc = locOf(sources[i]!);
  });
  return Object.assign(out, { sources });
}

export function readPartOne(blocks: readonly Block[]): Result<PartOne> {
  const by: Record<Exclude<Section, null>, Para[]> = { overall: [], subgoals: [], safeguards: [] };
  const tables: Table[] = [];
  let section: Section = null;
  for (const [i, b] of blocks.entries()) {
    if (b.kind === 'table') {
      tables.push(b);
      continue;
    }
    const s = sectionOf(b);
    if (s) {
      section = s;
      continue;
    }
    // The line naming the table right after it (四、部门整体支出绩效指标情况表) is its caption:
    // it closes the section above, whose text it is not — unless it is numbered as the items
    // before it are (（六）… after （五）…), as templates number it among the safeguards.
    if (blocks[i + 1]?.kind === 'table' && TABLE_CAPTION.test(cleanText(b.text)) && !numberedAsItem(blocks, i)) {
      section = null;
      continue;
    }
    if (section) by[section].push(b);
  }
  const overall = by.overall.map((p) => cleanText(p.text)).filter((t) => t !== '');
  const dept: Indicator[] = [];
  const messages: Message[] = [];
  for (const t of tables) {
    if (t.rules === 'text') {
      messages.push(message('table-no-rules', 'part one indicator table: drawn without ruling lines, columns rebuilt from text positions', t.rows));
    }
    const r = readIndicatorTable(t.rows, t.columns === 'grid', 'part one indicator table: ', t.rules === 'text');
    messages.push(...lowConfidenceMessages(t.rows, 'part one indicator table: '));
    dept.push(...r.value);
    messages.push(...r.messages);
  }
  const subGoals = readSubGoals(by.subgoals);
  const safeguards = readSafeguards(by.safeguards);
  messages.push(
    ...lowConfidenceItems([by.overall], () => 'part one overall goal'),
    ...lowConfidenceItems(subGoals.sources, (i) => `part one sub-goal ${subGoals[i]!.seq ?? i + 1} "${subGoals[i]!.title ?? ''}"`),
    ...lowConfidenceItems(safeguards.sources, (i) => `part one safeguard ${safeguards[i]!.seq ?? i + 1} "${safeguards[i]!.title ?? ''}"`),
    ...unsureBreakItems([by.overall], () => 'part one overall goal'),
    ...unsureBreakItems(subGoals.sources, (i) => `part one sub-goal ${subGoals[i]!.seq ?? i + 1} "${subGoals[i]!.title ?? ''}"`),
    ...unsureBreakItems(safeguards.sources, (i) => `part one safeguard ${safeguards[i]!.seq ?? i + 1} "${safeguards[i]!.title ?? ''}"`),
    ...unsureParaItems([by.overall], () => 'part one overall goal'),
    ...unsureParaItems(subGoals.sources, (i) => `part one sub-goal ${subGoals[i]!.seq ?? i + 1} "${subGoals[i]!.title ?? ''}"`),
    ...unsureParaItems(safeguards.sources, (i) => `part one safeguard ${safeguards[i]!.seq ?? i + 1} "${safeguards[i]!.title ?? ''}"`),
  );
  // A sub-goal always has its 绩效目标 or 绩效指标 lines, and an item a title of words: one
  // without is a line taken for an item (a heading, dot leaders, a line of another section).
  subGoals.forEach((g, i) => {
    const marks = g.title != null && !/[\p{L}\p{N}]/u.test(g.title);
    if (marks || (g.goal == null && g.indicator == null)) {
      messages.push(message('part-one-missing', `part one sub-goal ${g.seq ?? i + 1} "${g.title ?? ''}": ${marks ? 'a title of marks alone' : 'no 绩效目标 or 绩效指标 read'}`, subGoals.sources[i]!));
    }
  });
  safeguards.forEach((g, i) => {
    if (g.title != null && !/[\p{L}\p{N}]/u.test(g.title)) messages.push(message('part-one-missing', `part one safeguard ${g.seq ?? i + 1} "${g.title}": a title of marks alone`, safeguards.sources[i]!));
    // A text of no 汉字 at all (a number, a mark): a page number or a speck read as its text, its own text not read.
    if (g.text != null && !/[\u3400-\u9fff]/u.test(g.text)) messages.push(message('part-one-missing', `part one safeguard ${g.seq ?? i + 1} "${g.title ?? ''}": its text "${g.text}" holds no word`, safeguards.sources[i]!));
  });
  messages.push(...numberingGaps(subGoals, 'sub-goal'), ...numberingGaps(safeguards, 'safeguard'));
  return {
    value: {
      overall_goal: overall.length ? overall.join('\n') : null,
      sub_goals: [...subGoals],
      safeguards: [...safeguards],
      dept_indicators: dept,
    },
    messages,
  };
}
