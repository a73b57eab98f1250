import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs';
import { readFileSync } from 'node:fs';
const doc = await getDocument({ data: new Uint8Array(readFileSync(process.argv[2])), verbosity: 0 }).promise;
for (let p=1;p<=doc.numPages;p++){ const page = await doc.getPage(p); const tc = await page.getTextContent();
 tc.items.forEach((it,i)=>{ if (it.str.includes(process.argv[3])) console.log(p, i, JSON.stringify(tc.items.slice(i,i+3).map(x=>[x.str,x.transform[4].toFixed(1),x.transform[5].toFixed(1),x.width.toFixed(1)]))); }); }
