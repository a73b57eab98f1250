/**
 * `npm run bench`: speed and memory, measured (never asserted by a timed test).
 *
 * Builds a batch of copies of the corpus documents (PDF, DOCX, text dumps) in a temporary
 * folder and converts it with 1 worker and with every core, per format and mixed, each run in
 * its own process. Reports files/s, pages/s, wall time and peak RSS; and, for PDF, the rate at
 * which pdfjs-dist alone reads the same pages (text content + operator list) beside jixiao's
 * whole PDF path, both on one thread.
 *
 *   npm run bench                 # 300 files
 *   npm run bench -- --files 600  # another batch size
 *   npm run bench -- --only ocr   # scanned PDFs only (OCR pages/s with 1 worker and every core)
 *   npm run bench -- --only pages # review page images: bytes and legibility per scale and encoding (pages.ts)
 *   npm run bench -- --only archive --archive-files 100000   # archive scale (archive.ts)
 *
 * The OCR batches are image-only PDFs of the corpus scanned at 150 and at 300 dpi (the seeded
 * clean scans of `npm run eval`, src/eval/scans.ts, made into its cache when absent), each
 * document in turn, read with 1 worker and with every core.
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { createServer } from 'node:net';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command } from 'commander';
import { extractBytes } from '../extract.js';
import { archiveBench } from './archive.js';
import { defaultCorpus } from '../paths.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const program = new Command()
  .option('--files <n>', 'files in the batch', (v) => Number(v), 300)
  .option('--corpus <dir>', 'corpus folder', defaultCorpus())
  .option('--pdf-rounds <n>', 'times each corpus PDF is read for the single-thread comparison', (v) => Number(v), 5)
  .option('--only <part>', 'run one part: batches, queue, ocr, pdf, archive, or pages (only when named)')
  .option('--archive-files <n>', 'synthetic documents in the archive-scale run', (v) => Number(v), 100_000)
  .option('--ocr-files <n>', 'scanned PDFs in each OCR batch', (v) => Number(v), 6)
  .parse();
const opts = program.opts<{ files: number; corpus: string; pdfRounds: number; only?: string; ocrFiles: number; archiveFiles: number }>();
const runs = (part: string) => opts.only == null || opts.only === part;

const FORMATS = { pdf: 'document.pdf', docx: 'document.docx', txt: 'source.txt' } as const;
type Fmt = keyof typeof FORMATS;

function corpusFiles(fmt: Fmt): string[] {
  return readdirSync(opts.corpus)
    .map((id) => path.join(opts.corpus, id, FORMATS[fmt]))
    .filter((f) => existsSync(f));
}

/**
 * The same document with other bytes (so another sha256): a comment after a PDF's end, a ZIP
 * comment on a DOCX, a page-number line at the end of a text dump — none changes what is read.
 */
function uniquify(bytes: Buffer, ext: string, i: number): Buffer {
  if (ext === '.pdf') return Buffer.concat([bytes, Buffer.from(`\n%copy ${i}\n`)]);
  if (ext === '.docx') {
    const comment = Buffer.from(`copy ${i}`);
    const out = Buffer.concat([bytes, comment]);
    out.writeUInt16LE(comment.length, bytes.length - 2); // the end-of-central-directory record's comment length
    return out;
  }
  return Buffer.concat([bytes, Buffer.from(`\n${i}\n`)]);
}

/** A folder of `n` files cycling through the corpus files of the given formats (`unique`: each with its own bytes). */
function makeBatch(root: string, name: string, fmts: Fmt[], n: number, unique = false): string {
  const dir = path.join(root, name);
  mkdirSync(dir, { recursive: true });
  const sources = fmts.flatMap(corpusFiles);
  for (let i = 0; i < n; i++) {
    const src = sources[i % sources.length]!;
    const target = path.join(dir, `${String(i).padStart(5, '0')}-${path.basename(path.dirname(src))}${path.extname(src)}`);
    if (unique) writeFileSync(target, uniquify(readFileSync(src), path.extname(src), i));
    else copyFileSync(src, target);
  }
  return dir;
}

interface Run {
  total: number;
  done: number;
  failed: number;
  pages: number;
  elapsedMs: number;
  peakRssMb: number;
}

function runChild(input: string, out: string, workers: number): Run {
  const child = path.join(here, 'child.js');
  const text = execFileSync(process.execPath, [child, input, out, String(workers)], { encoding: 'utf8', maxBuffer: 1 << 24 });
  return JSON.parse(text.trim().split('\n').pop()!) as Run;
}

