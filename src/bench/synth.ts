/**
 * Small synthetic budget texts for the archive-scale bench: text dumps in the corpus's layout
 * (tab per column), each made from a seed — its department, unit code, year, projects, budget
 * figures (万元 with two to four decimals), spending plan and indicators differ — so that every
 * one has its own bytes, doc_id and text_key. About 3 kB each.
 */
import { Rng } from '../eval/gen/random.js';

const PLACES = ['乐亭县', '滦州市', '丰宁县', '围场县', '兴隆县', '平泉市', '隆化县', '承德县', '宽城县', '滦平县'];
const UNITS = ['城区工业聚集区管理委员会', '农业农村局', '教育和体育局', '卫生健康局', '文化广电和旅游局', '交通运输局', '水务局', '自然资源和规划局'];
const PROJECTS = ['园区基础设施维护及企业服务费', '招商经费', '农村公路养护补助', '义务教育学校运转经费', '基层卫生服务能力提升', '文化惠民演出', '河道清淤维护', '国土空间规划编制'];
const INDICATORS: Array<[string, string, string, () => string]> = [
  ['产出指标', '数量指标', '完成任务数量', () => '≥1000米'],
  ['产出指标', '质量指标', '验收通过率', () => '≥90%'],
  ['产出指标', '时效指标', '实施进度', () => '≥95%'],
  ['产出指标', '成本指标', '成本控制率', () => '≤100%'],
  ['效益指标', '社会效益指标', '服务覆盖人数', () => '≥5000人'],
  ['效益指标', '可持续影响指标', '长效管护机制', () => '长期'],
  ['满意度指标', '服务对象满意度指标', '群众满意度', () => '≥90%'],
];

/** A money figure in 万元 with two to four decimals. */
function money(r: () => number): string {
  const decimals = 2 + Math.floor(r() * 3);
  return (1 + r() * 2000).toFixed(decimals);
}

/** The text dump of synthetic document `i`. */
export function synthDocument(i: number): string {
  const rng = new Rng(i);
  const r = () => rng.next();
  const place = PLACES[i % PLACES.length]!;
  const unit = `${place}${UNITS[Math.floor(r() * UNITS.length)]!}${String(i).padStart(6, '0')}号`;
  const code = String(100000 + (i % 899999));
  const year = 2020 + (i % 6);
  const out: string[] = [
    ' 第一部分',
    '部门整体绩效目标',
    '一、总体绩效目标',
    `${unit}围绕年度重点工作，保障各项业务正常运转，提升公共服务水平（第${i}号文本）。`,
    '二、分项绩效目标',
    '1、业务运转经费',
    '绩效目标：保障单位日常运转，按时完成各项工作任务。',
    '绩效指标：任务完成率达到95%以上。',
    '三、工作保障措施',
    '1、完善制度建设：制定完善预算绩效管理制度。',
    '2、加强支出管理：确保支出进度达标。',
    '第二部分',
    '预算项目绩效目标',
  ];
  const projects = 1 + Math.floor(r() * 2);
  for (let p = 1; p <= projects; p++) {
    const name = PROJECTS[Math.floor(r() * PROJECTS.length)]!;
    const total = money(r);
    const plan = [0.15, 0.4, 0.7, 1].map((f) => (Number(total) * f).toFixed(2));
    out.push(
      `${p}.${name}绩效目标表`,
      `\t${code}${unit}`,
      '\t单位：万元',
      '',
      '\t项目编码',
      `\t13${code.slice(0, 4)}${String(year).slice(2)}P${String(i).padStart(8, '0')}${p}`,
      '\t项目名称',
      `\t${name}`,
      '',
      '\t预算规模及资金用途',
      '\t预算数',
      `\t${total}`,
      '\t其中：财政资金',
      `\t${total}`,
      '\t其他资金',
      '\t ',
      '',
      '\t',
      `\t用于${name}，保障项目按期实施。`,
      '',
      '\t资金支出计划（%）',
      '\t3月底',
      '\t6月底',
      '\t10月底',
      '\t12月底',
      '',
      '\t',
      ...plan.map((v) => `\t${v}`),
      '',
      '\t绩效目标',
      `\t1.按期完成${name}，提升服务质量。`,
      '',
      '',
      ' ',
      '\t一级指标',
      '\t二级指标',
      '\t三级指标',
      '\t绩效指标描述',
      '\t指标值',
      '\t指标值确定依据',
      '',
    );
    const n = 3 + Math.floor(r() * 4);
    let last = '';
    for (let k = 0; k < n; k++) {
      const [l1, l2, l3, v] = INDICATORS[(k + i) % INDICATORS.length]!;
      out.push(`\t${l1 === last ? '' : l1}`, `\t${l2}`, `\t${l3}`, `\t${l3}`, `\t${v()}`, '\t年初预算安排', '');
      last = l1;
    }
    out.push('', '');
  }
  return `${out.join('\n')}\n`;
}
