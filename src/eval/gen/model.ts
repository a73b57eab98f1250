/**
 * Synthesises a budget performance text no one has seen, per seed, with its gold.
 *
 * The corpus golds are the pools: project names, fund uses, goals, indicator rows (level
 * names, 三级指标, descriptions, bases), part one's goals and safeguards. A seed recombines
 * and perturbs them — other departments and units (long ones that wrap), long and short
 * project names, more or fewer projects and indicator rows, values written the many ways
 * values.md allows, 符号/值/单位 split layouts, a cover with or without 草案, a contents page —
 * and the gold is written from what the generator put in (output-contract.md), never by
 * reading the rendition back or by the project's own normaliser.
 */
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { Rng } from './random.js';
import { type GenValue, type GoldValue, generateValue, goldValue } from './values.js';

export interface GenIndicator {
  level1: string;
  level2: string;
  level3: string;
  description: string;
  value: GenValue;
  basis: string;
}

export interface GenProject {
  seq: number;
  /** Printed number before the title (`1.`), or null for an unnumbered title. */
  number: string | null;
  title: string;
  unit: { code: string; name: string; sep: string; moneyLabel: string; moneyUnit: string } | null;
  code: string;
  name: string;
  /** One-line budget row (预算数 / 其中：财政资金 / 其他资金) as printed, or null (a 资金用途 row only). */
  budget: { total: string; fiscal: string; other: string; totalN: number; fiscalN: number; otherN: number | null } | null;
  fundUse: string;
  planLabel: string;
  plan: Array<{ period: string; value: string | null }>;
  goals: string[];
  /** Goals as 目标1 / 目标2 rows (the 2020 template) instead of one cell of paragraphs. */
  goalRows: boolean;
  /** The table opens with 预算项目绩效表 and 项目绩效模板 rows (the 2020 template). */
  templateRows: boolean;
  split: boolean;
  indicators: GenIndicator[];
}

export interface GenSubGoal { num: string; seq: string; title: string; goal: string; indicator: string }
export interface GenSafeguard { num: string; seq: string; title: string; text: string; inline: boolean }

export interface GenDoc {
  seed: number;
  year: number;
  department: string;
  cover: { titleLines: string[]; title: string; draft: string | null; compiled: string | null; reviewed: string | null } | null;
  toc: { entries: Array<{ seq: number; title: string; page: number | null }>; partOne: Array<[string, number]>; firstPage: number } | null;
  partOne: {
    heading: [string, string];
    oneLine: boolean;
    overallHeading: string;
    overall: string;
    subHeading: string;
    subGoals: GenSubGoal[];
    safeHeading: string;
    safeguards: GenSafeguard[];
    /**
     * Part one's department table. Its heading is a section of its own (四、…), or numbered as
     * the next item of the safeguards (as the corpus prints it: then it is one more safeguard,
     * without text).
     */
    dept: { heading: string; asSafeguard: { seq: string; title: string } | null; split: boolean; rows: GenIndicator[] } | null;
  };
  partTwoHeading: [string, string];
  projects: GenProject[];
}

interface Pools {
  projects: Array<{ name: string; fundUse: string; goals: string[] }>;
  rows: Array<{ level1: string; level2: string; level3: string; description: string; basis: string; raw: string | null; value: GoldValue | null }>;
  overall: string[];
  subGoals: Array<{ title: string; goal: string; indicator: string }>;
  safeguards: Array<{ title: string; text: string }>;
}

type Gold = {
  document: { title: string | null; department: string | null; year: number | null; draft: boolean; compiled_by: string | null; reviewed_by: string | null; toc: Array<{ seq: number; title: string; page: number | null }> };
  part_one: { overall_goal: string | null; sub_goals: unknown[]; safeguards: unknown[]; dept_indicators: unknown[] };
  projects: Array<Record<string, unknown>>;
  warnings: unknown[];
};

