#!/usr/bin/env node
/**
 * jixiao command line.
 *
 *   jixiao extract <files, folders or globs…> [--out DIR] [options]
 *
 * Exit codes: 0 every input done or skipped; 1 at least one input failed (see errors.jsonl);
 * 2 bad usage, nothing to read, or the output folder in use by another run.
 */
import type { OcrMode } from './options.js';
import { availableParallelism } from 'node:os';
import { Command, InvalidArgumentError, Option } from 'commander';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DEFAULT_BATCH, planBatch, runBatch } from './batch/run.js';
import { nameFromBytes, readablePath } from './fsname.js';
import { missingInput } from './batch/manifest.js';
import type { ProgressMode } from './batch/progress.js';
import { OUTPUT_KINDS, type OutputKind } from './writers/aggregate.js';
import { VERSION } from './version.js';
import { DEFAULT_REVIEW, writeReview } from './review/index.js';
import { DEFAULT_QUEUE_NAME } from './queue/connection.js';

async function review(outDir: string, images: boolean): Promise<void> {
  const r = await writeReview(outDir, { ...DEFAULT_REVIEW, images });
  process.stderr.write(`jixiao: review of ${r.documents} document(s), ${r.pages} page image(s) → ${r.index}\n`);
}

function positiveInt(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('must be a whole number ≥ 1');
  return n;
}

function formats(v: string): Set<OutputKind> {
  const list = v.split(',').map((s) => s.trim()).filter(Boolean);
  for (const f of list) if (!(OUTPUT_KINDS as readonly string[]).includes(f)) throw new InvalidArgumentError(`unknown format "${f}" (${OUTPUT_KINDS.join(', ')})`);
  return new Set(list as OutputKind[]);
}

const program = new Command()
  .name('jixiao')
  .description('Chinese county budget performance texts (部门预算绩效文本) → structured JSON, JSONL and CSV')
  .version(VERSION)
  // Usage errors exit with 2 (1 means "some input failed").
  .exitOverride((err) => process.exit(err.exitCode === 0 ? 0 : 2));

