/**
 * The batch's parts that need no worker process, each alone: the resume policy (which inputs a
 * re-run extracts, skips or counts failed again, and the words of --dry-run), the manifest entry
 * shared by a local run and the cluster, the per-document JSON it names, and the queue's failure
 * as BullMQ carries it.
 */
import { createHash } from 'node:crypto';
import { appendFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { UnrecoverableError } from 'bullmq';
import { describe, expect, it } from 'vitest';
import { claimOutput } from '../../src/batch/folder.js';
import { Manifest, type ManifestEntry, manifestEntry, manifestLinesParsed, unreadable } from '../../src/batch/manifest.js';
import { planOf, resumeOf } from '../../src/batch/resume.js';
import { extractFile } from '../../src/index.js';
import { failureOfJob, jobError } from '../../src/queue/connection.js';
import { VERSION } from '../../src/version.js';
import { documentOutput, writeDocument } from '../../src/writers/document.js';
import { ROOT } from '../helpers.js';

const A = '/in/a.pdf';
const B = '/in/moved/b.pdf';
const SHA_A = 'a'.repeat(64);
const SHA_B = 'b'.repeat(64);

/** A document's facts as a worker returns them, for bytes hashing to `sha`. */
const facts = (sha: string) => ({ doc_id: sha.slice(0, 16), output: documentOutput(sha.slice(0, 16)), pages: 3, warnings: 1, digest: sha.slice(16, 32) });
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

const keep = { force: false, retryFailed: false };

describe('resume policy', () => {
  it('extracts an input the manifest has never seen', async () => {
    const r = resumeOf(await manifestOf(done(B, SHA_B)), A, SHA_A, keep);
    expect(r).toEqual({ action: 'extract', why: 'new' });
    expect(planOf(A, r)).toEqual({ path: A, action: 'extract', reason: 'new' });
  });

  it('leaves an input done with the same bytes by this version unchanged', async () => {
    const m = await manifestOf(done(A, SHA_A));
    const r = resumeOf(m, A, SHA_A, keep);
    expect(r).toEqual({ action: 'unchanged', entry: m.get(A) });
    expect(planOf(A, r)).toMatchObject({ action: 'skip', reason: 'unchanged' });
  });

  it('redoes an input whose bytes changed, or that another extractor version did', async () => {
    const m = await manifestOf(done(A, SHA_A));
    expect(resumeOf(m, A, SHA_B, keep)).toEqual({ action: 'extract', why: 'changed' });
    expect(planOf(A, resumeOf(m, A, SHA_B, keep)).reason).toBe('changed');
    const older = await manifestOf({ ...done(A, SHA_A), version: '0.0.1' });
    expect(resumeOf(older, A, SHA_A, keep)).toEqual({ action: 'extract', why: 'new-version' });
    expect(planOf(A, resumeOf(older, A, SHA_A, keep)).reason).toBe('new extractor version');
    // The version asked about is the one compared.
    expect(resumeOf(m, A, SHA_A, keep, '9.9.9')).toEqual({ action: 'extract', why: 'new-version' });
  });

  it('counts an input failed before with the same bytes as failed again, unless asked to retry', async () => {
    const m = await manifestOf(failed(A, SHA_A, 'too-complex'));
    const r = resumeOf(m, A, SHA_A, keep);
    expect(r).toEqual({ action: 'failed-before', entry: m.get(A) });
    expect(planOf(A, r)).toEqual({ path: A, action: 'skip', reason: 'failed before: too-complex (--retry-failed tries again)' });
    const retry = resumeOf(m, A, SHA_A, { force: false, retryFailed: true });
    expect(retry).toEqual({ action: 'extract', why: 'failed-before' });
    expect(planOf(A, retry).reason).toBe('failed before, --retry-failed');
    // Changed bytes are tried whatever the earlier failure.
    expect(resumeOf(m, A, SHA_B, keep).action).toBe('extract');
  });

  it('takes the document of the same bytes done under another path (a moved file)', async () => {
    const m = await manifestOf(done(B, SHA_A));
    const r = resumeOf(m, A, SHA_A, keep);
    expect(r).toEqual({ action: 'same-content', entry: m.get(B) });
    expect(planOf(A, r)).toEqual({ path: A, action: 'skip', reason: `same content as ${B}` });
    // Not when that path's latest entry is a failure, nor once it is forgotten (pruned).
    expect(resumeOf(await manifestOf(done(B, SHA_A), failed(B, SHA_A)), A, SHA_A, keep).action).toBe('extract');
    m.forget(B);
    expect(resumeOf(m, A, SHA_A, keep)).toEqual({ action: 'extract', why: 'new' });
  });

  it('reads the latest entry of a path: a failure redone successfully is unchanged', async () => {
    const m = await manifestOf(failed(A, SHA_A), done(A, SHA_A));
    expect(resumeOf(m, A, SHA_A, keep).action).toBe('unchanged');
  });

  it('extracts everything when forced', async () => {
    const m = await manifestOf(done(A, SHA_A), failed(B, SHA_B));
    for (const [file, sha] of [[A, SHA_A], [B, SHA_B], [A, SHA_B]] as const) {
      const r = resumeOf(m, file, sha, { force: true, retryFailed: false });
      expect(r).toEqual({ action: 'extract', why: 'forced' });
      expect(planOf(file, r).reason).toBe('--force');
    }
  });
});

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
      digest: SHA_A.slice(16, 32),
      pages: 3,
      warnings: 1,
      ms: 40,
      cpu_ms: null,
      error: null,
      at: '2024-01-01T00:00:00.000Z',
    });
  });

  it('records a failure with its kind and reason, and nothing of a document', () => {
    const denied = Object.assign(new Error('EACCES: permission denied'), { code: 'EACCES' });
    const e = manifestEntry(A, '', { status: 'failed', error: unreadable(denied) }, 0);
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

  it('holds the facts of the per-document JSON written for a real document', async () => {
    const record = await extractFile(path.join(ROOT, 'samples', 'laoting-park-2023.txt'));
    const out = path.join(mkdtempSync(path.join(tmpdir(), 'jixiao-doc-')), 'out');
    await claimOutput(out);
    const written = await writeDocument(out, record);
    // The digest is of the JSON as written: the collection outputs rewrite a document when it changes.
    const text = readFileSync(path.join(out, documentOutput(record.doc_id)));
    const digest = createHash('sha256').update(text).digest('hex').slice(0, 16);
    expect(written).toEqual({ doc_id: record.doc_id, output: documentOutput(record.doc_id), pages: record.source.pages, warnings: record.warnings.length, digest });
    expect(JSON.parse(text.toString('utf8'))).toEqual(record);
    const entry = manifestEntry('/in/laoting.txt', 'c'.repeat(64), { status: 'done', ...written }, 7);
    expect(entry).toMatchObject({ doc_id: record.doc_id, output: written.output, pages: record.source.pages, warnings: record.warnings.length, digest });
  });
});

