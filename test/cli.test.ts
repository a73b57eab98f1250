/** The command line as a user meets it: help, version, usage errors. */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { VERSION } from '../src/version.js';
import { WARNING_CODES } from '../src/loc.js';
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
  it('has a review command', () => {
    const r = cli('review', '--help');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('review/index.html');
    expect(cli('review', path.join(ROOT, 'src')).status).toBe(2);
  });
});