program
  .command('extract')
  .description('extract budget texts (DOCX, PDF, OFD, text dumps, workbooks, saved web pages, scans by OCR; legacy .doc/.wps/.xls/.et with LibreOffice; ZIP/7z/RAR/tar bundles opened, compiled volumes split into their texts) into an output folder')
  .argument('[inputs...]', 'files, folders (searched recursively for .pdf .docx .doc .wps .ofd .txt .xlsx .xls .et .html .htm .mhtml .mht, page scans .png .jpg .jpeg .tif .tiff, and bundles .zip .7z .rar .tar .tgz .gz whose members are read as inputs of their own), glob patterns, or - for one document on standard input')
  .option('--files-from <file>', 'also read the inputs from this file, one per line (- for standard input)')
  .option('-0, --null', 'with --files-from: the names are separated by NUL characters (find -print0), not newlines', false)
  .option('-o, --out <dir>', 'output folder (default: output; with --stdout and no --out, a temporary one)')
  .option('-f, --format <list>', 'collection outputs besides docs/<doc_id>.json: any of jsonl,csv,parquet,duckdb (default: jsonl,csv)', formats)
  .option('--bom', 'start CSV files with a UTF-8 byte-order mark (opens correctly in Excel)', false)
  .option('--no-escape-formulas', 'write CSV cells that start with = + - @ as they are (by default they get a leading \' so spreadsheets do not run them)')
  .option('-j, --concurrency <n>', `worker processes and files in flight (default: cores, here ${availableParallelism()})`, positiveInt)
  .option('--timeout <seconds>', 'time limit per file', positiveInt, DEFAULT_BATCH.timeoutMs / 1000)
  .option('--memory <mb>', 'memory limit per worker process, MB: its heap, and its whole memory with a 256 MB margin', positiveInt, DEFAULT_BATCH.memoryMb)
  .option('--max-pages <n>', 'refuse PDFs with more pages than this', positiveInt, DEFAULT_BATCH.extract.maxPages)
  .addOption(new Option('--ocr <mode>', 'read scanned pages by OCR: auto (pages without a usable text layer), force (every PDF page), off').choices(['auto', 'force', 'off']).default('auto'))
  .option('--ocr-timeout <seconds>', 'time added to a file\'s limit for each page it may read by OCR', positiveInt, DEFAULT_BATCH.ocrPageMs / 1000)
  .option('--force', 'redo inputs the manifest says are done', false)
  .option('--retry-failed', 'try again inputs that failed before with the same bytes (by default they are reported failed again without a new attempt)', false)
  .option('--fail-fast', 'stop taking inputs at the first failure (the files in flight end, the outputs are written from what is done)', false)
  .addOption(new Option('--progress <mode>', 'progress display').choices(['auto', 'bar', 'log', 'none']).default('auto'))
  .option('-q, --quiet', 'print nothing but failures', false)
  .option('-v, --verbose', 'print every file as it ends (done, skipped, pruned)', false)
  .addOption(new Option('--log-format <format>', 'text, or json: one JSON object per line on stderr (an event per input: path, status, kind, reason, pages, ms), and --dry-run as JSON lines on stdout').choices(['text', 'json']).default('text'))
  .option('--exclude <glob>', 'leave out files matching the pattern (repeatable)', (v: string, all: string[]) => [...all, v], [] as string[])
  .option('--dry-run', 'list what would be extracted or skipped, and change nothing', false)
  .option('--stdout', 'also write the JSON of this run\'s documents to standard output, one per line', false)
  .option('--absolute-paths', 'record absolute source paths (default: relative to the folder named on the command line)', false)
  .option('--prune', 'remove the documents of inputs that no longer exist', false)
  .option('--queue <redis-url>', 'hand the inputs to a cluster of `jixiao worker` processes through a BullMQ queue on this Redis')
  .option('--queue-name <name>', 'queue name (one per output folder)', DEFAULT_QUEUE_NAME)
  .option('--attempts <n>', 'with --queue: attempts per input (a crash or timeout is retried)', positiveInt, 3)
  .option('--backoff <ms>', 'with --queue: first wait before another attempt, doubling', positiveInt, 1000)
  .option('--wait', 'with --queue: show the cluster\'s progress until the inputs are finished, then write the collection files', false)
  .option('--in-process', 'parse in the main thread instead of worker threads (debugging)', false)
  .option('--review', 'also write the review report (review/index.html) when the run ends', false)
  .addHelpText(
    'after',
    `
Outputs (in --out):
  docs/<doc_id>.json   one contract document per input (doc_id = first 16 hex of the input's sha256)
  documents.jsonl      every document, one per line, with its source
  documents  projects  indicators  sub_goals  safeguards  warnings   as .csv
  parquet/<table>/     the tables as a Parquet dataset (-f parquet); jixiao.duckdb (-f duckdb): both updated by what changed
  load.sql             DuckDB views over the Parquet dataset or the CSV files, with their types, and the texts view
  errors.jsonl         inputs that failed, with the reason
  manifest.jsonl       every input's sha256 and status; a re-run skips unchanged inputs

Exit codes: 0 all inputs done or skipped, 1 some input failed (a named input missing too), 2 usage error, no input found, or --out in use by another run.`,
  )
  .action(async (args: string[], o) => {
    const json = o.logFormat === 'json';
    if (o.filesFrom === '-' && args.includes('-')) usage('--files-from - and the input - both want standard input');
    if (o.null && !o.filesFrom) usage('-0 goes with --files-from');
    if (o.failFast && o.queue) usage('--fail-fast applies to a local run, not --queue');
    const listed = o.filesFrom ? await readList(o.filesFrom, o.null) : [];
    if (args.length === 0 && !o.filesFrom) usage('no inputs: name files, folders or globs, or give --files-from');
    const stdinDir = args.includes('-') ? await mkdtemp(path.join(tmpdir(), 'jixiao-stdin-')) : null;
    const tmpOut = o.stdout && o.out == null ? await mkdtemp(path.join(tmpdir(), 'jixiao-out-')) : null;
    const outDir: string = o.out ?? tmpOut ?? 'output';
    try {
      let inputs = [...args, ...listed];
      if (stdinDir) {
        // One document on standard input, extracted like a file named "stdin".
        await writeFile(path.join(stdinDir, 'stdin'), await readStdin());
        inputs = inputs.map((a) => (a === '-' ? path.join(stdinDir, 'stdin') : a));
      }
      const progress: ProgressMode = json ? 'json' : o.quiet ? 'quiet' : (o.progress as ProgressMode);
      const opts = {
        ...DEFAULT_BATCH,
        inputs,
        outDir,
        formats: o.format ?? DEFAULT_BATCH.formats,
        bom: o.bom,
        escapeFormulas: o.escapeFormulas,
        concurrency: o.concurrency ?? DEFAULT_BATCH.concurrency,
        timeoutMs: o.timeout * 1000,
        ocrPageMs: o.ocrTimeout * 1000,
        memoryMb: o.memory,
        force: o.force,
        progress,
        extract: { ...DEFAULT_BATCH.extract, maxPages: o.maxPages, ocr: o.ocr as OcrMode },
        inProcess: o.inProcess,
        exclude: o.exclude,
        absolutePaths: o.absolutePaths,
        prune: o.prune,
        verbose: o.verbose,
        retryFailed: o.retryFailed,
        failFast: o.failFast,
        handleSignals: true,
      };
      if (o.dryRun) {
        const { planned, missing } = await planBatch(opts);
        const lines = [
          ...planned.map((p) => ({ path: readablePath(p.path), action: p.action, reason: p.reason })),
          ...missing.map((m) => ({ path: readablePath(m), action: 'fail' as const, reason: `${missingInput().kind}: ${missingInput().reason}` })),
        ];
        for (const l of lines) process.stdout.write(json ? `${JSON.stringify(l)}\n` : `${l.action.padEnd(7)}  ${l.path}  (${l.reason})\n`);
        process.exitCode = missing.length ? 1 : planned.length === 0 ? 2 : 0;
        return;
      }
      const emit = (o2: object) => process.stderr.write(`${JSON.stringify({ at: new Date().toISOString(), ...o2 })}\n`);
      const log = (line: string) => (json ? emit({ event: 'log', message: line.replace(/^\[jixiao\] /, '') }) : o.quiet ? undefined : process.stderr.write(`${line}\n`));
      const summary = o.queue
        ? await (await import('./queue/enqueue.js')).enqueueBatch(opts, {
            url: o.queue,
            name: o.queueName,
            attempts: o.attempts,
            backoffMs: o.backoff,
            wait: o.wait,
            log,
            file: json ? (e) => emit({ event: 'file', ...e }) : undefined,
          })
        : await runBatch(opts);
      if (o.queue && !o.wait) {
        process.exitCode = summary.total === 0 && summary.missing.length === 0 ? 2 : summary.missing.length ? 1 : 0;
        return;
      }
      if (o.stdout) for (const f of summary.documents) process.stdout.write(`${JSON.stringify(JSON.parse(await readFile(f, 'utf8')))}\n`);
      const secs = (summary.elapsedMs / 1000).toFixed(1);
      const line = `${summary.total} input(s): ${summary.done} done, ${summary.skipped} skipped, ${summary.failed} failed (${summary.pages} pages, ${secs}s) → ${outDir}`;
      const left = summary.total - summary.done - summary.skipped - summary.failed;
      if (json) emit({ event: 'summary', ...summary, documents: undefined, out: outDir });
      else if (!o.quiet) process.stderr.write(`jixiao: ${line}${summary.failed ? ` (reasons in ${outDir}/errors.jsonl)` : ''}\n`);
      if (summary.interrupted) {
        process.stderr.write(`jixiao: stopped by ${summary.interrupted} with ${left} input(s) not reached; run the same command again to resume\n`);
        process.exitCode = 128 + (summary.interrupted === 'SIGINT' ? 2 : summary.interrupted === 'SIGHUP' ? 1 : 15);
      } else if (summary.total === 0) {
        process.stderr.write('jixiao: no input files found\n');
        process.exitCode = 2;
      } else {
        if (summary.failedFast && !json) process.stderr.write(`jixiao: stopped at the first failure (--fail-fast) with ${left} input(s) not reached\n`);
        process.exitCode = summary.failed > 0 ? 1 : 0;
      }
      if (o.review && summary.total > 0) await review(outDir, true);
    } finally {
      for (const d of [stdinDir, tmpOut]) if (d) await rm(d, { recursive: true, force: true });
    }
  });

