/** Where the project's own folders are, whether run from src/ (tsx) or dist/src/ (compiled). */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The checkout's root: the nearest folder above this module holding package.json. */
export function projectRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  while (!existsSync(path.join(dir, 'package.json')) && path.dirname(dir) !== dir) dir = path.dirname(dir);
  return dir;
}

/** The shared corpus beside the checkout (`../shared/corpus`), as on developer machines and CI. */
export function defaultCorpus(): string {
  return path.resolve(projectRoot(), '..', 'shared', 'corpus');
}
