/**
 * The archive-scale bench (`npm run bench -- --only archive`): N small synthetic documents
 * (synth.ts, 100,000 by default) converted by the local pool into the incremental outputs
 * (Parquet dataset and DuckDB), then what one more file costs on that folder against the same
 * file on an empty folder, a re-run over the whole archive with one new file, a full rebuild
 * (`jixiao compact`), the whole-file outputs (JSONL, CSV) rewritten at that size, and Redis's
 * memory per queued input in the cluster mode. Every command is run as a user runs it (its own
 * process, timed from outside), with its CPU time (user + system) beside the wall time: on a
 * busy machine the wall time is the machine's, the CPU time the command's.
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { synthDocument } from './synth.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const cli = path.join(here, '..', 'cli.js');

/** Writes documents `from`…`to - 1` into `dir`, a thousand to a subfolder. */
export function writeSynthetic(dir: string, from: number, to: number): void {
  for (let i = from; i < to; i++) {
    const sub = path.join(dir, String(Math.floor(i / 1000)).padStart(4, '0'));
    if (i === from || i % 1000 === 0) mkdirSync(sub, { recursive: true });
    writeFileSync(path.join(sub, `${String(i).padStart(7, '0')}.txt`), synthDocument(i));
  }
}

interface Timed {
  wall: number;
  cpu: number;
  stderr: string;
}

/** Runs the command line once, timed: wall seconds and CPU seconds (user + system, children included). */
function timed(args: string[]): Timed {
  const t0 = performance.now();
  const r = spawnSync('/usr/bin/time', ['-f', 'cpu %U %S', process.execPath, cli, ...args], { encoding: 'utf8', maxBuffer: 1 << 26 });
  const wall = (performance.now() - t0) / 1000;
  const m = /cpu ([\d.]+) ([\d.]+)\s*$/.exec(r.stderr ?? '');
  if (r.status !== 0) throw new Error(`jixiao ${args.join(' ')} exited ${r.status}: ${r.stderr.slice(-2000)}`);
  return { wall, cpu: m ? Number(m[1]) + Number(m[2]) : NaN, stderr: r.stderr };
}

export interface ArchiveRow {
  step: string;
  wall: string;
  cpu: string;
  note: string;
}

export async function archiveBench(root: string, n: number, cores: number, log: (line: string) => void): Promise<ArchiveRow[]> {
  const rows: ArchiveRow[] = [];
  const add = (step: string, t: { wall: number; cpu: number }, note = '') => {
    rows.push({ step, wall: t.wall.toFixed(2), cpu: Number.isNaN(t.cpu) ? '–' : t.cpu.toFixed(2), note });
    log(`[bench] ${step}: ${t.wall.toFixed(2)} s wall, ${t.cpu.toFixed(2)} s CPU ${note}`);
  };
  const archive = path.join(root, 'archive');
  const out = path.join(root, 'archive-out');
  log(`[bench] writing ${n} synthetic documents`);
  writeSynthetic(archive, 0, n);

  // The archive through the local pool, into the incremental outputs.
  const child = path.join(here, 'child.js');
  const t0 = performance.now();
  const first = JSON.parse(execFileSync(process.execPath, [child, archive, out, String(cores), 'parquet,duckdb', '--keep'], { encoding: 'utf8', maxBuffer: 1 << 24 }).trim().split('\n').pop()!) as {
    total: number;
    done: number;
    failed: number;
    coordinatorPeakMb: number;
    peakRssMb: number;
  };
  const wall = (performance.now() - t0) / 1000;
  if (first.done !== n) throw new Error(`archive run: ${first.done} of ${n} done, ${first.failed} failed`);
  rows.push({
    step: `${n} documents, local pool (${cores} workers), -f parquet,duckdb`,
    wall: wall.toFixed(1),
    cpu: '–',
    note: `${(n / wall).toFixed(0)} files/s; peak RSS: coordinator ${first.coordinatorPeakMb} MB, with workers ${first.peakRssMb} MB`,
  });
  log(`[bench] archive: ${wall.toFixed(1)} s, ${(n / wall).toFixed(0)} files/s, coordinator ${first.coordinatorPeakMb} MB`);

  // One more file: on an empty folder (its own extraction), then on the archive's folder.
  const fmt = ['-f', 'parquet,duckdb', '-q', '-j', '1'];
  const extra = path.join(root, 'extra');
  writeSynthetic(extra, n, n + 3);
  const extraFile = (i: number) => path.join(extra, String(Math.floor(i / 1000)).padStart(4, '0'), `${String(i).padStart(7, '0')}.txt`);
  const own = timed(['extract', extraFile(n), '--out', path.join(root, 'fresh'), ...fmt]);
  add('1 file on an empty folder (its own extraction)', own);
  const added = timed(['extract', extraFile(n), '--out', out, ...fmt]);
  add(`1 file added to the ${n}-document folder`, added, `+${(added.wall - own.wall).toFixed(2)} s wall, +${(added.cpu - own.cpu).toFixed(2)} s CPU over its own extraction`);
  const noop = timed(['extract', extraFile(n), '--out', out, ...fmt]);
  add('the same command again (nothing new)', noop);
  // The whole archive named again with one new file in it: every input hashed again.
  mkdirSync(path.join(archive, 'new'), { recursive: true });
  writeFileSync(path.join(archive, 'new', 'extra.txt'), synthDocument(n + 1));
  const rescan = timed(['extract', archive, '--out', out, ...fmt.filter((a) => a !== '1' && a !== '-j'), '-j', String(cores)]);
  add(`re-run over the whole archive (${n + 1} inputs, 1 new)`, rescan, 'every input read and hashed');
  const compact = timed(['compact', out]);
  add('full rebuild of the Parquet dataset and DuckDB (jixiao compact)', compact);
  const whole = timed(['extract', extraFile(n + 2), '--out', out, '-f', 'jsonl,csv,parquet,duckdb', '-q', '-j', '1']);
  add('1 file added with -f jsonl,csv as well', whole, 'documents.jsonl and the CSV files rewritten whole');

  // The cluster: Redis memory per queued input (no workers: every job stays queued).
  const redisBin = ['/usr/bin/redis-server', '/usr/local/bin/redis-server'].find((p) => existsSync(p));
  if (redisBin) {
    const port = await new Promise<number>((resolve) => {
      const srv = createServer().listen(0, '127.0.0.1', () => {
        const p = (srv.address() as { port: number }).port;
        srv.close(() => resolve(p));
      });
    });
    const redis = spawn(redisBin, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
    try {
      const info = () => Number(/used_memory:(\d+)/.exec(spawnSync('redis-cli', ['-p', String(port), 'info', 'memory'], { encoding: 'utf8' }).stdout ?? '')?.[1] ?? NaN);
      for (let i = 0; i < 50 && spawnSync('redis-cli', ['-p', String(port), 'ping'], { encoding: 'utf8' }).stdout?.trim() !== 'PONG'; i++) await new Promise((r) => setTimeout(r, 100));
      const before = info();
      const q = timed(['extract', archive, '--out', path.join(root, 'queue-out'), '--queue', `redis://127.0.0.1:${port}/0`, '-q']);
      const after = info();
      const perInput = (after - before) / (n + 1);
      add(`queue ${n + 1} inputs (extract --queue, no workers)`, q, `Redis memory ${((after - before) / 1048576).toFixed(0)} MB: ${(perInput / 1024).toFixed(2)} kB per queued input`);
    } finally {
      redis.kill('SIGTERM');
    }
  }
  return rows;
}
