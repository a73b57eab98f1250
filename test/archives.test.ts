/**
 * A folder as a researcher downloads it (test/fixtures/bundles, made by make_archives.ts): a ZIP
 * with GBK member names holding a DOCX and a PDF, a RAR, a 7z with a ZIP inside, a tar.gz, a
 * workbook of one text's project tables, a saved GBK web page, an OFD of a corpus text and a
 * real e-invoice OFD — extracted in one run of the command line (its worker pool): every member
 * named readably, every text equal to its gold, every failure with its member path and kind;
 * a re-run skips every member.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CORPUS, FIXTURES, ROOT, requireShared } from './helpers.js';
import { CATEGORIES, scoreDocument } from '../src/eval/score.js';
import { goldOf } from '../src/eval/corpus.js';
import { textLayer } from '../src/eval/layer.js';

const DIR = path.join(FIXTURES, 'bundles');
const expected = JSON.parse(readFileSync(path.join(DIR, 'expected.json'), 'utf8')) as Record<string, { gold?: string; variant?: string; kind?: string }>;
const jsonl = (f: string) => readFileSync(f, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));
const cli = (...args: string[]) => spawnSync(process.execPath, [path.join(ROOT, 'dist/src/cli.js'), ...args], { encoding: 'utf8', cwd: ROOT });

describe('a downloaded folder of bundles and new formats, in one run', () => {
  requireShared();
  const out = mkdtempSync(path.join(tmpdir(), 'jixiao-bundles-'));

  it('extracts every member as a document equal to its gold, and fails the rest with their member path and kind', () => {
    const r = cli('extract', DIR, '--out', out, '--progress', 'none', '-j', '2');
    expect(r.status, r.stderr).toBe(1); // the e-invoice is no budget text
    const docs = jsonl(path.join(out, 'documents.jsonl'));
    const errors = jsonl(path.join(out, 'errors.jsonl'));
    const rel = (p: string) => (path.isAbsolute(p) ? path.relative(DIR, p) : p);
    for (const [member, e] of Object.entries(expected)) {
      if (e.kind) {
        const err = errors.find((x) => rel(x.path) === member);
        expect(err, member).toBeDefined();
        expect(err.kind, member).toBe(e.kind);
        continue;
      }
      const doc = docs.find((d) => rel(d.source.path) === member);
      expect(doc, `${member} among ${docs.map((d) => d.source.path).join(', ')}`).toBeDefined();
      const gold = goldOf(e.variant ?? '', JSON.parse(readFileSync(path.join(CORPUS, e.gold!, 'gold.json'), 'utf8')));
      // A PDF's (and an OFD written from it) producer lost some characters from its text layer: they count as lost, not wrong.
      const layer = doc.source.format === 'pdf' || doc.source.format === 'ofd' ? textLayer(path.join(CORPUS, e.gold!, 'document.pdf')) : null;
      const score = scoreDocument(doc, gold, layer);
      for (const c of CATEGORIES) expect(`${member} ${c} ${score[c].ok}/${score[c].total}`).toBe(`${member} ${c} ${score[c].total}/${score[c].total}`);
      expect(score.silent, member).toBe(0);
    }
    expect(docs).toHaveLength(Object.values(expected).filter((e) => !e.kind).length);
    expect(errors).toHaveLength(Object.values(expected).filter((e) => e.kind).length);
    // Member names as the archives hold them, GBK ones decoded: no escaped bytes, no mojibake.
    expect(docs.map((d) => rel(d.source.path))).toContain('部门预算.zip!/承德/党政办2024年预算绩效文本.docx');
    // The manifest records each member under its bundle, and each bundle as opened.
    const manifest = jsonl(path.join(out, 'manifest.jsonl'));
    const zip = manifest.find((m) => m.path.endsWith('部门预算.zip'));
    expect(zip).toMatchObject({ status: 'done', members: 2, output: null });
    expect(manifest.filter((m) => m.path.includes('!/')).length).toBe(6);
    // Each member's doc_id is its own bytes' (the PDF inside the ZIP is the corpus PDF).
    const pdf = docs.find((d) => d.source.format === 'pdf');
    const own = createHash('sha256').update(readFileSync(path.join(CORPUS, 'laoting-park-2023', 'document.pdf'))).digest('hex');
    expect(pdf.source.sha256).toBe(own);
    expect(pdf.doc_id).toBe(own.slice(0, 16));
  }, 300_000);

  it('skips every member on a re-run (bundles are opened again, members unchanged)', () => {
    const r = cli('extract', DIR, '--out', out, '--progress', 'none');
    expect(r.status, r.stderr).toBe(1);
    expect(r.stderr).toMatch(/10 input\(s\): 0 done, 9 skipped, 1 failed/);
  }, 300_000);
});
