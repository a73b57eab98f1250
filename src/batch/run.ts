/**
 * Batch conversion: many inputs → one output folder, in parallel, resumable, observable. This
 * module is the run loop; its parts are the output folder and its lock (folder.ts), the pool of
 * workers with their limits (pool.ts), the resume policy (resume.ts), the manifest
 * (manifest.ts), the per-document JSON (../writers/document.ts) and the rebuild of the
 * collection files at the end (rebuild.ts).
 *
 * - p-queue bounds how many files are in flight; the parsing runs in a tinypool of worker
 *   processes (one per core by default), each file with a time limit and a memory limit.
 * - The manifest records every finished input (sha256, status, output); a re-run skips inputs
 *   already done with the same bytes by the same extractor version and redoes changed ones.
 * - Per-document JSON is written atomically as each file finishes; documents.jsonl, the CSV
 *   views and errors.jsonl are rebuilt from the manifest at the end (temporary file + rename),
 *   so no row is ever duplicated or half-written, even after a killed run.
 * - A bundle (ZIP, 7z, RAR, tar) is opened in a worker; each member is an input of its own
 *   (`bundle.zip!/成员/名称.pdf`) through the same pool, limits, manifest and error kinds.
 * - A compiled volume's texts are written as documents of their own, the parts of its entry.
 * - Every input ends as exactly one of done, failed or skipped.
 */
import type { PathLike } from 'node:fs';
import { stat } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import PQueue from 'p-queue';
import type Tinypool from 'tinypool';
import type { Failure } from '../errors.js';
import { DEFAULT_EXTRACT_OPTIONS, type ExtractOptions } from '../options.js';
import { sha256 } from '../hash.js';
import type { OutputKind } from '../writers/aggregate.js';
import type { CollectionReport } from '../writers/collections.js';
import { writeDocuments } from '../writers/document.js';
import { bundleKind } from '../detect.js';
import { VERSION } from '../version.js';
import { type Input, discoverInputs } from './inputs.js';
import { fsPath, readablePath } from '../fsname.js';
import { asOutputFault, claimOutput, lockOutput, removeStaleTemps } from './folder.js';
import { Manifest, type ManifestEntry, manifestEntry, missingInput, outputsOf } from './manifest.js';
import { readInput } from './read.js';
import { createPool, extractIn, workerFile } from './pool.js';
import { type Counts, type Progress, type ProgressMode, createProgress } from './progress.js';
import { takeOutputsMark } from './mark.js';
import { documentsOf, writeOutputs } from './rebuild.js';
import { type PlannedInput, planOf, resumeOf } from './resume.js';

/** A batch as a library caller asks for it (src/index.ts exports it). */
export interface BatchOptions {
  inputs: string[];
  outDir: string;
  formats: ReadonlySet<OutputKind>;
  bom: boolean;
  /** Escape CSV cells a spreadsheet would run as formulas (aggregate.ts). */
  escapeFormulas: boolean;
  /** Files in flight and worker processes; default: the machine's cores. */
  concurrency: number;
  /** Per-file time limit (for its text work; see ocrPageMs). */
  timeoutMs: number;
  /** Time added to a file's limit for each page it may read by OCR (limits.ts). */
  ocrPageMs: number;
  /** Per-worker heap limit, in MB. */
  memoryMb: number;
  /** Redo every input even when the manifest says it is done. */
  force: boolean;
  progress: ProgressMode;
  /** The extractor's options: limits and OCR mode. */
  extract: ExtractOptions;
  /** Glob patterns of files left out of folders and patterns. */
  exclude: string[];
  /** Record absolute source paths instead of paths relative to the input named on the command line. */
  absolutePaths: boolean;
  /** Remove the documents of inputs that no longer exist. */
  prune: boolean;
  /** Log every finished file. */
  verbose: boolean;
  /** Try again inputs that failed in an earlier run with the same bytes and extractor version. */
  retryFailed: boolean;
  /** Stop taking inputs at the first failure: the files in flight end, the outputs are written from what is done. */
  failFast?: boolean;
  /** Called whenever a file ends (done, skipped or failed): for callers of the library. */
  onProgress?: (p: Counts & { total: number; file: string; status: 'done' | 'skipped' | 'failed' }) => void;
}