async function pdfjsAlone(files: string[], rounds: number): Promise<{ pages: number; ms: number }> {
  const { getDocument } = await import('pdfjs-dist/legacy/build/pdf.mjs');
  let pages = 0;
  const t0 = performance.now();
  for (let r = 0; r < rounds; r++) {
    for (const f of files) {
      const doc = await getDocument({ data: new Uint8Array(readFileSync(f)), verbosity: 0, isEvalSupported: false }).promise;
      for (let p = 1; p <= doc.numPages; p++) {
        const page = await doc.getPage(p);
        await page.getTextContent();
        await page.getOperatorList();
        page.cleanup();
        pages++;
      }
      await doc.destroy();
    }
  }
  return { pages, ms: performance.now() - t0 };
}

async function jixiaoPdf(files: string[], rounds: number): Promise<{ pages: number; ms: number }> {
  let pages = 0;
  const t0 = performance.now();
  for (let r = 0; r < rounds; r++) {
    for (const f of files) pages += (await extractBytes(readFileSync(f), f)).record.source.pages ?? 0;
  }
  return { pages, ms: performance.now() - t0 };
}

/**
 * Scans read one after the other in this process (the OCR model loaded first, on another
 * page, its crops then forgotten): CPU seconds a page of this process, the model's own share (recognitionStats), the
 * crops, model runs and columns the model read a page, and the short pieces read again in other crops.
 */
async function ocrCpu(label: string, files: string[]): Promise<string[]> {
  const { recognitionStats: st, forgetCrops } = await import('../ocr/recognize.js');
  await extractBytes(readFileSync(files[0]!), files[0]!);
  forgetCrops();
  const before = { ...st };
  let pages = 0;
  const c0 = process.cpuUsage();
  for (const f of files) pages += (await extractBytes(readFileSync(f), f)).record.source.pages ?? 0;
  const c = process.cpuUsage(c0);
  const per = (n: number) => (n / Math.max(1, pages)).toFixed(1);
  return [
    `${label} dpi, ${files.length} files`,
    String(pages),
    ((c.user + c.system) / 1e6 / Math.max(1, pages)).toFixed(3),
    ((st.runMs - before.runMs) / 1000 / Math.max(1, pages)).toFixed(3),
    per(st.crops - before.crops),
    per(st.runs - before.runs),
    per(st.columns - before.columns),
    per(st.rereads - before.rereads),
  ];
}

/** Runs of each side per worker count (the fastest counts). */
const ROUNDS = 3;

