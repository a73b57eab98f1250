/**
 * Hostile inputs of the kinds that used to hold a worker for its whole time limit, or to get
 * past a limit, generated here (they are too big to commit), run through the command line as a
 * user would: each must end within the time limit with its own kind, and the batch go on.
 * Also the small batch faults: a manifest entry naming a path outside the output folder, --out
 * naming a file, a progress bar asked for off a terminal, failed inputs not retried unasked.
 */
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { once } from 'node:events';
import { createDeflate, deflateRawSync, deflateSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pidsRunning } from '../src/procmem.js';
import { CORPUS, ROOT, requireShared } from './helpers.js';
import { binaryStream, HELVETICA, pdf, pdfOf, pdfWithObjectStream, stream, withAttachment } from './pdfs.js';
import { tiffBytes } from './fixtures/lib/tiff.js';

const CLI = path.join(ROOT, 'dist/src/cli.js');
/** A hang guard only (no verdict depends on it): wide enough for a loaded machine. */
const HANG_GUARD_MS = 1_200_000;
const cli = (...args: string[]) => spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: HANG_GUARD_MS });
/** The same, without blocking this process (so that it can watch or stop what it started meanwhile). */
function cliAsync(args: string[], env: NodeJS.ProcessEnv = process.env): Promise<{ status: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'ignore', 'pipe'], env });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (status) => resolve({ status, stderr }));
  });
}
const tmp = (name: string) => mkdtempSync(path.join(tmpdir(), `jixiao-chaos-${name}-`));
const jsonl = (f: string) => (existsSync(f) ? readFileSync(f, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l)) : []);

/**
 * A one-page PDF whose page draws form /X once, and each of `depth` nested forms draws the
 * next twice: 2^depth draws of the innermost, which draws `leaf` (with /F1 a shared font).
 */
function fanOut(depth: number, leaf: string): Buffer {
  const forms = [...Array(depth).keys()].map((i) =>
    stream(`/Type /XObject /Subtype /Form /BBox [0 0 595 842] /Resources << /Font << /F1 5 0 R >> /XObject << /X ${7 + i} 0 R >> >>`, i < depth - 1 ? '/X Do /X Do' : leaf),
  );
  return pdfOf([
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /XObject << /X 6 0 R >> >> >>',
    stream('', '/X Do'),
    HELVETICA,
    ...forms,
  ]);
}

/** A ZIP of the given parts (deflated); `declare` overrides the uncompressed size a part's headers state. */
function zip(parts: Array<{ name: string; data: Buffer; declare?: number }>): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const p of parts) {
    const body = deflateRawSync(p.data);
    const name = Buffer.from(p.name);
    const size = p.declare ?? p.data.length;
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(8, 8);
    local.writeUInt32LE(body.length, 18);
    local.writeUInt32LE(size, 22);
    local.writeUInt16LE(name.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(8, 10);
    central.writeUInt32LE(body.length, 20);
    central.writeUInt32LE(size, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, name, body);
    centrals.push(central, name);
    offset += 30 + name.length + body.length;
  }
  const cd = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(parts.length, 8);
  end.writeUInt16LE(parts.length, 10);
  end.writeUInt32LE(cd.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, cd, end]);
}

const W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"';
const docx = (body: string, declare?: number) =>
  zip([
    { name: '[Content_Types].xml', data: Buffer.from('<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>') },
    { name: 'word/document.xml', data: Buffer.from(`<?xml version="1.0"?><w:document ${W}><w:body>${body}</w:body></w:document>`), declare },
  ]);

/** A TIFF of one 1 × 1 page whose directory points back to itself (libtiff reports the loop over several lines). */
function tiffLoop(): Buffer {
  const entries = [[256, 3, 1], [257, 3, 1], [258, 3, 8], [259, 3, 1], [262, 3, 1], [273, 4, 8 + 2 + 12 * 9 + 4], [277, 3, 1], [278, 3, 1], [279, 4, 1]];
  const b = Buffer.alloc(8 + 2 + 12 * entries.length + 4 + 1);
  b.write('II', 0, 'latin1');
  b.writeUInt16LE(42, 2);
  b.writeUInt32LE(8, 4);
  b.writeUInt16LE(entries.length, 8);
  entries.forEach(([tag, type, value], i) => {
    const o = 10 + 12 * i;
    b.writeUInt16LE(tag!, o);
    b.writeUInt16LE(type!, o + 2);
    b.writeUInt32LE(1, o + 4);
    if (type === 3) b.writeUInt16LE(value!, o + 8);
    else b.writeUInt32LE(value!, o + 8);
  });
  b.writeUInt32LE(8, 10 + 12 * entries.length); // the next directory is this one
  return b;
}

/**
 * Writes the crafted inputs into `dir`; the socket among them stays bound until `close()`.
 * Besides crafted documents: a named pipe, a Unix socket and a link to /dev/zero named like
 * PDFs (never opened so as to block, never dropped in silence).
 */