/** A batch as the command line and the tests run it: the caller's options and the run's own switches. */
export interface RunOptions extends BatchOptions {
  /** Run in this thread instead of worker processes (tests, debugging). */
  inProcess: boolean;
  /**
   * Stop cleanly on SIGINT, SIGTERM and SIGHUP: take no more files, let those in flight end,
   * write the collection files from what is done, release the lock. A second signal exits at
   * once. (The command line sets it; a library caller handles its own signals.)
   */
  handleSignals?: boolean;
}

export interface BatchSummary {
  total: number;
  done: number;
  skipped: number;
  failed: number;
  pages: number;
  elapsedMs: number;
  /** Arguments that matched no file (each also counted failed, kind `missing`). */
  missing: string[];
  /** Per-document JSON (absolute paths) of this run's inputs that are done, in input order. */
  documents: string[];
  /** The signal that stopped the run early, if one did (the inputs not reached are left for the next run). */
  interrupted?: NodeJS.Signals;
  /** The run stopped at its first failure (`failFast`); the inputs not reached are left for the next run. */
  failedFast?: boolean;
  /** What the collection outputs wrote (documents written and removed, per output). */
  collections?: CollectionReport;
}

export const DEFAULT_BATCH: Omit<RunOptions, 'inputs' | 'outDir'> = {
  formats: new Set<OutputKind>(['jsonl', 'csv']),
  bom: false,
  escapeFormulas: true,
  concurrency: availableParallelism(),
  timeoutMs: 120_000,
  ocrPageMs: 30_000,
  memoryMb: 2048,
  force: false,
  progress: 'auto',
  extract: DEFAULT_EXTRACT_OPTIONS,
  inProcess: false,
  exclude: [],
  absolutePaths: false,
  prune: false,
  verbose: false,
  retryFailed: false,
};

export async function runBatch(opts: RunOptions): Promise<BatchSummary> {
  const started = Date.now();
  const outDir = path.resolve(opts.outDir);
  await claimOutput(outDir);
  const release = await lockOutput(outDir);
  // The pool's worker processes are unref'd while idle, and so is the lock's refresh: without a
  // handle of its own, this process could end while it waits for them (a worker slow to exit on
  // a busy machine), exit code 0 and its outputs unwritten. This one holds it until the run ends.
  const hold = setInterval(() => {}, 1 << 30);
  try {
    return await runLocked(opts, outDir, started);
  } finally {
    clearInterval(hold);
    await release();
  }
}

