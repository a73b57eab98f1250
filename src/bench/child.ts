/**
 * One benchmark configuration, run in its own process so that its peak RSS is its own:
 * converts a folder and prints one JSON line of figures.
 */
import { availableParallelism } from 'node:os';
import { DEFAULT_BATCH, runBatch } from '../batch/run.js';

const [input, out, workers] = process.argv.slice(2);
const summary = await runBatch({
  ...DEFAULT_BATCH,
  inputs: [input!],
  outDir: out!,
  concurrency: Number(workers) || availableParallelism(),
  progress: 'none',
  force: true,
});
const rss = process.resourceUsage().maxRSS / 1024;
process.stdout.write(`${JSON.stringify({ ...summary, peakRssMb: Math.round(rss) })}\n`);
