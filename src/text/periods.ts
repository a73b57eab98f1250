/** A spending-plan period heading: 3月底, 第一季度, 全年 … (a cell of its own in any layout). */
export const PERIOD = /^(\d{1,2}月(底|末)|第?[一二三四1-4]季度(末)?|全年|上半年|下半年)$/;
