import { getDocument, OPS } from 'pdfjs-dist/legacy/build/pdf.mjs';
import { readFileSync } from 'node:fs';
const doc = await getDocument({ data: new Uint8Array(readFileSync(process.argv[2])), verbosity: 0 }).promise;
const page = await doc.getPage(Number(process.argv[3] || 1));
const tc = await page.getTextContent();
for (const it of tc.items.slice(0, Number(process.argv[4]||30))) console.log(JSON.stringify({s: it.str, t: it.transform.map(x=>+x.toFixed(1)), w: +it.width.toFixed(1)}));