/** The corpus golds' parts, read once. */
export function readPools(corpus: string): Pools {
  const pools: Pools = { projects: [], rows: [], overall: [], subGoals: [], safeguards: [] };
  for (const id of readdirSync(corpus).sort()) {
    const file = path.join(corpus, id, 'gold.json');
    if (!existsSync(file)) continue;
    const g = JSON.parse(readFileSync(file, 'utf8')) as {
      part_one: Gold['part_one'];
      projects: Array<{ project_name: string | null; fund_use: string | null; goals: string[]; indicators: Array<{ level1: string | null; level2: string | null; level3: string | null; description: string | null; basis: string | null; value_raw: string | null; value: GoldValue }> }>;
    };
    // A corpus table with 符号/值/单位 columns: its values' cells are not known, so its rows
    // lend their words only (their values are generated).
    const split = g.projects.some((p) => p.indicators.some((i) => /^(>=|<=|=)/.test(i.value_raw ?? '')));
    for (const p of g.projects) {
      if (p.project_name && p.fund_use && p.goals.length) pools.projects.push({ name: p.project_name, fundUse: p.fund_use, goals: p.goals });
      for (const i of p.indicators) {
        if (!i.level1 || !i.level2 || !i.level3 || !i.description || !i.basis) continue;
        pools.rows.push({ level1: i.level1, level2: i.level2, level3: i.level3, description: i.description, basis: i.basis, raw: split ? null : i.value_raw, value: split ? null : i.value });
      }
    }
    if (g.part_one.overall_goal) pools.overall.push(g.part_one.overall_goal);
    for (const s of g.part_one.sub_goals as Array<Record<string, string | null>>) {
      if (s.title && s.goal && s.indicator && s.seq) pools.subGoals.push({ title: s.title, goal: s.goal, indicator: s.indicator });
    }
    for (const s of g.part_one.safeguards as Array<Record<string, string | null>>) {
      if (s.title && s.text && s.seq) pools.safeguards.push({ title: s.title.replace(/。$/, ''), text: s.text });
    }
  }
  return pools;
}

/** Departments: the corpus's and others of the same kind, short and long (a long one wraps its unit line). */
const DEPARTMENTS = [
  '乐亭县城区工业聚集区管理委员会',
  '承德高新技术产业开发区经济与科技发展局',
  '承德高新技术产业开发区党政综合办公室(社会管理综合治理办公室)本级',
  '滦南县农业农村局',
  '平泉市自然资源和规划局',
  '宽城满族自治县卫生健康局',
  '丰宁满族自治县教育和体育局本级',
  '承德高新技术产业开发区城市管理综合行政执法局（市容环境卫生管理处、园林绿化管理处）本级',
  '围场满族蒙古族自治县住房和城乡建设局（人民防空办公室）',
  '隆化县财政局',
  '兴隆县文化广电和旅游局',
  '承德高新技术产业开发区社会事务局（教育体育局、卫生健康局、民政局、人力资源和社会保障局）本级',
];
const REGIONS: ReadonlyArray<readonly [string, string]> = [
  ['130811', '承德高新区'], ['130225', '乐亭县'], ['130224', '滦南县'], ['130881', '平泉市'],
  ['130827', '宽城满族自治县'], ['130826', '丰宁满族自治县'], ['130828', '围场满族蒙古族自治县'], ['130825', '隆化县'],
];
/** Qualifiers that make a project name long. */
const LONGER = ['（含大数据研发展示中心及广通数字电视传输中心运行维护）', '及配套基础设施运行维护专项资金', '（第二批）', '与信息化平台升级改造项目'];
const SHORT_NAMES = ['区志专项', '协会会费', '招商经费', '法制建设', '热线服务专项'];
const ALNUM = '0123456789ABCDEFGHJKLMNPQRSTUVWXYZ';
const NUMBERS_CN = ['一', '二', '三', '四', '五', '六', '七', '八', '九', '十'];

function codeOf(rng: Rng, region: string, year: number, style: number): string {
  if (style === 0) return `${region}${String(year % 100).padStart(2, '0')}P${Array.from({ length: 12 }, () => rng.pick([...ALNUM.slice(0, rng.chance(0.8) ? 10 : ALNUM.length)])).join('')}`;
  const part = (n: number) => Array.from({ length: n }, () => rng.pick([...ALNUM])).join('');
  return `${rng.int(100, 480)}-0${rng.int(100, 999)}-YBN-${part(4)}`;
}

function money(rng: Rng): [string, number] {
  const n = rng.pick([rng.int(1, 20), rng.int(20, 900), rng.int(1000, 9000)]) + rng.pick([0, 0, 0.5, rng.int(1, 99) / 100]);
  const s = n.toFixed(2);
  return [s, Number(s)];
}

function numbering(style: number, i: number): [string, string] {
  const cn = NUMBERS_CN[i] ?? String(i + 1);
  switch (style) {
    case 0: return [`${i + 1}.`, String(i + 1)];
    case 1: return [`${i + 1}、`, String(i + 1)];
    case 2: return [`（${cn}）`, cn];
    default: return [`(${cn})`, cn];
  }
}

/** A numbering that a text's own lines also use would make its sub-items look like items. */
function clashes(text: string, style: number): boolean {
  return text.split('\n').some((l) => (style < 2 ? /^\d+[.、．]/.test(l) : /^[（(][一二三四五六七八九十]+[）)]/.test(l)));
}

const LEVEL1_ORDER = ['产出指标', '效益指标', '效果指标', '满意度指标'];

