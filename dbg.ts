import { readFileSync } from 'node:fs';
import { extractBytes } from './src/extract.js';
import { isDeepStrictEqual } from 'node:util';
const [arg, fmt] = process.argv.slice(2); const doc = arg!.includes("/") ? arg!.split("/").pop()!.split(".")[0]! : arg!;
const file = process.argv[2]!.includes("/") ? process.argv[2]! : `../shared/corpus/${doc}/${fmt === "txt" ? "source.txt" : "document." + fmt}`;
const { record, model } = await extractBytes(readFileSync(file), file);
const gold = JSON.parse(readFileSync(`../shared/corpus/${doc}/gold.json`, 'utf8'));
function firstDiff(a: string, b: string) { let i = 0; while (i < a.length && a[i] === b[i]) i++; return `@${i}: got «${a.slice(Math.max(0,i-15), i+25)}» want «${b.slice(Math.max(0,i-15), i+25)}»`; }
function walk(g: any, w: any, p: string) {
  if (typeof g === 'string' && typeof w === 'string') { if (g !== w) console.log(p, firstDiff(g, w)); return; }
  if (g && w && typeof g === 'object' && typeof w === 'object') { for (const k of new Set([...Object.keys(g), ...Object.keys(w)])) walk(g[k], w[k], `${p}.${k}`); return; }
  if (!isDeepStrictEqual(g, w)) console.log(p, JSON.stringify(g)?.slice(0,100), '≠', JSON.stringify(w)?.slice(0,100));
}
walk({document: record.document, part_one: record.part_one, projects: record.projects}, {document: gold.document, part_one: gold.part_one, projects: gold.projects}, '');
if (process.argv[4]) for (const b of model.blocks) console.log(b.kind === 'para' ? `P${b.page}: ${b.text.slice(0, 80)}` : `T${b.page}: ${b.rows.length} rows; ${b.rows[0]?.cells.map(c=>c.text.slice(0,6)).join('|')}`);