async function craft(dir: string): Promise<{ close(): void }> {
  const w = (name: string, data: Buffer | string) => writeFileSync(path.join(dir, name), data);
  w('tabs.txt', `第一部分\n${'\t'.repeat(10 * 1024 * 1024)}x 1\n`);
  w('grid-2000.pdf', pdf([...Array(2000).keys()].map((i) => `0 ${i * 0.4} m 595 ${i * 0.4} l S ${i * 0.29} 0 m ${i * 0.29} 842 l S`).join('\n')));
  w('lines-100k.pdf', pdf(`BT /F1 1 Tf 10 840 Td ${'(ab) Tj 0 -0.008 Td '.repeat(100_000)}ET`));
  w('segments-300k.pdf', pdf(`${'10 10 m 20 10 l S '.repeat(300_000)}`));
  w('fanout-lines.pdf', fanOut(30, '0 0 m 1 1 l S'));
  w('fanout-text.pdf', fanOut(30, 'BT /F1 12 Tf 10 10 Td (ab) Tj ET'));
  w('cells-600k.docx', docx(`<w:tbl>${'<w:tr>' + '<w:tc><w:p/></w:tc>'.repeat(1000) + '</w:tr>'}`.repeat(1) + `${('<w:tr>' + '<w:tc><w:p/></w:tc>'.repeat(1000) + '</w:tr>').repeat(600)}</w:tbl>`));
  w('understated.docx', docx(`<w:p><w:r><w:t>第一部分</w:t></w:r></w:p><!--${' '.repeat(100 * 1024 * 1024)}-->`, 1000));
  const utf8 = readFileSync(path.join(CORPUS, 'laoting-park-2023', 'source.txt'), 'utf8');
  w('utf16le-nobom.txt', Buffer.from(utf8, 'utf16le'));
  // NUL, ESC and a right-to-left override inside the text, and a file name with an ANSI escape.
  w('controls.txt', utf8.replace('招商经费', '招商\u0000经\u202E费').replace('乐亭县', '乐亭\u001b[31m县'));
  w('bad-\u001b[2J.pdf', '%PDF-1.7\n damaged');
  // Libraries' messages over several lines, and with tabs: each reason must be one line.
  w('ifd-loop.tif', tiffLoop());
  w('bad-xml.docx', docx('<w:p><w:r><w:t a="1>x</w:t></w:r></w:p>'));
  expect(spawnSync('mkfifo', [path.join(dir, 'fifo.pdf')]).status).toBe(0);
  symlinkSync('/dev/zero', path.join(dir, 'zero.pdf'));
  const socket = createServer();
  await new Promise<void>((resolve) => socket.listen(path.join(dir, 'socket.pdf'), resolve));
  return { close: () => socket.close() };
}

/** A folder holding a stand-in `soffice` that answers --version and runs `convert` (shell) instead of converting. */
function standInSoffice(convert: string): string {
  const bin = tmp('fake-bin');
  writeFileSync(path.join(bin, 'soffice'), `#!/bin/sh\n[ "$1" = "--version" ] && { echo "LibreOffice 0"; exit 0; }\n${convert}\n`, { mode: 0o755 });
  return bin;
}

/** A legacy Word file by its OLE2 signature (no stand-in converter can read it), distinct by `tag`. */
const oleDoc = (tag: string) => Buffer.concat([Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]), Buffer.alloc(4096), Buffer.from(tag)]);

/** Every crafted input's kind (or `done`), by name, from an output folder. */
function kindsIn(out: string): Record<string, string> {
  return Object.fromEntries(jsonl(path.join(out, 'manifest.jsonl')).map((e) => [path.basename(e.path), e.error?.kind ?? e.status]));
}

/** The worker CPU time of each parsed input over `ms`: none of them may be there. */
function overCpu(out: string, ms: number): Array<[string, number | null]> {
  return jsonl(path.join(out, 'manifest.jsonl'))
    .filter((e) => e.sha256 !== '' && !(e.cpu_ms <= ms))
    .map((e) => [path.basename(e.path), e.cpu_ms]);
}

/**
 * The per-file time limit of the chaos runs: never reached (each crafted file is cut off by its
 * stage's own count of work), so that no verdict depends on the machine's speed or load.
 */
const NEVER = '3600';

let dir = '';
let out = '';
let run: ReturnType<typeof cli>;
let inputs: { close(): void } | null = null;

beforeAll(async () => {
  requireShared();
  dir = tmp('in');
  inputs = await craft(dir);
  out = tmp('out');
  run = cli('extract', dir, '--out', out, '--timeout', NEVER, '-q');
});

afterAll(() => inputs?.close());

