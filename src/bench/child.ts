/**
 * One benchmark configuration, run in its own process so that its peak memory is its own:
 * converts a folder and prints one JSON line of figures. Memory is the peak of this process
 * and its worker processes together, sampled from /proc (Linux) every 100 ms, and the
 * coordinator's own peak (its VmHWM).
 *
 *   node child.js <input> <out> <workers> [formats] [--keep]
 *
 * `formats`: the collection outputs (default jsonl,csv); `--keep`: a re-run skips what is done
 * (by default every input is extracted again).
 */
import { readFileSync } from 'node:fs';
import { childPids, rssKb } from '../procmem.js';
import { availableParallelism } from 'node:os';
import { DEFAULT_BATCH, runBatch } from '../batch/run.js';
import type { OutputKind } from '../writers/aggregate.js';

/** Resident memory of this process and its children, kB. */
function treeRssKb(): number {
  return (rssKb('self') ?? process.memoryUsage().rss / 1024) + childPids().reduce((s, k) => s + (rssKb(k) ?? 0), 0);
}

/** This process's own peak resident memory, kB (Linux). */
function ownPeakKb(): number | null {
  try {
    return Number(/VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'))?.[1]) || null;
  } catch {
    return null;
  }
}

let peak = 0;
const sampler = setInterval(() => (peak = Math.max(peak, treeRssKb())), 100);
const [input, out, workers, formats] = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const summary = await runBatch({
  ...DEFAULT_BATCH,
  inputs: [input!],
  outDir: out!,
  concurrency: Number(workers) || availableParallelism(),
  formats: formats ? new Set(formats.split(',') as OutputKind[]) : DEFAULT_BATCH.formats,
  progress: 'none',
  force: !process.argv.includes('--keep'),
});
clearInterval(sampler);
peak = Math.max(peak, treeRssKb());
const own = ownPeakKb();
process.stdout.write(`${JSON.stringify({ ...summary, documents: undefined, peakRssMb: Math.round(peak / 1024), coordinatorPeakMb: own == null ? null : Math.round(own / 1024) })}\n`);
