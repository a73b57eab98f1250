/**
 * Dirty archives: every hostile fixture (made by test/fixtures/make_hostile.py) ends with its
 * expected error or warning, the batch completes with the right counts and exit code, and no
 * input is lost.
 */
import { execFile, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { crc32, deflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { DEFAULT_BATCH, runBatch } from '../src/batch/run.js';
import { FIXTURES, ROOT } from './helpers.js';

const DIR = path.join(FIXTURES, 'hostile');
/**
 * `ocrPages`: pages whose text layer was glyph garbage, read from their drawing by OCR instead.
 * `opened` (a bundle that opens): `members` names each member (path in the bundle) that fails, with its kind.
 */
type Expect = { status: string; kind?: string; reason?: string; warnings?: string[]; ocrPages?: number[]; members?: Record<string, { kind: string; reason?: string }> };
const expected = JSON.parse(readFileSync(path.join(DIR, 'expected.json'), 'utf8')) as Record<string, Expect>;

/** Whether LibreOffice is installed (found on PATH, as jixiao finds it: never by running it, which could be slow). */
function hasSoffice(): boolean {
  return spawnSync('sh', ['-c', 'command -v soffice || command -v libreoffice'], { stdio: 'ignore' }).status === 0;
}

const jsonl = (f: string) => readFileSync(f, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));

describe('hostile inputs', () => {
  const inputs = readdirSync(DIR).filter((f) => f !== 'expected.json');
  const soffice = hasSoffice();

  it('has an expectation for every fixture', () => {
    expect(inputs.sort()).toEqual(Object.keys(expected).sort());
  });

  it('ends every input as done or failed with its reason, and the batch goes on', async () => {
    const out = mkdtempSync(path.join(tmpdir(), 'jixiao-hostile-'));
    const summary = await runBatch({ ...DEFAULT_BATCH, inputs: [DIR], outDir: out, progress: 'none', inProcess: true });
    const errors = jsonl(path.join(out, 'errors.jsonl'));
    const docs = jsonl(path.join(out, 'documents.jsonl'));
    const byName = (p: string) => path.basename(p);
    let failed = 0;
    let total = 0;
    for (const [name, e] of Object.entries(expected)) {
      const status = e.status === 'done-with-libreoffice' ? (soffice ? 'done' : 'failed') : e.status;
      if (status === 'opened') {
        // A bundle that opens: each member that must fail, with its member path and kind.
        for (const [member, m] of Object.entries(e.members ?? {})) {
          const err = errors.find((x) => x.path.endsWith(`/${name}!/${member}`));
          expect(err, `${name}!/${member}`).toBeDefined();
          expect(err.kind, `${name}!/${member}`).toBe(m.kind);
          if (m.reason) expect(err.reason, `${name}!/${member}`).toContain(m.reason);
        }
        const given = errors.filter((x) => x.path.includes(`/${name}!/`)).length + docs.filter((d) => d.source.path.startsWith(`${name}!/`)).length;
        expect(given, name).toBe(Object.keys(e.members ?? {}).length);
        failed += Object.keys(e.members ?? {}).length;
        total += given;
        continue;
      }
      total++;
      if (status === 'failed') {
        failed++;
        const err = errors.find((x) => byName(x.path) === name);
        expect(err, name).toBeDefined();
        expect(err.kind, name).toBe(e.kind);
        expect(err.reason, name).toContain(e.reason);
        expect(err.reason, name).not.toMatch(/\n\s+at /); // never a stack trace
      } else {
        const doc = docs.find((d) => byName(d.source.path) === name);
        expect(doc, name).toBeDefined();
        for (const w of e.warnings ?? []) expect(doc.warnings.map((x: { message: string }) => x.message).join('\n'), name).toContain(w);
        if (e.ocrPages) expect(doc.source.ocr?.pages, name).toEqual(e.ocrPages);
      }
    }
    expect(summary).toMatchObject({ total, failed, done: total - failed, skipped: 0 });
    expect(errors).toHaveLength(failed);
  });

  it('keeps a project without indicators as a project', async () => {
    const out = mkdtempSync(path.join(tmpdir(), 'jixiao-partial-'));
    await runBatch({ ...DEFAULT_BATCH, inputs: [path.join(DIR, 'partial.txt')], outDir: out, progress: 'none', inProcess: true });
    const [doc] = jsonl(path.join(out, 'documents.jsonl'));
    const p = doc.projects.find((x: { title: string }) => x.title === '老区建设促进会经费绩效目标表');
    expect(p.indicators).toEqual([]);
    expect(p.project_code).toBe('13081124P000102100034');
    expect(doc.projects).toHaveLength(10);
    expect(doc.document.toc.at(-1)).toEqual({ seq: 11, title: '商贸流通企业奖补绩效目标表', page: null });
  });

  it('exits 1 from the CLI when an input failed, and names the file and reason', () => {
    const out = mkdtempSync(path.join(tmpdir(), 'jixiao-exit-'));
    const r = spawnSync(process.execPath, [path.join(ROOT, 'dist/src/cli.js'), 'extract', path.join(DIR, 'error-page.pdf'), path.join(DIR, 'partial.txt'), '--out', out, '--progress', 'log'], { encoding: 'utf8' });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`failed: ${path.join(DIR, 'error-page.pdf')}: not a PDF: starts with <html>`);
    expect(r.stderr).toContain('1 done, 0 skipped, 1 failed');
  });

  it('stops a file at the per-file time limit and goes on', async () => {
    const out = mkdtempSync(path.join(tmpdir(), 'jixiao-timeout-'));
    const summary = await runBatch({
      ...DEFAULT_BATCH, inputs: [path.join(ROOT, 'samples', 'chengde-office-2024.pdf')], outDir: out, progress: 'none', inProcess: true, timeoutMs: 1,
    });
    expect(summary.failed).toBe(1);
    expect(jsonl(path.join(out, 'errors.jsonl'))[0].kind).toBe('timeout');
  });
});

