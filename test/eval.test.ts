/**
 * Accuracy holds: every corpus file (and every re-laid-out PDF fixture) is extracted and
 * scored against its gold, and no figure may fall below the one reached and recorded in
 * test/eval-baseline.json. Raise the baseline when the extractor gets better.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { type EvalResult, evaluateCorpus, evaluateLayouts, evaluateVolumes } from '../src/eval/corpus.js';
import { CATEGORIES } from '../src/eval/score.js';
import { CORPUS, FIXTURES, ROOT, requireShared } from './helpers.js';

type Baseline = Record<string, Record<string, [number, number]>>;
const baseline = JSON.parse(readFileSync(path.join(ROOT, 'test', 'eval-baseline.json'), 'utf8')) as Baseline;

let results: EvalResult[] = [];
beforeAll(async () => {
  requireShared();
  results = [
    ...(await evaluateCorpus(CORPUS)),
    ...(await evaluateLayouts(path.join(FIXTURES, 'layouts'), CORPUS)),
    ...(await evaluateLayouts(path.join(FIXTURES, 'scans'), CORPUS)),
    ...(await evaluateVolumes(path.join(FIXTURES, 'volumes'), CORPUS)),
  ];
}, 300_000);

describe('accuracy against gold', () => {
  it('scores every baseline entry', () => {
    const keys = new Set(results.map((r) => `${r.doc}/${r.format}`));
    for (const k of Object.keys(baseline)) expect(keys, k).toContain(k);
  });

  for (const [key, cats] of Object.entries(baseline)) {
    it(`${key} holds its figures`, () => {
      const r = results.find((x) => `${x.doc}/${x.format}` === key)!;
      expect(r.error).toBeNull();
      for (const c of CATEGORIES) {
        const [ok, total] = cats[c]!;
        const got = r.score[c];
        expect(got.ok / got.total, `${key} ${c}: ${got.ok}/${got.total}, baseline ${ok}/${total}`).toBeGreaterThanOrEqual(ok / total);
      }
    });
  }

  it('no document comes out wrong in silence: every wrong table record has a warning on its table', () => {
    for (const r of results) expect(r.score.silent, `${r.doc}/${r.format}`).toBe(0);
  });

  it('DOCX and text dumps are exact on indicators, values and project fields', () => {
    for (const r of results.filter((x) => x.format === 'docx' || x.format === 'txt' || x.format === 'pdf')) {
      for (const c of ['indicators', 'values', 'projectFields'] as const) {
        expect(r.score[c].ok, `${r.doc}/${r.format} ${c}`).toBe(r.score[c].total);
      }
    }
  });
});
