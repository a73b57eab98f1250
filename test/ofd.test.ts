/**
 * OFD (GB/T 33190): real files from other producers read right (test/fixtures/ofd: OFD R&W,
 * Huhuang, nuonuo, iOFD, Suwell, 百望), and twenty producer styles of a corpus text
 * (test/fixtures/lib/ofd.ts: text per item or per character, DeltaX plain or with `g`
 * repeats, positions in X/Y or in the Boundary, sizes in a CTM, lines as paths, rectangle
 * outlines or thin fills, in a template page or not, prefixes, part paths) each equal to its gold.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CORPUS, FIXTURES, requireShared } from './helpers.js';
import { loadOfd, deltas, pathPolylines } from '../src/loaders/ofd/index.js';
import { extractBytes } from '../src/extract.js';
import { CATEGORIES, scoreDocument } from '../src/eval/score.js';
import { textLayer } from '../src/eval/layer.js';
import { pdfToOfd, styleOf } from './fixtures/lib/ofd.js';
import type { Block } from '../src/model.js';

const text = (blocks: Block[]) => blocks.map((b) => (b.kind === 'para' ? b.text : b.rows.map((r) => r.cells.map((c) => c.text).join('|')).join('\n'))).join('\n');
const sample = (name: string) => readFileSync(path.join(FIXTURES, 'ofd', name));

describe('OFD from other producers', () => {
  it('reads their text, tables and signatures', async () => {
    const cases: Array<[string, string[], number]> = [
      ['converter-helloworld.ofd', ['你好呀，OFD Reader&Writer！'], 0],
      ['sign-DigitalSign.ofd', ['你好呀，OFD Reader&Writer！'], 1],
      ['reader-chineseDir.ofd', ['你好呀，OFD Reader&Writer！'], 0],
      ['converter-999.ofd', ['重庆增值税电子普通发票', '发票号码：12235358', '开票日期：2020年08月05日'], 2],
      ['converter-n.ofd', ['关于同意张阿三同志辞职的批复', '路卫发〔2011〕76号'], 1],
      ['converter-z.ofd', ['11.4字型变换', 'CodePosition|xs:int'], 0],
      ['converter-SignScaleError.ofd', ['发票号码：99934328'], 1],
      ['converter-20240531141733.ofd', ['电子发票（增值税专用发票）', '开票日期：2024年05月28日'], 0],
      ['converter-draw_param_ref.ofd', ['开票日期：2020年02月20日'], 2],
    ];
    for (const [name, snippets, signatures] of cases) {
      const r = await loadOfd(sample(name), { maxPages: 100 });
      const t = text(r.value.blocks);
      for (const s of snippets) expect(t, name).toContain(s);
      expect(r.value.signatures, name).toBe(signatures);
    }
  });

  it('expands DeltaX repeats and reads path data', () => {
    expect(deltas('g 3 1.5 2 g 2 0.5')).toEqual([1.5, 1.5, 1.5, 2, 0.5, 0.5]);
    const [line, curve] = pathPolylines('M 0 0 L 10 0 M 0 5 B 1 1 2 2 3 3 C', [1, 0, 0, 1, 0, 0]);
    expect(line).toMatchObject({ pts: [[0, 0], [10, 0]], curved: false });
    expect(curve).toMatchObject({ curved: true, closed: true });
  });

  it('fails a signed e-invoice as no budget text, its signatures noted, never as a crash', async () => {
    await expect(extractBytes(sample('converter-999.ofd'), 'invoice.ofd')).rejects.toMatchObject({ kind: 'not-budget-text' });
  });
});

describe('OFD renditions of a corpus text in twenty producer styles', () => {
  requireShared();
  it('each equals its gold', async () => {
    const pdf = path.join(CORPUS, 'laoting-park-2023', 'document.pdf');
    const gold = JSON.parse(readFileSync(path.join(CORPUS, 'laoting-park-2023', 'gold.json'), 'utf8'));
    const layer = textLayer(pdf);
    const styles = new Set<string>();
    for (let seed = 1; seed <= 20; seed++) {
      styles.add(styleOf(seed).lines);
      const { record } = await extractBytes(await pdfToOfd(readFileSync(pdf), seed), `seed${seed}.ofd`);
      expect(record.source.format).toBe('ofd');
      const s = scoreDocument(record, gold, layer);
      for (const c of CATEGORIES) expect(`seed ${seed} ${c} ${s[c].ok}/${s[c].total}`).toBe(`seed ${seed} ${c} ${s[c].total}/${s[c].total}`);
      expect(s.silent).toBe(0);
    }
    expect([...styles].sort()).toEqual(['filled', 'paths', 'rects']);
  }, 300_000);
});
