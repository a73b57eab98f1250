/** The cleaning stage on phenomena of other producers' text layers. */
import { describe, expect, it } from 'vitest';
import { cleanText } from '../../src/text/clean.js';

describe('cleaning', () => {
  it('maps CJK radicals and compatibility ideographs to the simplified ideographs they stand for', () => {
    expect(cleanText('第⼀部分 项⽬编码')).toBe('第一部分项目编码');
    expect(cleanText('⼾籍 ⻓期 ⻔户')).toBe('户籍长期门户');
    expect(cleanText('\uF967')).toBe('不'); // a compatibility ideograph
    // Ordinary text is left as it is.
    expect(cleanText('戶口（繁體）')).toBe('戶口（繁體）');
  });
});
