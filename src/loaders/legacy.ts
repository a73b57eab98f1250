/**
 * Legacy OLE2 inputs converted with LibreOffice when `soffice` is installed, else a clear
 * error: Word and WPS texts (.doc / .wps) to DOCX (Debian: `apt-get install
 * libreoffice-writer-nogui`), Excel and WPS sheets (.xls / .et) to XLSX
 * (`libreoffice-calc-nogui`).
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

/** What a legacy file becomes: a text (.doc, .wps) a DOCX, a sheet (.xls, .et) an XLSX. */
const TARGET = {
  docx: { from: 'doc', what: '.doc', kind: 'a Word document', pkg: 'libreoffice-writer-nogui' },
  xlsx: { from: 'xls', what: '.xls', kind: 'an Excel workbook', pkg: 'libreoffice-calc-nogui' },
} as const;

export async function convertLegacyDoc(bytes: Buffer, file: string, task = 'x'): Promise<Buffer> {
  return convertLegacy(bytes, file, 'docx', task);
}

/** A legacy text or sheet converted by LibreOffice (headless, its own profile, in a temporary folder of the task). */
export async function convertLegacy(bytes: Buffer, file: string, to: keyof typeof TARGET, task = 'x'): Promise<Buffer> {
  const t = TARGET[to];
  const soffice = await findSoffice();
  if (!soffice) {
    throw new InputError(`legacy ${t.what}: convert with LibreOffice (install it: apt-get install ${t.pkg})`, 'legacy-doc');
  }
  const dir = await mkdtemp(path.join(tmpdir(), `${PREFIX}${safeTask(task)}-`));
  try {
    const input = path.join(dir, `input.${t.from}`);
    await writeFile(input, bytes);
    await run(soffice, ['--headless', `-env:UserInstallation=file://${dir}/profile`, '--convert-to', to, '--outdir', dir, input], {
      timeout: CONVERT_TIMEOUT_MS,
    });
    const out = await readFile(path.join(dir, `input.${to}`)).catch(() => null);
    if (!out) throw new InputError(`legacy ${t.what} (OLE2) file that LibreOffice cannot read: ${path.basename(file)} is damaged or not ${t.kind}`, 'legacy-doc');
    return out;
  } catch (err) {
    if (err instanceof InputError) throw err;
    throw new InputError(`legacy ${t.what} could not be converted by LibreOffice: ${(err as Error).message.split('\n')[0]}`, 'legacy-doc');
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