/** A usage error: the message, exit code 2. */
function usage(message: string): never {
  process.stderr.write(`jixiao: ${message}\n`);
  process.exit(2);
}

/**
 * The inputs listed in a file (or standard input for `-`): one per line (a CR before the newline
 * dropped), or separated by NUL with `-0`; empty entries skipped. Names keep their bytes (a GBK
 * name is found as it is on the disk).
 */
async function readList(file: string, nul: boolean): Promise<string[]> {
  const bytes = file === '-' ? await readStdin() : await readFile(file).catch((e: NodeJS.ErrnoException) => usage(`--files-from ${file}: ${e.code ?? e.message}`));
  const sep = nul ? 0 : 0x0a;
  const out: string[] = [];
  let start = 0;
  for (let i = 0; i <= bytes.length; i++) {
    if (i < bytes.length && bytes[i] !== sep) continue;
    let end = i;
    if (!nul && end > start && bytes[end - 1] === 0x0d) end--;
    if (end > start) out.push(nameFromBytes(bytes.subarray(start, end)));
    start = i + 1;
  }
  return out;
}

async function readStdin(): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

program
  .command('worker')
  .description('take extraction jobs from a BullMQ queue (see extract --queue) until stopped')
  .requiredOption('--queue <redis-url>', 'the Redis that holds the queue, e.g. redis://10.0.0.5:6379/0')
  .option('--queue-name <name>', 'queue name', DEFAULT_QUEUE_NAME)
  .option('-j, --concurrency <n>', 'jobs worked on at once by this process', positiveInt, 1)
  .option('--stalled-interval <seconds>', 'how often jobs of workers that died are put back in the queue', positiveInt, 30)
  .option('--memory <mb>', 'heap limit per parsing thread, MB', positiveInt, DEFAULT_BATCH.memoryMb)
  .action(async (o: { queue: string; queueName: string; concurrency: number; stalledInterval: number; memory: number }) => {
    const { runQueueWorker } = await import('./queue/worker.js');
    const worker = await runQueueWorker({
      url: o.queue,
      name: o.queueName,
      concurrency: o.concurrency,
      stalledIntervalMs: o.stalledInterval * 1000,
      memoryMb: o.memory,
      log: (l) => process.stderr.write(`${l}\n`),
    });
    process.stderr.write(`[jixiao worker] waiting for jobs on ${o.queueName} (${o.queue})\n`);
    // A stop signal stops the worker within seconds whatever the state of Redis; its job in flight
    // goes back to the queue. A second signal exits at once.
    const sig = await new Promise<NodeJS.Signals>((resolve) => {
      process.once('SIGTERM', () => resolve('SIGTERM'));
      process.once('SIGINT', () => resolve('SIGINT'));
    });
    for (const s of ['SIGTERM', 'SIGINT'] as const) process.once(s, () => process.exit(128 + (s === 'SIGINT' ? 2 : 15)));
    process.stderr.write(`[jixiao worker] ${sig}: stopping; the job in flight goes back to the queue\n`);
    await worker.close();
    process.stderr.write('[jixiao worker] stopped\n');
    // Nothing of the queue's connections may keep the process alive.
    process.exit(0);
  });

