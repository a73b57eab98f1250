import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll } from 'vitest';

/**
 * A test file's temporary folders and files, and those of the commands it runs, go into one
 * folder of its own (TMPDIR), removed when the file's tests end.
 */
const TEST_TMP = mkdtempSync(path.join(tmpdir(), 'jixiao-test-'));
process.env.TMPDIR = TEST_TMP;
const removeTestTmp = () => rmSync(TEST_TMP, { recursive: true, force: true });
afterAll(removeTestTmp);
process.on('exit', removeTestTmp);

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
/** The shared folder beside the checkout (spec and corpus), as in CI. */
export const SHARED = path.resolve(ROOT, '..', 'shared');
export const CORPUS = path.join(SHARED, 'corpus');
export const SPEC = path.join(SHARED, 'spec');
export const FIXTURES = path.join(ROOT, 'test', 'fixtures');

export function requireShared(): void {
  if (!existsSync(CORPUS)) throw new Error(`the shared corpus is expected at ${CORPUS}`);
}

/**
 * Type-checks one TypeScript file as a strict NodeNext project importing jixiao would, with this
 * checkout's compiler and Node's types: the compiler's output ('' when clean) and exit status.
 */
export async function typeCheck(file: string, cwd: string, extra: string[] = []): Promise<{ output: string; status: number | null }> {
  const tsc = path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
  const args = [tsc, '--noEmit', '--strict', '--module', 'nodenext', '--moduleResolution', 'nodenext', '--target', 'es2022', '--skipLibCheck', 'false', '--typeRoots', path.join(ROOT, 'node_modules', '@types'), '--types', 'node', ...extra, file];
  // Asynchronous, so a slow compile never blocks the test runner's own messages.
  return new Promise((resolve) => {
    execFile(process.execPath, args, { cwd, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
      const code = err ? ((err as { code?: unknown }).code as number | null) ?? 1 : 0;
      resolve({ output: stdout + stderr, status: typeof code === 'number' ? code : 1 });
    });
  });
}
