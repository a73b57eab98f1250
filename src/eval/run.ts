/**
 * `npm run eval`: extracts every document in the corpus (each format present) and scores it
 * against its gold.json. Prints a table per document and format, then totals per format.
 *
 *   npm run eval                       # table
 *   npm run eval -- --verbose          # plus every differing field
 *   npm run eval -- --json out.json    # machine-readable figures (used by the tests)
 *   npm run eval -- --corpus DIR       # another corpus folder (default ../shared/corpus)
 *   npm run eval -- --no-layouts       # skip the re-laid-out PDFs in test/fixtures/layouts
 *   npm run eval -- --no-scans         # skip the scanned renditions (made once, then cached; OCR takes minutes)
 *   npm run eval -- --no-roundtrips    # skip the renditions whose fonts lost their Unicode maps (made once, then cached)
 *   npm run eval -- --write-baseline   # record the figures as the floor test/eval.test.ts holds (refused where one would fall: baseline.ts)
 *   npm run eval -- --seeds 20 --producers chromium,xelatex   # generated documents: which seeds, which producers
 *   npm run eval -- --no-generated     # skip the generated documents (src/eval/seeds.ts; made once, then cached)
 *   npm run eval -- --scan-seeds 3     # the first 3 seeds of each degradation of the scans (default 20)
 *   npm run eval -- --scan-seeds 3 --scan-first-seed 2   # seed 2 alone
 *   npm run eval -- --degradations seal,photo --only-degradations   # iterate on a few
 *   npm run eval -- --jobs 2           # degraded scans read in 2 processes (default: every core)
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import path from 'node:path';
import { Command } from 'commander';
import { type DegradedResult, type EvalResult, evaluateCorpus, evaluateDegraded, evaluateLayouts, evaluateVolumes, formatCalibration, formatDegradations, formatTable } from './corpus.js';
import { CATEGORIES } from './score.js';
import { type Floor, baselineFalls } from './baseline.js';
import { DEFAULT_SEEDS, DEGRADATIONS, type Degradation, degradedScans, scanVariants } from './scans.js';
import { SEED_CACHE, makeSeeds, parseProducers, parseSeeds } from './seeds.js';
import { evaluateSeeds, formatSeedTable } from './generated.js';
import { PRODUCERS } from './gen/producers.js';
import { evaluateRoundTrips, formatRoundTripTimes, roundTrips } from './roundtrips.js';
import { defaultCorpus, projectRoot } from '../paths.js';

// A rejection no extraction awaited is an extractor fault: reported, and the evaluation goes on.
process.on('unhandledRejection', (reason) => console.error(`eval: unhandled rejection (an extractor fault): ${String(reason)}`));

const program = new Command()
  .name('jixiao-eval')
  .description('score the extractor against every gold.json in the corpus')
  .option('--corpus <dir>', 'corpus folder', defaultCorpus())
  .option('--layouts <dir>', 'also score re-laid-out PDFs of the corpus documents (<id>.<variant>.pdf)', path.join(projectRoot(), 'test', 'fixtures', 'layouts'))
  .option('--no-layouts', 'score the corpus files only')
  .option('--scans <dir>', 'cache of scanned renditions of the corpus PDFs (src/eval/scans.ts)', path.join(projectRoot(), 'node_modules', '.cache', 'jixiao-eval-scans'))
  .option('--no-scans', 'skip the scanned renditions')
  .option('--roundtrips <dir>', 'cache of renditions whose fonts lost their Unicode maps (src/eval/roundtrips.ts)', path.join(projectRoot(), 'node_modules', '.cache', 'jixiao-eval-roundtrips'))
  .option('--no-roundtrips', 'skip the renditions whose fonts lost their Unicode maps')
  .option('--seeds <list>', 'generated documents: a count (20 = seeds 1..20) or a list (1,4,7-9)', '20')
  .option('--producers <list>', 'generated documents: the producers to print them through (all, or e.g. chromium,xelatex)', 'all')
  .option('--seed-cache <dir>', 'where the generated documents are made and kept (default: node_modules/.cache/jixiao-eval-seeds)')
  .option('--no-generated', 'skip the generated documents')
  .option('--verbose', 'print every differing field')
  .option('--json <file>', 'also write the figures as JSON')
  .option('--write-baseline', 'record these figures in test/eval-baseline.json (the floor the tests hold); refused where a figure would fall')
  .option('--lower-baseline', 'with --write-baseline: record even figures below the ones held (a figure that was wrong)')
  .option('--no-degradations', 'skip the seeded degraded scans')
  .option('--degradations <list>', `degradations to score (${DEGRADATIONS.join(',')})`, (v) => v.split(',') as Degradation[], [...DEGRADATIONS])
  .option('--scan-seeds <n>', 'seeds of each degradation of the scans', (v) => Number(v), DEFAULT_SEEDS)
  .option('--scan-first-seed <n>', 'leave out the degradations\' seeds before this one', (v) => Number(v), 0)
  .option('--only-degradations', 'score the degraded scans only')
  .option('--jobs <n>', 'processes reading the degraded scans', (v) => Number(v), availableParallelism())
  .option('--shard <k/n>', '(internal) score the k-th of n parts of the degraded scans and write them to --json')
  .parse();
const opts = program.opts<{
  corpus: string; layouts: string | false; scans: string | false; roundtrips: string | false; verbose?: boolean; json?: string; writeBaseline?: boolean; lowerBaseline?: boolean;
  degradations: Degradation[] | false; scanSeeds: number; scanFirstSeed: number; onlyDegradations?: boolean; jobs: number; shard?: string;
  seeds: string; producers: string; seedCache?: string; generated: boolean;
}>();
const scanCache = opts.scans || path.join(projectRoot(), 'node_modules', '.cache', 'jixiao-eval-scans');

/** The degraded scans, read in `jobs` processes (each a copy of this script scoring a shard). */
async function degraded(): Promise<DegradedResult[]> {
  if (!opts.degradations) return [];
  const files = (await degradedScans(opts.corpus, scanCache, { seeds: opts.scanSeeds, degradations: opts.degradations })).filter((f) => f.seed >= opts.scanFirstSeed);
  const jobs = Math.max(1, Math.min(opts.jobs, files.length));
  if (jobs === 1) return evaluateDegraded(files, opts.corpus);
  const dir = mkdtempSync(path.join(tmpdir(), 'jixiao-eval-'));
  try {
    await Promise.all(
      Array.from({ length: jobs }, (_, k) => {
        const args = [...process.execArgv, process.argv[1]!, '--corpus', opts.corpus, '--scans', scanCache, '--scan-seeds', String(opts.scanSeeds), '--scan-first-seed', String(opts.scanFirstSeed), '--degradations', opts.degradations ? opts.degradations.join(',') : '', '--shard', `${k}/${jobs}`, '--json', path.join(dir, `${k}.json`)];
        return new Promise<void>((resolve, reject) => {
          const child = spawn(process.execPath, args, { stdio: ['ignore', 'ignore', 'inherit'] });
          child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`eval shard ${k} exited with ${code}`))));
        });
      }),
    );
    const byFile = new Map<string, DegradedResult>();
    for (let k = 0; k < jobs; k++) for (const r of JSON.parse(readFileSync(path.join(dir, `${k}.json`), 'utf8')) as DegradedResult[]) byFile.set(`${r.degradation}/${r.seed}`, r);
    return files.map((f) => byFile.get(`${f.degradation}/${f.seed}`)!);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (opts.shard) {
  // One part of the degraded scans (every n-th file from the k-th), for the process that asked.
  const [k, n] = opts.shard.split('/').map(Number) as [number, number];
  const files = (await degradedScans(opts.corpus, scanCache, { seeds: opts.scanSeeds, degradations: opts.degradations || [] }))
    .filter((f) => f.seed >= opts.scanFirstSeed)
    .filter((_, i) => i % n === k);
  writeFileSync(opts.json!, JSON.stringify(await evaluateDegraded(files, opts.corpus)));
  process.exit(0);
}