program
  .command('status')
  .description('print the counts of a BullMQ queue of jixiao jobs')
  .requiredOption('--queue <redis-url>', 'the Redis that holds the queue')
  .option('--queue-name <name>', 'queue name', DEFAULT_QUEUE_NAME)
  .action(async (o: { queue: string; queueName: string }) => {
    const { queueCounts } = await import('./queue/enqueue.js');
    const c = await queueCounts(o.queue, o.queueName);
    process.stdout.write(`${o.queueName}: ${c.completed} done, ${c.failed} failed, ${c.active} in flight, ${c.waiting + c.delayed} waiting\n`);
  });

program
  .command('schema')
  .description('print the JSON Schema of the per-document JSON (or, with --tables, the CSV/Parquet table types)')
  .option('--tables', 'print the tables, their keys and column types (src/schema/README.md)')
  .addOption(new Option('--load-sql <source>', 'print the DuckDB SQL that reads the tables with their types (load.sql), from parquet or csv').choices(['parquet', 'csv']))
  .action(async (o: { tables?: boolean; loadSql?: 'parquet' | 'csv' }) => {
    const { documentJsonSchema } = await import('./schema.js');
    const { loadSql, tablesMarkdown } = await import('./writers/schemadoc.js');
    process.stdout.write(o.loadSql ? loadSql(o.loadSql) : o.tables ? tablesMarkdown() : `${JSON.stringify(documentJsonSchema(), null, 2)}\n`);
  });

