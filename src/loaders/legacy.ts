/**
 * Legacy Word (.doc / .wps, OLE2) input: converted to DOCX with LibreOffice when `soffice`
 * is installed (Debian: `apt-get install libreoffice-writer-nogui`), else a clear error.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { InputError } from '../model.js';

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

export async function convertLegacyDoc(bytes: Buffer, file: string): Promise<Buffer> {
  const soffice = await findSoffice();
  if (!soffice) {
    throw new InputError('legacy .doc: convert with LibreOffice (install it: apt-get install libreoffice-writer-nogui)', 'legacy-doc');
  }
  const dir = await mkdtemp(path.join(tmpdir(), 'jixiao-doc-'));
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
