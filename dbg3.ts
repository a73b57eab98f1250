import { readFileSync } from 'node:fs';
import { loadPdf } from './src/loaders/pdf/index.js';
const m = await loadPdf(readFileSync(process.argv[2]!), { maxPages: 999 });
const want = process.argv[3]!;
for (const b of m.blocks) if (b.kind === 'table' && b.rows.some(r => r.cells.some(c => c.text.includes(want)))) {
  console.log('TABLE page', b.page, b.xs?.map(x=>x.toFixed(0)).join(','));
  for (const r of b.rows) console.log(r.page, r.breakBefore ? 'BRK' : '   ', r.cells.map(c => `${c.col}/${c.colSpan}${c.merged ? 'm' : ''}:${c.text.slice(0, 10)}`).join(' | '));
}