function indicatorRows(rng: Rng, pools: Pools, year: number, split: boolean, n: number): GenIndicator[] {
  const picked = rng.sample(pools.rows, n);
  // Rows of one 一级指标 together, in the usual order; 二级指标 kept together within it.
  picked.sort((a, b) => LEVEL1_ORDER.indexOf(a.level1) - LEVEL1_ORDER.indexOf(b.level1) || a.level2.localeCompare(b.level2));
  return picked.map((r) => ({
    level1: r.level1,
    level2: r.level2,
    level3: r.level3,
    description: r.description,
    basis: r.basis,
    value: !split && r.raw && r.value && rng.chance(0.4) ? goldValue(r.raw, r.value) : generateValue(rng, year),
  }));
}

export function generateDoc(seed: number, pools: Pools): GenDoc {
  const rng = new Rng(seed, 1);
  const year = rng.int(2019, 2026);
  const department = rng.pick(DEPARTMENTS);
  const [region, county] = rng.pick(REGIONS);
  const hasCover = rng.chance(0.6);
  const cover = hasCover
    ? (() => {
        const draft = rng.pick([null, '（草案）', '(草案)']);
        const titleLines = rng.chance(0.6) ? [department, `${year}年部门预算绩效文本`] : [`${department}${year}年部门预算绩效文本`];
        return {
          titleLines,
          title: `${department}${year}年部门预算绩效文本`,
          draft,
          compiled: rng.chance(0.8) ? `${department}编制` : null,
          reviewed: rng.chance(0.8) ? `${county}财政局审核` : null,
        };
      })()
    : null;

  // Part one.
  const subStyle = rng.int(0, 3);
  const subGoals = rng.sample(pools.subGoals, rng.int(1, 4)).map((s, i) => {
    const [num, seq] = numbering(subStyle, i);
    return { num, seq, ...s };
  });
  const safeStyle = rng.int(0, 3);
  const safeguards = rng
    .sample(pools.safeguards.filter((s) => !clashes(s.text, safeStyle)), rng.int(2, 5))
    .map((s, i) => {
      const [num, seq] = numbering(safeStyle, i);
      return { num, seq, ...s, inline: !s.text.includes('\n') && !/[。：:]/.test(s.title) && rng.chance(0.3) };
    });
  const deptSplit = rng.chance(0.3);
  const dept = rng.chance(0.3)
    ? (() => {
        const section = rng.pick([true, false]);
        const [num, seq] = numbering(safeStyle, safeguards.length);
        const title = '部门整体支出绩效指标情况表';
        const asSafeguard = section ? null : { seq, title };
        return { heading: section ? `四、${title}` : `${num}${title}`, asSafeguard, split: deptSplit, rows: indicatorRows(rng, pools, year, deptSplit, rng.int(3, 7)) };
      })()
    : null;
  const withYear = !cover && rng.chance(0.5);
  const partOne = {
    heading: ['第一部分', withYear ? `${year}年部门整体绩效目标` : '部门整体绩效目标'] as [string, string],
    oneLine: rng.chance(0.5),
    overallHeading: rng.pick(['一、总体绩效目标', '一、部门整体绩效目标']),
    overall: rng.pick(pools.overall),
    subHeading: '二、分项绩效目标',
    subGoals,
    safeHeading: rng.pick(['三、工作保障措施', '三、保障措施']),
    safeguards,
    dept,
  };

  // Part two.
  const nProjects = rng.pick([1, 2, 2, 3, 3, 4, 5, 6]);
  const template2020 = rng.chance(0.2);
  const split = template2020 ? rng.chance(0.8) : rng.chance(0.25);
  const withUnit = !template2020 || rng.chance(0.3);
  const unitCode = String(rng.int(100, 480)) + String(rng.int(1, 9)).padStart(3, '0');
  const unitName = rng.chance(0.7) ? department : rng.pick(DEPARTMENTS);
  const unitSep = rng.pick([' ', '', '  ']);
  const moneyLabel = rng.pick(['单位：万元', '单位：万元', '单位:万元', '金额单位：万元']);
  const codeStyle = template2020 && rng.chance(0.7) ? 1 : 0;
  const numbered = !template2020 || rng.chance(0.5);
  const numberSep = rng.pick(['.', '.', '、']);
  const planLabel = rng.pick(['资金支出计划（%）', '资金支出计划(%)', '资金支出计划（累计进度%）', '资金支出计划']);
  const projects: GenProject[] = rng.sample(pools.projects, nProjects).map((p, i) => {
    let name = p.name;
    const r = rng.next();
    if (r < 0.25) name = `${name}${rng.pick(LONGER)}`;
    else if (r < 0.35) name = rng.pick(SHORT_NAMES);
    const title = `${name}${rng.pick(['绩效目标表', '绩效目标表', '项目绩效目标表'])}`;
    const budget = template2020
      ? null
      : (() => {
          const [total, totalN] = money(rng);
          const other = rng.chance(0.25) ? Math.round(totalN * rng.real(0.1, 0.5) * 100) / 100 : null;
          const fiscalN = other == null ? totalN : Math.round((totalN - other) * 100) / 100;
          return { total, fiscal: fiscalN.toFixed(2), other: other == null ? '' : other.toFixed(2), totalN, fiscalN, otherN: other };
        })();
    const periods = rng.pick([['3月底', '6月底', '10月底', '12月底'], ['3月底', '6月底', '9月底', '12月底'], ['3月底', '6月底', '10月底']]);
    const pct = rng.chance(0.5);
    const plan = periods.map((period, k) => {
      if (rng.chance(0.2)) return { period, value: null };
      const v = Math.min(100, Math.round(((k + 1) / periods.length) * 100));
      return { period, value: pct ? `${v}%` : `${v}.00` };
    });
    return {
      seq: i + 1,
      number: numbered ? `${i + 1}${numberSep}` : null,
      title,
      unit: withUnit ? { code: unitCode, name: unitName, sep: unitSep, moneyLabel, moneyUnit: '万元' } : null,
      code: codeOf(rng, region, year, codeStyle),
      name,
      budget,
      fundUse: p.fundUse,
      planLabel,
      plan,
      goals: rng.sample(p.goals, rng.int(1, p.goals.length)),
      goalRows: template2020,
      templateRows: template2020 && rng.chance(0.7),
      split,
      indicators: indicatorRows(rng, pools, year, split, rng.int(3, 12)),
    };
  });

  const hasToc = hasCover && rng.chance(0.7);
  let page = rng.int(3, 6);
  const toc = hasToc
    ? {
        firstPage: 1,
        partOne: [[partOne.overallHeading, 1], [partOne.subHeading, 1], [partOne.safeHeading, rng.int(1, 3)]] as Array<[string, number]>,
        entries: projects.map((p) => ({ seq: p.number ? p.seq : p.seq, title: p.title, page: rng.chance(0.08) ? null : (page += rng.int(1, 2)) })),
      }
    : null;
  return {
    seed,
    year,
    department,
    cover,
    toc,
    partOne,
    partTwoHeading: ['第二部分', '预算项目绩效目标'],
    projects,
  };
}

