/**
 * Scores the generated documents (src/eval/seeds.ts): every rendition of every seed against
 * the seed's gold, and per producer the aggregate, the worst seed and the silent rows.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { BudgetDocument } from '../schema.js';
import { type EvalResult, LABELS, scoreFile } from './corpus.js';
import { EXT, type Producer } from './gen/producers.js';
import { CATEGORIES, type Category, scoreDocument } from './score.js';
import { seedName } from './seeds.js';

export interface SeedResult extends EvalResult {
  seed: number;
  producer: Producer;
  file: string;
}

const EMPTY_DOC: BudgetDocument = {
  document: { title: null, department: null, year: null, draft: false, compiled_by: null, reviewed_by: null, toc: [] },
  part_one: { overall_goal: null, sub_goals: [], safeguards: [], dept_indicators: [] },
  projects: [],
  warnings: [],
} as unknown as BudgetDocument;

export async function evaluateSeeds(dir: string, seeds: readonly number[], producers: readonly Producer[], log = (s: string) => console.error(s)): Promise<SeedResult[]> {
  const out: SeedResult[] = [];
  for (const seed of seeds) {
    const sdir = path.join(dir, seedName(seed));
    const goldFile = path.join(sdir, 'gold.json');
    if (!existsSync(goldFile)) continue;
    const gold = JSON.parse(readFileSync(goldFile, 'utf8')) as BudgetDocument;
    for (const producer of producers) {
      const file = path.join(sdir, `${producer}.${EXT[producer]}`);
      const failed = path.join(sdir, `${producer}.failed`);
      if (!existsSync(file) && !existsSync(failed)) continue;
      const r = existsSync(file)
        ? await scoreFile(file, gold, seedName(seed), `gen:${producer}`)
        : { doc: seedName(seed), format: `gen:${producer}`, error: `not produced: ${readFileSync(failed, 'utf8').split('\n')[0]}`, warnings: 0, score: scoreDocument(EMPTY_DOC, gold) };
      // A file that fails is reported loudly, never silent; it counts every record of the gold as missed.
      if (r.error) r.score = { ...scoreDocument(EMPTY_DOC, gold), silent: 0, silentRows: 0, diffs: [`ERROR ${r.error}`] };
      out.push({ ...r, seed, producer, file });
    }
    log(`eval: scored ${seedName(seed)}`);
  }
  return out;
}


const pct = (ok: number, total: number) => `${((total === 0 ? 1 : ok / total) * 100).toFixed(1)}%`;

/** A seed's shortfall: the sum of its categories' missing shares, silent rows breaking ties. */
function badness(r: SeedResult): number {
  return CATEGORIES.reduce((n, c) => n + (r.score[c].total ? 1 - r.score[c].ok / r.score[c].total : 0), 0) + r.score.silentRows / 1000;
}

export interface ProducerSummary {
  producer: string;
  seeds: number;
  errors: number;
  totals: Record<Category, { ok: number; total: number }>;
  silentRows: number;
  worst: { seed: number; file: string; score: Record<Category, { ok: number; total: number }>; silentRows: number; error: string | null } | null;
}

export function summarize(results: readonly SeedResult[]): ProducerSummary[] {
  const by = new Map<string, SeedResult[]>();
  for (const r of results) by.set(r.producer, [...(by.get(r.producer) ?? []), r]);
  return [...by].map(([producer, rs]) => {
    const totals = Object.fromEntries(CATEGORIES.map((c) => [c, { ok: rs.reduce((n, r) => n + r.score[c].ok, 0), total: rs.reduce((n, r) => n + r.score[c].total, 0) }])) as ProducerSummary['totals'];
    const worst = [...rs].sort((a, b) => badness(b) - badness(a) || a.seed - b.seed)[0]!;
    return {
      producer,
      seeds: rs.length,
      errors: rs.filter((r) => r.error).length,
      totals,
      silentRows: rs.reduce((n, r) => n + r.score.silentRows, 0),
      worst: badness(worst) > 0 ? { seed: worst.seed, file: worst.file, score: Object.fromEntries(CATEGORIES.map((c) => [c, { ...worst.score[c] }])) as ProducerSummary['totals'], silentRows: worst.score.silentRows, error: worst.error } : null,
    };
  });
}

export function formatSeedTable(results: readonly SeedResult[]): string {
  const head = ['producer', 'seeds', ...CATEGORIES.map((c) => LABELS[c]), 'silent rows', 'failed', 'worst seed'];
  const rows = summarize(results).map((s) => [
    `gen:${s.producer}`,
    String(s.seeds),
    ...CATEGORIES.map((c) => `${pct(s.totals[c].ok, s.totals[c].total)} (${s.totals[c].ok}/${s.totals[c].total})`),
    String(s.silentRows),
    String(s.errors),
    s.worst
      ? `${seedName(s.worst.seed)}: ${s.worst.error ? `ERROR ${s.worst.error.slice(0, 50)}` : `${CATEGORIES.slice(0, 4).map((c) => pct(s.worst!.score[c].ok, s.worst!.score[c].total)).join(' / ')}, ${s.worst.silentRows} silent`}`
      : '–',
  ]);
  const w = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(w[i]!)).join(' | ')} |`;
  return [line(head), `|${w.map((n) => '-'.repeat(n + 2)).join('|')}|`, ...rows.map(line)].join('\n');
}
