/**
 * jixiao as a package, the way another project gets it: `npm pack`, installed into a fresh
 * folder, `npx jixiao --help` works, and a TypeScript file importing 'jixiao' type-checks
 * against the shipped declarations and runs.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ROOT, typeCheck } from './helpers.js';

const NPM = process.platform === 'win32' ? 'npm.cmd' : 'npm';
let app = '';

beforeAll(() => {
  const work = mkdtempSync(path.join(tmpdir(), 'jixiao-pkg-'));
  execFileSync(NPM, ['pack', '--silent', '--ignore-scripts', '--pack-destination', work], { cwd: ROOT, stdio: 'pipe' });
  const tarball = readdirSync(work).find((f) => f.endsWith('.tgz'))!;
  app = path.join(work, 'app');
  execFileSync('mkdir', ['-p', app]);
  writeFileSync(path.join(app, 'package.json'), JSON.stringify({ name: 'app', private: true, type: 'module' }));
  execFileSync(NPM, ['install', '--silent', '--no-audit', '--no-fund', '--prefer-offline', path.join(work, tarball)], { cwd: app, stdio: 'pipe' });
}, 300_000);

describe('package', () => {
  it('npx jixiao --help works from the installed tarball', () => {
    const r = spawnSync(process.platform === 'win32' ? 'npx.cmd' : 'npx', ['--no-install', 'jixiao', '--help'], { cwd: app, encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('extract');
    expect(r.stdout).toContain('schema');
  });

  it('a TypeScript file importing jixiao type-checks and runs', () => {
    const file = path.join(app, 'use.ts');
    writeFileSync(
      file,
      `import { extractFile, type DocumentRecord, type Indicator } from 'jixiao';
const doc: DocumentRecord = await extractFile(${JSON.stringify(path.join(ROOT, 'samples', 'laoting-park-2023.txt'))});
const first: Indicator | undefined = doc.projects[0]?.indicators[0];
console.log(JSON.stringify({ projects: doc.projects.length, unit: first?.value.unit ?? null, loc: first?.loc.line ?? null }));
`,
    );
    const check = typeCheck(file, app);
    expect(check.output).toBe('');
    expect(check.status).toBe(0);
    const run = spawnSync(process.execPath, [path.join(ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs'), file], { cwd: app, encoding: 'utf8' });
    expect(run.stderr).toBe('');
    expect(JSON.parse(run.stdout)).toEqual({ projects: 2, unit: '米', loc: expect.any(Number) });
  });
});
