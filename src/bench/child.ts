/**
 * One benchmark configuration, run in its own process so that its peak memory is its own:
 * converts a folder and prints one JSON line of figures. Memory is the peak of this process
 * and its worker processes together, sampled from /proc (Linux) every 100 ms.
 */
import { childPids, rssKb } from '../procmem.js';
import { availableParallelism } from 'node:os';
import { DEFAULT_BATCH, runBatch } from '../batch/run.js';

/** Resident memory of this process and its children, kB. */
function treeRssKb(): number {
  return (rssKb('self') ?? process.memoryUsage().rss / 1024) + childPids().reduce((s, k) => s + (rssKb(k) ?? 0), 0);
}

let peak = 0;
const sampler = setInterval(() => (peak = Math.max(peak, treeRssKb())), 100);
const [input, out, workers] = process.argv.slice(2);
const summary = await runBatch({
  ...DEFAULT_BATCH,
  inputs: [input!],
  outDir: out!,
  concurrency: Number(workers) || availableParallelism(),
  progress: 'none',
  force: true,
});
clearInterval(sampler);
peak = Math.max(peak, treeRssKb());
process.stdout.write(`${JSON.stringify({ ...summary, documents: undefined, peakRssMb: Math.round(peak / 1024) })}\n`);
