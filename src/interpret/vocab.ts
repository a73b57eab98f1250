/** Words of the project table that several stages recognise. */

export { PERIOD } from '../text/periods.js';

/** Cell texts that are labels of a project table, never values. */
export const LABEL =
  /^(项目编码|项目名称|预算规模及资金用途|预算数|预算金额|年度资金总额|资金总额|预算总额|(其中[：:])?(财政(拨款)?资金|财政拨款)|(其中[：:])?其他资金|资金用途|资金支出计划.*|绩效目标|目标\d+|项目绩效模板|预算项目绩效表|年度绩效目标|实施期绩效目标|主管部门|实施单位)$/;

/** Labels that open a row of a project table (a row starting with one is never the rest of a cut row). */
export const ROW_LABEL = /^(项目编码|项目名称|预算规模及资金用途|预算数|资金用途|资金支出计划|绩效目标|一级指标|目标\d+|预算项目绩效表|项目绩效模板)/;
