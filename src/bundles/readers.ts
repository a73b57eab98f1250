/**
 * Archive readers behind one interface: an archive's entries as its directory declares them
 * (names decoded, sizes, encryption, links), listed before anything is inflated, then the
 * bytes of the entries chosen, each inflated no further than its declared size.
 *
 * - ZIP: yauzl (names as bytes with the UTF-8 flag and Info-ZIP Unicode paths, sizes
 *   validated while inflating: a member that inflates past what its directory says stops there).
 * - tar, tar.gz, .gz: node's zlib (output capped) and tar-stream (names as bytes, pax paths).
 * - 7z and RAR (4 and 5): 7-Zip compiled to WebAssembly (7z-wasm), run on an in-memory file
 *   system: nothing of an archive is ever written to disk.
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { gunzipSync } from 'node:zlib';
import yauzl from 'yauzl';
import { InputError } from '../errors.js';
import { decodeName } from './names.js';
import type { BundleKind } from '../detect.js';
import type { FileSystem, SevenZipModuleFactory } from '7z-wasm';

export interface Entry {
  /** The member's path in the archive, decoded (../names.ts). */
  name: string;
  /** Declared uncompressed size. */
  size: number;
  /** Declared packed size, where the archive says it (a solid 7z block tells it once). */
  packed: number | null;
  encrypted: boolean;
  /** A symbolic or hard link: never read. */
  link: boolean;
  dir: boolean;
}

export interface Archive {
  entries: Entry[];
  /** The bytes of the entries at these indexes, or the error reading one gave. */
  read(chosen: number[]): Promise<Map<number, Buffer | InputError>>;
}

const damaged = (what: string, why: string) => new InputError(`damaged archive (${what}): ${why}`, 'corrupt-bundle');

// ── ZIP ───────────────────────────────────────────────────────────────────────────────────

/** Info-ZIP Unicode Path extra field. */
const UNICODE_PATH = 0x7075;
const S_IFMT = 0xf000;
const S_IFLNK = 0xa000;

function openZip(bytes: Buffer): Promise<yauzl.ZipFile> {
  return new Promise((resolve, reject) => {
    yauzl.fromBuffer(bytes, { lazyEntries: true, decodeStrings: false, validateEntrySizes: true, strictFileNames: false }, (err, zip) => (err ? reject(err) : resolve(zip!)));
  });
}

function zipName(e: yauzl.Entry): string {
  const raw = e.fileName as unknown as Buffer;
  const unicode = e.extraFields.find((f) => f.id === UNICODE_PATH);
  if (unicode && unicode.data.length > 5) return new TextDecoder('utf-8').decode(unicode.data.subarray(5));
  return decodeName(raw, (e.generalPurposeBitFlag & 0x800) !== 0);
}

async function readZip(bytes: Buffer, maxMembers: number): Promise<Archive> {
  let zip: yauzl.ZipFile;
  try {
    zip = await openZip(bytes);
  } catch (err) {
    throw damaged('ZIP', (err as Error).message);
  }
  if (zip.entryCount > maxMembers) {
    zip.close();
    throw new InputError(`archive lists ${zip.entryCount} members (limit ${maxMembers})`, 'too-many-members');
  }
  const raw: yauzl.Entry[] = await new Promise((resolve, reject) => {
    const out: yauzl.Entry[] = [];
    zip.on('entry', (e: yauzl.Entry) => {
      out.push(e);
      zip.readEntry();
    });
    zip.on('end', () => resolve(out));
    zip.on('error', (err: Error) => reject(damaged('ZIP', err.message)));
    zip.readEntry();
  });
  const entries: Entry[] = raw.map((e) => {
    const name = zipName(e);
    const mode = (e.externalFileAttributes >>> 16) & S_IFMT;
    return { name, size: e.uncompressedSize, packed: e.compressedSize, encrypted: e.isEncrypted(), link: mode === S_IFLNK, dir: /[/\\]$/.test(name) };
  });
  const readOne = (e: yauzl.Entry): Promise<Buffer> =>
    new Promise((resolve, reject) => {
      zip.openReadStream(e, (err, stream) => {
        if (err || !stream) return reject(err ?? new Error('no data'));
        const chunks: Buffer[] = [];
        let n = 0;
        stream.on('data', (c: Buffer) => {
          n += c.length;
          // validateEntrySizes stops a member past its declared size; this is a second fence.
          if (n > e.uncompressedSize) stream.destroy(new Error(`inflates past its declared ${e.uncompressedSize} bytes`));
          else chunks.push(c);
        });
        stream.on('end', () => resolve(Buffer.concat(chunks)));
        stream.on('error', reject);
      });
    });
  return {
    entries,
    async read(chosen) {
      const out = new Map<number, Buffer | InputError>();
      for (const i of chosen) {
        try {
          out.set(i, await readOne(raw[i]!));
        } catch (err) {
          const msg = (err as Error).message;
          out.set(i, /too many bytes|past its declared|exceed/i.test(msg) ? new InputError(`ZIP bomb: ${entries[i]!.name} inflates past the ${entries[i]!.size} bytes its directory declares`, 'zip-bomb') : damaged('ZIP', `${entries[i]!.name}: ${msg}`));
        }
      }
      zip.close();
      return out;
    },
  };
}