const results: EvalResult[] = opts.onlyDegradations ? [] : await evaluateCorpus(opts.corpus);
if (!opts.onlyDegradations && opts.layouts && existsSync(opts.layouts)) results.push(...(await evaluateLayouts(opts.layouts, opts.corpus)));
// The small committed scans (test/fixtures/scans) are held by the tests like the layouts;
// the full scanned renditions made in the cache are measured here only (OCR takes minutes).
const committedScans = path.join(projectRoot(), 'test', 'fixtures', 'scans');
if (!opts.onlyDegradations && opts.layouts && existsSync(committedScans)) results.push(...(await evaluateLayouts(committedScans, opts.corpus)));
// Compiled volumes of the corpus texts, each text scored against its own gold.
const volumes = path.join(projectRoot(), 'test', 'fixtures', 'volumes');
if (!opts.onlyDegradations && opts.layouts && existsSync(path.join(volumes, 'volume.json'))) results.push(...(await evaluateVolumes(volumes, opts.corpus)));
const held = results.length;
if (!opts.onlyDegradations && opts.scans) results.push(...(await evaluateLayouts(await scanVariants(opts.corpus, opts.scans), opts.corpus)).map((r) => ({ ...r, format: `${r.format} (generated)` })));
const trips = !opts.onlyDegradations && opts.roundtrips ? await evaluateRoundTrips(roundTrips(opts.corpus, path.join(projectRoot(), 'test', 'fixtures', 'layouts'), opts.roundtrips), opts.corpus) : [];
results.push(...trips.map((r) => ({ ...r, format: `${r.format} (generated)` })));
const seeds = parseSeeds(opts.seeds);
const producers = parseProducers(opts.producers);
const generated = opts.generated && !opts.onlyDegradations
  ? await evaluateSeeds(await makeSeeds(opts.corpus, opts.seedCache ?? SEED_CACHE, { seeds, producers }), seeds, producers)
  : [];
