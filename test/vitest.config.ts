/**
 * Test configuration. `npm test` runs every test (CI); `npm run test:unit` runs test/unit/
 * alone — pure specs of the stages' rules, no worker processes, corpus runs or OCR — in
 * seconds, for use while working.
 *
 * Time limits here only guard against a hung test: no verdict depends on them, so they are
 * wide enough for a loaded machine.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    root: path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..'),
    include: ['test/**/*.test.ts'],
    testTimeout: 1_800_000,
    hookTimeout: 1_800_000,
  },
});
