/** The cleaning stage on phenomena of other producers' text layers. */
import { describe, expect, it } from 'vitest';
import { cleanText, codeText } from '../../src/text/clean.js';

describe('cleaning', () => {
  it('maps CJK radicals and compatibility ideographs to the simplified ideographs they stand for', () => {
    expect(cleanText('第⼀部分 项⽬编码')).toBe('第一部分项目编码');
    expect(cleanText('⼾籍 ⻓期 ⻔户')).toBe('户籍长期门户');
    expect(cleanText('\uF967')).toBe('不'); // a compatibility ideograph
    // Ordinary text is left as it is.
    expect(cleanText('戶口（繁體）')).toBe('戶口（繁體）');
  });
});

describe('code points producers write for what the document means', () => {
  it('white space touching a CJK compatibility unit sign (㎡, ㎏) goes, as beside any CJK character', () => {
    expect(cleanText('＞=1.31 ㎡')).toBe('＞=1.31㎡');
    expect(cleanText('≥ 20 ㎏ 以上')).toBe('≥ 20㎏以上');
  });

  it('dingbat circled digits become the circled digits (a typesetter writes ➀ for ①)', () => {
    expect(cleanText('➀加强管理➁规范流程➉')).toBe('①加强管理②规范流程⑩');
    expect(cleanText('➊重点')).toBe('❶重点');
    expect(cleanText('①②')).toBe('①②');
  });

  it('a hyphen or non-breaking hyphen a typesetter writes in text is a hyphen', () => {
    expect(cleanText('根据2016\u20112022年区志编撰')).toBe('根据2016-2022年区志编撰');
    expect(cleanText('A\u2010B')).toBe('A-B');
    expect(cleanText('一\u2014二')).toBe('一\u2014二');
  });

  it('any hyphen variant inside a code is a hyphen; white space goes', () => {
    for (const dash of ['\u2010', '\u2011', '\u2012', '\u2013', '\u2014', '\u2015', '\u2212', '\uFE63', '\uFF0D', '-']) {
      expect(codeText(`13081123P000${dash}046 10002X`)).toBe('13081123P000-04610002X');
    }
  });
});

describe('lines opening a numbered item', async () => {
  const { opensItem } = await import('../../src/text/numbering.js');
  it('the numbers and the official style\'s later ordinals with their comma open one; 一是 and 是 run on in words do not', () => {
    for (const t of ['1.加强管理', '1.2、规范', '（一）总体', '三、保障', '①健全', '二是，及时支付各项运行费用', '三是：坚持']) expect(opensItem(t), t).toBe(true);
    // 一是 may follow a lead-in on its line (目标：一是…); 二是 without its comma runs on in a paragraph (…效率。二是及时…), and a wrap may fall before 是.
    for (const t of ['一是，加强', '二是及时准确做好', '是否有效', '十分必要']) expect(opensItem(t), t).toBe(false);
  });
});
