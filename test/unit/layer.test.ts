/**
 * The eval's judgement of characters lost by a PDF's producer (src/eval/layer.ts): a run left
 * out of what was extracted counts as the producer's loss only where the PDF's text layer holds
 * its neighbours side by side without it.
 */
import { describe, expect, it } from 'vitest';
import { lostByProducer } from '../../src/eval/layer.js';

describe('characters lost by the producer', () => {
  it('a run the text layer lacks between the same neighbours is the producer\'s loss', () => {
    expect(lostByProducer('完成绩效目标评价', '完成绩效目标的评价', '完成绩效目标评价工作')).toBe(true);
    expect(lostByProducer('完成绩效目标评价', '完成绩效目标的评价', '完成绩效目标的评价工作')).toBe(false);
  });
  it('a loss at the very start of the text, against a layer of other text, ends (no neighbour on its left to look for)', () => {
    // The layer of a PDF whose fonts lost their maps is garbage: nothing found, the loss is not the producer's.
    const started = Date.now();
    expect(lostByProducer('目标评价', '绩效目标评价', '!"#$%&\'()*+,-./0123')).toBe(false);
    expect(lostByProducer('标评价', '效标评价', '标评价')).toBe(true);
    expect(Date.now() - started).toBeLessThan(1000);
  });
});
