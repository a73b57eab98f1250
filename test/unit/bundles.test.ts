/**
 * Bundles opened in memory: member names decoded as archivers write them (GBK without a flag,
 * the UTF-8 flag, Info-ZIP Unicode paths, bytes that are neither), limits judged before
 * inflating, archives nested in archives, real WinRAR archives, members that fail alone.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { DEFAULT_BUNDLE_LIMITS, openBundle } from '../../src/bundles/index.js';
import { decodeName, unsafeName } from '../../src/bundles/names.js';
import { isInputName } from '../../src/batch/inputs.js';
import { readablePath } from '../../src/fsname.js';
import { zipBytes } from '../fixtures/lib/zip.js';
import { rarBytes } from '../fixtures/lib/rar.js';
import { FIXTURES } from '../helpers.js';

const gbk = (hex: string) => Buffer.from(hex.replace(/\s/g, ''), 'hex');
/** 乐亭公园.txt in GBK. */
const LETING_GBK = Buffer.concat([gbk('C0D6 CDA4 B9AB D4B0'), Buffer.from('.txt')]);
const text = (s: string) => Buffer.from(s, 'utf8');

describe('member names', () => {
  it('reads GBK names written without the UTF-8 flag, UTF-8 with or without it, and keeps other bytes', () => {
    expect(decodeName(LETING_GBK)).toBe('乐亭公园.txt');
    expect(decodeName(text('乐亭公园.txt'), true)).toBe('乐亭公园.txt');
    expect(decodeName(text('乐亭公园.txt'))).toBe('乐亭公园.txt');
    // 0x81 0x20: neither UTF-8 nor GB18030: kept as bytes, shown as \x81.
    expect(readablePath(decodeName(Buffer.from([0x61, 0x81, 0x20, 0x62])))).toBe('a\\x81 b');
  });

  it('refuses names that would leave the archive', () => {
    for (const n of ['../x.pdf', 'a/../../x.pdf', '/etc/x.pdf', 'C:/x.pdf', 'c:\\\\x.pdf', 'a\\\\..\\\\..\\\\x.pdf']) expect(unsafeName(n), n).not.toBeNull();
    for (const n of ['a/b.pdf', '..a/b.pdf', 'a..b.pdf']) expect(unsafeName(n), n).toBeNull();
  });

  it('opens a ZIP of GBK and flagged names, and bytes of neither, into members named by them', async () => {
    const zip = zipBytes([
      { name: LETING_GBK, data: text('a'), utf8: false },
      { name: '承德/党政办.txt', data: text('b'), utf8: true },
      { name: Buffer.from([0x61, 0x81, 0x20, 0x62, 0x2e, 0x74, 0x78, 0x74]), data: text('c'), utf8: false },
    ]);
    const o = await openBundle(zip, 'x.zip', isInputName);
    expect(o.members.map((m) => readablePath(m.path))).toEqual(['x.zip!/乐亭公园.txt', 'x.zip!/承德/党政办.txt', 'x.zip!/a\\x81 b.txt']);
    expect(o.members.map((m) => m.bytes.toString())).toEqual(['a', 'b', 'c']);
  });
});

