/**
 * Input discovery: files, folders (recursed) and glob patterns, in a stable order, without
 * duplicates. Folders contribute the kinds of files jixiao reads; a file named explicitly is
 * always taken (and fails with a clear reason if it is not a budget text). Each input keeps
 * the root it was found under, so that documents record paths relative to what the user named.
 *
 * Folders are walked here (not by a glob library) so that nothing found is lost in silence:
 * a symbolic link to a file is followed (once: links to folders are not, so no walk loops);
 * a subfolder that cannot be read, a link to a folder, a broken link, and a named pipe, socket
 * or device (or a link to one) named like a document are reported as refused entries with the
 * reason — so is such a file named on the command line — and the rest of the batch goes on. Names are read as bytes:
 * a name that is not UTF-8 (GBK, Latin-1) keeps its bytes in the path string (../fsname.ts).
 */
import { readdir, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import fg from 'fast-glob';
import picomatch from 'picomatch';
import type { Failure } from '../errors.js';
import { fsPath, nameFromBytes } from '../fsname.js';
import { specialFile, specialKind } from './read.js';

/** Files a folder contributes (and members a bundle does): the formats jixiao reads, and bundles to open. */
export const INPUT_EXTENSIONS = ['pdf', 'docx', 'doc', 'wps', 'txt', 'png', 'jpg', 'jpeg', 'tif', 'tiff', 'xlsx', 'xls', 'et', 'html', 'htm', 'mhtml', 'mht', 'ofd', 'zip', '7z', 'rar', 'tar', 'tgz', 'gz'];

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
  /**
   * What could not be taken: unreadable subfolders, links to folders, broken links, and named
   * pipes, sockets and devices (named on the command line, or named like a document in a folder).
   */
  refused: Array<{ path: string } & Failure>;
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
  const refused: Discovery['refused'] = [];
  const real = new Set<string>();
  for (const arg of args) {
    const st = await stat(fsPath(arg)).catch(() => null);
    const special = st && specialKind(st);
    if (st?.isFile()) add(arg, path.dirname(path.resolve(arg)));
    else if (special) refused.push({ path: path.resolve(arg), ...specialFile(special) });
    else if (st?.isDirectory()) {
      const root = path.resolve(arg);
      for (const f of await walk(root, ignore, refused)) {
        // Two links to one file (or a link beside its target) are one input.
        const r = await realpath(fsPath(f), { encoding: 'buffer' }).then(nameFromBytes, () => f);
        if (real.has(r)) continue;
        real.add(r);
        add(f, root);
      }
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
  return { inputs: [...found.values()].sort((a, b) => a.file.localeCompare(b.file)), missing, skipped: [...skipped].filter((f) => !found.has(f)).sort(), refused };
}

const INPUT_NAME = new RegExp(`\\.(${INPUT_EXTENSIONS.join('|')})$`, 'i');

/** Whether a file or member name is one jixiao takes (by its extension, as a folder's files are). */
export function isInputName(name: string): boolean {
  return INPUT_NAME.test(name);
}

/** The input files under `root`, depth first, names sorted; what cannot be taken goes to `refused`. */
async function walk(root: string, ignore: readonly string[], refused: Discovery['refused']): Promise<string[]> {
  const ignored = picomatch([...ignore], { dot: true });
  const skip = (abs: string) => ignored(abs) || ignored(path.relative(root, abs));
  // A folder is left out when everything under it would be.
  const skipDir = (abs: string) => skip(abs) || skip(path.join(abs, '\u0000'));
  const out: string[] = [];
  const stack = [root];
  while (stack.length) {
    const dir = stack.pop()!;
    let entries;
    try {
      entries = (await readdir(fsPath(dir), { withFileTypes: true, encoding: 'buffer' })).map((e) => ({ e, name: nameFromBytes(e.name) }));
    } catch (err) {
      refused.push({ path: dir, kind: 'unreadable', reason: `folder cannot be read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}): its files were not searched` });
      continue;
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const { e, name } of entries) {
      const full = path.join(dir, name);
      if (e.isDirectory()) {
        if (name !== 'node_modules' && !skipDir(full)) stack.push(full);
      } else if (e.isFile()) {
        if (INPUT_NAME.test(name) && !skip(full)) out.push(full);
      } else if (e.isSymbolicLink() && !skip(full)) {
        const st = await stat(fsPath(full)).catch(() => null);
        const special = st && specialKind(st);
        if (st?.isFile()) {
          if (INPUT_NAME.test(name)) out.push(full);
        } else if (st?.isDirectory()) {
          refused.push({ path: full, kind: 'symlink-folder', reason: 'a symbolic link to a folder: not followed (name the folder itself to search it)' });
        } else if (special && INPUT_NAME.test(name)) {
          refused.push({ path: full, ...specialFile(`a symbolic link to ${special}`) });
        } else if (!st && INPUT_NAME.test(name)) {
          refused.push({ path: full, kind: 'unreadable', reason: 'a broken symbolic link' });
        }
      } else if (INPUT_NAME.test(name) && !skip(full)) {
        // A named pipe, a socket or a device named like a document: never opened, never dropped in silence.
        const st = await stat(fsPath(full)).catch(() => null);
        const special = st && specialKind(st);
        if (special) refused.push({ path: full, ...specialFile(special) });
      }
    }
  }
  return out;
}
