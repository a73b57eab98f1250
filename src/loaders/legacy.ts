/**
 * Legacy Word (.doc / .wps, OLE2) input: converted to DOCX with LibreOffice when `soffice`
 * is installed (Debian: `apt-get install libreoffice-writer-nogui`), else a clear error.
 *
 * A conversion works in a temporary folder named after its task (`jixiao-doc-<task>-…`,
 * holding the input's copy and LibreOffice's profile). When the batch stops a file for its
 * time limit, the worker process is killed mid-conversion and cannot clean up after itself:
 * the batch then calls `cleanupConversion(task)`, which kills every process still working in
 * that folder and removes it.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { InputError } from '../errors.js';
import { pidsRunning } from '../procmem.js';

const run = promisify(execFile);
const CONVERT_TIMEOUT_MS = 120_000;

async function findSoffice(): Promise<string | null> {
  for (const bin of ['soffice', 'libreoffice']) {
    try {
      await run(bin, ['--version'], { timeout: 20_000 });
      return bin;
    } catch {
      /* try the next name */
    }
  }
  return null;
}

const PREFIX = 'jixiao-doc-';

export async function convertLegacyDoc(bytes: Buffer, file: string, task = 'x'): Promise<Buffer> {
  const soffice = await findSoffice();
  if (!soffice) {
    throw new InputError('legacy .doc: convert with LibreOffice (install it: apt-get install libreoffice-writer-nogui)', 'legacy-doc');
  }
  const dir = await mkdtemp(path.join(tmpdir(), `${PREFIX}${safeTask(task)}-`));
  try {
    const input = path.join(dir, 'input.doc');
    await writeFile(input, bytes);
    await run(soffice, ['--headless', `-env:UserInstallation=file://${dir}/profile`, '--convert-to', 'docx', '--outdir', dir, input], {
      timeout: CONVERT_TIMEOUT_MS,
    });
    const out = await readFile(path.join(dir, 'input.docx')).catch(() => null);
    if (!out) throw new InputError(`legacy .doc (OLE2) file that LibreOffice cannot read: ${path.basename(file)} is damaged or not a Word document`, 'legacy-doc');
    return out;
  } catch (err) {
    if (err instanceof InputError) throw err;
    throw new InputError(`legacy .doc could not be converted by LibreOffice: ${(err as Error).message.split('\n')[0]}`, 'legacy-doc');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function safeTask(task: string): string {
  return task.replace(/[^A-Za-z0-9]/g, '').slice(0, 32) || 'x';
}

/**
 * After a conversion was cut off (its worker killed at the time limit): kills the processes
 * whose command line names the task's folders (soffice and its children) and removes them.
 */
export async function cleanupConversion(task: string): Promise<void> {
  const marker = path.join(tmpdir(), `${PREFIX}${safeTask(task)}-`);
  for (const pid of pidsRunning(marker)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      /* ended meanwhile */
    }
  }
  const names = await readdir(tmpdir()).catch(() => [] as string[]);
  for (const n of names) if (path.join(tmpdir(), n).startsWith(marker)) await rm(path.join(tmpdir(), n), { recursive: true, force: true });
}
