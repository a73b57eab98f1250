import { openPdf } from '../src/loaders/pdf/open.ts';
import { renderGray } from '../src/loaders/pdf/render.ts';
import { flatten, otsu, binarize, rotate, despeckle, clearEdges } from '../src/ocr/raster.ts';
import { skewOf } from '../src/ocr/deskew.ts';
import { dewarp } from '../src/ocr/dewarp.ts';
import { findRules, alignRules } from '../src/ocr/rules.ts';
import { textPieces } from '../src/ocr/pieces.ts';
import { readFileSync } from 'node:fs';
import sharp from 'sharp';
const [file, pageNo, out] = process.argv.slice(2);
const doc = await openPdf(new Uint8Array(readFileSync(file!)));
const page = await doc.getPage(Number(pageNo));
const { gray, dpi } = await renderGray(page, 200);
const em = dpi * 10.5 / 72;
let img = flatten(gray, em * 4);
const th = otsu(img);
let m = binarize(img, th);
const sk = skewOf(m, img);
if (Math.abs(sk) >= 0.08) { img = rotate(img, sk); m = binarize(img, th); }
const d = dewarp(img, m, em);
if (d) { img = d; m = binarize(img, th); }
despeckle(m, img.width, img.height, Math.max(3, Math.round((em * 0.1) ** 2))); clearEdges(m, img.width, img.height);
const rules = alignRules(findRules(m, img.width, img.height, dpi), 4);
const pieces = textPieces(m.slice(), img.width, img.height, em, rules);
console.log('th', th, 'skew', sk, 'dewarp', !!d, 'rules', rules.length, 'pieces', pieces.length, JSON.stringify(pieces.slice(0, 5)));
await sharp(Buffer.from(m.map((v) => (v ? 0 : 255))), { raw: { width: img.width, height: img.height, channels: 1 } }).png().toFile(out + '-m.png');
