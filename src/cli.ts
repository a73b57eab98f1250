#!/usr/bin/env node
/**
 * jixiao command line.
 *
 *   jixiao extract <files, folders or globs…> [--out DIR] [options]
 *
 * Exit codes: 0 every input done or skipped; 1 at least one input failed (see errors.jsonl);
 * 2 bad usage, nothing to read, or the output folder in use by another run.
 */
import { availableParallelism } from 'node:os';
import { Command, InvalidArgumentError, Option } from 'commander';
import { DEFAULT_BATCH, runBatch } from './batch/run.js';
import type { ProgressMode } from './batch/progress.js';
import { OUTPUT_KINDS, type OutputKind } from './writers/aggregate.js';
import { VERSION } from './version.js';
import { DEFAULT_REVIEW, writeReview } from './review/index.js';

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
  .description('extract budget texts (DOCX, PDF, text dumps; legacy .doc with LibreOffice) into an output folder')
  .argument('<inputs...>', 'files, folders (searched recursively for .pdf .docx .doc .wps .txt) or glob patterns')
  .option('-o, --out <dir>', 'output folder', 'output')
  .option('-f, --format <list>', 'collection outputs besides docs/<doc_id>.json: any of jsonl,csv,parquet (default: jsonl,csv)', formats)
  .option('--bom', 'start CSV files with a UTF-8 byte-order mark (opens correctly in Excel)', false)
  .option('--no-escape-formulas', 'write CSV cells that start with = + - @ as they are (by default they get a leading \' so spreadsheets do not run them)')
  .option('-j, --concurrency <n>', `worker threads and files in flight (default: cores, here ${availableParallelism()})`, positiveInt)
  .option('--timeout <seconds>', 'time limit per file', positiveInt, DEFAULT_BATCH.timeoutMs / 1000)
  .option('--memory <mb>', 'heap limit per worker thread, MB', positiveInt, DEFAULT_BATCH.memoryMb)
  .option('--max-pages <n>', 'refuse PDFs with more pages than this', positiveInt, DEFAULT_BATCH.extract.maxPages)
  .option('--force', 'redo inputs the manifest says are done', false)
  .addOption(new Option('--progress <mode>', 'progress display').choices(['auto', 'bar', 'log', 'none']).default('auto'))
  .option('--in-process', 'parse in the main thread instead of worker threads (debugging)', false)
  .option('--review', 'also write the review report (review/index.html) when the run ends', false)
  .addHelpText(
    'after',
    `
Outputs (in --out):
  docs/<doc_id>.json   one contract document per input (doc_id = first 16 hex of the input's sha256)
  documents.jsonl      every document, one per line, with its source
  documents  projects  indicators  sub_goals  safeguards  warnings   as .csv (and .parquet with -f parquet)
  errors.jsonl         inputs that failed, with the reason
  manifest.jsonl       every input's sha256 and status; a re-run skips unchanged inputs

Exit codes: 0 all inputs done or skipped, 1 some input failed, 2 usage error, no input found, or --out in use by another run.`,
  )
  .action(async (inputs: string[], o) => {
    const summary = await runBatch({
      ...DEFAULT_BATCH,
      inputs,
      outDir: o.out,
      formats: o.format ?? DEFAULT_BATCH.formats,
      bom: o.bom,
      escapeFormulas: o.escapeFormulas,
      concurrency: o.concurrency ?? DEFAULT_BATCH.concurrency,
      timeoutMs: o.timeout * 1000,
      memoryMb: o.memory,
      force: o.force,
      progress: o.progress as ProgressMode,
      extract: { ...DEFAULT_BATCH.extract, maxPages: o.maxPages },
      inProcess: o.inProcess,
    });
    const secs = (summary.elapsedMs / 1000).toFixed(1);
    process.stderr.write(
      `jixiao: ${summary.total} input(s): ${summary.done} done, ${summary.skipped} skipped, ${summary.failed} failed` +
        ` (${summary.pages} pages, ${secs}s) → ${o.out}${summary.failed ? ` (reasons in ${o.out}/errors.jsonl)` : ''}\n`,
    );
    if (summary.total === 0) {
      process.stderr.write('jixiao: no input files found\n');
      process.exitCode = 2;
    } else process.exitCode = summary.failed > 0 || summary.missing.length > 0 ? 1 : 0;
    if (o.review && summary.total > 0) await review(o.out, true);
  });

program
  .command('schema')
  .description('print the JSON Schema of the per-document JSON (or, with --tables, the CSV/Parquet table types)')
  .option('--tables', 'print the tables, their keys and column types (schema/README.md)')
  .action(async (o: { tables?: boolean }) => {
    const { documentJsonSchema } = await import('./schema.js');
    const { tablesMarkdown } = await import('./writers/schemadoc.js');
    process.stdout.write(o.tables ? tablesMarkdown() : `${JSON.stringify(documentJsonSchema(), null, 2)}\n`);
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

try {
  await program.parseAsync(process.argv);
} catch (err) {
  process.stderr.write(`jixiao: ${(err as Error).message}\n`);
  process.exit(2);
}