/** The cluster mode (BullMQ on a local redis-server) beside the local pool, same batch and worker counts. */
async function queueBench(root: string, input: string, n: number): Promise<string[][]> {
  const redisBin = ['/usr/bin/redis-server', '/usr/local/bin/redis-server'].find((p) => existsSync(p));
  if (!redisBin) return [];
  const port = await new Promise<number>((resolve) => {
    const srv = createServer().listen(0, '127.0.0.1', () => {
      const p = (srv.address() as { port: number }).port;
      srv.close(() => resolve(p));
    });
  });
  const redis = spawn(redisBin, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  const cli = path.join(here, '..', 'cli.js');
  try {
    for (let i = 0; i < 50 && spawnSync('redis-cli', ['-p', String(port), 'ping'], { encoding: 'utf8' }).stdout?.trim() !== 'PONG'; i++) await new Promise((r) => setTimeout(r, 100));
    const rows: string[][] = [];
    // One file alone shows what a run costs whatever its size (processes starting, the queue's
    // connections, the outputs rebuilt): the rest of the difference is the queue's cost per file.
    const one = path.join(root, 'queue-one');
    mkdirSync(one, { recursive: true });
    const first = readdirSync(input).sort()[0]!;
    copyFileSync(path.join(input, first), path.join(one, first));
    /** The fastest of ROUNDS runs of each side, alternating: the machine's own noise (another
     * process, the page cache) is of the order of the overhead measured. */
    const race = (dir: string, files: number, workers: number, tag: string): [number, number] => {
      let queued = Infinity;
      let local = Infinity;
      for (let round = 0; round < ROUNDS; round++) {
        const url = `redis://127.0.0.1:${port}/1`;
        const name = ['--queue-name', `bench-${tag}-${workers}-${round}`];
        const procs = Array.from({ length: workers }, () => spawn(process.execPath, [cli, 'worker', '--queue', url, ...name], { stdio: 'ignore' }));
        const t0 = performance.now();
        const summary = spawnSync(process.execPath, [cli, 'extract', dir, '--out', path.join(root, `out-queue-${tag}-${workers}-${round}`), '--queue', url, ...name, '--wait', '--log-format', 'json'], { encoding: 'utf8' });
        const done = JSON.parse(summary.stderr.trim().split('\n').pop() ?? '{}') as { done?: number };
        if (done.done !== files) throw new Error(`queue run did ${done.done} of ${files} files`);
        queued = Math.min(queued, (performance.now() - t0) / 1000);
        for (const p of procs) p.kill('SIGTERM');
        // Timed from outside like the queue run: process start-up counts on both sides.
        const t1 = performance.now();
        runChild(dir, path.join(root, `out-local-${tag}-${workers}-${round}`), workers);
        local = Math.min(local, (performance.now() - t1) / 1000);
      }
      return [queued, local];
    };
    for (const workers of [1, 2, 4]) {
      const [queued, local] = race(input, n, workers, 'batch');
      const [q1, l1] = race(one, 1, workers, 'one');
      const perFile = (queued - q1 - (local - l1)) / (local - l1);
      rows.push([String(workers), String(n), queued.toFixed(2), (n / queued).toFixed(1), local.toFixed(2), (n / local).toFixed(1), `${(((queued - local) / local) * 100).toFixed(1)}%`, (q1 - l1).toFixed(2), `${(perFile * 100).toFixed(1)}%`]);
    }
    return rows;
  } finally {
    redis.kill('SIGTERM');
  }
}

if (opts.only === 'pages') {
  const { pageImageBench } = await import('./pages.js');
  await pageImageBench(opts.corpus, readdirSync(opts.corpus).filter((d) => existsSync(path.join(opts.corpus, d, 'document.pdf'))).sort());
  process.exit(0);
}

const cores = availableParallelism();
const root = mkdtempSync(path.join(tmpdir(), 'jixiao-bench-'));
try {
  const rows: string[][] = [];
  const ocrRows: string[][] = [];
  const configs: Array<[string, Fmt[]]> = [['pdf', ['pdf']], ['docx', ['docx']], ['txt', ['txt']], ['mixed', ['pdf', 'docx', 'txt']]];
  const perFormat = Math.max(3, Math.round(opts.files / 3));
  for (const [name, fmts] of runs('batches') ? configs : []) {
    const n = name === 'mixed' ? opts.files : perFormat;
    const input = makeBatch(root, name, fmts, n);
    for (const workers of [1, cores]) {
      const r = runChild(input, path.join(root, `out-${name}-${workers}`), workers);
      const s = r.elapsedMs / 1000;
      rows.push([name, String(r.total), String(workers), s.toFixed(2), (r.total / s).toFixed(1), r.pages ? (r.pages / s).toFixed(1) : '-', String(r.peakRssMb), String(r.failed)]);
    }
  }
  // Flat memory: the mixed batch at twice the size, all cores.
  if (runs('batches')) {
    const big = makeBatch(root, 'mixed-2x', ['pdf', 'docx', 'txt'], opts.files * 2);
    const r2 = runChild(big, path.join(root, 'out-mixed-2x'), cores);
    rows.push(['mixed ×2', String(r2.total), String(cores), (r2.elapsedMs / 1000).toFixed(2), (r2.total / (r2.elapsedMs / 1000)).toFixed(1), (r2.pages / (r2.elapsedMs / 1000)).toFixed(1), String(r2.peakRssMb), String(r2.failed)]);
  }
  if (runs('ocr')) {
    // Scans at 150 and 300 dpi: the seeded clean scans `npm run eval` makes (src/eval/scans.ts),
    // made here when absent (a few seeds: every corpus document once).
    const projectRoot = path.join(here, '..', '..', '..');
    const { degradedScans } = await import('../eval/scans.js');
    const cache = path.join(projectRoot, 'node_modules', '.cache', 'jixiao-eval-scans');
    const made = await degradedScans(opts.corpus, cache, { seeds: 3, degradations: ['dpi150', 'dpi300'], log: () => {} }).catch(() => []);
    for (const dpi of ['dpi150', 'dpi300']) {
      const scans = made.filter((f) => f.degradation === dpi).map((f) => f.file);
      const dir = path.join(root, `ocr-${dpi}`);
      mkdirSync(dir, { recursive: true });
      for (let i = 0; i < opts.ocrFiles && scans.length; i++) {
        const src = scans[i % scans.length]!;
        copyFileSync(src, path.join(dir, `${String(i).padStart(4, '0')}-${path.basename(src)}`));
      }
      for (const workers of scans.length ? [1, cores] : []) {
        const r = runChild(dir, path.join(root, `out-ocr-${dpi}-${workers}`), workers);
        const s = r.elapsedMs / 1000;
        rows.push([`scanned PDF (OCR), ${dpi.slice(3)} dpi, ${r.pages} pages`, String(r.total), String(workers), s.toFixed(2), (r.total / s).toFixed(2), (r.pages / s).toFixed(2), String(r.peakRssMb), String(r.failed)]);
      }
      // The same scans read in this process, one after the other: CPU seconds a page (less
      // sensitive to other processes on the machine than wall time) and where they go.
      const distinct = [...new Set(scans)].slice(0, opts.ocrFiles);
      if (distinct.length) ocrRows.push(await ocrCpu(dpi.slice(3), distinct));
    }
  }
  const head = ['batch', 'files', 'workers', 'wall s', 'files/s', 'pages/s', 'peak RSS MB', 'failed'];
  const table = (h: string[], rs: string[][]) => {
    const w = h.map((x, i) => Math.max(x.length, ...rs.map((r) => r[i]!.length)));
    const line = (c: string[]) => `| ${c.map((x, i) => x.padEnd(w[i]!)).join(' | ')} |`;
    return [line(h), `|${w.map((x) => '-'.repeat(x + 2)).join('|')}|`, ...rs.map(line)].join('\n');
  };
  console.log(`jixiao bench — ${cores} cores, node ${process.version}\n`);
  if (rows.length) console.log(table(head, rows));
  if (ocrRows.length) {
    console.log('\nOCR in one thread of this process (the same scans, model loaded before): CPU seconds a page, and recognition\'s share');
    console.log(table(['scans', 'pages', 'CPU s/page', 'recognition s/page', 'crops/page', 'model runs/page', 'model columns/page', 'pieces read again/page'], ocrRows));
  }

  // Every file its own bytes: the queue keys jobs on content, so copies would be one job.
  const queueInput = runs('queue') ? makeBatch(root, 'queue', ['pdf', 'docx', 'txt'], Math.max(30, Math.round(opts.files / 2)), true) : null;
  const queueRows = queueInput ? await queueBench(root, queueInput, readdirSync(queueInput).length) : [];
  if (!queueInput) {
    /* not asked for */
  } else if (queueRows.length) {
    console.log('\nCluster mode (BullMQ on a local redis-server) against the local pool, same mixed batch:');
    console.log(table(['workers', 'files', 'queue wall s', 'queue files/s', 'local wall s', 'local files/s', 'queue overhead (run)', 'fixed cost per run s', 'queue overhead per file'], queueRows));
  } else console.log('\n(no redis-server: cluster mode not measured)');

  if (runs('archive')) {
    const archiveRows = await archiveBench(root, opts.archiveFiles, cores, (l) => process.stderr.write(`${l}\n`));
    console.log(`\nArchive scale: ${opts.archiveFiles} small synthetic documents (text dumps, about 3 kB each); wall and CPU seconds of each command:`);
    console.log(table(['step', 'wall s', 'CPU s', ''], archiveRows.map((r) => [r.step, r.wall, r.cpu, r.note])));
  }

  // The bench's folder goes in `finally`: no early exit past it.
  if (runs('pdf')) {
    const pdfs = corpusFiles('pdf');
    // One warm-up round each, so that neither side pays for loading and JIT warm-up.
    await pdfjsAlone(pdfs, 1);
    await jixiaoPdf(pdfs, 1);
    const alone = await pdfjsAlone(pdfs, opts.pdfRounds);
    const ours = await jixiaoPdf(pdfs, opts.pdfRounds);
    console.log('\nPDF, one thread, same pages:');
    console.log(
      table(
        ['reader', 'pages', 'seconds', 'pages/s'],
        [
          ['pdfjs-dist alone (text + operator list)', String(alone.pages), (alone.ms / 1000).toFixed(2), (alone.pages / (alone.ms / 1000)).toFixed(1)],
          ['jixiao PDF path (load → JSON)', String(ours.pages), (ours.ms / 1000).toFixed(2), (ours.pages / (ours.ms / 1000)).toFixed(1)],
        ],
      ),
    );
  }
} finally {
  rmSync(root, { recursive: true, force: true });
}