describe('hostile inputs end with their own kind, each after seconds of work', () => {
  const kind = (name: string) => jsonl(path.join(out, 'errors.jsonl')).find((e) => path.basename(e.path) === name)?.kind;
  const done = (name: string) => jsonl(path.join(out, 'documents.jsonl')).find((d) => path.basename(d.source.path) === name);

  // Ten million tab-separated fields on one line are a table row of ten million cells.
  it('a 10 MB run of tabs', () => expect(kind('tabs.txt')).toBe('too-many-cells'));
  it('a page ruled 2,000 × 2,000', () => expect(kind('grid-2000.pdf')).toBe('no-text-layer'));
  // One pair of glyphs repeated 100,000 times is no language: an unreadable text layer.
  it('100,000 text lines on one page', () => expect(kind('lines-100k.pdf')).toBe('unreadable-text'));
  it('300,000 collinear segments', () => expect(kind('segments-300k.pdf')).toBe('no-text-layer'));
  // Forms drawing forms: 2³⁰ draws from a page of a few kilobytes, cut off in seconds.
  it('XObjects fanning out to 2³⁰ draws of a line', () => expect(kind('fanout-lines.pdf')).toBe('too-complex'));
  it('XObjects fanning out to 2³⁰ draws of text', () => expect(kind('fanout-text.pdf')).toBe('too-complex'));
  it('a DOCX of 600,000 cells', () => expect(kind('cells-600k.docx')).toBe('too-many-cells'));
  it('a DOCX whose ZIP directory understates what a part inflates to', () => expect(kind('understated.docx')).toBe('zip-bomb'));
  it('a UTF-16 text dump without a byte-order mark is read', () => expect(done('utf16le-nobom.txt')?.projects).toHaveLength(2));
  it('control characters never reach a field, and say so in a warning', () => {
    const doc = done('controls.txt');
    expect(doc.warnings.map((x: { code: string }) => x.code)).toContain('text-control-chars');
    expect(JSON.stringify(doc)).not.toMatch(/\\u0000|\\u001b|\u202e/i);
    expect(doc.projects.map((p: { project_name: string }) => p.project_name)).toContain('招商经费');
    expect(readFileSync(path.join(out, 'indicators.csv'), 'utf8')).not.toMatch(/[\u0000\u001b\u202e]/);
  });
  it('a file name with terminal escapes is printed escaped', () => {
    expect(run.stderr).toContain('bad-\\u001b[2J.pdf');
    expect(run.stderr).not.toContain('\u001b[2J');
  });
  it('a TIFF whose directory loops, a DOCX of broken XML: their reasons are one line', () => {
    expect(kind('ifd-loop.tif')).toBe('corrupt-image');
    expect(kind('bad-xml.docx')).toBe('corrupt-docx');
    for (const e of jsonl(path.join(out, 'errors.jsonl'))) expect(e.reason, e.path).not.toMatch(/[\u0000-\u001f]/);
  });
  it('a named pipe, a socket and a link to /dev/zero named .pdf fail as special-file, and the run never waits on them', () => {
    expect([kind('fifo.pdf'), kind('socket.pdf'), kind('zero.pdf')]).toEqual(['special-file', 'special-file', 'special-file']);
    expect(jsonl(path.join(out, 'errors.jsonl')).find((e) => path.basename(e.path) === 'fifo.pdf').reason).toBe('not a regular file but a named pipe (FIFO): not read');
  });
  it('and the batch reports them all, none as a timeout, each after seconds of its worker\'s CPU time', () => {
    expect(run.status).toBe(1);
    const errors = jsonl(path.join(out, 'errors.jsonl'));
    expect(errors.filter((e) => e.kind === 'timeout')).toEqual([]);
    // A crafted file is cut off by its stage's own count of work: its worker's CPU time tells
    // that work, the same on a busy machine (the time limit is never reached).
    expect(overCpu(out, 12_000)).toEqual([]);
  });
});

describe('on a busy machine', () => {
  it('the crafted inputs end with the same kinds beside two busy loops, after the same work', async () => {
    const hogs = [0, 1].map(() => spawn(process.execPath, ['-e', 'for (;;) {}'], { stdio: 'ignore' }));
    const busyIn = tmp('busy-in');
    const busy = await craft(busyIn);
    try {
      const o = tmp('busy-out');
      const r = await cliAsync(['extract', busyIn, '--out', o, '--timeout', NEVER, '-q']);
      expect(r.status).toBe(1);
      expect(kindsIn(o)).toEqual(kindsIn(out));
      expect(overCpu(o, 12_000)).toEqual([]);
    } finally {
      for (const h of hogs) h.kill('SIGKILL');
      busy.close();
    }
  });
});

