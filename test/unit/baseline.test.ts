/**
 * The eval's recorded floors only rise (src/eval/baseline.ts): a recording that would take a
 * figure down, leave an entry out or let silent rows grow is named, so --write-baseline can
 * refuse it (a fall recorded as the floor is a fall the tests no longer see).
 */
import { describe, expect, it } from 'vitest';
import { baselineFalls } from '../../src/eval/baseline.js';

describe('baseline floors', () => {
  const held = { 'a/pdf:fakebold': { partOne: [12, 12] as [number, number], documentFields: [16, 16] as [number, number] }, 's020/txt-pdftotext': { partOne: [8, 8] as [number, number], silentRows: 3 } };

  it('the same or higher figures record', () => {
    expect(baselineFalls(held, { ...held, 'b/docx': { partOne: [1, 2] } })).toEqual([]);
    expect(baselineFalls(held, { ...held, 's020/txt-pdftotext': { partOne: [8, 8], silentRows: 1 } })).toEqual([]);
  });

  it('a share that falls, an entry or figure left out and silent rows that grow are named', () => {
    const next = { 'a/pdf:fakebold': { partOne: [10, 12] as [number, number] }, 's020/txt-pdftotext': { partOne: [8, 8] as [number, number], silentRows: 5 } };
    expect(baselineFalls(held, next)).toEqual(['a/pdf:fakebold partOne: 12/12 -> 10/12', 'a/pdf:fakebold documentFields: no longer recorded', 's020/txt-pdftotext silentRows: 3 -> 5']);
    expect(baselineFalls(held, {})).toEqual(['a/pdf:fakebold: no longer recorded', 's020/txt-pdftotext: no longer recorded']);
  });
});
