/**
 * Honesty on the row: each rebuilt indicator row is checked against what its own table says,
 * and a row that disagrees gets a warning naming that row (its `loc.table` / `loc.row`), so a
 * wrong row never comes out in silence even where the table as a whole looked sound.
 *
 * - a cell the rest of the table fills (三级指标, 描述, 指标值, 依据) empty on this row alone, and
 *   a row without its 三级指标 or 指标值 (its name and datum: always), and the row above a
 *   fragment of a row without them (one row's text cut in two);
 * - a row whose cells hold marks alone (dot leaders, specks);
 * - the levels out of their pattern: a 二级指标 the templates put under another 一级指标, or a
 *   一级指标 coming back after another one took over (merged cells read on the wrong rows), or
 *   no 一级指标 over a 二级指标 the templates place under one (its cell not read);
 * - a level name that is no whole name (服务对象满意, 标服务对象满意度指标, 满意度指标服务对象满意度指标:
 *   cut short, or two run together) where the table's other names end in 指标;
 * - a value opening with a 2 where the table's other values open with ≥ or ≤ (≥ read as 2);
 * - (projects) no unit line where the other projects of the document have one, and a field
 *   of the project's own table (项目名称, 资金用途, 绩效目标; 项目编码 and the budget where the
 *   other projects have them) left empty, a 单位名 a few characters off the one the other
 *   projects print, a contents entry a few characters off its project's title.
 * - (projects) a cell empty on many rows of a table, or on all of them, where the document's
 *   other tables fill it (a column lost on a whole table: 依据 cut off, a header not read).
 *
 * These are doubts, not corrections: nothing is changed, the row is said.
 */
import type { Row } from '../model.js';
import type { Indicator, Loc, Project } from '../schema.js';
import { type Message, message } from '../diagnostics.js';
import { LEVEL2_OF } from '../vocab.js';
import { type Place, rowConfidence } from '../loc.js';
import { editDistance } from '../util.js';

type Checked = Pick<Indicator, 'level1' | 'level2' | 'level3' | 'description' | 'value_raw' | 'basis'>;

/** Code points that stand for no character: the replacement character, noncharacters, private use. */
const UNREADABLE = /[\uFFFD\uFFF0-\uFFFF\uE000-\uF8FF]/u;
const ALL_FIELDS: ReadonlyArray<readonly [keyof Checked, string]> = [
  ['level1', '一级指标'],
  ['level2', '二级指标'],
  ['level3', '三级指标'],
  ['description', '绩效指标描述'],
  ['value_raw', '指标值'],
  ['basis', '指标值确定依据'],
];

/**
 * The cells a row is held against its table's other rows on. The levels are whole in every row
 * (a merged cell's text is every row's it spans): a level empty where another row names one is
 * a cell not read, as are an empty 三级指标 or 指标值.
 */
const FIELDS: ReadonlyArray<readonly [keyof Checked, string]> = [
  ['level1', '一级指标'],
  ['level2', '二级指标'],
  ['level3', '三级指标'],
  ['description', '绩效指标描述'],
  ['value_raw', '指标值'],
  ['basis', '指标值确定依据'],
];

/** A level name of words: ends in 指标, holds it once, and does not start with the 标 of a name cut before it. */
const LEVEL_NAME_SHAPE = /^(?!标)(?:(?!指标).)+指标$/u;
/** The level names of the templates. */
const LEVEL_NAMES = [...new Set([...LEVEL2_OF.keys(), ...[...LEVEL2_OF.values()].flat()])];
/** Names ending in 指标, one after the other (a text of two or more is names run together). */
const NAMES_IN = /(?:(?!指标).)+指标/gu;

/** Rows of a table fewer than this give no pattern to hold a row against. */
const MIN_ROWS = 3;

/** The parent 一级指标 each known 二级指标 belongs to (when it belongs to one only, or to equivalent ones). */
const PARENTS = (() => {
  const out = new Map<string, Set<string>>();
  for (const [l1, l2s] of LEVEL2_OF) for (const l2 of l2s) (out.get(l2) ?? out.set(l2, new Set()).get(l2)!).add(l1);
  return out;
})();

/**
 * Messages for the indicator rows of one table (`rows[i]` is the source row of
 * `indicators[i]`); `named`, the cells its header names a column for.
 */