describe('manifest read by search', () => {
  const sha = (i: number) => createHash('sha256').update(String(i)).digest('hex');
  const file = () => path.join(mkdtempSync(path.join(tmpdir(), 'jixiao-manifest-')), 'manifest.jsonl');

  it('answers as the manifest parsed whole: the latest valid line of a path, a live done entry for bytes', async () => {
    const f = file();
    const lines: ManifestEntry[] = [];
    for (let i = 0; i < 40; i++) lines.push(i % 7 === 3 ? failed(`/in/${i}.pdf`, sha(i)) : done(`/in/${i}.pdf`, sha(i)));
    // Paths recorded again: redone with other bytes, failed after done, done after failed, an older version.
    lines.push(done('/in/1.pdf', sha(101)), failed('/in/2.pdf', sha(2)), done('/in/3.pdf', sha(3)), { ...done('/in/4.pdf', sha(4)), version: '0.0.1' });
    // The same bytes under two paths; a path that is a prefix of another.
    lines.push(done('/in/copy of 5.pdf', sha(5)), done('/in/1.pdf.txt', sha(102)));
    writeFileSync(f, lines.map((e) => `${JSON.stringify(e)}\n`).join(''));
    // A line naming an output outside docs/ (dropped), and a torn last line.
    appendFileSync(f, `${JSON.stringify({ ...done('/in/6.pdf', sha(6)), output: '../x.json' })}\n{"path":"/in/7.pdf","sha`);
    const searched = await Manifest.open(f);
    const parsed = await Manifest.read(f);
    const all = parsed.entries;
    expect(all.get('/in/6.pdf')?.output).toBe(documentOutput(sha(6).slice(0, 16)));
    for (const p of [...all.keys(), '/in/none.pdf', '/in/1']) expect(searched.get(p), p).toEqual(all.get(p));
    for (let i = 0; i < 110; i++) {
      const found = searched.doneWith(sha(i), VERSION);
      const live = [...all.values()].filter((e) => e.status === 'done' && e.sha256 === sha(i) && e.version === VERSION);
      expect(found != null, String(i)).toBe(live.length > 0);
      if (found) expect(live).toContainEqual(found);
    }
  });

  it('finds what was appended after a mark without parsing what came before it', async () => {
    const f = file();
    const m = await Manifest.open(f);
    for (let i = 0; i < 200; i++) await m.record(done(`/in/${i}.pdf`, sha(i)));
    await m.record(failed('/in/0.pdf', sha(0)));
    const mark = m.mark();
    expect(mark).toMatchObject({ bytes: readFileSync(f).length, sha256: createHash('sha256').update(readFileSync(f)).digest('hex'), lines: 201, entries: 200 });

    // Nothing yet, then one input new and one whose bytes an input held already gave.
    const before = manifestLinesParsed();
    const next = await Manifest.open(f, mark);
    expect(next.appended()).toEqual([]);
    expect(next.get('/in/new.pdf')).toBeUndefined();
    expect(next.doneWith(sha(1000), VERSION)).toBeUndefined();
    await next.record(done('/in/new.pdf', sha(1000)));
    expect(next.doneWith(sha(5), VERSION)?.path).toBe('/in/5.pdf');
    await next.record({ ...done('/in/5.pdf', sha(5)), path: '/in/copy.pdf' });
    expect(next.appended()?.map((e) => e.path)).toEqual(['/in/new.pdf', '/in/copy.pdf']);
    expect(next.doneBefore(sha(5))?.path).toBe('/in/5.pdf');
    expect(next.doneBefore(sha(1000))).toBeNull();
    // Counted: the lines of the entries looked up, never the 201 before the mark.
    expect(manifestLinesParsed() - before).toBeLessThanOrEqual(3);
    const after = next.mark();
    expect(after).toMatchObject({ bytes: readFileSync(f).length, lines: 203, entries: 202 });

    // The entries after a mark are parsed: a killed run's, then this run's.
    const third = await Manifest.open(f, mark);
    expect(third.appended()?.map((e) => e.path)).toEqual(['/in/new.pdf', '/in/copy.pdf']);
    // An input held before the mark recorded again: not only added.
    await third.record(done('/in/7.pdf', sha(7)));
    expect(third.appended()).toBeNull();
    expect((await Manifest.open(f, after)).appended()).toBeNull();
  });

  it('holds a mark only while the bytes before it are the same file unchanged', async () => {
    const f = file();
    const m = await Manifest.open(f);
    for (let i = 0; i < 5; i++) await m.record(done(`/in/${i}.pdf`, sha(i)));
    await m.record(failed('/in/2.pdf', sha(2)));
    const mark = m.mark();
    expect((await Manifest.open(f, mark)).appended()).toEqual([]);
    // Edited in place, the same length: another sha256.
    const text = readFileSync(f, 'utf8');
    writeFileSync(f, text.replace('/in/3.pdf', '/in/9.pdf'));
    expect((await Manifest.open(f, mark)).appended()).toBeNull();
    writeFileSync(f, text);
    expect((await Manifest.open(f, mark)).appended()).toEqual([]);
    // A copy of the same bytes holds it.
    const copy = path.join(path.dirname(f), 'copy.jsonl');
    writeFileSync(copy, text);
    expect((await Manifest.open(copy, mark)).appended()).toEqual([]);
    // Compacted (the line superseded dropped), or cut short: no longer the mark's.
    const c = await Manifest.open(f);
    await c.compact();
    expect((await Manifest.open(f, mark)).appended()).toBeNull();
    expect((await Manifest.open(f, { ...c.mark(), bytes: c.mark().bytes + 10 })).appended()).toBeNull();
    // Without a mark, nothing is known to be only appended.
    expect((await Manifest.open(f)).appended()).toBeNull();
  });
});

