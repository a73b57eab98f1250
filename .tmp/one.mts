import { scoreFile } from '../src/eval/corpus.ts';
import { readFileSync } from 'node:fs';
import path from 'node:path';
const verbose = process.argv.includes('-v');
for (const f of process.argv.slice(2).filter((a) => a !== '-v')) {
  const base = path.basename(f);
  const doc = base.split('.')[0]!;
  const gold = JSON.parse(readFileSync(`/work/shared/corpus/${doc}/gold.json`, 'utf8'));
  const t = Date.now();
  const r = await scoreFile(f, gold, doc, 'x', `/work/shared/corpus/${doc}/document.pdf`);
  const s = r.score;
  const p = (t: { ok: number; total: number }) => `${t.ok}/${t.total}`;
  console.log(`${base}\t${((Date.now() - t) / 1000).toFixed(1)}s\trows ${p(s.indicators)}\tvalues ${p(s.values)}\tprojects ${p(s.projectsFound)}\tfields ${p(s.projectFields)}\tpartone ${p(s.partOne)}\tdoc ${p(s.documentFields)}\trowSilent ${s.rowSilent}\tsilent ${s.silent}\t${r.error ?? ''}`);
  if (verbose) for (const d of s.diffs) console.log('   ', d.slice(0, 300));
}
