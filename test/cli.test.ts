/** The command line as a user meets it: help, version, usage errors. */
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { VERSION } from '../src/version.js';
import { WARNING_CODES } from '../src/diagnostics.js';
import { ERROR_KINDS } from '../src/errors.js';
import { ROOT } from './helpers.js';

const cli = (...args: string[]) => spawnSync(process.execPath, [path.join(ROOT, 'dist/src/cli.js'), ...args], { encoding: 'utf8' });

describe('cli', () => {
  it('prints help for extract with the outputs and exit codes', () => {
    const r = cli('extract', '--help');
    expect(r.status).toBe(0);
    for (const s of ['--out', '--concurrency', '--timeout', '--bom', '--force', 'errors.jsonl', 'Exit codes']) expect(r.stdout).toContain(s);
  });
  it('reports the package version', () => {
    expect(VERSION).toBe(JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')).version);
    expect(cli('--version').stdout.trim()).toBe(VERSION);
  });
  it('exits 2 on bad usage', () => {
    expect(cli('extract').status).toBe(2);
    expect(cli('extract', 'samples', '--concurrency', 'zero').status).toBe(2);
    expect(cli('extract', 'samples', '--format', 'xml').status).toBe(2);
  });
  it('documents every warning code in the README, and no other', () => {
    const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('### Warning codes'), readme.indexOf('### Review report'));
    const listed = [...section.matchAll(/^\| `([a-z0-9-]+)` \|/gm)].map((m) => m[1]);
    expect(listed.sort()).toEqual(Object.keys(WARNING_CODES).sort());
  });
  it('documents every error kind in the README, and no other', () => {
    const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('### Error kinds'), readme.indexOf('### What jixiao promises'));
    // The table's first column, which may name several kinds: | `not-pdf`, `not-docx` | … |
    const listed = [...section.matchAll(/^\| ((?:`[a-z0-9-]+`(?:, )?)+) \|/gm)].flatMap((m) => [...m[1]!.matchAll(/`([a-z0-9-]+)`/g)].map((k) => k[1]));
    expect([...new Set(listed)].sort()).toEqual(Object.keys(ERROR_KINDS).sort());
  });
  it('has a review command', () => {
    const r = cli('review', '--help');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('review/index.html');
    expect(cli('review', path.join(ROOT, 'src')).status).toBe(2);
  });

  const tmp = (name: string) => mkdtempSync(path.join(tmpdir(), `jixiao-cli-${name}-`));
  const sample = (f: string) => path.join(ROOT, 'samples', f);

  it('reads one document from stdin and writes JSONL to stdout', () => {
    const r = spawnSync(process.execPath, [path.join(ROOT, 'dist/src/cli.js'), 'extract', '-', '--stdout', '--quiet'], {
      input: readFileSync(sample('laoting-park-2023.txt')),
      encoding: 'utf8',
    });
    expect(r.status).toBe(0);
    expect(r.stderr).toBe('');
    const lines = r.stdout.trim().split('\n');
    expect(lines).toHaveLength(1);
    const doc = JSON.parse(lines[0]!);
    expect(doc.source.path).toBe('stdin');
    expect(doc.projects).toHaveLength(2);
  });

  it('records source paths relative to the folder named, lists a dry run, leaves out --exclude matches', () => {
    const archive = tmp('rel');
    mkdirSync(path.join(archive, 'a', 'b'), { recursive: true });
    copyFileSync(sample('laoting-park-2023.txt'), path.join(archive, 'a', 'b', 'x.txt'));
    copyFileSync(sample('laoting-park-2023.docx'), path.join(archive, 'a', 'draft.docx'));
    const out = tmp('rel-out');
    const dry = cli('extract', archive, '--out', out, '--dry-run', '--exclude', '**/draft.*');
    expect(dry.status).toBe(0);
    expect(dry.stdout).toMatch(/^extract {2}.*x\.txt {2}\(new\)$/m);
    expect(dry.stdout).not.toContain('draft');
    expect(existsSync(path.join(out, 'manifest.jsonl'))).toBe(false); // nothing written
    expect(cli('extract', archive, '--out', out, '--exclude', '**/draft.*', '-q').status).toBe(0);
    const doc = JSON.parse(readFileSync(path.join(out, 'documents.jsonl'), 'utf8').trim());
    expect(doc.source.path).toBe(path.join('a', 'b', 'x.txt'));
    expect(cli('extract', archive, '--out', tmp('abs'), '--absolute-paths', '--stdout', '-q').stdout).toContain(JSON.stringify(path.join(archive, 'a', 'b', 'x.txt')));
  });

  it('skips an archive that moved (same bytes), and --prune drops inputs that are gone', () => {
    const a = tmp('moved-a');
    copyFileSync(sample('laoting-park-2023.txt'), path.join(a, 'x.txt'));
    copyFileSync(sample('chengde-office-2024.txt'), path.join(a, 'y.txt'));
    const out = tmp('moved-out');
    expect(cli('extract', a, '--out', out, '-q').status).toBe(0);
    const b = `${a}-moved`;
    renameSync(a, b);
    const again = cli('extract', b, '--out', out, '--log-format', 'json');
    expect(again.status).toBe(0);
    const summary = again.stderr.trim().split('\n').map((l) => JSON.parse(l)).find((e) => e.event === 'summary');
    expect(summary).toMatchObject({ total: 2, done: 0, skipped: 2, failed: 0 });
    rmSync(path.join(b, 'y.txt'));
    expect(cli('extract', b, '--out', out, '--prune', '-q').status).toBe(0);
    const docs = readFileSync(path.join(out, 'documents.jsonl'), 'utf8').trim().split('\n');
    expect(docs).toHaveLength(1);
    expect(JSON.parse(docs[0]!).projects).toHaveLength(2);
  });

  it('reads its inputs from --files-from (a file, or - for standard input; NUL-separated with -0), and a missing one fails as kind missing', () => {
    const dir = tmp('list');
    // Names a line-based list cannot hold (a newline) or that a shell would split (spaces).
    const odd = path.join(dir, 'two\nlines.txt');
    const spaced = path.join(dir, 'with space.txt');
    copyFileSync(sample('laoting-park-2023.txt'), odd);
    copyFileSync(sample('chengde-office-2024.txt'), spaced);
    const gone = path.join(dir, 'gone.txt');
    const list = path.join(dir, 'list0');
    writeFileSync(list, [odd, spaced, gone].join('\0') + '\0');
    const out = tmp('list-out');
    const r = cli('extract', '--files-from', list, '-0', '--out', out, '--log-format', 'json', '--in-process');
    expect(r.status).toBe(1);
    const events = r.stderr.trim().split('\n').map((l) => JSON.parse(l));
    // One event per input, with the same fields whatever its end.
    const files = events.filter((e) => e.event === 'file').map(({ at: _at, ms, ...e }) => ({ ...e, ms: typeof ms }));
    expect(files.sort((a, b) => (a.path < b.path ? -1 : 1))).toEqual([
      { event: 'file', path: gone, status: 'failed', kind: 'missing', reason: 'no such file or folder', pages: null, ms: 'number' },
      { event: 'file', path: odd.replace('\n', '\\u000a'), status: 'done', kind: null, reason: null, pages: null, ms: 'number' },
      { event: 'file', path: spaced, status: 'done', kind: null, reason: null, pages: null, ms: 'number' },
    ]);
    expect(events.find((e) => e.event === 'summary')).toMatchObject({ total: 3, done: 2, failed: 1, missing: [gone] });
    expect(readFileSync(path.join(out, 'errors.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l))).toEqual([expect.objectContaining({ path: gone, kind: 'missing' })]);
    // Newline-separated on standard input (CRLF too), and a dry run as JSON lines.
    const dry = spawnSync(process.execPath, [path.join(ROOT, 'dist/src/cli.js'), 'extract', '--files-from', '-', '--out', out, '--dry-run', '--log-format', 'json'], { input: `${spaced}\r\n${gone}\n`, encoding: 'utf8' });
    expect(dry.status).toBe(1);
    expect(dry.stdout.trim().split('\n').map((l) => JSON.parse(l))).toEqual([
      { path: spaced, action: 'skip', reason: 'unchanged' },
      { path: gone, action: 'fail', reason: 'missing: no such file or folder' },
    ]);
    expect(cli('extract', '-0', spaced, '--out', out).status).toBe(2);
  });

  it('--fail-fast stops taking inputs at the first failure; the next run takes the rest', () => {
    const dir = tmp('ff');
    writeFileSync(path.join(dir, 'a-bad.txt'), '这不是预算文本。\n'.repeat(20));
    for (const [i, f] of ['laoting-park-2023.txt', 'chengde-office-2024.txt'].entries()) copyFileSync(sample(f), path.join(dir, `b${i}.txt`));
    const out = tmp('ff-out');
    const r = cli('extract', dir, '--out', out, '-j', '1', '--fail-fast', '--log-format', 'json', '--in-process');
    expect(r.status).toBe(1);
    const summary = r.stderr.trim().split('\n').map((l) => JSON.parse(l)).find((e) => e.event === 'summary');
    expect(summary).toMatchObject({ total: 3, done: 0, failed: 1, failedFast: true });
    expect(readFileSync(path.join(out, 'manifest.jsonl'), 'utf8').trim().split('\n')).toHaveLength(1);
    const rest = cli('extract', dir, '--out', out, '-j', '1', '--log-format', 'json', '--in-process');
    expect(rest.stderr.trim().split('\n').map((l) => JSON.parse(l)).find((e) => e.event === 'summary')).toMatchObject({ total: 3, done: 2, failed: 1 });
  });

  it('escapes CSV cells a spreadsheet would run, unless asked not to; removes a format no longer asked for', () => {
    const out = tmp('formula');
    expect(cli('extract', sample('chengde-office-2024.txt'), '--out', out, '-f', 'csv,parquet', '-q').status).toBe(0);
    const escaped = readFileSync(path.join(out, 'indicators.csv'), 'utf8');
    expect(existsSync(path.join(out, 'parquet', 'indicators', 'part-000001.parquet'))).toBe(true);
    expect(cli('extract', sample('chengde-office-2024.txt'), '--out', out, '-f', 'csv', '--force', '--no-escape-formulas', '-q').status).toBe(0);
    const raw = readFileSync(path.join(out, 'indicators.csv'), 'utf8');
    expect(existsSync(path.join(out, 'parquet'))).toBe(false);
    // Values like "=100%" would run in a spreadsheet: escaped by default, as written with the option.
    const risky = raw.split('\n').filter((l) => /,=|,\+|,-|,@/.test(l));
    expect(risky.length).toBeGreaterThan(0);
    expect(escaped).not.toMatch(/,=[^,]/);
    expect(escaped).toMatch(/,'=/);
  });
});
