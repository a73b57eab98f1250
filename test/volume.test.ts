/**
 * Compiled volumes (汇编): a file binding several budget texts yields one document per text,
 * in order, each equal to its gold, with its page range and its own doc_id — for the committed
 * PDF, DOCX and text-dump volumes of the three corpus texts (make_volumes.py), for twenty seeded
 * volumes of the texts in other orders and numbers, and through the batch (the manifest's parts).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CORPUS, FIXTURES, ROOT, requireShared } from './helpers.js';
import { extractDocuments } from '../src/extract.js';
import { CATEGORIES, scoreDocument } from '../src/eval/score.js';
import { textLayer } from '../src/eval/layer.js';
import { rng } from './fixtures/lib/ofd.js';
import { VolumeSplitter } from '../src/volume.js';
import { InputError } from '../src/errors.js';
import { extractBytes } from '../src/extract.js';

const DIR = path.join(FIXTURES, 'volumes');
const ORDER = (JSON.parse(readFileSync(path.join(DIR, 'volume.json'), 'utf8')) as { texts: string[] }).texts;
const gold = (id: string) => JSON.parse(readFileSync(path.join(CORPUS, id, 'gold.json'), 'utf8'));

function exact(record: Parameters<typeof scoreDocument>[0], id: string, layer: string | null, what: string): void {
  const s = scoreDocument(record, gold(id), layer);
  for (const c of CATEGORIES) expect(`${what} ${id} ${c} ${s[c].ok}/${s[c].total}`).toBe(`${what} ${id} ${c} ${s[c].total}/${s[c].total}`);
}

describe('compiled volumes', () => {
  requireShared();

  for (const ext of ['pdf', 'docx', 'txt']) {
    it(`a ${ext} volume of the three corpus texts yields three documents equal to their golds`, async () => {
      const file = path.join(DIR, `volume.${ext}`);
      const docs = await extractDocuments(readFileSync(file), file);
      expect(docs.map((d) => d.record.source.part?.seq)).toEqual([1, 2, 3]);
      const layer = ext === 'pdf' ? textLayer(file) : null;
      docs.forEach((d, i) => exact(d.record, ORDER[i]!, layer, ext));
      // Each text its own id: the first the file's, the others from the file's sha256 and their place.
      const ids = docs.map((d) => d.record.doc_id);
      expect(new Set(ids).size).toBe(3);
      expect(ids[0]).toBe(docs[0]!.record.source.sha256.slice(0, 16));
      if (ext === 'pdf') expect(docs.map((d) => d.record.source.part?.pages)).toEqual([[1, 16], [17, 35], [36, 39]]);
      // A caller asking for one document is told what the file is.
      await expect(extractBytes(readFileSync(file), file)).rejects.toMatchObject({ kind: 'compiled-volume' } satisfies Partial<InputError>);
    }, 120_000);
  }

  it('twenty seeded text-dump volumes (other orders, numbers and separators) yield each text equal to its gold', async () => {
    const dumps = Object.fromEntries(ORDER.map((id) => [id, readFileSync(path.join(CORPUS, id, 'source.txt'), 'utf8').replace(/\s+$/, '')]));
    for (let seed = 1; seed <= 20; seed++) {
      const r = rng(seed);
      const n = 2 + Math.floor(r() * 4);
      const ids = Array.from({ length: n }, () => ORDER[Math.floor(r() * ORDER.length)]!);
      // Texts set apart by blank lines, a form feed, or a page number standing alone.
      const seps = ['\n\n', '\n\f\n', '\n\n- 12 -\n\n', '\n\n\n\n'];
      const text = ids.map((id) => dumps[id]).reduce((a, b) => `${a}${seps[Math.floor(r() * seps.length)]}${b}`);
      const docs = await extractDocuments(Buffer.from(text), `seed${seed}.txt`);
      expect(docs.length, `seed ${seed}: ${ids.join(', ')}`).toBe(n);
      docs.forEach((d, i) => exact(d.record, ids[i]!, null, `seed ${seed}`));
    }
  }, 300_000);

  it('hands each text back as soon as the next opens, holding one text at a time', () => {
    const s = new VolumeSplitter<string>();
    const back: string[][] = [];
    const push = (u: string, m: { opens?: boolean; projects?: boolean; coverish?: boolean }) => {
      const done = s.push(u, { opens: false, projects: false, coverish: false, ...m });
      if (done) back.push(done);
    };
    push('a1', { opens: true });
    // A 第一部分 heading before the text's project tables is the same text's (its contents opened it).
    push('a2', { opens: true });
    push('a3', { projects: true });
    push('a4', {});
    push('b-cover', { coverish: true });
    expect(back).toEqual([]);
    push('b-toc', { opens: true, coverish: true });
    expect(back).toEqual([['a1', 'a2', 'a3', 'a4']]);
    push('b1', { opens: true });
    push('b2', { projects: true });
    expect(s.end()).toEqual(['b-cover', 'b-toc', 'b1', 'b2']);
  });

  it('the batch writes every text of a volume and records them as parts of the file', () => {
    const out = mkdtempSync(path.join(tmpdir(), 'jixiao-volume-'));
    const r = spawnSync(process.execPath, [path.join(ROOT, 'dist/src/cli.js'), 'extract', path.join(DIR, 'volume.docx'), '--out', out, '--progress', 'none'], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    const manifest = readFileSync(path.join(out, 'manifest.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(manifest).toHaveLength(1);
    expect(manifest[0].parts.map((p: { output: string }) => p.output)).toHaveLength(3);
    const docs = readFileSync(path.join(out, 'documents.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(docs.map((d) => d.source.part.seq).sort()).toEqual([1, 2, 3]);
    expect(docs.map((d) => d.doc_id).sort()).toEqual(manifest[0].parts.map((p: { doc_id: string }) => p.doc_id).sort());
  }, 120_000);
});