async function runLocked(opts: RunOptions, outDir: string, started: number): Promise<BatchSummary> {
  // What the outputs were written from, if the run that wrote them ended (mark.ts): taken, so
  // that a run killed on the way leaves none. With it, docs/ holds no killed run's temporary files.
  const since = await takeOutputsMark(outDir);
  await removeStaleTemps(outDir, { docs: since == null });
  const manifest = await Manifest.open(path.join(outDir, 'manifest.jsonl'), since?.manifest);
  const { inputs, missing, skipped, refused } = await discoverInputs(opts.inputs, { skipDirs: [outDir], exclude: opts.exclude });
  const progress = createProgress(opts.progress);
  progress.start(inputs.length);
  // Inputs named that do not exist, inputs inside the output folder (its files are jixiao's), and
  // what a scanned folder held but could not be taken (an unreadable subfolder, a link to a
  // folder): each is a failed entry with its reason, never dropped in silence, and the batch goes on.
  const notTaken: Array<{ path: string } & Failure> = [
    ...missing.map((m) => ({ path: path.resolve(m), ...missingInput() })),
    ...skipped.map((f) => ({ path: f, kind: 'in-output-folder' as const, reason: 'inside the output folder: move it out, or choose another --out' })),
    ...refused,
  ];
  for (const r of notTaken) {
    await manifest.record(manifestEntry(r.path, '', { status: 'failed', error: { kind: r.kind, reason: r.reason } }, 0));
    const shown = readablePath(r.path);
    progress.file({ path: shown, status: 'failed', kind: r.kind, reason: r.reason, pages: null, ms: 0 }, `[jixiao] failed: ${shown}: ${r.reason}`);
  }

  // A bundle gives inputs of its own: then as many workers as asked, whatever the inputs named.
  const bundles = inputs.some((i) => BUNDLE_NAME.test(i.file));
  const concurrency = Math.max(1, Math.min(opts.concurrency, bundles ? opts.concurrency : Math.max(1, inputs.length)));
  // Worker processes run compiled JavaScript; from TypeScript sources (tsx, vitest) parse in this thread.
  const inProcess = opts.inProcess || workerFile().endsWith('.ts');
  const pool = inProcess ? null : createPool(concurrency, opts.memoryMb);
  // N files in flight for N workers: a file's time limit starts when a worker takes it.
  const queue = new PQueue({ concurrency });
  const tally = new Tally(manifest, progress, opts, inputs.length);
  const signals = watchSignals(opts.handleSignals === true, progress);

  /** A fault of the output (disk full, read-only, no permission): the run stops, no input is blamed. */
  let outputFault: Error | null = null;
  const guarded = async (work: () => Promise<void>) => {
    if (signals.caught || outputFault || (opts.failFast && tally.counts.failed > 0)) return; // left for the next run: not recorded
    try {
      await work();
    } catch (err) {
      outputFault ??= asOutputFault(err);
    }
  };
  /** Members of bundles taken this run (the manifest's keys), for the summary's documents. */
  const members: string[] = [];
  const ctx: FileContext = { opts, outDir, manifest, pool, tally, members, later: (work) => void queue.add(() => guarded(work), { priority: 1 }) };
  try {
    await Promise.all(inputs.map((f) => queue.add(() => guarded(() => convertOne(f, ctx)))));
    // Members of bundles were queued as their bundles opened.
    await queue.onIdle();
  } catch (err) {
    signals.dispose();
    throw err;
  } finally {
    await pool?.destroy();
    progress.stop();
  }
  let collections: CollectionReport;
  try {
    if (opts.prune) {
      // Inputs recorded by earlier runs whose files are gone: their documents leave the outputs.
      for (const e of [...manifest.entries.values()]) {
        // A bundle's member lives while its bundle does.
        if (!(await exists(fsPath(e.path.split(MEMBER_SEPARATOR)[0]!)))) {
          manifest.forget(e.path);
          if (opts.verbose) progress.log(`[jixiao] pruned: ${readablePath(e.path)} (no longer exists)`);
        }
      }
    }
    if (outputFault) throw outputFault;
    try {
      collections = await writeOutputs(outDir, manifest, opts, since);
    } catch (err) {
      throw asOutputFault(err);
    }
  } finally {
    // The outputs written (or failed): a signal is no longer this run's to handle (but see dispose).
    signals.dispose();
  }
  const { counts } = tally;
  const documents = documentsOf(manifest, [...inputs.map((i) => i.file), ...members], outDir);
  const reached = counts.done + counts.skipped + counts.failed;
  const failedFast = opts.failFast === true && counts.failed > 0 && reached < tally.total;
  return {
    total: tally.total + notTaken.length,
    ...counts,
    failed: counts.failed + notTaken.length,
    elapsedMs: Date.now() - started,
    missing,
    documents,
    interrupted: signals.caught,
    ...(failedFast ? { failedFast } : {}),
    collections,
  };
}

/** What one input's conversion works with. */
interface FileContext {
  opts: RunOptions;
  outDir: string;
  manifest: Manifest;
  pool: Tinypool | null;
  tally: Tally;
  /** Members of bundles taken this run. */
  members: string[];
  /** Queues work before the inputs still waiting (a bundle's members, so its bytes are let go soon). */
  later(work: () => Promise<void>): void;
}

/** Joins a bundle's path and a member's name (src/bundles/: `bundle.zip!/成员/名称.pdf`). */
const MEMBER_SEPARATOR = '!/';
/** File names of bundles (their members become inputs of their own). */
const BUNDLE_NAME = /\.(zip|7z|rar|tar|tgz|gz)$/i;

/** One input: read, then opened as a bundle or converted. */
async function convertOne(input: Input, ctx: FileContext): Promise<void> {
  const { opts, tally } = ctx;
  const file = input.file;
  const t0 = Date.now();
  const read = await readInput(file, opts.extract.maxBytes);
  if ('error' in read) return tally.finish(manifestEntry(file, '', { status: 'failed', error: read.error }, Date.now() - t0));
  const { bytes } = read;
  const shown = readablePath(opts.absolutePaths ? file : input.relative);
  if (bundleKind(bytes, file)) return openBundleOf(file, shown, bytes, t0, ctx);
  return convertBytes(file, shown, bytes, t0, ctx);
}

