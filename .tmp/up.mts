import { readScan } from '../src/ocr/read.ts';
import sharp from 'sharp';
const [file, scale, kernel] = process.argv.slice(2);
const meta = await sharp(file!).metadata();
const { data, info } = await sharp(file!).resize({ width: Math.round(meta.width! * Number(scale)), kernel: kernel as any }).greyscale().raw().toBuffer({ resolveWithObject: true });
const dpi = 100 * Number(scale);
const scan = await readScan({ width: info.width, height: info.height, data: new Uint8Array(data) }, dpi, (info.height * 72) / dpi);
for (const it of scan.items) if (/指标|工程|百分比|米/.test(it.str)) console.log((it.conf ?? 1).toFixed(3), it.str);