describe('batch faults', () => {
  it('a manifest entry naming a path outside the output folder is ignored', () => {
    const o = tmp('manifest');
    const victim = path.join(tmp('victim'), 'keep.json');
    writeFileSync(victim, '{"keep":true}');
    const input = path.join(ROOT, 'samples', 'laoting-park-2023.txt');
    // A folder jixiao wrote (its mark), whose manifest was edited afterwards.
    expect(cli('extract', path.join(ROOT, 'samples', 'laoting-park-2023.docx'), '--out', o, '-q').status).toBe(0);
    writeFileSync(path.join(o, 'manifest.jsonl'), `${JSON.stringify({ path: input, sha256: 'x', status: 'done', version: '0', doc_id: 'x', output: path.relative(o, victim), pages: null, warnings: 0, ms: 0, error: null, at: '' })}\n`);
    expect(cli('extract', input, '--out', o, '-q').status).toBe(0);
    expect(readFileSync(victim, 'utf8')).toBe('{"keep":true}');
    expect(jsonl(path.join(o, 'documents.jsonl'))).toHaveLength(1);
  });

  it('--out naming a file is one clear line and exit 2', () => {
    const f = path.join(tmp('outfile'), 'a-file');
    writeFileSync(f, 'x');
    const r = cli('extract', path.join(ROOT, 'samples', 'laoting-park-2023.txt'), '--out', f);
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split('\n')).toEqual([`jixiao: --out ${f} is a file, not a folder`]);
  });

  it('a progress bar asked for off a terminal prints log lines, never its template', () => {
    const r = cli('extract', path.join(ROOT, 'samples', 'laoting-park-2023.txt'), '--out', tmp('bar'), '--progress', 'bar');
    expect(r.status).toBe(0);
    expect(r.stderr).not.toMatch(/\{[a-z_]+\}/);
  });

  it('a file\'s time limit starts when a worker takes it, not while it waits behind slow ones', () => {
    // Three files whose conversion waits 6 s each (a stand-in soffice that sleeps: the same
    // wall time on a busy machine), then a fast one, one at a time, under a 14 s limit: counted
    // from the wait in line, the third and the fourth would be over it.
    const bin = standInSoffice('sleep 6');
    const input = tmp('queue');
    for (const name of ['a', 'b', 'c']) writeFileSync(path.join(input, `${name}-slow.doc`), oleDoc(name));
    writeFileSync(path.join(input, 'd-fast.txt'), readFileSync(path.join(ROOT, 'samples', 'laoting-park-2023.txt')));
    const o = tmp('queue-out');
    spawnSync(process.execPath, [CLI, 'extract', input, '--out', o, '-q', '-j', '1', '--timeout', '14'], {
      encoding: 'utf8',
      timeout: HANG_GUARD_MS,
      env: { ...process.env, PATH: `${bin}:${process.env.PATH}` },
    });
    expect(kindsIn(o)).toEqual({ 'a-slow.doc': 'legacy-doc', 'b-slow.doc': 'legacy-doc', 'c-slow.doc': 'legacy-doc', 'd-fast.txt': 'done' });
  });

  it('a file embedded in a PDF (a DOCX attached) is said in source, by name and size, not read', () => {
    const dir = tmp('attached');
    const docx = readFileSync(path.join(ROOT, 'samples', 'laoting-park-2023.docx'));
    const plainPdf = readFileSync(path.join(ROOT, 'samples', 'laoting-park-2023.pdf'));
    writeFileSync(path.join(dir, 'with-attachment.pdf'), withAttachment(plainPdf, '乐亭公园绩效目标.docx', deflateSync(docx), true));
    writeFileSync(path.join(dir, 'plain.pdf'), plainPdf);
    const o = tmp('attached-out');
    expect(cli('extract', dir, '--out', o, '-q').status).toBe(0);
    const docs = jsonl(path.join(o, 'documents.jsonl'));
    const attached = docs.find((d) => d.source.path === 'with-attachment.pdf');
    const plain = docs.find((d) => d.source.path === 'plain.pdf');
    expect(attached.source.attachments).toEqual([{ name: '乐亭公园绩效目标.docx', size: docx.length }]);
    expect(plain.source.attachments).toEqual([]);
    // The PDF's own text is read as it was.
    expect(attached.projects).toEqual(plain.projects);
    // A stream that does not say it is an embedded file is known by the file specification naming it.
    const untyped = tmp('attached-untyped');
    writeFileSync(path.join(untyped, 'untyped.pdf'), withAttachment(plainPdf, '乐亭公园绩效目标.docx', deflateSync(docx), true, false));
    const o2 = tmp('attached-untyped-out');
    expect(cli('extract', untyped, '--out', o2, '-q').status).toBe(0);
    expect(jsonl(path.join(o2, 'documents.jsonl'))[0].source.attachments).toEqual([{ name: '乐亭公园绩效目标.docx', size: docx.length }]);
  });

  it.each([true, false])('an attached file inflating to 300 MB is listed without being decoded (its stream saying its type: %s): the PDF is read under --memory 256', async (typed) => {
    const dir = tmp(`attached-bomb-${typed}`);
    // 300 MB of zeros deflated (300 kB), made a megabyte at a time.
    const z = createDeflate({ level: 9 });
    const chunks: Buffer[] = [];
    z.on('data', (c: Buffer) => chunks.push(c));
    const block = Buffer.alloc(1 << 20);
    for (let i = 0; i < 300; i++) if (!z.write(block)) await once(z, 'drain');
    z.end();
    await once(z, 'end');
    writeFileSync(path.join(dir, 'bomb-attached.pdf'), withAttachment(readFileSync(path.join(ROOT, 'samples', 'laoting-park-2023.pdf')), 'zeros.bin', Buffer.concat(chunks), true, typed));
    const o = tmp(`attached-bomb-out-${typed}`);
    const r = await withPeakMemory(['extract', dir, '--out', o, '--memory', '256', '-q', '--timeout', NEVER]);
    expect(jsonl(path.join(o, 'errors.jsonl'))).toEqual([]);
    expect(r.status).toBe(0);
    const [doc] = jsonl(path.join(o, 'documents.jsonl'));
    expect(doc.source.attachments).toEqual([{ name: expect.stringMatching(/^embedded file \(object \d+\)$/), size: null }]);
    expect(doc.projects.length).toBeGreaterThan(0);
    expect(r.peakMb).toBeLessThanOrEqual(256 + 256);
  });

  it('a failed input is not tried again unless asked (--retry-failed)', () => {
    const o = tmp('retry');
    const bad = path.join(tmp('bad'), 'bad.pdf');
    writeFileSync(bad, '%PDF-1.7\n garbage');
    expect(cli('extract', bad, '--out', o, '-q').status).toBe(1);
    const first = jsonl(path.join(o, 'manifest.jsonl'))[0].at;
    expect(cli('extract', bad, '--out', o, '-q').status).toBe(1);
    expect(jsonl(path.join(o, 'manifest.jsonl'))[0].at).toBe(first); // not attempted again
    expect(jsonl(path.join(o, 'errors.jsonl'))).toHaveLength(1);
    expect(cli('extract', bad, '--out', o, '-q', '--retry-failed').status).toBe(1);
    expect(jsonl(path.join(o, 'manifest.jsonl'))[0].at).not.toBe(first);
  });
});

