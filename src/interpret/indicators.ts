/**
 * Indicator table rows (一级/二级/三级指标 · 绩效指标描述 · 指标值 · 指标值确定依据) → records.
 *
 * Two layouts: the current one (one 指标值 column) and the 2020 one whose 指标值 splits into
 * 符号 / 值 / 单位（文字描述） columns. Columns are found from the header row's grid positions;
 * a row whose cells cannot be placed on that grid (a text dump that dropped empty cells) is
 * placed by what each cell looks like, with a warning where that cannot be certain.
 */
import { type Cell, type Row, cellAt } from '../model.js';
import type { Indicator } from '../schema.js';
import { locOf, rowConfidence } from '../loc.js';
import { type Message, type Result, message } from '../diagnostics.js';
import { indicatorRowChecks } from './checks.js';
import {
  INDICATOR_LABEL_WORDS as LABEL_WORDS,
  LEVEL1_NAME as LEVEL1,
  LEVEL_NAME_END,
  SYMBOL_CELL as SYMBOL,
  TEXT_VALUE_SYMBOL,
  isIndicatorHeaderRow as isHeaderRow,
  isSplitSubheaderRow as isSubheaderRow,
  INDICATOR_COLUMNS,
  INDICATOR_SPLIT_COLUMNS,
} from '../vocab.js';
import { cleanText } from '../text/clean.js';
import { parseSplitValue, parseValue } from '../normalize/value.js';

type Field = 'level1' | 'level2' | 'level3' | 'description' | 'value' | 'symbol' | 'number' | 'unit' | 'basis';

const HEADER: ReadonlyArray<readonly [Field, RegExp]> = INDICATOR_COLUMNS;
const SUBHEADER: ReadonlyArray<readonly [Field, RegExp]> = INDICATOR_SPLIT_COLUMNS;

/** Column of each field on the table grid. */
export type ColumnMap = Partial<Record<Field, number>>;


/** A header cell's label without marks around it (specks read as dots by OCR: 指标值确定依据……). */
const headerLabel = (t: string) => t.replace(/^[\s.·…。，、,:：;；]+|[\s.·…。，、,:：;；]+$/gu, '');

function mapColumns(header: Row | null, sub: Row | null): ColumnMap {
  const map: ColumnMap = {};
  if (header) {
    const unnamed: Cell[] = [];
    for (const c of header.cells) {
      if (c.merged) continue;
      const labels = HEADER.filter(([, re]) => re.test(headerLabel(c.text)));
      for (const [f] of labels) if (map[f] === undefined) map[f] = c.col;
      if (labels.length === 0) unnamed.push(c);
    }
    byPlace(map, unnamed);
  }
  if (sub) {
    for (const c of sub.cells) for (const [f, re] of SUBHEADER) if (re.test(headerLabel(c.text)) && map[f] === undefined) map[f] = c.col;
  }
  // 依据 stands after 单位: a header label set over the 单位 column (rebuilt from text
  // positions, the label reaching left of its own column) is the next column's.
  if (map.basis !== undefined && map.unit !== undefined && map.basis <= map.unit) map.basis = map.unit + 1;
  return map;
}


/**
 * Header cells no label names (a label misread by OCR: 一一级指标, 二级指杯, or a photocopy's
 * 一 and 二 lost: 级指标 · 级指标) by where they stand: the columns keep the templates' order,
 * so the unnamed cells between two named columns (or an end of the row) are the fields none
 * names there, in order, where they are as many as those fields.
 */
function byPlace(map: ColumnMap, unnamed: readonly Cell[]): void {
  for (let i = 0; i < HEADER.length; i++) {
    if (map[HEADER[i]![0]] !== undefined) continue;
    const lo = i - 1;
    let hi = i + 1;
    while (hi < HEADER.length && map[HEADER[hi]![0]] === undefined) hi++;
    const from = lo >= 0 ? map[HEADER[lo]![0]]! : -Infinity;
    const to = hi < HEADER.length ? map[HEADER[hi]![0]]! : Infinity;
    const between = unnamed.filter((c) => c.col > from && c.col < to && c.text !== '').sort((a, b) => a.col - b.col);
    if (between.length === hi - i) between.forEach((c, k) => (map[HEADER[i + k]![0]] = c.col));
    i = hi - 1;
  }
}

/** The split value's parts: one header cell (指标值) stands over them. */
const VALUE_PARTS: ReadonlySet<Field> = new Set<Field>(['symbol', 'number', 'unit']);
/** A field as a message names it: the split value's parts are the value. */
const FIELD_LABEL = (f: Field): string => (VALUE_PARTS.has(f) ? 'value' : f);

const SPLIT_LAYOUT: Field[] = ['level1', 'level2', 'level3', 'description', 'symbol', 'number', 'unit', 'basis'];
const PLAIN_LAYOUT: Field[] = ['level1', 'level2', 'level3', 'description', 'value', 'basis'];


function canonicalOrder(map: ColumnMap): Field[] {
  return map.symbol !== undefined ? SPLIT_LAYOUT : PLAIN_LAYOUT;
}