// ── tar, tar.gz, gz ───────────────────────────────────────────────────────────────────────

function isTar(b: Buffer): boolean {
  return b.length >= 262 && b.subarray(257, 262).toString('latin1') === 'ustar';
}

/**
 * A gzip stream inflated, its output capped at `cap` bytes (a bomb stops there). Its trailer
 * declares the size it inflates to (modulo 4 GB): a declared size past the cap is refused
 * before anything is inflated.
 */
function gunzip(bytes: Buffer, cap: number): Buffer {
  const declared = bytes.length >= 18 ? bytes.readUInt32LE(bytes.length - 4) : 0;
  if (declared > cap) throw new InputError(`ZIP bomb: the gzip stream declares ${declared} bytes (limit ${cap})`, 'zip-bomb');
  try {
    return gunzipSync(bytes, { maxOutputLength: cap });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE' || err instanceof RangeError) {
      throw new InputError(`ZIP bomb: the gzip stream inflates to more than ${cap} bytes`, 'zip-bomb');
    }
    throw damaged('gzip', (err as Error).message);
  }
}

async function readTar(tar: Buffer, maxMembers: number, maxMember: number): Promise<Archive> {
  const { extract } = await import('tar-stream');
  const entries: Entry[] = [];
  const data = new Map<number, Buffer>();
  await new Promise<void>((resolve, reject) => {
    const ex = extract({ filenameEncoding: 'latin1' } as Parameters<typeof extract>[0]);
    ex.on('entry', (h, stream, next) => {
      if (entries.length >= maxMembers) {
        ex.destroy(new InputError(`archive lists more than ${maxMembers} members (limit ${maxMembers})`, 'too-many-members'));
        return;
      }
      const pax = (h.pax as Record<string, string> | undefined)?.path;
      const name = pax ?? decodeName(Buffer.from(h.name, 'latin1'));
      const type = h.type ?? 'file';
      const e: Entry = { name, size: h.size ?? 0, packed: null, encrypted: false, link: type === 'symlink' || type === 'link', dir: type === 'directory' };
      const index = entries.length;
      entries.push(e);
      const keep = (type === 'file' || type === 'contiguous-file') && e.size <= maxMember;
      const chunks: Buffer[] = [];
      stream.on('data', (c: unknown) => {
        if (keep) chunks.push(c as Buffer);
      });
      stream.on('end', () => {
        if (keep) data.set(index, Buffer.concat(chunks));
        next();
      });
      stream.resume();
    });
    ex.on('finish', resolve);
    ex.on('error', (err: Error) => reject(err instanceof InputError ? err : damaged('tar', err.message)));
    ex.end(tar);
  });
  return {
    entries,
    async read(chosen) {
      return new Map(chosen.map((i) => [i, data.get(i) ?? damaged('tar', `${entries[i]!.name} could not be read`)]));
    },
  };
}

// ── 7z, RAR ───────────────────────────────────────────────────────────────────────────────

interface SevenZipRun {
  run(args: string[]): { code: number; out: string; err: string };
  fs: FileSystem;
}

/** 7-Zip's WebAssembly, compiled once per process (each archive gets a fresh instance of it). */
let compiled: Promise<WebAssembly.Module> | null = null;

async function sevenZip(): Promise<SevenZipRun> {
  // The package is CommonJS: its default export is the module factory.
  const mod = (await import('7z-wasm')) as unknown as { default: SevenZipModuleFactory | { default: SevenZipModuleFactory } };
  const SevenZip = typeof mod.default === 'function' ? mod.default : mod.default.default;
  compiled ??= readFile(createRequire(import.meta.url).resolve('7z-wasm/7zz.wasm')).then((b) => WebAssembly.compile(b));
  const wasm = await compiled;
  let out: string[] = [];
  let err: string[] = [];
  const sz = await SevenZip({
    print: (s: string) => out.push(s),
    printErr: (s: string) => err.push(s),
    instantiateWasm: (imports: WebAssembly.Imports, ok: (i: WebAssembly.Instance, m: WebAssembly.Module) => void) => {
      void WebAssembly.instantiate(wasm, imports).then((instance) => ok(instance, wasm));
      return {};
    },
  } as Parameters<SevenZipModuleFactory>[0]);
  return {
    fs: sz.FS,
    run(args) {
      out = [];
      err = [];
      let code: number;
      try {
        code = (sz.callMain(args) as unknown as number) ?? 0;
      } catch (e) {
        code = typeof (e as { status?: number }).status === 'number' ? (e as { status: number }).status : 2;
        err.push(String((e as Error).message ?? e));
      }
      return { code, out: out.join('\n'), err: err.join('\n') };
    },
  };
}