describe('scanned folders: nothing found is lost in silence', () => {
  it('follows a link to a file once, reports a link to a folder and a broken link, and goes on', () => {
    const dir = tmp('links');
    const elsewhere = tmp('elsewhere');
    const sample = path.join(ROOT, 'samples', 'laoting-park-2023.txt');
    writeFileSync(path.join(elsewhere, 'linked.txt'), readFileSync(sample));
    mkdirSync(path.join(dir, 'sub'));
    writeFileSync(path.join(dir, 'sub', 'real.txt'), readFileSync(sample));
    symlinkSync(path.join(elsewhere, 'linked.txt'), path.join(dir, 'link-to-file.txt'));
    symlinkSync(path.join(dir, 'sub', 'real.txt'), path.join(dir, 'sub', 'same-again.txt')); // the same file twice: one input
    symlinkSync(elsewhere, path.join(dir, 'link-to-folder'));
    symlinkSync(path.join(dir, 'gone.txt'), path.join(dir, 'broken.txt'));
    symlinkSync(dir, path.join(dir, 'sub', 'loop')); // a loop: never walked
    const o = tmp('links-out');
    const r = cli('extract', dir, '--out', o, '-q');
    expect(r.status).toBe(1);
    const manifest = jsonl(path.join(o, 'manifest.jsonl'));
    const by = (name: string) => manifest.find((m: { path: string }) => m.path.endsWith(name));
    expect(by('link-to-file.txt').status).toBe('done');
    expect(by('real.txt').status).toBe('done');
    expect(by('same-again.txt')).toBeUndefined();
    expect(by('link-to-folder').error.kind).toBe('symlink-folder');
    expect(by('broken.txt').error).toMatchObject({ kind: 'unreadable', reason: 'a broken symbolic link' });
    expect(by('loop').error.kind).toBe('symlink-folder');
    expect(r.stderr).toMatch(/link-to-folder: a symbolic link to a folder/);
  });

  // Root reads every folder whatever its mode: as root, the run is made as user nobody.
  const asRoot = process.getuid?.() === 0;
  it('an unreadable subfolder is a failed entry with its reason; the rest is extracted', () => {
    const base = mkdtempSync(path.join('/tmp', 'jixiao-unreadable-'));
    try {
      chmodSync(base, 0o777);
      const dir = path.join(base, 'in');
      mkdirSync(path.join(dir, 'closed'), { recursive: true });
      writeFileSync(path.join(dir, 'closed', 'x.txt'), 'x');
      writeFileSync(path.join(dir, 'open.txt'), readFileSync(path.join(ROOT, 'samples', 'laoting-park-2023.txt')));
      chmodSync(path.join(dir, 'closed'), 0);
      const o = path.join(base, 'out');
      const r = spawnSync(process.execPath, [CLI, 'extract', dir, '--out', o, '-q'], {
        encoding: 'utf8',
        timeout: HANG_GUARD_MS,
        env: { ...process.env, TMPDIR: base },
        ...(asRoot ? { uid: 65534, gid: 65534 } : {}),
      });
      expect(r.status).toBe(1);
      const manifest = jsonl(path.join(o, 'manifest.jsonl'));
      expect(manifest.find((m: { path: string }) => m.path.endsWith('open.txt')).status).toBe('done');
      expect(manifest.find((m: { path: string }) => m.path.endsWith('closed')).error).toMatchObject({ kind: 'unreadable', reason: expect.stringMatching(/^folder cannot be read \(EACCES\)/) });
    } finally {
      rmSync(base, { recursive: true, force: true });
    }
  });

  it('file names in GBK, in Latin-1 and with a backslash are read, shown readably, and skipped when unchanged', () => {
    const dir = tmp('names');
    const put = (name: Buffer, from: string) => writeFileSync(Buffer.concat([Buffer.from(`${dir}/`), name]), readFileSync(from));
    const gbk = (s: string) => Buffer.from(new Uint8Array([...s].flatMap((c) => [...GBK[c]!])));
    // 乐亭公园 and 乐亭 in GBK, café in Latin-1: bytes that are not UTF-8.
    const GBK: Record<string, number[]> = { 乐: [0xc0, 0xd6], 亭: [0xcd, 0xa4], 公: [0xb9, 0xab], 园: [0xd4, 0xb0] };
    mkdirSync(Buffer.concat([Buffer.from(`${dir}/`), gbk('乐亭')]));
    put(Buffer.concat([gbk('乐亭公园'), Buffer.from('.txt')]), path.join(ROOT, 'samples', 'laoting-park-2023.txt'));
    put(Buffer.from('caf\xe9.txt', 'latin1'), path.join(CORPUS, 'chengde-office-2024', 'source.txt'));
    put(Buffer.from('back\\slash.txt'), path.join(CORPUS, 'chengde-office-2020', 'source.txt'));
    put(Buffer.concat([gbk('乐亭'), Buffer.from('/'), gbk('公园'), Buffer.from('.docx')]), path.join(CORPUS, 'laoting-park-2023', 'document.docx'));
    const o = tmp('names-out');
    const r = cli('extract', dir, '--out', o);
    expect(r.stderr).not.toMatch(/ENOENT|\ufffd/);
    expect(r.status).toBe(0);
    const shown = jsonl(path.join(o, 'documents.jsonl')).map((d) => d.source.path).sort();
    expect(shown).toEqual(['back\\slash.txt', 'caf\\xe9.txt', '乐亭/公园.docx', '乐亭公园.txt']);
    const again = cli('extract', dir, '--out', o, '-v');
    expect(again.status).toBe(0);
    expect(again.stderr.match(/skipped: .* \(unchanged\)/g)).toHaveLength(4);
    expect(again.stderr).toContain(`${dir}/乐亭/公园.docx`);
  });
});