/** Places a row's cell texts on the layout when grid columns are not trustworthy. */
function placeByShape(texts: string[], order: Field[]): { placed: Placed; unplaced: string | null } {
  const out: Placed = {};
  if (texts.length === order.length) {
    order.forEach((f, i) => (out[f] = texts[i]!));
    return { placed: out, unplaced: null };
  }
  const rest = [...texts];
  // Leading fields: an empty cell or a level-1 name is 一级指标; then a name ending in 指标 is 二级指标.
  // A vanished empty cell of a merged 一级指标 leaves the row starting at 二级指标.
  if (rest.length && (rest[0] === '' || LEVEL1.test(rest[0]!) || (LEVEL_NAME_END.test(rest[0]!) && LEVEL_NAME_END.test(rest[1] ?? '')))) {
    out.level1 = rest.shift()!;
  }
  if (rest.length && LEVEL_NAME_END.test(rest[0]!)) out.level2 = rest.shift()!;
  if (order === SPLIT_LAYOUT) {
    const s = rest.findIndex((t, i) => i > 0 && SYMBOL.test(t) && t !== '');
    if (s >= 0) {
      out.symbol = rest[s]!;
      out.number = rest[s + 1] ?? '';
      out.unit = rest[s + 2] ?? '';
      out.basis = rest.slice(s + 3).join('');
      rest.splice(s);
    }
  } else if (rest.length >= 2) {
    out.basis = rest.pop()!;
    out.value = rest.pop()!;
  }
  out.level3 = rest.shift() ?? '';
  out.description = rest.join('');
  const unplaced =
    out.description === '' && texts.length < order.length
      ? `indicator row "${out.level3}": ${order.length - texts.length} empty cell(s) missing from the source; 三级指标 and 绩效指标描述 cannot be told apart, description left empty`
      : null;
  return { placed: out, unplaced };
}

type Placed = Partial<Record<Field, string>>;

const DECIMAL = /^(\d+)\.(\d+)$/;

/**
 * 值 cells of a split layout are printed in one fixed format (`7.00`, `10.00`). Where a
 * producer let the start of the 单位 cell spill into the 值 cell (`10.00100` | `%以下计满分…`
 * for `10.00` | `100%以下计满分…`), the 值 cell has more decimals than every other value of
 * its column: the extra digits go back to the front of the 单位 cell, with a warning. Only
 * when at least three other values agree on the format, and never for a cell that is the
 * column's only kind.
 */
function repairNumberOverflow(rows: Placed[]): Array<{ index: number; said: string }> {
  const out: Array<{ index: number; said: string }> = [];
  const decimals = rows.map((f) => DECIMAL.exec(f.number ?? '')?.[2]?.length ?? null);
  const counts = new Map<number, number>();
  for (const d of decimals) if (d !== null) counts.set(d, (counts.get(d) ?? 0) + 1);
  const [format, agree] = [...counts].sort((a, b) => b[1] - a[1])[0] ?? [0, 0];
  if (agree < 3) return out;
  rows.forEach((f, i) => {
    const d = decimals[i];
    if (d === null || d === undefined || d <= format) return;
    const m = DECIMAL.exec(f.number!)!;
    const number = `${m[1]}.${m[2]!.slice(0, format)}`;
    const spill = m[2]!.slice(format);
    out.push({ index: i, said: `indicator "${cleanText(f.level3 ?? '')}": 值 cell "${f.number}" has more decimals than its column (${format}); read as ${number} with "${spill}" starting the 单位 cell` });
    f.number = number;
    f.unit = `${spill}${f.unit ?? ''}`;
  });
  return out;
}

/**
 * Reads indicator rows from `rows` (the header row included). `gridReliable` says whether the
 * cells' column positions are real (DOCX, PDF, tab-per-column dumps) or mere order; `unruled`,
 * that some of the table was rebuilt from text positions (no rules show where a merged cell
 * begins and ends).
 */