export function indicatorRowChecks(indicators: readonly Checked[], rows: readonly Row[], prefix: string, named: ReadonlySet<keyof Checked> = new Set()): Message[] {
  const out: Message[] = [];
  /** A level empty where the table's other rows name one: said on rows no other message names. */
  const levels: Message[] = [];
  /** A column the header names that no row fills: said on every row, after the rest. */
  const lost: Message[] = [];
  const n = indicators.length;
  const name = (i: number) => `${prefix}indicator row "${indicators[i]!.level3 ?? ''}"`;
  if (n >= 2) {
    for (const [field, label] of FIELDS) {
      const empty = indicators.map((x, i) => (x[field] == null || x[field] === '' ? i : -1)).filter((i) => i >= 0);
      // One row (or a few in a long table) without what every other row has; a row without
      // its 三级指标 or 指标值 (the row's name and datum) wherever another row has them.
      const essential = field === 'level3' || field === 'value_raw' || field === 'level1' || field === 'level2';
      if (empty.length === 0) continue;
      // A column the header names that no row fills (a 依据 column lost whole on a scan: its text
      // read into the cell beside it, or not read at all): held against the header, the other
      // rows being as empty.
      if (!essential && empty.length === n && named.has(field)) {
        for (const i of empty) lost.push(message('indicator-cell-empty', `${name(i)}: ${label} is empty on every row of its table, though its header names the column: the column may have been lost`, [rows[i]!]));
        continue;
      }
      if (!essential && (n < MIN_ROWS || empty.length > Math.max(1, Math.floor(n / 5)))) continue;
      for (const i of empty) {
        // A 一级指标 empty over a known 二级指标 is said below, with the 一级指标 it stands under.
        if (field === 'level1' && PARENTS.has(indicators[i]!.level2 ?? '')) continue;
        (field === 'level1' || field === 'level2' ? levels : out).push(message('indicator-cell-empty', `${name(i)}: ${label} is empty where the other ${n - empty.length} rows of its table fill it`, [rows[i]!]));
      }
    }
  }
  out.push(...valueSymbolChecks(indicators, rows, name));
  // A row of a few characters ending a sentence (a name never does) and no 指标值 under a row whose text runs on (障。 under 为人民群众
  // 卫生健康提供安全保): one row's text cut in two, the row above wrong too.
  indicators.forEach((x, i) => {
    const l3 = x.level3 ?? '';
    if (i > 0 && !x.value_raw && [...l3].length <= 4 && /[。；，]$/u.test(l3) && indicators[i - 1]!.value_raw) {
      out.push(message('indicator-cell-empty', `${name(i - 1)}: the row below ("${l3}") holds no 指标值, perhaps the end of this row's text`, [rows[i - 1]!]));
    }
  });
  // A character that stands for none (U+FFFD, a noncharacter, a private-use code point): a glyph
  // its font maps to no character, left in the text.
  indicators.forEach((x, i) => {
    const cells = ALL_FIELDS.filter(([f]) => UNREADABLE.test(x[f] ?? ''));
    if (cells.length) {
      out.push(message('text-unreadable-char', `${name(i)}: ${cells.map(([f, label]) => `${label} "${x[f]}"`).join(', ')} holds a character that stands for none (a glyph its font maps to no character)`, [rows[i]!]));
    }
  });
  // A row of marks alone (dot leaders of a contents page, specks read as marks): no data.
  indicators.forEach((x, i) => {
    const texts = [x.level3, x.description, x.value_raw].filter((t): t is string => t != null && t !== '');
    if (texts.length && texts.every((t) => !/[\p{L}\p{N}]/u.test(t))) {
      out.push(message('indicator-row-marks', `${name(i)}: its cells hold marks alone (${texts.join(' ')})`, [rows[i]!]));
    }
  });
  // A level name cut short or run into its neighbour's (服务对象满意 | 度指标, 标服务对象满意度指标,
  // 满意度指标服务对象满意度指标), where the table's other names are whole: a name holds 指标 once,
  // at its end, and a name short of it is the start of a known one or of one the table holds.
  for (const field of ['level1', 'level2'] as const) {
    // Two or more names of the templates run together (产出指标效益指标, 产出指标效果指标满意度指标:
    // the rules between merged cells not seen) are said whatever the table's other names are.
    indicators.forEach((x, i) => {
      const t = x[field] ?? '';
      const parts = t.match(NAMES_IN) ?? [];
      if (parts.length >= 2 && parts.join('') === t && parts.every((n) => LEVEL_NAMES.includes(n))) {
        out.push(message('indicator-level-pattern', `${name(i)}: ${field === 'level1' ? '一级指标' : '二级指标'} "${t}" is level names run together (the cells of rows read as one)`, [rows[i]!]));
      }
    });
    const names = indicators.map((x) => x[field] ?? '').filter((t) => /\p{Script=Han}/u.test(t));
    const whole = names.filter((t) => LEVEL_NAME_SHAPE.test(t));
    if (names.length < 2 || whole.length * 2 < names.length) continue;
    // A level of no 汉字 at all (7, a speck or a stray digit read into the cell) where the
    // table's others are names.
    indicators.forEach((x, i) => {
      const t = (x[field] ?? '').trim();
      if (t !== '' && !/\p{Script=Han}/u.test(t)) out.push(message('indicator-level-pattern', `${name(i)}: ${field === 'level1' ? '一级指标' : '二级指标'} "${t}" is no level name where the table's others are`, [rows[i]!]));
    });
    const known = [...whole, ...LEVEL_NAMES];
    indicators.forEach((x, i) => {
      const t = x[field] ?? '';
      if (!/\p{Script=Han}/u.test(t) || LEVEL_NAME_SHAPE.test(t)) return;
      if (!(/指标/.test(t) || /^标/.test(t) || known.some((k) => k.startsWith(t)))) return;
      out.push(message('indicator-level-pattern', `${name(i)}: ${field === 'level1' ? '一级指标' : '二级指标'} "${t}" is no whole level name (cut short, or two run together) where the table's others are`, [rows[i]!]));
    });
  }
  const seen: string[] = [];
  indicators.forEach((x, i) => {
    const { level1, level2 } = x;
    const parents = level2 ? PARENTS.get(level2) : undefined;
    if (!level1 && parents) {
      // A 二级指标 of the templates always stands under a 一级指标: its cell was not read.
      out.push(message('indicator-level-pattern', `${name(i)}: 一级指标 is empty, where 二级指标 ${level2} stands under ${[...parents].join(' or ')}`, [rows[i]!]));
    } else if (level1 && parents && LEVEL2_OF.has(level1) && !parents.has(level1)) {
      out.push(message('indicator-level-pattern', `${name(i)}: 二级指标 ${level2} stands under 一级指标 ${level1}, which never holds it`, [rows[i]!]));
    } else if (level1 && seen.length && seen[seen.length - 1] !== level1 && seen.includes(level1)) {
      out.push(message('indicator-level-pattern', `${name(i)}: 一级指标 ${level1} comes back after ${seen[seen.length - 1]}`, [rows[i]!]));
    }
    if (level1 && seen[seen.length - 1] !== level1) seen.push(level1);
  });
  const said = new Set(out.flatMap((m) => (Array.isArray(m.where) ? m.where : [])));
  out.push(...levels.filter((m) => !(m.where as Row[]).some((r) => said.has(r))), ...lost);
  return out;
}

