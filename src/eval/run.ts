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
 *   npm run eval -- --write-baseline   # record the figures as the floor test/eval.test.ts holds
 */
import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Command } from 'commander';
import { evaluateCorpus, evaluateLayouts, formatTable } from './corpus.js';
import { CATEGORIES } from './score.js';
import { scanVariants } from './scans.js';
import { evaluateRoundTrips, formatRoundTripTimes, roundTrips } from './roundtrips.js';
import { defaultCorpus, projectRoot } from '../paths.js';

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
  .option('--verbose', 'print every differing field')
  .option('--json <file>', 'also write the figures as JSON')
  .option('--write-baseline', 'record these figures in test/eval-baseline.json (the floor the tests hold)')
  .parse();
const opts = program.opts<{ corpus: string; layouts: string | false; scans: string | false; roundtrips: string | false; verbose?: boolean; json?: string; writeBaseline?: boolean }>();

const results = await evaluateCorpus(opts.corpus);
if (opts.layouts && existsSync(opts.layouts)) results.push(...(await evaluateLayouts(opts.layouts, opts.corpus)));
// The small committed scans (test/fixtures/scans) are held by the tests like the layouts;
// the full scanned renditions made in the cache are measured here only (OCR takes minutes).
const committedScans = path.join(projectRoot(), 'test', 'fixtures', 'scans');
if (opts.layouts && existsSync(committedScans)) results.push(...(await evaluateLayouts(committedScans, opts.corpus)));
const held = results.length;
if (opts.scans) results.push(...(await evaluateLayouts(await scanVariants(opts.corpus, opts.scans), opts.corpus)).map((r) => ({ ...r, format: `${r.format} (generated)` })));
const trips = opts.roundtrips ? await evaluateRoundTrips(roundTrips(opts.corpus, path.join(projectRoot(), 'test', 'fixtures', 'layouts'), opts.roundtrips), opts.corpus) : [];
results.push(...trips.map((r) => ({ ...r, format: `${r.format} (generated)` })));
console.log(formatTable(results));
if (trips.length) console.log(`\nReading the renditions whose fonts lost their Unicode maps:\n\n${formatRoundTripTimes(trips)}`);
if (opts.verbose) {
  for (const r of results) {
    if (r.error) console.log(`\n## ${r.doc} (${r.format}): ERROR ${r.error}`);
    else if (r.score.diffs.length) console.log(`\n## ${r.doc} (${r.format})\n${r.score.diffs.map((x) => `  ${x}`).join('\n')}`);
  }
}
if (opts.writeBaseline) {
  const failed = results.filter((r) => r.error);
  if (failed.length) throw new Error(`not recording a baseline while ${failed.length} file(s) fail to extract`);
  const baseline = Object.fromEntries(
    results.slice(0, held).map((r) => [`${r.doc}/${r.format}`, Object.fromEntries(CATEGORIES.map((c) => [c, [r.score[c].ok, r.score[c].total]]))]),
  );
  writeFileSync(path.join(projectRoot(), 'test', 'eval-baseline.json'), `${JSON.stringify(baseline, null, 1)}\n`);
  console.log('\nrecorded in test/eval-baseline.json');
}
if (opts.json) {
  writeFileSync(opts.json, JSON.stringify(results.map(({ score, ...r }) => ({ ...r, score: { ...score, diffs: score.diffs.length } })), null, 2));
}
