/**
 * Pages drawn turned (src/loaders/pdf/orient.ts): a printer driver's landscape sheet whose
 * /Rotate turns the drawing back upright, and the same page saved sideways. Both are the
 * pdftocairo drawing of the corpus PDF, like the `cairo` rendition, turned a quarter round
 * (test/fixtures/make_producers.py): each must read exactly as the upright one, and its boxes
 * must lie on the page as a viewer shows it.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { extractBytes } from '../src/extract.js';
import type { DocumentRecord } from '../src/schema.js';
import { FIXTURES } from './helpers.js';

const layout = (name: string) => path.join(FIXTURES, 'layouts', name);

/** The document's data without where it came from. */
function data(record: DocumentRecord): unknown {
  return JSON.parse(JSON.stringify({ projects: record.projects, part_one: record.part_one }, (k, v) => (k === 'loc' ? undefined : v)));
}

describe('pages drawn turned', () => {
  it.each(['chengde-office-2020', 'laoting-park-2023'])('%s: turned and sideways read as the upright drawing', async (id) => {
    const upright = await extractBytes(readFileSync(layout(`${id}.cairo.pdf`)), `${id}.cairo.pdf`);
    for (const variant of ['turned', 'sideways']) {
      const turned = await extractBytes(readFileSync(layout(`${id}.${variant}.pdf`)), `${id}.${variant}.pdf`);
      expect(data(turned.record), variant).toEqual(data(upright.record));
      const locs = (r: DocumentRecord) => r.projects.flatMap((p) => p.indicators.map((i) => i.loc));
      if (variant === 'turned') {
        // Shown upright by its /Rotate: the same boxes as the upright drawing.
        for (const [a, b] of locs(turned.record).map((l, k) => [l, locs(upright.record)[k]!] as const)) {
          expect(a.page).toBe(b.page);
          a.bbox!.forEach((v, j) => expect(Math.abs(v - b.bbox![j]!)).toBeLessThan(1));
        }
      } else {
        // Shown sideways, on a landscape page 842 points wide: every box lies on it, and a
        // table row, wide on the upright page, stands tall.
        for (const l of locs(turned.record)) expect(l.bbox![2]).toBeLessThanOrEqual(842.5);
        expect(locs(turned.record).some((l) => l.bbox![3] - l.bbox![1] > 300)).toBe(true);
      }
    }
  });
});