/** A value opening with a comparison symbol; a value opening with a 2 before more digits, and no symbol. */
const SYMBOL = /^[≥≤><]/u;
const TWO = /^2\d/u;
/** Comparison signs as the values write them (>= is one sign). */
const SIGNS = /[≥≤≧≦＞＜]|[<>]=?/gu;

/**
 * A value read with no comparison symbol, opening with a 2 before more digits, in a table
 * whose other values mostly open with ≥ or ≤: the ≥ may have been read as 2 (`≥5次` read
 * `25次`). Said on the row; nothing is changed (`25次` may be what the document says).
 */
function valueSymbolChecks(indicators: readonly Checked[], rows: readonly Row[], name: (i: number) => string): Message[] {
  const values = indicators.map((x) => (x.value_raw ?? '').trim());
  const out: Message[] = [];
  values.forEach((v, i) => {
    // Two comparison signs in one value (≥48条≥90%10%): the values of several rows run into one cell.
    const signs = v.match(SIGNS)?.length ?? 0;
    if (signs >= 2) out.push(message('indicator-value-symbol', `${name(i)}: 指标值 "${v}" holds ${signs} comparison signs: the values of several rows may have been read as one`, [rows[i]!]));
    // Read by OCR, a number ending in a dot no digit follows (3.万: a speck read as a point).
    if (/^[≥≤<>=]*\d+(\.\d+)?[.·。](?!\d)/u.test(v) && rowConfidence([rows[i]!]) != null) {
      out.push(message('indicator-value-symbol', `${name(i)}: 指标值 "${v}" has a point after its number that no digit follows (a speck read as a point?)`, [rows[i]!]));
    }
    // A rate over 100% that reads as a rate once its leading 2 is taken for a ≥ (到位率 260%):
    // rates of completion, attainment and satisfaction stop at 100% (growth is another matter).
    const rate = /^2(\d+(?:\.\d+)?)\s*(%|％|百分比|百分率)$/u.exec(v);
    const named = `${indicators[i]!.level3 ?? ''}${indicators[i]!.description ?? ''}`;
    const overRate = rate != null && Number(rate[1]) <= 100 && Number(v.slice(0, rate[1]!.length + 1)) > 100 && /率|度/u.test(named) && !/增|提高|提升|超|降低|下降|减少/u.test(named);
    const others = values.filter((o, k) => k !== i && o !== '');
    const symbols = others.filter((o) => SYMBOL.test(o)).length;
    const mostly = symbols >= 2 && symbols * 2 > others.length;
    if (overRate && !mostly) {
      out.push(message('indicator-value-symbol', `${name(i)}: 指标值 "${v}" is a rate over 100%; with its 2 read for a ≥ it would be ≥${rate![1]}${rate![2]}`, [rows[i]!]));
    } else if (TWO.test(v) && mostly) {
      out.push(message('indicator-value-symbol', `${name(i)}: 指标值 "${v}" opens with a 2 where ${symbols} of the other ${others.length} values of its table open with ≥ or ≤ (a ≥ read as 2?)`, [rows[i]!]));
    } else if (/^\d/u.test(v) && mostly && rowConfidence([rows[i]!]) != null && symbols * 4 >= others.length * 3) {
      // Read by OCR (a text layer's value is what is printed): a number with no sign where
      // three in four of the table's values open with one — a faint sign the model left out.
      out.push(message('indicator-value-symbol', `${name(i)}: 指标值 "${v}" opens with no comparison sign where ${symbols} of the other ${others.length} values of its table open with one (a faint sign not read?)`, [rows[i]!]));
    }
  });
  return out;
}