export function readIndicatorTable(rows: readonly Row[], gridReliable = true, where = '', unruled = false): Result<Indicator[]> {
  const messages: Message[] = [];
  const indicators: Indicator[] = [];
  let header: Row | null = null;
  let sub: Row | null = null;
  let map: ColumnMap | null = null;
  let last1 = '';
  let last2 = '';
  const placed: Placed[] = [];
  const sources: Row[] = [];
  let layout: Field[] = PLAIN_LAYOUT;
  for (const row of rows) {
    if (isHeaderRow(row)) {
      if (!map) header = row;
      continue;
    }
    if (isSubheaderRow(row)) {
      if (!map) sub = row;
      map = null;
      continue;
    }
    if (!header && !sub) continue;
    map ??= mapColumns(header, sub);
    const order = canonicalOrder(map);
    const nonEmpty = row.cells.filter((c) => c.text !== '');
    if (nonEmpty.length === 0) continue;

    let f: Placed;
    if (gridReliable) {
      f = {};
      // A cell standing over several fields is read once within the value's 符号 · 值 · 单位
      // (its text goes to the first of them); over the columns of two header cells, it is
      // read for each and said on the row: the columns of a table without lines may be joined.
      const readBy = new Map<Cell, Field>();
      const spans = new Set<string>();
      for (const field of order) {
        const col = map[field];
        const cell = col === undefined ? undefined : cellAt(row, col);
        const first = cell && readBy.get(cell);
        if (cell && first === undefined) readBy.set(cell, field);
        if (first !== undefined && VALUE_PARTS.has(first) && VALUE_PARTS.has(field)) f[field] = '';
        else {
          f[field] = cell?.text ?? '';
          if (first !== undefined && cell!.text !== '') spans.add(`${FIELD_LABEL(first)} and ${FIELD_LABEL(field)}`);
        }
      }
      if (spans.size) messages.push(message('indicator-cell-spans', `${where}indicator row "${cleanText(f.level3 ?? '')}": one cell stands over ${[...spans].join(', ')} (its text read for each): the table's columns may be joined on this row`, [row]));
    } else {
      const shaped = placeByShape(row.cells.map((c) => c.text), order);
      f = shaped.placed;
      if (shaped.unplaced) messages.push(message('cells-unplaced', `${where}${shaped.unplaced}`, [row]));
    }
    if (row.unsure) messages.push(message('cells-unplaced', `${where}indicator row "${cleanText(f.level3 ?? '')}": ${row.unsure}`, [row]));
    placed.push(f);
    sources.push(row);
    layout = order;
  }
  if (!header && !sub && rows.some((r) => r.cells.some((c) => c.text !== ''))) {
    messages.push(message('table-header-unknown', `${where}no indicator header row (一级/二级/三级指标…) was recognised; its rows were not read`, rows));
  }
  if (layout === SPLIT_LAYOUT) {
    for (const o of repairNumberOverflow(placed)) messages.push(message('value-cell-overflow', `${where}${o.said}`, [sources[o.index]!]));
  }
  placed.forEach((f, i) => {
    const row = sources[i]!;
    const loc = locOf([row]);
    const level1 = f.level1 || last1;
    const level2 = f.level2 || last2;
    if (!level1 && !level2) {
      messages.push(message('indicator-no-level', `${where}indicator row "${cleanText(f.level3 ?? '')}" has no 一级/二级指标`, [row]));
    }
    // Its own cells, and the levels it takes from the rows above (a header row not told as one
    // lends them its labels).
    const labels = ([...Object.entries(f), ...(f.level1 ? [] : [['level1', level1]]), ...(f.level2 ? [] : [['level2', level2]])] as [Field, string][]).filter(([, t]) => LABEL_WORDS.test(cleanText(t)));
    if (labels.length) {
      messages.push(message('indicator-label-value', `${where}indicator row holds header words (${labels.map(([k, t]) => `${k}: ${t}`).join(', ')})`, [row]));
    }
    // A row carried over a page break takes the 一级指标 of the rows before the break; where the
    // next row opens another 一级指标 and no rule shows where the merged cells begin (a table
    // without rules), that cell may be the next one's, its text set in the middle of the rows
    // it spans, below this row (效果指标 over two rows).
    const col1 = map?.level1;
    const own1 = col1 === undefined ? undefined : cellAt(row, col1);
    const next1 = placed[i + 1]?.level1 ?? '';
    const before = sources[i - 1];
    const afterBreak = before != null && before.page != null && row.page != null && row.page > before.page;
    if (unruled && !f.level1 && last1 && afterBreak && !own1?.merged && next1 && cleanText(next1) !== cleanText(last1)) {
      messages.push(message('indicator-level-pattern', `${where}indicator row "${cleanText(f.level3 ?? '')}": 一级指标 "${cleanText(last1)}" is taken from the rows before the page break, while the next row opens "${cleanText(next1)}": a merged cell set in the middle of its rows may be this row's too`, [row]));
    }
    last1 = level1;
    last2 = level2;
    const valueRaw =
      layout === SPLIT_LAYOUT
        ? f.symbol === TEXT_VALUE_SYMBOL
          ? (f.unit ?? '')
          : `${f.symbol ?? ''}${f.number ?? ''}${f.unit ?? ''}`
        : (f.value ?? '');
    const value_raw = cleanText(valueRaw) || null;
    indicators.push({
      level1: level1 || null,
      level2: level2 || null,
      level3: cleanText(f.level3 ?? '') || null,
      description: cleanText(f.description ?? '') || null,
      value_raw,
      value: layout === SPLIT_LAYOUT ? parseSplitValue(f.symbol ?? '', f.number ?? '', f.unit ?? '') : parseValue(value_raw),
      basis: cleanText(f.basis ?? '') || null,
      loc,
      confidence: rowConfidence([row]),
    });
  });
  const named = new Set((['description', 'basis'] as const).filter((f) => map?.[f] !== undefined));
  messages.push(...indicatorRowChecks(indicators, sources, where, named));
  return { value: indicators, messages };
}