/** The gold document (output-contract.md) of a generated document: what the generator put in. */
export function goldOf(d: GenDoc): Gold {
  const first = d.projects[0];
  return {
    document: {
      title: d.cover ? d.cover.title : null,
      department: d.cover ? d.department : (first?.unit?.name ?? null),
      year: d.year,
      draft: d.cover?.draft != null,
      compiled_by: d.cover?.compiled ?? null,
      reviewed_by: d.cover?.reviewed ?? null,
      toc: d.toc ? d.toc.entries.map((e) => ({ ...e })) : [],
    },
    part_one: {
      overall_goal: d.partOne.overall,
      sub_goals: d.partOne.subGoals.map((s) => ({ seq: s.seq, title: s.title, goal: s.goal, indicator: s.indicator })),
      safeguards: [
        ...d.partOne.safeguards.map((s) => ({ seq: s.seq, title: s.title, text: s.text as string | null })),
        ...(d.partOne.dept?.asSafeguard ? [{ ...d.partOne.dept.asSafeguard, text: null }] : []),
      ],
      dept_indicators: d.partOne.dept ? d.partOne.dept.rows.map((r) => indicatorGold(r, d.partOne.dept!.split)) : [],
    },
    projects: d.projects.map((p) => ({
      seq: p.seq,
      title: p.title,
      unit_code: p.unit?.code ?? null,
      unit_name: p.unit?.name ?? null,
      money_unit: p.unit?.moneyUnit ?? null,
      project_code: p.code,
      project_name: p.name,
      budget_total: p.budget?.totalN ?? null,
      budget_fiscal: p.budget?.fiscalN ?? null,
      budget_other: p.budget?.otherN ?? null,
      fund_use: p.fundUse,
      spending_plan: p.plan.map((x) => ({ ...x })),
      goals: [...p.goals],
      indicators: p.indicators.map((r) => indicatorGold(r, p.split)),
      explanation: null,
    })),
    warnings: [],
  };
}

function indicatorGold(r: GenIndicator, split: boolean) {
  return {
    level1: r.level1,
    level2: r.level2,
    level3: r.level3,
    description: r.description,
    value_raw: split ? r.value.rawSplit : r.value.rawSingle,
    value: { ...r.value.value },
    basis: r.basis,
  };
}
