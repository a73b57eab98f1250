/**
 * Property-based tests (fast-check) for the value normalizer and the text-repair functions:
 * they never throw, are idempotent where they should be, and keep every non-space character
 * of their input (a CJK radical or compatibility ideograph counted as the ideograph it stands
 * for, and a hyphen or non-breaking hyphen as `-`: cleaning maps them, as the contract asks; control
 * characters are removed, as they must be).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseValue } from '../../src/normalize/value.js';
import { cleanText, joinLines } from '../../src/text/clean.js';
import { unifyIdeographs } from '../../src/text/compat.js';
import { splitGoals } from '../../src/interpret/project.js';
import { stitchRows } from '../../src/repair/stitch.js';
import type { Row } from '../../src/model.js';
import { fsPath, nameFromBytes, nameToBytes, readablePath } from '../../src/fsname.js';

/** Strings built from the characters budget texts are made of, spaces and odd ones included. */
const piece = fc.constantFrom(
  '≥', '≤', '>=', '<=', '＞', '=', '85', '1,387.93', '.', '0', '2024', '年', '6月底', '百分比', '%', '％', 'm', '²', '2',
  '万元', '万', '/人', '次', '村的数量', '满意度', ' ', '  ', '\t', '\n', '\u3000', 'A', 'OA', '指标', '（', '）', '、', '。',
  '[bookmark: _Toc1]', '-', '1.', '2.', 'x',
);
const text = fc.oneof(fc.array(piece, { maxLength: 12 }).map((a) => a.join('')), fc.string({ maxLength: 30 }), fc.string({ maxLength: 20, unit: 'grapheme' }));
const nonSpace = (s: string) => unifyIdeographs(s).replace(/[\u2010\u2011]/g, '-').replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u200E\u200F\u202A-\u202E\u2066-\u2069]/g, '').replace(/\[bookmark:[^\]]*\]/g, '').replace(/[\s\u00A0\u200B-\u200D\uFEFF]/g, '');

describe('cleanText', () => {
  it('never throws, is idempotent, keeps every non-space character', () => {
    fc.assert(
      fc.property(text, (s) => {
        const c = cleanText(s);
        expect(cleanText(c)).toBe(c);
        expect(nonSpace(c)).toBe(nonSpace(s));
        expect(c).not.toMatch(/[\r\n\t]|^\s|\s$|\s{2}/);
      }),
      { numRuns: 2000 },
    );
  });
});

describe('joinLines', () => {
  it('never throws, keeps every non-space character, is stable on its own output', () => {
    fc.assert(
      fc.property(fc.array(text, { maxLength: 6 }), (lines) => {
        const j = joinLines(lines);
        expect(nonSpace(j)).toBe(nonSpace(lines.join('')));
        expect(joinLines([j])).toBe(j);
      }),
      { numRuns: 2000 },
    );
  });
});

describe('parseValue', () => {
  it('never throws and gives a well-formed value', () => {
    fc.assert(
      fc.property(text, (s) => {
        const v = parseValue(s);
        expect([null, '≥', '≤', '>', '<', '=']).toContain(v.symbol);
        if (v.number != null) expect(Number.isFinite(v.number)).toBe(true);
        if (v.text != null) expect(cleanText(s)).toContain(v.text);
        if (v.number != null) expect(v.symbol).not.toBeNull();
      }),
      { numRuns: 3000 },
    );
  });
  it('is deterministic and unchanged by cleaning first', () => {
    fc.assert(
      fc.property(text, (s) => {
        expect(parseValue(cleanText(s))).toEqual(parseValue(s));
      }),
      { numRuns: 2000 },
    );
  });
});

describe('splitGoals', () => {
  it('keeps every non-space character of the goals cell', () => {
    fc.assert(
      fc.property(fc.array(text, { maxLength: 4 }), (paras) => {
        expect(nonSpace(splitGoals(paras).join(''))).toBe(nonSpace(paras.join('')));
      }),
      { numRuns: 1000 },
    );
  });
});

describe('stitchRows', () => {
  const cellText = fc.oneof(fc.constant(''), fc.constantFrom('产出指标', '数量指标', '一级指标', '二级指标', '三级指标', '指标值', '标', '依据', '≥90%'), text);
  const row = fc.record({
    texts: fc.array(cellText, { minLength: 1, maxLength: 6 }),
    breakBefore: fc.boolean(),
  });
  it('never throws and never invents text', () => {
    fc.assert(
      fc.property(fc.array(row, { maxLength: 8 }), (spec) => {
        const rows: Row[] = spec.map((r) => ({
          page: null,
          breakBefore: r.breakBefore,
          cells: r.texts.map((t, i) => ({ text: cleanText(t), paras: [cleanText(t)], col: i, colSpan: 1, merged: false })),
        }));
        const out = stitchRows(rows);
        const all = (rs: Row[]) => nonSpace(rs.flatMap((r) => r.cells.map((c) => c.text)).join(''));
        // Stitching only drops repeated headers and joins cut rows: no character appears that was not there.
        const have = all(rows);
        for (const ch of all(out)) expect(have).toContain(ch);
      }),
      { numRuns: 1000 },
    );
  });
});

describe('file names as bytes (src/fsname.ts)', () => {
  it('any bytes survive the string form exactly, and their readable form is well-formed text', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 40 }), (raw) => {
        const bytes = Buffer.from(raw.filter((b) => b !== 0x2f && b !== 0)); // a name: no / or NUL
        const name = nameFromBytes(bytes);
        expect(nameToBytes(name).equals(bytes)).toBe(true);
        expect(Buffer.from(fsPath(name)).equals(bytes)).toBe(true);
        expect(readablePath(name).isWellFormed()).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });
  it('UTF-8 names stay as they are; GBK names read as Chinese; other bytes as \\xNN', () => {
    expect(nameFromBytes(Buffer.from('乐亭公园.txt'))).toBe('乐亭公园.txt');
    expect(fsPath('乐亭公园.txt')).toBe('乐亭公园.txt');
    expect(readablePath(nameFromBytes(Buffer.from([0xc0, 0xd6, 0xcd, 0xa4, 0x2e, 0x70, 0x64, 0x66])))).toBe('乐亭.pdf');
    expect(readablePath(`/in/${nameFromBytes(Buffer.from('caf\xe9-1.txt', 'latin1'))}`)).toBe('/in/caf\\xe9-1.txt');
    expect(readablePath('bad-\u001b[2J.pdf')).toBe('bad-\\u001b[2J.pdf');
  });
});
