/**
 * Honesty on the row: each rebuilt indicator row is checked against what its own table says,
 * and a row that disagrees gets a warning naming that row (its `loc.table` / `loc.row`), so a
 * wrong row never comes out in silence even where the table as a whole looked sound.
 *
 * - a cell the rest of the table fills (三级指标, 描述, 指标值, 依据) empty on this row alone;
 * - the levels out of their pattern: a 二级指标 the templates put under another 一级指标, or a
 *   一级指标 coming back after another one took over (merged cells read on the wrong rows);
 * - (projects) no unit line where the other projects of the document have one.
 *
 * These are doubts, not corrections: nothing is changed, the row is said.
 */
import type { Row } from '../model.js';
import type { Indicator, Project } from '../schema.js';
import { type Message, message } from '../diagnostics.js';
import { LEVEL2_OF } from '../vocab.js';

type Checked = Pick<Indicator, 'level1' | 'level2' | 'level3' | 'description' | 'value_raw' | 'basis'>;

const FIELDS: ReadonlyArray<readonly [keyof Checked, string]> = [
  ['level3', '三级指标'],
  ['description', '绩效指标描述'],
  ['value_raw', '指标值'],
  ['basis', '指标值确定依据'],
];

/** Rows of a table fewer than this give no pattern to hold a row against. */
const MIN_ROWS = 3;

/** The parent 一级指标 each known 二级指标 belongs to (when it belongs to one only, or to equivalent ones). */
const PARENTS = (() => {
  const out = new Map<string, Set<string>>();
  for (const [l1, l2s] of LEVEL2_OF) for (const l2 of l2s) (out.get(l2) ?? out.set(l2, new Set()).get(l2)!).add(l1);
  return out;
})();

/** Messages for the indicator rows of one table (`rows[i]` is the source row of `indicators[i]`). */
export function indicatorRowChecks(indicators: readonly Checked[], rows: readonly Row[], prefix: string): Message[] {
  const out: Message[] = [];
  const n = indicators.length;
  const name = (i: number) => `${prefix}indicator row "${indicators[i]!.level3 ?? ''}"`;
  if (n >= MIN_ROWS) {
    for (const [field, label] of FIELDS) {
      const empty = indicators.map((x, i) => (x[field] == null || x[field] === '' ? i : -1)).filter((i) => i >= 0);
      // One row (or a few in a long table) without what every other row has.
      if (empty.length === 0 || empty.length > Math.max(1, Math.floor(n / 5))) continue;
      for (const i of empty) out.push(message('indicator-cell-empty', `${name(i)}: ${label} is empty where the other ${n - empty.length} rows of its table fill it`, [rows[i]!]));
    }
  }
  const seen: string[] = [];
  indicators.forEach((x, i) => {
    const { level1, level2 } = x;
    const parents = level2 ? PARENTS.get(level2) : undefined;
    if (level1 && parents && LEVEL2_OF.has(level1) && !parents.has(level1)) {
      out.push(message('indicator-level-pattern', `${name(i)}: 二级指标 ${level2} stands under 一级指标 ${level1}, which never holds it`, [rows[i]!]));
    } else if (level1 && seen.length && seen[seen.length - 1] !== level1 && seen.includes(level1)) {
      out.push(message('indicator-level-pattern', `${name(i)}: 一级指标 ${level1} comes back after ${seen[seen.length - 1]}`, [rows[i]!]));
    }
    if (level1 && seen[seen.length - 1] !== level1) seen.push(level1);
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