program
  .command('compact')
  .description('write the collection outputs of an output folder whole again from its per-document JSON: the Parquet dataset as one part per table, jixiao.duckdb as a new file')
  .argument('[outdir]', 'output folder of an extract run', 'output')
  .addOption(new Option('--log-format <format>', 'text, or json').choices(['text', 'json']).default('text'))
  .action(async (outDir: string, o: { logFormat: string }) => {
    const { compactOutputs } = await import('./batch/rebuild.js');
    const t0 = Date.now();
    const report = await compactOutputs(outDir);
    const secs = ((Date.now() - t0) / 1000).toFixed(1);
    if (o.logFormat === 'json') process.stderr.write(`${JSON.stringify({ at: new Date().toISOString(), event: 'compact', out: outDir, ms: Date.now() - t0, collections: report })}\n`);
    else {
      const what = Object.entries(report).map(([k, r]) => `${k} ${r.full ? `${r.written} document(s) written whole` : 'up to date'}`);
      process.stderr.write(`jixiao: compacted ${outDir} in ${secs}s: ${what.join(', ') || 'no collection outputs'}\n`);
    }
  });

program
  .command('doctor')
  .description('check what this installation has and whether it works (OCR, LibreOffice, DuckDB, Redis with --queue), with the fix for each piece that does not')
  .option('--queue <redis-url>', 'also check this Redis (the cluster mode)')
  .option('--queue-name <name>', 'queue name', DEFAULT_QUEUE_NAME)
  .option('--json', 'print the report as JSON', false)
  .addHelpText('after', '\nExit codes: 0 every piece checked works, 1 some piece is missing or failing (each listed with its fix).')
  .action(async (o: { queue?: string; queueName: string; json: boolean }) => {
    const { doctorText, runDoctor } = await import('./doctor.js');
    const report = await runDoctor({ queue: o.queue, queueName: o.queueName });
    process.stdout.write(o.json ? `${JSON.stringify(report, null, 2)}\n` : doctorText(report));
    process.exitCode = report.checks.every((c) => c.status === 'ok') ? 0 : 1;
  });

program
  .command('review')
  .description('write a static HTML report over an output folder: each table as extracted beside its source page, warnings first')
  .argument('[outdir]', 'output folder of an extract run', 'output')
  .option('--no-images', 'do not render source pages (tables and provenance only)')
  .addHelpText('after', '\nWrites <outdir>/review/index.html (documents sorted by warnings) and one page per document. Opens offline.')
  .action(async (outDir: string, o: { images: boolean }) => {
    await review(outDir, o.images);
  });

program
  .command('serve')
  .description('open the review and correction workspace on an output folder: a local web app on 127.0.0.1')
  .argument('[outdir]', 'output folder of an extract run', 'output')
  .option('--port <n>', 'port on 127.0.0.1 (0: any free port)', (v: string) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < 0 || n > 65535) throw new InvalidArgumentError('must be a port number');
    return n;
  }, 4141)
  .option('--user <name>', 'who the corrections are by (recorded in corrections.jsonl)', process.env.JIXIAO_USER ?? process.env.USER ?? undefined)
  .addHelpText('after', `
Every edit is written to <outdir>/corrections.jsonl at once; every later run that writes the folder
(extract again, --force, a new version, a cluster rebuild) applies it. Stop with Ctrl-C.`)
  .action(async (outDir: string, o: { port: number; user?: string }) => {
    const { serveWorkspace } = await import('./serve/index.js');
    const served = await serveWorkspace(path.resolve(outDir), { port: o.port, user: o.user ?? null });
    process.stdout.write(`jixiao: review workspace on ${outDir} at ${served.url} (Ctrl-C to stop)\n`);
    await new Promise<void>((resolve) => {
      const stop = () => void served.close().then(resolve);
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
  });

// A reader that stops early (`| head`) is no error.
for (const s of [process.stdout, process.stderr]) s.on('error', (e: NodeJS.ErrnoException) => e.code === 'EPIPE' && process.exit(0));

try {
  await program.parseAsync(process.argv);
} catch (err) {
  process.stderr.write(`jixiao: ${(err as Error).message}\n`);
  process.exit(2);
}
