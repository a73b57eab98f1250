/**
 * Input discovery: files, folders (recursed) and glob patterns, in a stable order, without
 * duplicates. Folders contribute the kinds of files jixiao reads; a file named explicitly is
 * always taken (and fails with a clear reason if it is not a budget text).
 */
import { stat } from 'node:fs/promises';
import path from 'node:path';
import fg from 'fast-glob';

export const INPUT_EXTENSIONS = ['pdf', 'docx', 'doc', 'wps', 'txt'];

export interface Discovery {
  files: string[];
  /** Arguments that matched nothing (reported, never silently dropped). */
  missing: string[];
}

export async function discoverInputs(args: readonly string[], exclude: readonly string[] = []): Promise<Discovery> {
  const files = new Set<string>();
  const missing: string[] = [];
  const pattern = `**/*.{${INPUT_EXTENSIONS.join(',')}}`;
  const ignore = ['**/node_modules/**', ...exclude.map((e) => `${path.resolve(e)}/**`)];
  for (const arg of args) {
    const st = await stat(arg).catch(() => null);
    if (st?.isFile()) files.add(path.resolve(arg));
    else if (st?.isDirectory()) {
      const found = await fg(pattern, { cwd: arg, absolute: true, caseSensitiveMatch: false, onlyFiles: true, ignore, followSymbolicLinks: false });
      found.forEach((f) => files.add(path.resolve(f)));
    } else if (fg.isDynamicPattern(arg)) {
      const found = await fg(arg, { absolute: true, onlyFiles: true, ignore });
      if (found.length === 0) missing.push(arg);
      found.forEach((f) => files.add(path.resolve(f)));
    } else missing.push(arg);
  }
  return { files: [...files].sort(), missing };
}