describe('queue job failure', () => {
  it('carries kind and reason whole through the message BullMQ keeps', () => {
    for (const failure of [
      { kind: 'timeout', reason: 'took longer than 1s (per-file time limit)' },
      { kind: 'not-budget-text', reason: 'reason: with a colon; and a quote "x"' },
    ]) {
      expect(failureOfJob(jobError(failure, false).message)).toEqual(failure);
      expect(failureOfJob(jobError(failure, true).message)).toEqual(failure);
    }
  });

  it('fails at once only when final (BullMQ retries other errors)', () => {
    expect(jobError({ kind: 'unreadable', reason: 'x' }, true)).toBeInstanceOf(UnrecoverableError);
    expect(jobError({ kind: 'timeout', reason: 'x' }, false)).not.toBeInstanceOf(UnrecoverableError);
  });

  it('reads a failure BullMQ gave itself as internal, with its message', () => {
    expect(failureOfJob('job stalled more than allowable limit')).toEqual({ kind: 'internal', reason: 'job stalled more than allowable limit' });
    expect(failureOfJob(undefined)).toEqual({ kind: 'internal', reason: 'worker failed' });
    expect(failureOfJob('{"kind":1}')).toEqual({ kind: 'internal', reason: '{"kind":1}' });
    // A kind outside the registry (src/errors.ts) is not taken on trust.
    expect(failureOfJob('{"kind":"gremlins","reason":"x"}')).toEqual({ kind: 'internal', reason: '{"kind":"gremlins","reason":"x"}' });
  });
});
