/**
 * Labels of a project table that are a cell's whole text, in any layout: where a table has no
 * drawn lines, the text under such a label is the next row's (项目绩效模板 above 资金用途).
 * Only labels no other cell begins with (绩效目标 begins 绩效目标申报, 资金用途 a sentence).
 */
export const WHOLE_LABEL = /^(项目编码|项目名称|项目绩效模板|预算规模及资金用途)$/;