/** `7zz l -slt` output as records of `Key = value`. */
function listRecords(text: string): Array<Record<string, string>> {
  const recs: Array<Record<string, string>> = [];
  let cur: Record<string, string> | null = null;
  for (const line of text.split('\n')) {
    const m = /^([A-Za-z ]+?) = (.*)$/.exec(line.replace(/^.*?(?=Path = )/, ''));
    if (!m) continue;
    if (m[1] === 'Path') {
      cur = {};
      recs.push(cur);
    }
    if (cur) cur[m[1]!] = m[2]!;
  }
  return recs;
}

/** 7z's coder id of AES-256 + SHA-256, as an encrypted header names it. */
const AES_CODER = Buffer.from([0x06, 0xf1, 0x07, 0x01]);

/** A password no archive has: an encrypted member fails to read instead of asking for one. */
const NO_PASSWORD = '-pjixiao-no-password';

async function read7z(bytes: Buffer, what: '7z' | 'RAR', maxMembers: number): Promise<Archive> {
  const sz = await sevenZip();
  sz.fs.mkdir('/w');
  sz.fs.writeFile('/w/archive', bytes);
  const listed = sz.run(['l', '-slt', '-ba', NO_PASSWORD, '/w/archive']);
  // Encrypted headers: 7-Zip says so, or (a 7z whose header is packed with AES) stops without a word.
  const aesHeader = what === '7z' && listed.code !== 0 && bytes.includes(AES_CODER);
  if ((/wrong password|encrypted/i.test(`${listed.err}\n${listed.out}`) && !/Path = /.test(listed.out)) || aesHeader) {
    throw new InputError(`encrypted ${what} archive: a password is needed to list its members`, 'encrypted-archive');
  }
  if (listed.code !== 0 || /ERROR/i.test(listed.err)) throw damaged(what, (listed.err.split('\n').find((l) => /error|can ?not|unexpected/i.test(l)) ?? 'cannot be opened').trim());
  const recs = listRecords(listed.out);
  if (recs.length > maxMembers) throw new InputError(`archive lists ${recs.length} members (limit ${maxMembers})`, 'too-many-members');
  const entries: Entry[] = recs.map((r) => {
    const attrs = r['Attributes'] ?? '';
    return {
      name: r['Path'] ?? '',
      size: Number(r['Size']) || 0,
      packed: r['Packed Size'] ? Number(r['Packed Size']) : null,
      encrypted: r['Encrypted'] === '+',
      link: /^l/.test(attrs.split(' ')[1] ?? '') || !!r['Symbolic Link'] || !!r['Hard Link'],
      dir: r['Folder'] === '+' || /^D/.test(attrs),
    };
  });
  return {
    entries,
    async read(chosen) {
      const out = new Map<number, Buffer | InputError>();
      if (chosen.length === 0) return out;
      // One pass over the archive (a solid block is decoded once), then each chosen file taken
      // from the in-memory folder; what did not come out failed (a damaged member, a wrong password).
      sz.fs.mkdir('/w/out');
      const x = sz.run(['x', '-y', '-bd', NO_PASSWORD, '-o/w/out', '/w/archive']);
      for (const i of chosen) {
        const e = entries[i]!;
        try {
          const data = Buffer.from(sz.fs.readFile(`/w/out/${e.name}`) as Uint8Array);
          if (data.length > e.size) out.set(i, new InputError(`ZIP bomb: ${e.name} inflates past its declared ${e.size} bytes`, 'zip-bomb'));
          else if (data.length !== e.size && x.code !== 0) out.set(i, damaged(what, `${e.name} could not be read`));
          else out.set(i, data);
        } catch {
          out.set(i, e.encrypted ? new InputError(`encrypted member: ${e.name} needs a password`, 'encrypted-archive') : damaged(what, `${e.name} could not be read`));
        }
      }
      return out;
    },
  };
}

/** The archive of one bundle kind, within the limits that bound what a gzip stream may inflate to. */
export async function openArchive(kind: BundleKind, bytes: Buffer, name: string, limits: { maxMembers: number; maxMember: number; maxTotal: number; maxRatio: number; ratioFloor: number }): Promise<Archive> {
  if (kind === 'zip') return readZip(bytes, limits.maxMembers);
  if (kind === '7z') return read7z(bytes, '7z', limits.maxMembers);
  if (kind === 'rar') return read7z(bytes, 'RAR', limits.maxMembers);
  // A gzip stream may inflate to the total left, and no more than the ratio allows past its floor.
  const cap = Math.min(limits.maxTotal, Math.max(limits.ratioFloor, bytes.length * limits.maxRatio));
  const tar = kind === 'gzip' ? gunzip(bytes, cap) : bytes;
  if (isTar(tar)) return readTar(tar, limits.maxMembers, limits.maxMember);
  // A gzip of one file: its member is the file, named as the archive without .gz.
  const inner = (name.split('/').pop() ?? 'member').replace(/\.(gz|tgz)$/i, (m) => (m.toLowerCase() === '.tgz' ? '.tar' : ''));
  return { entries: [{ name: inner, size: tar.length, packed: bytes.length, encrypted: false, link: false, dir: false }], read: async (chosen) => new Map(chosen.map((i) => [i, tar])) };
}