/** Project fields every project of the templates fills from its own table, and those most projects do. */
const ALWAYS: ReadonlyArray<keyof Project> = ['project_name', 'fund_use', 'goals'];
const USUALLY: ReadonlyArray<keyof Project> = ['project_code', 'budget_total', 'budget_fiscal'];

/**
 * Messages for projects with a table whose own fields are empty where the templates always
 * fill them (项目名称, 资金用途, 绩效目标) or where the document's other projects fill them
 * (项目编码, the budget): the cell was lost or not read. Said on the project's table.
 */
export function projectFieldChecks(projects: readonly Project[], places: ReadonlyArray<readonly Row[]>): Message[] {
  const out: Message[] = [];
  const empty = (p: Project, f: keyof Project) => p[f] == null || (Array.isArray(p[f]) && (p[f] as unknown[]).length === 0);
  projects.forEach((p, i) => {
    if (!places[i]?.length) return;
    const others = projects.filter((_, k) => k !== i && places[k]?.length);
    const missing = [...ALWAYS, ...USUALLY].filter((f) => {
      if (!empty(p, f)) return false;
      const filled = others.filter((q) => !empty(q, f)).length;
      return others.length ? filled * 2 > others.length : ALWAYS.includes(f);
    });
    if (missing.length) out.push(message('project-field-missing', `project ${p.seq} "${p.title}": no ${missing.join(', ')} read from its table`, places[i]!));
    // A project code of another length than the document's other codes share (three at least,
    // most of them): a character lost or read in (…10002 for …10002G).
    const code = p.project_code;
    if (code) {
      const lengths = others.map((q) => q.project_code?.length).filter((n): n is number => n != null);
      const usual = lengths.find((n) => lengths.filter((m) => m === n).length * 2 > lengths.length);
      if (lengths.length >= 3 && usual != null && code.length !== usual) {
        out.push(message('project-field-missing', `project ${p.seq} "${p.title}": project_code "${code}" has ${code.length} characters where the document's other codes have ${usual}`, places[i]!));
      }
    }
  });
  return out;
}

/** A project's own place (its table) as a place for a message, from its loc. */
function projectPlace(p: Project): Place[] {
  const l = p.loc;
  if (l == null || (l.page == null && l.table == null)) return []; // an inserted project has no place
  return [{ page: l.page, pageEnd: l.page_end, bbox: l.bbox, ...(l.table != null ? { at: { table: l.table, row: l.row ?? 0 } } : {}) }];
}

/** Whether two readings are one text misread (a few characters apart) rather than two texts. */
function misread(a: string, b: string): boolean {
  const d = editDistance(a, b);
  return d > 0 && d <= Math.max(1, Math.floor(Math.min([...a].length, [...b].length) / 5));
}

