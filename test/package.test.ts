/**
 * jixiao as a package, the way another project gets it: `npm pack`, installed into a fresh
 * folder, `npx jixiao --help` works, and a TypeScript file importing 'jixiao' type-checks
 * against the shipped declarations and runs.
 */
import { execFile, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ROOT, typeCheck } from './helpers.js';

const NPM = process.platform === 'win32' ? 'npm.cmd' : 'npm';
let app = '';

const run = promisify(execFile);

// Asynchronous: a long synchronous install would block the test runner's own messages.
beforeAll(async () => {
  const work = mkdtempSync(path.join(tmpdir(), 'jixiao-pkg-'));
  await run(NPM, ['pack', '--silent', '--ignore-scripts', '--pack-destination', work], { cwd: ROOT });
  const tarball = readdirSync(work).find((f) => f.endsWith('.tgz'))!;
  app = path.join(work, 'app');
  mkdirSync(app, { recursive: true });
  writeFileSync(path.join(app, 'package.json'), JSON.stringify({ name: 'app', private: true, type: 'module' }));
  await run(NPM, ['install', '--silent', '--no-audit', '--no-fund', '--prefer-offline', path.join(work, tarball)], { cwd: app });
});

describe('package', () => {
  it('npx jixiao --help works from the installed tarball', () => {
    const r = spawnSync(process.platform === 'win32' ? 'npx.cmd' : 'npx', ['--no-install', 'jixiao', '--help'], { cwd: app, encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('extract');
    expect(r.stdout).toContain('schema');
  });

  it('a TypeScript file importing jixiao type-checks and runs', async () => {
    const file = path.join(app, 'use.ts');
    writeFileSync(
      file,
      `import { extractFile, InputError, type DocumentRecord, type ErrorKind, type Indicator, type WarningCode } from 'jixiao';
const doc: DocumentRecord = await extractFile(${JSON.stringify(path.join(ROOT, 'samples', 'laoting-park-2023.txt'))});
const first: Indicator | undefined = doc.projects[0]?.indicators[0];
const codes: WarningCode[] = doc.warnings.map((w) => w.code as WarningCode);
const kind = (e: unknown): ErrorKind | null => (e instanceof InputError ? e.kind : null);
void codes, kind;
console.log(JSON.stringify({ projects: doc.projects.length, unit: first?.value.unit ?? null, loc: first?.loc?.line ?? null }));
`,
    );
    // Every declaration a caller's compiler reads is checked (skipLibCheck false), and none of
    // the pipeline's own libraries (pdf.js, canvas, onnxruntime, the worker pool) is among them.
    const check = await typeCheck(file, app, ['--listFiles']);
    const listed = check.output.split('\n').filter((l) => l.endsWith('.ts') || l.endsWith('.cts') || l.endsWith('.mts'));
    const errors = check.output.split('\n').filter((l) => l !== '' && !listed.includes(l));
    expect(errors).toEqual([]);
    expect(check.status).toBe(0);
    expect(listed.filter((f) => /@napi-rs|pdfjs-dist|onnxruntime|tinypool|bullmq|\/dist\/src\/(loaders|layout|ocr)\//.test(f))).toEqual([]);
    const run = spawnSync(process.execPath, [path.join(ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs'), file], { cwd: app, encoding: 'utf8' });
    expect(run.stderr).toBe('');
    expect(JSON.parse(run.stdout)).toEqual({ projects: 2, unit: '米', loc: expect.any(Number) });
  });
});