/** One input's bytes (a file's, or a bundle member's, recorded under `key`): left as it is if the manifest says so, else extracted, written and recorded. */
async function convertBytes(key: string, shown: string, bytes: Buffer, t0: number, { opts, outDir, manifest, pool, tally }: FileContext): Promise<void> {
  const fail = (sha: string, error: Failure, cpu_ms: number | null = null) => tally.finish(manifestEntry(key, sha, { status: 'failed', error, cpu_ms }, Date.now() - t0));
  const hash = sha256(bytes);
  const resume = resumeOf(manifest, key, hash, opts);
  if (resume.action === 'failed-before') return tally.failedBefore(key, resume.entry);
  // Done before, and its documents (each text of a volume) still there: not redone.
  if (resume.action !== 'extract' && (await Promise.all(outputsOf(resume.entry).map((o) => exists(path.join(outDir, o.output))))).every(Boolean)) {
    if (resume.action === 'unchanged') return tally.skipped(key, 'unchanged', 'unchanged', resume.entry);
    await manifest.record({ ...resume.entry, path: key, at: new Date().toISOString() });
    return tally.skipped(key, 'same-content', `same content as ${readablePath(resume.entry.path)}`, resume.entry);
  }
  const result = await extractIn(pool, shown, bytes, opts);
  const cpu_ms = result.cpuMs ?? null;
  if (!result.ok) return fail(hash, result.error, cpu_ms);
  if (!('records' in result) || result.records.length === 0) return fail(hash, { kind: 'internal', reason: 'extractor error: no document and no failure' }, cpu_ms);
  const facts = await writeDocuments(outDir, result.records);
  await tally.finish(manifestEntry(key, hash, { status: 'done', ...facts, cpu_ms }, Date.now() - t0));
}

/**
 * A bundle, opened in a worker (its limits applied there, before inflating): its own entry says
 * it opened and how many members it gave; each member that came out is an input of its own,
 * queued before the inputs still waiting; each that did not is a failed entry with its kind.
 */
async function openBundleOf(key: string, shown: string, bytes: Buffer, t0: number, ctx: FileContext): Promise<void> {
  const { opts, manifest, pool, tally } = ctx;
  const hash = sha256(bytes);
  const prev = manifest.get(key);
  if (!opts.force && !opts.retryFailed && prev?.status === 'failed' && prev.sha256 === hash && prev.version === VERSION) return tally.failedBefore(key, prev);
  const result = await extractIn(pool, shown, bytes, opts, 'open');
  if (!result.ok) return tally.finish(manifestEntry(key, hash, { status: 'failed', error: result.error, cpu_ms: result.cpuMs ?? null }, Date.now() - t0));
  if (!('opened' in result)) return tally.finish(manifestEntry(key, hash, { status: 'failed', error: { kind: 'internal', reason: 'extractor error: the bundle was not opened' } }, Date.now() - t0));
  const { opened } = result;
  const given = opened.members.length + opened.failures.length;
  await manifest.record({ path: key, sha256: hash, status: 'done', version: VERSION, doc_id: null, output: null, pages: null, warnings: 0, ms: Date.now() - t0, cpu_ms: result.cpuMs == null ? null : Math.round(result.cpuMs), error: null, at: new Date().toISOString(), members: given });
  // The bundle is no document: its members are counted in its place.
  tally.grow(given - 1);
  if (opts.verbose) tally.log(`[jixiao] opened: ${shown} (${given} members${opened.skipped ? `, ${opened.skipped} in other formats left out` : ''})`);
  const keyOf = (memberPath: string) => `${key}${memberPath.slice(shown.length)}`;
  for (const f of opened.failures) {
    ctx.members.push(keyOf(f.path));
    await tally.finish(manifestEntry(keyOf(f.path), '', { status: 'failed', error: { kind: f.kind, reason: f.reason } }, 0));
  }
  for (const m of opened.members) {
    const memberKey = keyOf(m.path);
    ctx.members.push(memberKey);
    const memberBytes = Buffer.from(m.bytes.buffer, m.bytes.byteOffset, m.bytes.byteLength);
    ctx.later(() => convertBytes(memberKey, m.path, memberBytes, Date.now(), ctx));
  }
}

/** The run's counts: each input's end recorded, counted, logged, and told to the progress display and the caller. */
class Tally {
  readonly counts: Counts = { done: 0, skipped: 0, failed: 0, pages: 0 };

  constructor(
    private readonly manifest: Manifest,
    private readonly progress: Progress,
    private readonly opts: Pick<BatchOptions, 'verbose' | 'onProgress'>,
    /** Inputs in all: the files found, and the members of bundles in their bundles' place. */
    public total: number,
  ) {}

  /** More inputs than the files found (a bundle's members, less the bundle). */
  grow(n: number): void {
    this.total += n;
    this.progress.grow(n);
  }

