import { degradedScans, DEGRADATIONS } from '../src/eval/scans.ts';
const seeds = Number(process.argv[2] ?? 1);
const t = Date.now();
const files = await degradedScans('/work/shared/corpus', '/work/scan22/node_modules/.cache/jixiao-eval-scans', { seeds, degradations: (process.argv[3]?.split(',') as any) ?? DEGRADATIONS });
console.log(files.length, (Date.now() - t) / 1000);
