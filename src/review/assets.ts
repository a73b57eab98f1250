/**
 * The review views' script and stylesheet, as files: the browser script is bundled by esbuild
 * at build time (`npm run build` → dist/app/review.js, from app/main.ts), the stylesheet is
 * views.ts's CSS. Both are local files: the views fetch nothing from the network.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { CSS } from './views.js';

/** The package's root folder (where package.json is), from this module's place in src/ or dist/src/. */
function packageRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  while (!existsSync(path.join(dir, 'package.json'))) {
    const up = path.dirname(dir);
    if (up === dir) throw new Error('jixiao: package.json not found above the review module');
    dir = up;
  }
  return dir;
}

export const APP_SCRIPT = path.join(packageRoot(), 'dist', 'app', 'review.js');

export async function appScript(): Promise<string> {
  return readFile(APP_SCRIPT, 'utf8').catch(() => {
    throw new Error(`the review views' script is missing (${APP_SCRIPT}): run npm run build`);
  });
}

export const APP_CSS = CSS;