/** A 1 × 1 grey PNG. */
function png(): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const out = Buffer.alloc(data.length + 12);
    out.writeUInt32BE(data.length, 0);
    body.copy(out, 4);
    out.writeUInt32BE(crc32(body), 8 + data.length);
    return out;
  };
  const ihdr = Buffer.from([0, 0, 0, 1, 0, 0, 0, 1, 8, 0, 0, 0, 0]);
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(Buffer.from([0, 0x80]))), chunk('IEND', Buffer.alloc(0))]);
}

describe.skipIf(!hasSoffice())('a legacy .doc converted by LibreOffice', () => {
  it('never makes the machine reach the address it names (a linked picture), with or without a network namespace', async () => {
    // A local HTTP server that counts the requests it gets.
    let requests = 0;
    const image = png();
    const server = createServer((_req, res) => {
      requests++;
      res.writeHead(200, { 'content-type': 'image/png', 'content-length': image.length }).end(image);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as { port: number }).port}/x.png`;
    const run = promisify(execFile);
    try {
      // The .doc: made by LibreOffice from a text whose picture is linked to the server's address
      // (Word's INCLUDEPICTURE field in the .doc).
      const work = mkdtempSync(path.join(tmpdir(), 'jixiao-linked-'));
      const soffice = (args: string[]) => run('soffice', ['--headless', `-env:UserInstallation=file://${work}/profile`, ...args, '--outdir', work]);
      writeFileSync(
        path.join(work, 'linked.fodt'),
        `<?xml version="1.0" encoding="UTF-8"?><office:document xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" xmlns:draw="urn:oasis:names:tc:opendocument:xmlns:drawing:1.0" xmlns:xlink="http://www.w3.org/1999/xlink" xmlns:svg="urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0" office:version="1.2" office:mimetype="application/vnd.oasis.opendocument.text"><office:body><office:text><text:p>第一部分</text:p><text:p><draw:frame draw:name="p" text:anchor-type="as-char" svg:width="2cm" svg:height="2cm"><draw:image xlink:href="${url}" xlink:type="simple" xlink:show="embed" xlink:actuate="onLoad"/></draw:frame></text:p></office:text></office:body></office:document>`,
      );
      await soffice(['--convert-to', 'doc', path.join(work, 'linked.fodt')]);
      const doc = path.join(work, 'linked.doc');
      expect(readFileSync(doc).includes(Buffer.from(url, 'latin1'))).toBe(true);
      // The fixture does what it is for: LibreOffice left to itself fetches the picture.
      requests = 0;
      await soffice(['--convert-to', 'docx', doc]);
      expect(requests).toBeGreaterThan(0);

      const extract = (env: NodeJS.ProcessEnv) =>
        run(process.execPath, [path.join(ROOT, 'dist/src/cli.js'), 'extract', doc, '--out', mkdtempSync(path.join(tmpdir(), 'jixiao-linked-out-')), '-q'], { env }).catch((e: { code?: number }) => e);
      requests = 0;
      await extract(process.env);
      expect(requests).toBe(0);
      // Where the system allows no namespace (here: an `unshare` that always fails), LibreOffice's own settings still hold.
      const bin = mkdtempSync(path.join(tmpdir(), 'jixiao-no-unshare-'));
      writeFileSync(path.join(bin, 'unshare'), '#!/bin/sh\necho "unshare: unshare failed: Operation not permitted" >&2\nexit 1\n', { mode: 0o755 });
      requests = 0;
      await extract({ ...process.env, PATH: `${bin}:${process.env.PATH}`, http_proxy: url, HTTP_PROXY: url });
      expect(requests).toBe(0);
    } finally {
      server.close();
    }
  });
});
