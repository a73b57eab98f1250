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