describe('a LibreOffice conversion cut off by the time limit', () => {
  it('leaves no process and no temporary folder behind', () => {
    // A stand-in soffice that hangs converting, as a damaged .doc can make it.
    const bin = standInSoffice('sleep 300 & wait');
    const temp = tmp('fake-tmp');
    const doc = path.join(tmp('doc'), 'old.doc');
    writeFileSync(doc, oleDoc('old'));
    const o = tmp('doc-out');
    const r = spawnSync(process.execPath, [CLI, 'extract', doc, '--out', o, '-q', '--timeout', '3'], {
      encoding: 'utf8',
      timeout: HANG_GUARD_MS,
      env: { ...process.env, PATH: `${bin}:${process.env.PATH}`, TMPDIR: temp },
    });
    expect(r.status).toBe(1);
    expect(jsonl(path.join(o, 'errors.jsonl'))[0].kind).toBe('timeout');
    expect(readdirSync(temp).filter((n) => n.startsWith('jixiao-doc-'))).toEqual([]);
    // No process left whose command line names the temporary folder (LibreOffice's profile is there).
    expect(pidsRunning(temp)).toEqual([]);
  });
});

describe('memory limits hold for the whole worker, and one file never takes the run down', () => {
  it('a PDF whose content stream inflates to 800 MB fails alone as resource-limit under --memory 256', async () => {
    const { createDeflate } = await import('node:zlib');
    // 800 MB of zeros, deflated as it is made (about 0.8 MB).
    const deflated: Buffer = await new Promise((resolve) => {
      const z = createDeflate({ level: 9 });
      const chunks: Buffer[] = [];
      z.on('data', (c: Buffer) => chunks.push(c));
      z.on('end', () => resolve(Buffer.concat(chunks)));
      const zero = Buffer.alloc(8 * 1024 * 1024);
      let left = 100;
      const pump = () => {
        while (left > 0) {
          left--;
          if (!z.write(zero)) return z.once('drain', pump);
        }
        z.end();
      };
      pump();
    });
    const head = Buffer.from(
      '%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n2 0 obj\n<< /Type /Pages /Kids [3 0 R] /Count 1 >>\nendobj\n' +
        '3 0 obj\n<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>\nendobj\n' +
        `4 0 obj\n<< /Length ${deflated.length} /Filter /FlateDecode >>\nstream\n`,
      'latin1',
    );
    const input = tmp('bomb');
    writeFileSync(path.join(input, 'bomb.pdf'), Buffer.concat([head, deflated, Buffer.from('\nendstream\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n', 'latin1')]));
    writeFileSync(path.join(input, 'ok.txt'), readFileSync(path.join(ROOT, 'samples', 'laoting-park-2023.txt')));
    const o = tmp('bomb-out');
    const r = await withPeakMemory(['extract', input, '--out', o, '--memory', '256', '-q', '-j', '1', '--timeout', NEVER]);
    expect(r.status).toBe(1); // not 134: the run itself did not die
    expect(r.peakMb).toBeLessThanOrEqual(256 + 256);
    const errors = jsonl(path.join(o, 'errors.jsonl'));
    expect(errors.map((e) => [path.basename(e.path), e.kind])).toEqual([['bomb.pdf', 'resource-limit']]);
    expect(jsonl(path.join(o, 'documents.jsonl'))).toHaveLength(1);
  });
});

/** A stream object's bytes, binary data kept as it is. */
const streamBytes = (dict: string, data: Buffer) => Buffer.concat([Buffer.from(`<< ${dict} /Length ${data.length} >>\nstream\n`, 'latin1'), data, Buffer.from('\nendstream', 'latin1')]);

/** A PDF of numbered objects, some of them binary (object 1 the catalog). */
function pdfBytes(objs: Array<string | Buffer>): Buffer {
  const parts: Buffer[] = [Buffer.from('%PDF-1.4\n', 'latin1')];
  let length = parts[0]!.length;
  const offsets: number[] = [];
  objs.forEach((o, i) => {
    offsets.push(length);
    const b = Buffer.concat([Buffer.from(`${i + 1} 0 obj\n`, 'latin1'), Buffer.isBuffer(o) ? o : Buffer.from(o, 'latin1'), Buffer.from('\nendobj\n', 'latin1')]);
    parts.push(b);
    length += b.length;
  });
  const xref = `xref\n0 ${objs.length + 1}\n0000000000 65535 f \n${offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('')}`;
  parts.push(Buffer.from(`${xref}trailer\n<< /Size ${objs.length + 1} /Root 1 0 R >>\nstartxref\n${length}\n%%EOF\n`, 'latin1'));
  return Buffer.concat(parts);
}

/** A one-page PDF painting one image: `dict` its dictionary, `data` its stream. */
const imagePdf = (dict: string, data: Buffer) =>
  pdfBytes([
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /XObject << /Im 5 0 R >> >> >>',
    stream('', 'q 595 0 0 842 0 0 cm /Im Do Q'),
    streamBytes(`/Type /XObject /Subtype /Image /BitsPerComponent 1 /ColorSpace /DeviceGray ${dict}`, data),
  ]);

