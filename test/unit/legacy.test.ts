/**
 * The legacy converter tells a LibreOffice without the component a file needs (Debian installs
 * Writer and Calc apart) from a damaged file: the error names the package to install.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { convertLegacy, hasComponent } from '../../src/loaders/legacy.js';
import '../helpers.js';

/** A folder laid out as Debian's LibreOffice program folder, holding the given libraries and a stand-in soffice. */
function program(libs: string[]): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'lo-program-'));
  for (const lib of libs) writeFileSync(path.join(dir, lib), '');
  writeFileSync(path.join(dir, 'soffice'), '#!/bin/sh\nexit 0\n', { mode: 0o755 });
  return dir;
}

describe('hasComponent', () => {
  it('finds Writer and Calc by their libraries beside soffice', async () => {
    const writerOnly = program(['libmergedlo.so', 'libswlo.so']);
    expect(await hasComponent(path.join(writerOnly, 'soffice'), 'docx')).toBe(true);
    expect(await hasComponent(path.join(writerOnly, 'soffice'), 'xlsx')).toBe(false);
    const both = program(['libmergedlo.so', 'libswlo.so', 'libsclo.so']);
    expect(await hasComponent(path.join(both, 'soffice'), 'xlsx')).toBe(true);
  });

  it('assumes an installation laid out otherwise is complete', async () => {
    const other = program([]);
    expect(await hasComponent(path.join(other, 'soffice'), 'xlsx')).toBe(true);
  });
});

describe('convertLegacy without Calc', () => {
  it('fails a sheet with the package to install, not as a damaged file', async () => {
    const dir = program(['libmergedlo.so', 'libswlo.so']);
    const saved = process.env.PATH;
    process.env.PATH = `${dir}${path.delimiter}${saved}`;
    try {
      const err = await convertLegacy(Buffer.from('x'), '/in/a.xls', 'xlsx').then(() => null, (e: Error) => e);
      expect(err?.message).toBe('legacy .xls: the LibreOffice installed has no spreadsheet (Calc) component to convert it (install it: apt-get install libreoffice-calc-nogui)');
    } finally {
      process.env.PATH = saved;
    }
  });
});
