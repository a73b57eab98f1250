/**
 * The batch's parts that need no worker process, each alone: the manifest entry shared by a
 * local run and the cluster, and the per-document JSON it names.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Manifest, type ManifestEntry, manifestEntry } from '../src/batch/manifest.js';
import { VERSION } from '../src/version.js';
import { documentOutput } from '../src/writers/document.js';
import './helpers.js';

const A = '/in/a.pdf';
const B = '/in/moved/b.pdf';
const SHA_A = 'a'.repeat(64);
const SHA_B = 'b'.repeat(64);

/** A document's facts as a worker returns them, for bytes hashing to `sha`. */
const facts = (sha: string) => ({ doc_id: sha.slice(0, 16), output: documentOutput(sha.slice(0, 16)), pages: 3, warnings: 1 });
const done = (file: string, sha: string) => manifestEntry(file, sha, { status: 'done', ...facts(sha) }, 12);
const failed = (file: string, sha: string, kind = 'not-budget-text') => manifestEntry(file, sha, { status: 'failed', error: { kind, reason: 'no budget text' } }, 5);

/** A manifest on disk holding `entries`, in order (the last for a path wins). */
async function manifestOf(...entries: ManifestEntry[]): Promise<Manifest> {
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'jixiao-manifest-')), 'manifest.jsonl');
  const m = await Manifest.open(file);
  for (const e of entries) await m.record(e);
  // Read back as a re-run reads it.
  return Manifest.read(file);
}

describe('manifest entry', () => {
  it('records a document written, at this version', () => {
    const e = manifestEntry(A, SHA_A, { status: 'done', ...facts(SHA_A) }, 40, '2024-01-01T00:00:00.000Z');
    expect(e).toEqual({
      path: A,
      sha256: SHA_A,
      status: 'done',
      version: VERSION,
      doc_id: SHA_A.slice(0, 16),
      output: path.join('docs', `${SHA_A.slice(0, 16)}.json`),
      pages: 3,
      warnings: 1,
      ms: 40,
      error: null,
      at: '2024-01-01T00:00:00.000Z',
    });
  });

  it('records a failure with its kind and reason, and nothing of a document', () => {
    const e = manifestEntry(A, '', { status: 'failed', error: { kind: 'unreadable', reason: 'cannot read file: EACCES' } }, 0);
    expect(e).toMatchObject({ path: A, sha256: '', status: 'failed', version: VERSION, doc_id: null, output: null, pages: null, warnings: 0, ms: 0 });
    expect(e.error).toEqual({ kind: 'unreadable', reason: 'cannot read file: EACCES' });
    expect(Number.isNaN(Date.parse(e.at))).toBe(false);
  });

  it('names a document the manifest keeps when it is read again', async () => {
    // The manifest drops entries naming anything but docs/<doc_id>.json: the writer's path must be one.
    const m = await manifestOf(done(A, SHA_A), { ...done(B, SHA_B), output: '../elsewhere.json' });
    expect(m.get(A)?.output).toBe(documentOutput(SHA_A.slice(0, 16)));
    expect(m.get(B)).toBeUndefined();
  });
});
