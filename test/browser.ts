/**
 * A real browser for the tests: Debian's Chromium driven by playwright-core, headless, with a
 * fresh profile of its own, no background networking, updates or sync. `CHROMIUM` is null
 * where none is installed (.ci/run installs it); the tests that need it say so and skip.
 */
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { BrowserContext } from 'playwright-core';

export const CHROMIUM = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'].find((p) => existsSync(p)) ?? null;

export async function openBrowser(viewport = { width: 1400, height: 900 }): Promise<BrowserContext> {
  const { chromium } = await import('playwright-core');
  const profile = mkdtempSync(path.join(tmpdir(), 'jixiao-chromium-'));
  return chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM!,
    headless: true,
    viewport,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
  });
}