const damaged = await degraded();
if (results.length) console.log(formatTable(results));
if (trips.length) console.log(`\nReading the renditions whose fonts lost their Unicode maps:\n\n${formatRoundTripTimes(trips)}`);
if (generated.length) console.log(`\nGenerated documents (${seeds.length} seeds; per producer the aggregate and its worst seed):\n\n${formatSeedTable(generated)}`);
const ocred = [...results, ...damaged].filter((r) => r.score.confidences?.length);
if (ocred.length) console.log(`\nOCR confidence of indicator rows against their being right (every scan above):\n${formatCalibration(ocred)}`);
if (damaged.length) console.log(`\nDegraded scans (seeded; worst seed = lowest share of indicator rows right; silent rows = wrong rows without a warning on the row):\n${formatDegradations(damaged)}`);
if (opts.verbose) {
  for (const r of [...results, ...generated, ...damaged.map((r) => ({ ...r, doc: `${r.doc} s${r.seed}` }))]) {
    if (r.error) console.log(`\n## ${r.doc} (${r.format}): ERROR ${r.error}`);
    else if (r.score.diffs.length) console.log(`\n## ${r.doc} (${r.format})\n${r.score.diffs.map((x) => `  ${x}`).join('\n')}${r.score.silentWhere?.length ? `\n  silent (no warning on the row):\n${r.score.silentWhere.map((x) => `    ${x}`).join('\n')}` : ''}`);
  }
}
if (opts.writeBaseline) {
  const failed = results.filter((r) => r.error);
  if (failed.length) throw new Error(`not recording a baseline while ${failed.length} file(s) fail to extract`);
  const baseline = Object.fromEntries(
    results.slice(0, held).map((r) => [`${r.doc}/${r.format}`, Object.fromEntries(CATEGORIES.map((c) => [c, [r.score[c].ok, r.score[c].total]]))]),
  );
  // The committed subset of generated documents: its figures and silent rows.
  const seedDir = path.join(projectRoot(), 'test', 'fixtures', 'seeds');
  const committed = existsSync(seedDir) ? readdirSync(seedDir).filter((d) => /^s\d+$/.test(d)).map((d) => Number(d.slice(1))) : [];
  const subset = await evaluateSeeds(seedDir, committed, PRODUCERS, () => {});
  const seedBaseline = Object.fromEntries(subset.map((r) => [`${r.doc}/${r.producer}`, { ...Object.fromEntries(CATEGORIES.map((c) => [c, [r.score[c].ok, r.score[c].total]])), silentRows: r.score.silentRows }]));
  const baselineFile = path.join(projectRoot(), 'test', 'eval-baseline.json');
  const seedBaselineFile = path.join(projectRoot(), 'test', 'eval-seeds-baseline.json');
  const heldOf = (f: string) => (existsSync(f) ? (JSON.parse(readFileSync(f, 'utf8')) as Record<string, Floor>) : {});
  const falls = [...baselineFalls(heldOf(baselineFile), baseline as Record<string, Floor>), ...baselineFalls(heldOf(seedBaselineFile), seedBaseline as Record<string, Floor>)];
  if (falls.length && !opts.lowerBaseline) {
    throw new Error(`not recording a baseline below the one held (score every part it holds: the layouts too; --lower-baseline for a figure that was wrong):\n  ${falls.join('\n  ')}`);
  }
  writeFileSync(baselineFile, `${JSON.stringify(baseline, null, 1)}\n`);
  writeFileSync(seedBaselineFile, `${JSON.stringify(seedBaseline, null, 1)}\n`);
  console.log('\nrecorded in test/eval-baseline.json and test/eval-seeds-baseline.json');
}
if (opts.json) {
  writeFileSync(opts.json, JSON.stringify([...results, ...generated, ...damaged].map(({ score, ...r }) => ({ ...r, score: { ...score, diffs: score.diffs.length } })), null, 2));
}