/**
 * The contents against the project tables: a contents entry whose title is a few characters
 * off the title of the project of the same number is one of them misread (or misprinted).
 * Said on the project's table (and on the contents entry by the caller's toc-no-table).
 */
export function tocTitleChecks(toc: ReadonlyArray<{ seq: number; title: string }>, projects: readonly Project[]): Message[] {
  const out: Message[] = [];
  for (const e of toc) {
    const p = projects.find((q) => q.seq === e.seq);
    if (!p?.title || p.title === e.title || projects.some((q) => q.title === e.title) || !misread(p.title, e.title)) continue;
    out.push(message('toc-title-mismatch', `project ${p.seq} "${p.title}": its contents entry reads "${e.title}"`, projectPlace(p)));
  }
  return out;
}

/**
 * The unit line repeated over projects: a project whose 单位名 is a few characters off the one
 * most of the document's projects print (not another unit, the same one misread). Said on
 * that project's table.
 */
export function unitNameChecks(projects: readonly Project[], places: ReadonlyArray<readonly Row[]>): Message[] {
  const out: Message[] = [];
  const names = projects.map((p) => p.unit_name).filter((n): n is string => n != null);
  const counts = new Map<string, number>();
  for (const n of names) counts.set(n, (counts.get(n) ?? 0) + 1);
  const [common, times] = [...counts].sort((a, b) => b[1] - a[1])[0] ?? ['', 0];
  if (times < 2 || times * 2 <= names.length) return out;
  projects.forEach((p, i) => {
    if (p.unit_name && p.unit_name !== common && misread(p.unit_name, common)) {
      out.push(message('unit-line-mismatch', `project ${p.seq} "${p.title}": 单位名 "${p.unit_name}" where ${times} other projects print "${common}"`, places[i]?.length ? places[i]! : projectPlace(p)));
    }
  });
  return out;
}

/** Messages for projects without the unit line (单位编码 单位名, 单位：万元) that the document's other projects have. */
export function unitLineChecks(projects: readonly Project[], places: ReadonlyArray<readonly Row[]>): Message[] {
  const out: Message[] = [];
  const n = projects.length;
  if (n < 2) return out;
  const withCode = projects.filter((p) => p.unit_code != null).length;
  const withMoney = projects.filter((p) => p.money_unit != null).length;
  projects.forEach((p, i) => {
    const missing = [p.unit_code == null && withCode > n / 2 ? '单位编码 and 单位名' : null, p.money_unit == null && withMoney > n / 2 ? '单位：(money unit)' : null].filter(Boolean);
    if (missing.length) out.push(message('project-unit-line-missing', `project ${p.seq} "${p.title}": no ${missing.join(' or ')} where the other projects have one`, places[i] ?? []));
  });
  return out;
}

/** The place a located indicator row's `loc` names, for a message on that row. */
function placeOf(loc: Loc): Place {
  return { page: loc.page, pageEnd: loc.page_end, bbox: loc.bbox, line: loc.line, ...(loc.table != null && loc.row != null ? { at: { table: loc.table, row: loc.row } } : {}) };
}

/** Share of the other tables' rows that must fill a field for its absence on a table to be said. */
const OTHERS_FILL = 0.9;

/**
 * Messages for the rows of a project table that leave a field empty (三级指标, 描述, 指标值,
 * 依据) on more rows than the table's own check takes up (more than a fifth, or all), where the
 * document's other project tables fill it on nearly every row.
 */
export function columnChecks(projects: ReadonlyArray<Pick<Project, 'seq' | 'title' | 'indicators'>>): Message[] {
  const out: Message[] = [];
  for (const [field, label] of FIELDS) {
    const isEmpty = (x: Checked) => x[field] == null || x[field] === '';
    projects.forEach((p) => {
      const rows = p.indicators;
      const empty = rows.filter(isEmpty);
      const n = rows.length;
      // The table's own check says one or a few empty cells of a table of three rows or more.
      if (empty.length === 0 || (n >= MIN_ROWS && empty.length <= Math.max(1, Math.floor(n / 5)))) return;
      const others = projects.filter((q) => q !== p).flatMap((q) => q.indicators);
      if (others.length < MIN_ROWS || others.filter((x) => !isEmpty(x)).length < others.length * OTHERS_FILL) return;
      for (const x of empty) {
        if (!x.loc) continue;
        out.push(message('indicator-cell-empty', `project ${p.seq} "${p.title}": indicator row "${x.level3 ?? ''}": ${label} is empty on ${empty.length} of its table's ${n} rows where the document's other tables fill it`, [placeOf(x.loc)]));
      }
    });
  }
  return out;
}