describe('limits, before inflating and while inflating', () => {
  it('fails a member that would inflate 200 times its size before inflating it, and one that lies about its size while inflating', async () => {
    const zip = zipBytes([
      { name: 'bomb.txt', data: Buffer.alloc(20 * 1024 * 1024) },
      { name: 'lie.txt', data: Buffer.alloc(2 * 1024 * 1024), declaredSize: 100 },
      { name: 'ok.txt', data: text('fine') },
    ]);
    const o = await openBundle(zip, 'b.zip', isInputName);
    expect(o.failures.map((f) => [f.path, f.kind])).toEqual([['b.zip!/bomb.txt', 'zip-bomb'], ['b.zip!/lie.txt', 'zip-bomb']]);
    expect(o.members.map((m) => m.path)).toEqual(['b.zip!/ok.txt']);
  });

  it('fails the whole bundle when its members together would inflate past the total', async () => {
    const zip = zipBytes([{ name: 'a.txt', data: Buffer.alloc(3000) }, { name: 'b.txt', data: Buffer.alloc(3000) }]);
    await expect(openBundle(zip, 'b.zip', isInputName, { ...DEFAULT_BUNDLE_LIMITS, maxTotal: 5000 })).rejects.toMatchObject({ kind: 'zip-bomb' });
  });

  it('fails a member over the size limit alone, and a bundle listing too many members whole', async () => {
    const zip = zipBytes([{ name: 'big.pdf', data: Buffer.alloc(5000, 1) }, { name: 'small.txt', data: text('s') }]);
    const o = await openBundle(zip, 'b.zip', isInputName, { ...DEFAULT_BUNDLE_LIMITS, maxMember: 1000 });
    expect(o.failures).toMatchObject([{ path: 'b.zip!/big.pdf', kind: 'too-large' }]);
    await expect(openBundle(zip, 'b.zip', isInputName, { ...DEFAULT_BUNDLE_LIMITS, maxMembers: 1 })).rejects.toMatchObject({ kind: 'too-many-members' });
  });

  it('opens archives inside archives to the depth limit, and says where it stopped', async () => {
    let inner = zipBytes([{ name: 'deepest.txt', data: text('d') }]);
    const tgz = gzipSync(inner);
    inner = zipBytes([{ name: 'one.zip', data: inner }, { name: 'two.txt.gz', data: tgz }]);
    const o = await openBundle(zipBytes([{ name: 'outer/inner.zip', data: inner }]), 'a.zip', isInputName, { ...DEFAULT_BUNDLE_LIMITS, maxDepth: 3 });
    expect(o.members.map((m) => m.path).sort()).toEqual(['a.zip!/outer/inner.zip!/one.zip!/deepest.txt', 'a.zip!/outer/inner.zip!/two.txt.gz!/two.txt']);
    const shallow = await openBundle(zipBytes([{ name: 'outer/inner.zip', data: inner }]), 'a.zip', isInputName, { ...DEFAULT_BUNDLE_LIMITS, maxDepth: 2 });
    expect(shallow.failures.map((f) => [f.path, f.kind]).sort()).toEqual([['a.zip!/outer/inner.zip!/one.zip', 'bundle-too-deep'], ['a.zip!/outer/inner.zip!/two.txt.gz', 'bundle-too-deep']]);
  });

  it('leaves out members in other formats, and fails a bundle holding none it reads', async () => {
    const o = await openBundle(zipBytes([{ name: 'a.txt', data: text('a') }, { name: 'logo.gif', data: text('g') }]), 'b.zip', isInputName);
    expect(o.skipped).toBe(1);
    await expect(openBundle(zipBytes([{ name: 'logo.gif', data: text('g') }]), 'b.zip', isInputName)).rejects.toMatchObject({ kind: 'empty-bundle' });
  });
});

describe('RAR, 7z and tar', () => {
  it('reads WinRAR archives: folders with Chinese names, an encrypted member failing alone, encrypted headers failing whole', async () => {
    const folder = await openBundle(readFileSync(path.join(FIXTURES, 'rar', 'FolderTest.rar')), 'f.rar', isInputName);
    expect(folder.members.map((m) => m.path).sort()).toEqual(['f.rar!/Folder1/Folder Space/long.txt', 'f.rar!/Folder1/Folder 中文/2中文.txt']);
    expect(folder.members.find((m) => m.path.endsWith('2中文.txt'))!.bytes.length).toBe(15);
    const enc = await openBundle(readFileSync(path.join(FIXTURES, 'rar', 'FileEncByName.rar')), 'e.rar', isInputName);
    expect(enc.members.map((m) => m.path)).toEqual(['e.rar!/1File.txt']);
    expect(enc.failures.map((f) => f.kind)).toEqual(['encrypted-archive', 'encrypted-archive']);
    await expect(openBundle(readFileSync(path.join(FIXTURES, 'rar', 'HeaderEnc1234.rar')), 'h.rar', isInputName)).rejects.toMatchObject({ kind: 'encrypted-archive' });
  });

  it('reads RAR 5 archives with UTF-8 names, byte for byte', async () => {
    const data = Buffer.from(Array.from({ length: 70_000 }, (_, i) => (i * 7) % 251));
    const o = await openBundle(rarBytes([{ name: '成员/名称.pdf', data }, { name: 'b.txt', data: text('b') }]), 'r.rar', isInputName);
    expect(o.members.map((m) => m.path)).toEqual(['r.rar!/成员/名称.pdf', 'r.rar!/b.txt']);
    expect(o.members[0]!.bytes.equals(data)).toBe(true);
  });

  it('reads a 7z with a ZIP inside it', async () => {
    const o = await openBundle(readFileSync(path.join(FIXTURES, 'bundles', '文本汇总.7z')), 's.7z', isInputName);
    expect(o.members.map((m) => m.path).sort()).toEqual(['s.7z!/乐亭产业聚集区2023.txt', 's.7z!/内层/旧稿.zip!/党政办2024.txt']);
  });

  it('reads a tar.gz, and refuses its links', async () => {
    const o = await openBundle(readFileSync(path.join(FIXTURES, 'bundles', '2020文本.tar.gz')), 't.tar.gz', isInputName);
    expect(o.members.map((m) => m.path)).toEqual(['t.tar.gz!/承德/2020/source.txt']);
    const link = await openBundle(readFileSync(path.join(FIXTURES, 'hostile', 'link.tar')), 'l.tar', isInputName);
    expect(link.failures).toMatchObject([{ path: 'l.tar!/passwd.pdf', kind: 'unsafe-member' }]);
  });
});
