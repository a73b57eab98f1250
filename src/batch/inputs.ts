/**
 * Input discovery: files, folders (recursed) and glob patterns, in a stable order, without
 * duplicates. Folders contribute the kinds of files jixiao reads; a file named explicitly is
 * always taken (and fails with a clear reason if it is not a budget text). Each input keeps
 * the root it was found under, so that documents record paths relative to what the user named.
 */
import { stat } from 'node:fs/promises';
import path from 'node:path';
import fg from 'fast-glob';

export const INPUT_EXTENSIONS = ['pdf', 'docx', 'doc', 'wps', 'txt', 'png', 'jpg', 'jpeg', 'tif', 'tiff'];

export interface Input {
  /** Absolute path (the manifest's key). */
  file: string;
  /** Path relative to the folder named on the command line (a named file: its own name). */
  relative: string;
}

export interface Discovery {
  inputs: Input[];
  /** Arguments that matched nothing (reported, never silently dropped). */
  missing: string[];
  /** Input files a scanned folder holds inside a skipped folder (the output folder): reported, never silently dropped. */
  skipped: string[];
}

export interface DiscoverOptions {
  /** Folders never searched (the output folder). */
  skipDirs?: readonly string[];
  /** Glob patterns of files to leave out of folders and patterns (`--exclude`). */
  exclude?: readonly string[];
}

export async function discoverInputs(args: readonly string[], opts: DiscoverOptions = {}): Promise<Discovery> {
  const found = new Map<string, Input>();
  const missing: string[] = [];
  const skipped = new Set<string>();
  const pattern = `**/*.{${INPUT_EXTENSIONS.join(',')}}`;
  const ignore = ['**/node_modules/**', ...(opts.skipDirs ?? []).map((e) => `${path.resolve(e)}/**`), ...(opts.exclude ?? [])];
  const add = (file: string, root: string) => {
    const abs = path.resolve(file);
    if (!found.has(abs)) found.set(abs, { file: abs, relative: path.relative(root, abs) || path.basename(abs) });
  };
  for (const arg of args) {
    const st = await stat(arg).catch(() => null);
    if (st?.isFile()) add(arg, path.dirname(path.resolve(arg)));
    else if (st?.isDirectory()) {
      const root = path.resolve(arg);
      const files = await fg(pattern, { cwd: root, absolute: true, caseSensitiveMatch: false, onlyFiles: true, ignore, followSymbolicLinks: false });
      for (const f of files) add(f, root);
      for (const dir of (opts.skipDirs ?? []).map((d) => path.resolve(d))) {
        if (!dir.startsWith(`${root}${path.sep}`)) continue;
        for (const f of await fg(pattern, { cwd: dir, absolute: true, caseSensitiveMatch: false, onlyFiles: true, ignore: ['**/node_modules/**'] })) skipped.add(path.resolve(f));
      }
    } else if (fg.isDynamicPattern(arg)) {
      const files = await fg(arg, { absolute: true, onlyFiles: true, ignore });
      if (files.length === 0) missing.push(arg);
      const base = path.resolve(fg.generateTasks(arg)[0]?.base ?? '.');
      for (const f of files) add(f, base);
    } else missing.push(arg);
  }
  return { inputs: [...found.values()].sort((a, b) => a.file.localeCompare(b.file)), missing, skipped: [...skipped].filter((f) => !found.has(f)).sort() };
}
