/**
 * The value normalizer against the example table of shared/spec/values.md, read from the
 * spec itself so that the code follows the contract as written.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseSplitValue, parseValue } from '../../src/normalize/value.js';
import { SPEC } from '../helpers.js';

interface Example {
  raw: string;
  /** 符号 / 值 / 单位 cells, for rows of a table that splits the value into those columns. */
  cells: [string, string, string] | null;
  symbol: string | null;
  number: number | null;
  unit: string | null;
  text: string | null;
}

function specExamples(): Example[] {
  const md = readFileSync(path.join(SPEC, 'values.md'), 'utf8');
  const section = md.slice(md.indexOf('## Examples'));
  const rows = section.split('\n').filter((l) => l.startsWith('|') && !/^\|\s*-/.test(l)).slice(1);
  return rows.map((line) => {
    const cells = line.split('|').slice(1, -1).map((c) => c.trim());
    const ticks = (s: string) => [...s.matchAll(/`([^`]*)`/g)].map((m) => m[1]!);
    const plain = (s: string) => (s === 'null' ? null : (ticks(s)[0] ?? s));
    const first = cells[0]!;
    // "文字描述 row whose unit column says `…`": the value is that text; otherwise the first quoted value.
    const quoted = ticks(first);
    const raw = first.startsWith('文字描述') ? quoted[quoted.length - 1]! : quoted[0]!;
    // "(符号/值/单位 columns `>=` `90.00` `%`)": the three cells follow the joined value.
    const split: Example["cells"] = first.startsWith('文字描述')
      ? ['文字描述', '', raw]
      : quoted.length === 4
        ? [quoted[1]!, quoted[2]!, quoted[3]!]
        : null;
    return {
      raw,
      cells: split,
      symbol: plain(cells[1]!),
      number: cells[2] === 'null' ? null : Number(cells[2]),
      unit: plain(cells[3]!),
      text: plain(cells[4]!),
    };
  });
}

describe('values.md examples', () => {
  const examples = specExamples();
  it('reads the whole example table', () => {
    expect(examples.length).toBeGreaterThanOrEqual(20);
  });
  for (const ex of examples) {
    it(`${ex.raw}`, () => {
      const got = ex.cells ? parseSplitValue(...ex.cells) : parseValue(ex.raw);
      expect(got).toEqual({ symbol: ex.symbol, number: ex.number, unit: ex.unit, text: ex.text });
    });
  }
});

describe('value normalizer details', () => {
  it('cleans before parsing (spaces touching CJK, before ²)', () => {
    expect(parseValue('≥85 百分比')).toEqual({ symbol: '≥', number: 85, unit: '%', text: null });
    expect(parseValue('≤28134m ²')).toEqual({ symbol: '≤', number: 28134, unit: 'm²', text: null });
  });
  it('drops thousands separators', () => {
    expect(parseValue('≥1,387.93m²').number).toBe(1387.93);
  });
  it('reads the sign spellings', () => {
    expect(parseValue('>=90').symbol).toBe('≥');
    expect(parseValue('≧90').symbol).toBe('≥');
    expect(parseValue('＞=90').symbol).toBe('≥');
    expect(parseValue('<=5').symbol).toBe('≤');
    expect(parseValue('＜5').symbol).toBe('<');
    expect(parseValue('＝5').symbol).toBe('=');
  });
  it('keeps a date whole, with the sign as written', () => {
    expect(parseValue('≤2024年6月底')).toEqual({ symbol: '≤', number: null, unit: null, text: '2024年6月底' });
    expect(parseValue('2024-01-02')).toEqual({ symbol: '=', number: null, unit: null, text: '2024-01-02' });
  });
  it('reads split 符号/值/单位 cells apart, falling back to the joined text when 值 is not a number', () => {
    expect(parseSplitValue('', '12', '个')).toEqual({ symbol: '=', number: 12, unit: '个', text: null });
    expect(parseSplitValue('', '', '')).toEqual({ symbol: null, number: null, unit: null, text: null });
    expect(parseSplitValue('≤', '2024年6月底', '')).toEqual({ symbol: '≤', number: null, unit: null, text: '2024年6月底' });
    expect(parseSplitValue('>=', '1,387.93', 'm2')).toEqual({ symbol: '≥', number: 1387.93, unit: 'm²', text: null });
  });
  it('gives all-null for an empty value', () => {
    expect(parseValue('')).toEqual({ symbol: null, number: null, unit: null, text: null });
  });
});