/** Runs the command line while reading its workers' peak resident memory (VmHWM) every few ms; the peak in MB. */
async function withPeakMemory(args: string[]): Promise<{ status: number | null; peakMb: number }> {
  const child = spawn(process.execPath, [CLI, ...args], { stdio: 'ignore' });
  let peakKb = 0;
  const watch = setInterval(() => {
    let kids: string[] = [];
    try {
      kids = readdirSync(`/proc/${child.pid}/task`).flatMap((t) => readFileSync(`/proc/${child.pid}/task/${t}/children`, 'utf8').trim().split(/\s+/).filter(Boolean));
    } catch {
      /* ended */
    }
    for (const k of kids) {
      try {
        peakKb = Math.max(peakKb, Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${k}/status`, 'utf8'))?.[1] ?? 0));
      } catch {
        /* gone meanwhile */
      }
    }
  }, 5);
  const status = await new Promise<number | null>((resolve) => child.on('close', resolve));
  clearInterval(watch);
  return { status, peakMb: peakKb / 1024 };
}

describe('memory bombs fail by the sizes they declare, under the worker\'s bound', () => {
  it('CCITT and JBIG2 image bombs, a 200 MB line, a 2,000-page TIFF of 1 × 1 pixels, a narrow PNG enlarged to 200 dpi: resource-limit naming the size, never over --memory + 256 MB', async () => {
    const input = tmp('membombs');
    const side = 20_000;
    // CCITT G4 in which every row is white like the one above it: one bit a row.
    const g4 = Buffer.concat([Buffer.alloc(side / 8, 0xff), Buffer.from([0x00, 0x10, 0x01, 0x00, 0x10, 0x01])]);
    writeFileSync(path.join(input, 'ccitt.pdf'), imagePdf(`/Width ${side} /Height ${side} /Filter /CCITTFaxDecode /DecodeParms << /K -1 /Columns ${side} /Rows ${side} >>`, g4));
    // A JBIG2 stream declaring a page of side² (the image says 100 × 100), one generic region coded with MMR.
    const u32 = (n: number) => Buffer.from([n >>> 24, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff]);
    const segment = (n: number, type: number, data: Buffer) => Buffer.concat([u32(n), Buffer.from([type, 0x00, 0x01]), u32(data.length), data]);
    const jbig2 = Buffer.concat([
      segment(0, 48, Buffer.concat([u32(side), u32(side), u32(0), u32(0), Buffer.from([0, 0, 0])])),
      segment(1, 38, Buffer.concat([u32(side), u32(side), u32(0), u32(0), Buffer.from([0, 1]), Buffer.alloc(side / 8, 0xff)])),
      segment(2, 49, Buffer.alloc(0)),
    ]);
    writeFileSync(path.join(input, 'jbig2.pdf'), imagePdf('/Width 100 /Height 100 /Filter /JBIG2Decode', jbig2));
    writeFileSync(path.join(input, 'one-line.txt'), Buffer.concat([Buffer.from('第一部分 '), Buffer.alloc(200 * 1024 * 1024 - 20, 0x61)]));
    writeFileSync(path.join(input, 'pages-2000.tif'), tiffBytes(Array(2000).fill({ width: 1, height: 1 })));
    const { default: sharp } = await import('sharp');
    writeFileSync(path.join(input, 'narrow.png'), await sharp({ create: { width: 100, height: 500_000, channels: 3, background: '#ffffff' } }).greyscale().png({ compressionLevel: 9 }).toBuffer());
    writeFileSync(path.join(input, 'ok.txt'), readFileSync(path.join(ROOT, 'samples', 'laoting-park-2023.txt')));
    const o = tmp('membombs-out');
    const r = await withPeakMemory(['extract', input, '--out', o, '--memory', '512', '-q', '-j', '1', '--timeout', NEVER]);
    expect(r.status).toBe(1);
    const reasons = Object.fromEntries(jsonl(path.join(o, 'errors.jsonl')).map((e) => [path.basename(e.path), `${e.kind}: ${e.reason}`]));
    expect(reasons).toEqual({
      'ccitt.pdf': expect.stringMatching(/^resource-limit: PDF declares an image of 20000 × 20000 pixels/),
      'jbig2.pdf': expect.stringMatching(/^resource-limit: PDF declares a JBIG2 page of 20000 × 20000 pixels/),
      'one-line.txt': expect.stringMatching(/^resource-limit: a line of 209715\d+ characters/),
      'pages-2000.tif': expect.stringMatching(/^resource-limit: image of 2000 pages \(page \d+: 1 × 1 pixels, read as 1654 × 1654\)/),
      'narrow.png': expect.stringMatching(/^resource-limit: image page 1 of 100 × 500000 pixels would be 1654 × 8270000 pixels/),
    });
    expect(jsonl(path.join(o, 'documents.jsonl'))).toHaveLength(1);
    expect(r.peakMb).toBeLessThanOrEqual(512 + 256);
  });
});

describe('each limit, exceeded, fails its one file and the run goes on', () => {
  it('a character map declaring 16 million codes (as one range, or spread deflated in an object stream), nesting 200,000 deep (stack)', async () => {
    const input = tmp('limits');
    const cmapOf = (ranges: string) =>
      '/CIDInit /ProcSet findresource begin 12 dict begin begincmap /CMapName /X def\n1 begincodespacerange <000000> <FFFFFF> endcodespacerange\n' +
      `${ranges}\nendcmap CMapName currentdict /CMap defineresource pop end end`;
    const hex = (n: number) => n.toString(16).toUpperCase().padStart(6, '0');
    const page = (font: number) => `<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 ${font} 0 R >> >> >>`;
    writeFileSync(
      path.join(input, 'cmap.pdf'),
      pdfOf([
        '<< /Type /Catalog /Pages 2 0 R >>',
        '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
        page(5),
        stream('', 'BT /F1 12 Tf 10 800 Td <000041000042> Tj ET'),
        '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /ToUnicode 6 0 R >>',
        stream('', cmapOf('1 beginbfrange <000000> <FFFFFF> <0041> endbfrange')),
      ]),
    );
    // The same codes as 256 ranges of 65,536 (none wider than a font's code space), the map
    // deflated, the font's dictionary in an object stream: nothing names the map in the file's
    // bytes as they are. (Parsed, the map ends the worker by its heap limit.)
    const ranges = Array.from({ length: 256 }, (_, i) => `<${hex(i << 16)}> <${hex((i << 16) | 0xffff)}> <4E00>`).join('\n');
    writeFileSync(
      path.join(input, 'cmap-objstm.pdf'),
      pdfWithObjectStream(
        [
          '<< /Type /Catalog /Pages 2 0 R >>',
          '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
          page(7),
          stream('', 'BT /F1 12 Tf 10 800 Td <000041000042> Tj ET'),
          binaryStream('/Filter /FlateDecode', deflateSync(Buffer.from(cmapOf(`256 beginbfrange\n${ranges}\nendbfrange`), 'latin1'))),
        ],
        ['<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /ToUnicode 5 0 R >>'],
      ),
    );
    const deep = 200_000;
    writeFileSync(
      path.join(input, 'deep.pdf'),
      pdfOf([
        '<< /Type /Catalog /Pages 2 0 R >>',
        '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
        `<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Annots ${'['.repeat(deep)}${']'.repeat(deep)} >>`,
        stream('', 'BT /F1 12 Tf 10 800 Td (a) Tj ET'),
      ]),
    );
    writeFileSync(path.join(input, 'ok.txt'), readFileSync(path.join(ROOT, 'samples', 'laoting-park-2023.txt')));
    const o = tmp('limits-out');
    const r = await withPeakMemory(['extract', input, '--out', o, '--memory', '512', '-q', '-j', '1', '--timeout', NEVER]);
    expect(r.status).toBe(1); // not 134: the run itself did not die
    expect(r.peakMb).toBeLessThanOrEqual(512 + 256);
    const kinds = Object.fromEntries(jsonl(path.join(o, 'errors.jsonl')).map((e) => [path.basename(e.path), e.kind]));
    expect(kinds).toEqual({ 'cmap.pdf': 'resource-limit', 'cmap-objstm.pdf': 'resource-limit', 'deep.pdf': 'corrupt-pdf' });
    // Refused by the codes they declare, before pdf.js fills an entry for any.
    const reasons = Object.fromEntries(jsonl(path.join(o, 'errors.jsonl')).map((e) => [path.basename(e.path), e.reason]));
    expect(reasons['cmap.pdf']).toMatch(/character map \(object 6\) of 16,777,216 codes/);
    expect(reasons['cmap-objstm.pdf']).toMatch(/character map \(object 5\) of 16,777,216 codes/);
    expect(jsonl(path.join(o, 'documents.jsonl'))).toHaveLength(1);
  });
});

describe('a full disk', () => {
  const mountPoint = mkdtempSync(path.join(tmpdir(), 'jixiao-full-'));
  const mount = () => spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=400k', 'tmpfs', mountPoint]).status === 0;
  // Whether this machine lets the tests mount one (root, outside a locked-down container).
  const canMount = mount() && spawnSync('umount', [mountPoint]).status === 0;
  if (!canMount) console.warn('[chaos.test] cannot mount a small tmpfs here (needs root): the disk-full test is skipped');

  it.skipIf(!canMount)('is one clear line and exit 2, blames no input, releases the lock; a re-run after freeing space completes', () => {
    expect(mount()).toBe(true);
    try {
      const out = path.join(mountPoint, 'out');
      const r = cli('extract', path.join(ROOT, 'samples'), '--out', out, '-j', '1');
      expect(r.status).toBe(2);
      const said = r.stderr.trim().split('\n').filter((l) => l.startsWith('jixiao:'));
      expect(said).toHaveLength(1);
      expect(said[0]).toMatch(/^jixiao: cannot write .*: the disk is full \(ENOSPC\); free space or fix the folder, then run the same command again$/);
      expect(r.stderr).not.toMatch(/\n\s+at /);
      expect(existsSync(path.join(out, '.jixiao.lock'))).toBe(false);
      expect(jsonl(path.join(out, 'manifest.jsonl')).filter((e) => e.status === 'failed')).toEqual([]);
      expect(spawnSync('mount', ['-o', 'remount,size=40m', mountPoint]).status).toBe(0);
      const again = cli('extract', path.join(ROOT, 'samples'), '--out', out, '-q');
      expect(again.status).toBe(0);
      expect(jsonl(path.join(out, 'documents.jsonl'))).toHaveLength(6);
    } finally {
      spawnSync('umount', [mountPoint]);
    }
  });
});
