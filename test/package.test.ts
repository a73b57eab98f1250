/**
 * jixiao as a package, the way another project gets it: `npm pack`, installed into a fresh
 * folder, `npx jixiao --help` works, a TypeScript file importing 'jixiao' type-checks against
 * the shipped declarations and runs, and OCR works there: `jixiao doctor` reads its sample and a
 * scanned page is extracted. The install check (src/postinstall.mjs) stops an install whose
 * OCR npm would drop — onnxruntime-node's step about to fetch CUDA libraries, or OCR gone — with
 * the fix, and lets one through where the step is skipped or denied. No npm command here warns of
 * an unknown project config.
 */
import { execFile, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
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
  // onnxruntime-node's own install step told not to fetch CUDA libraries, as the install check asks.
  await run(NPM, ['install', '--silent', '--no-audit', '--no-fund', '--prefer-offline', path.join(work, tarball)], { cwd: app, env: { ...process.env, ONNXRUNTIME_NODE_INSTALL: 'skip' } });
});

/** The install check as npm runs it in the app (its environment: the project's prefix, and whatever flags are given). */
function installCheck(env: Record<string, string>, cwd = path.join(app, 'node_modules', 'jixiao')) {
  const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(npm_config_|ONNXRUNTIME_NODE_INSTALL|JIXIAO_SKIP)/i.test(k)));
  return spawnSync(process.execPath, [path.join(cwd, 'src', 'postinstall.mjs')], { cwd, encoding: 'utf8', env: { ...clean, npm_config_local_prefix: app, ...env } });
}

describe('package', () => {
  it('OCR works where the package is installed: jixiao doctor reads its sample, and a scanned page is extracted', async () => {
    const bin = path.join(app, 'node_modules', '.bin', 'jixiao');
    // Asynchronous (the commands take a while): the test runner is never blocked. doctor exits 1
    // where LibreOffice is missing; its OCR line is what counts here.
    const doctor = await run(bin, ['doctor', '--json'], { cwd: app, encoding: 'utf8' }).catch((e: { stdout: string }) => e);
    const report = JSON.parse(doctor.stdout) as { checks: Array<{ name: string; status: string; detail: string }> };
    expect(report.checks.find((c) => c.name === 'ocr')).toMatchObject({ status: 'ok', detail: expect.stringContaining('2023年部门整体绩效目标') });
    const out = path.join(app, 'out');
    await run(bin, ['extract', path.join(ROOT, 'test', 'fixtures', 'scans', 'chengde-office-2024-p7.png'), '--out', out, '-q', '-f', 'jsonl'], { cwd: app, encoding: 'utf8' });
    const doc = JSON.parse(readFileSync(path.join(out, 'documents.jsonl'), 'utf8').split('\n')[0]!);
    expect(doc.source.ocr).toMatchObject({ engine: expect.stringContaining('PP-OCRv4'), pages: [1] });
    expect(doc.projects.length).toBeGreaterThan(0);
  });

  it('the install check stops an install whose OCR npm would drop, with the fix, and lets a safe one through', () => {
    // onnxruntime-node's step would run and fetch (linux x64, no flag, no CUDA libraries): stopped, with the command that fixes it.
    const fetching = installCheck({});
    if (`${process.platform}/${process.arch}` === 'linux/x64') {
      expect(fetching.status).toBe(1);
      expect(fetching.stderr).toContain('ONNXRUNTIME_NODE_INSTALL=skip npm install');
    }
    expect(installCheck({ ONNXRUNTIME_NODE_INSTALL: 'skip' }).status).toBe(0);
    expect(installCheck({ npm_config_omit: 'optional' }).status).toBe(0);
    // A project that denies the step (npm 11's allowScripts) never runs it.
    const denied = mkdtempSync(path.join(tmpdir(), 'jixiao-deny-'));
    writeFileSync(path.join(denied, 'package.json'), JSON.stringify({ name: 'denied', allowScripts: { 'onnxruntime-node': false } }));
    expect(installCheck({ npm_config_local_prefix: denied }).status).toBe(0);
    // OCR gone (npm dropped it): stopped, saying which package is missing.
    const bare = mkdtempSync(path.join(tmpdir(), 'jixiao-bare-'));
    mkdirSync(path.join(bare, 'src'));
    cpSync(path.join(app, 'node_modules', 'jixiao', 'src', 'postinstall.mjs'), path.join(bare, 'src', 'postinstall.mjs'));
    const gone = installCheck({ ONNXRUNTIME_NODE_INSTALL: 'skip' }, bare);
    expect(gone.status).toBe(1);
    expect(gone.stderr).toMatch(/onnxruntime-node is not installed[\s\S]*ONNXRUNTIME_NODE_INSTALL=skip npm install/);
  });

  it('no npm command in the project warns of an unknown project config', () => {
    const r = spawnSync(NPM, ['config', 'list'], { cwd: ROOT, encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(r.stderr).not.toMatch(/Unknown project config/);
  });

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