  log(line: string): void {
    this.progress.log(line);
  }

  /** An input extracted or failed now: recorded in the manifest first. */
  async finish(entry: ManifestEntry): Promise<void> {
    await this.manifest.record(entry);
    const shown = readablePath(entry.path);
    if (entry.status === 'done') {
      this.counts.done++;
      this.counts.pages += entry.pages ?? 0;
      const line = this.opts.verbose ? `[jixiao] done: ${shown} (${entry.pages ?? '-'} pages, ${entry.warnings} warnings, ${entry.ms} ms)` : null;
      this.progress.file({ path: shown, status: 'done', kind: null, reason: null, pages: entry.pages, ms: entry.ms }, line);
    } else {
      this.counts.failed++;
      this.progress.file({ path: shown, status: 'failed', kind: entry.error?.kind ?? null, reason: entry.error?.reason ?? null, pages: null, ms: entry.ms }, `[jixiao] failed: ${shown}: ${entry.error?.reason}`);
    }
    this.tell(entry.path, entry.status);
  }

  /** An input not redone: its document is already there. */
  skipped(file: string, kind: 'unchanged' | 'same-content', why: string, entry: ManifestEntry): void {
    this.counts.skipped++;
    const shown = readablePath(file);
    this.progress.file({ path: shown, status: 'skipped', kind, reason: why, pages: entry.pages, ms: 0 }, this.opts.verbose ? `[jixiao] skipped: ${shown} (${why})` : null);
    this.tell(file, 'skipped');
  }

  /** An input that failed before with the same bytes: counted failed again, its entry kept. */
  failedBefore(file: string, entry: ManifestEntry): void {
    this.counts.failed++;
    const shown = readablePath(file);
    const reason = `failed before: ${entry.error?.reason ?? entry.error?.kind} (--retry-failed tries again)`;
    this.progress.file({ path: shown, status: 'failed', kind: entry.error?.kind ?? null, reason, pages: null, ms: 0 }, this.opts.verbose ? `[jixiao] failed: ${shown}: ${reason}` : null);
    this.tell(file, 'failed');
  }

  private tell(file: string, status: 'done' | 'skipped' | 'failed'): void {
    this.progress.update(this.counts);
    this.opts.onProgress?.({ ...this.counts, total: this.total, file, status });
  }
}

const SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

/** When `on`: the first signal stops the run taking files (`caught`), the second exits at once. */
function watchSignals(on: boolean, progress: Progress): { readonly caught: NodeJS.Signals | undefined; dispose(): void } {
  let caught: NodeJS.Signals | undefined;
  const onSignal = (sig: NodeJS.Signals) => {
    if (caught) {
      if (process.stderr.isTTY) process.stderr.write('\x1b[?25h');
      process.exit(128 + (sig === 'SIGINT' ? 2 : sig === 'SIGHUP' ? 1 : 15));
    }
    caught = sig;
    progress.log(`[jixiao] ${sig}: finishing the files in flight (again to stop at once)`);
  };
  if (on) for (const sig of SIGNALS) process.on(sig, onSignal);
  return {
    get caught() {
      return caught;
    },
    // Once a signal has stopped the run, the handlers stay: the process is ending, and a
    // second signal, whenever it comes, exits at once with its code (128 + n), never by the
    // signal's default action halfway through the summary.
    dispose: () => {
      if (caught) return;
      for (const sig of SIGNALS) process.off(sig, onSignal);
    },
  };
}

function exists(file: PathLike): Promise<boolean> {
  return stat(file).then(() => true, () => false);
}

/**
 * What a run would do (`--dry-run`): every input found, and whether it would be extracted or
 * skipped, read from the manifest without writing or locking anything.
 */
export async function planBatch(opts: BatchOptions): Promise<{ planned: PlannedInput[]; missing: string[] }> {
  const outDir = path.resolve(opts.outDir);
  const manifest = await Manifest.read(path.join(outDir, 'manifest.jsonl'));
  const { inputs, missing } = await discoverInputs(opts.inputs, { skipDirs: [outDir], exclude: opts.exclude });
  const planned: PlannedInput[] = [];
  for (const { file } of inputs) {
    const read = await readInput(file, opts.extract.maxBytes);
    planned.push('error' in read ? { path: file, action: 'extract', reason: `${read.error.reason} (would fail)` } : planOf(file, resumeOf(manifest, file, sha256(read.bytes), opts)));
  }
  return { planned, missing };
}
