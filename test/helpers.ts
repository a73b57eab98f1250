import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
/** The shared folder beside the checkout (spec and corpus), as in CI. */
export const SHARED = path.resolve(ROOT, '..', 'shared');
export const CORPUS = path.join(SHARED, 'corpus');
export const SPEC = path.join(SHARED, 'spec');
export const FIXTURES = path.join(ROOT, 'test', 'fixtures');

export function requireShared(): void {
  if (!existsSync(CORPUS)) throw new Error(`the shared corpus is expected at ${CORPUS}`);
}
