/**
 * corrections.jsonl in the output folder: read whole (every line, valid or not), and appended
 * to one line at a time — one write of the whole line to a file opened for appending, synced to
 * disk before the caller is told, after a newline if the file's last line was left unfinished —
 * so a line is either all there or not at all, and jixiao never rewrites or deletes a line.
 */
import { randomBytes } from 'node:crypto';
import { open, readFile } from 'node:fs/promises';
import path from 'node:path';
import { type Correction, type CorrectionLine, parseCorrections } from './model.js';

export const CORRECTIONS_FILE = 'corrections.jsonl';

/** Every line of the folder's corrections.jsonl (none when there is no file). */
export async function readCorrections(outDir: string): Promise<CorrectionLine[]> {
  const text = await readFile(path.join(outDir, CORRECTIONS_FILE), 'utf8').catch((e: NodeJS.ErrnoException) => {
    if (e.code === 'ENOENT') return '';
    throw e;
  });
  return parseCorrections(text);
}

/** A new correction id (8 hex digits) not among `taken`. */
export function newCorrectionId(taken: ReadonlySet<string>): string {
  for (;;) {
    const id = randomBytes(4).toString('hex');
    if (!taken.has(id)) return id;
  }
}

/** Appends one correction as one line, durably. */
export async function appendCorrection(outDir: string, c: Correction): Promise<void> {
  const file = path.join(outDir, CORRECTIONS_FILE);
  const fh = await open(file, 'a+');
  try {
    const { size } = await fh.stat();
    let lead = '';
    if (size > 0) {
      const last = Buffer.alloc(1);
      await fh.read(last, 0, 1, size - 1);
      if (last[0] !== 0x0a) lead = '\n';
    }
    await fh.write(`${lead}${JSON.stringify(c)}\n`);
    await fh.sync();
  } finally {
    await fh.close();
  }
}
