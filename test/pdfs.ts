/** Small PDFs written by hand for tests: objects, content streams, a one-page document. */
import { deflateSync } from 'node:zlib';

/** A PDF of the given objects (numbered from 1; object 1 the catalog). */
export function pdfOf(objs: string[]): Buffer {
  let out = '%PDF-1.4\n';
  const offsets: number[] = [];
  objs.forEach((o, i) => {
    offsets.push(Buffer.byteLength(out, 'latin1'));
    out += `${i + 1} 0 obj\n${o}\nendobj\n`;
  });
  const xref = Buffer.byteLength(out, 'latin1');
  out += `xref\n0 ${objs.length + 1}\n0000000000 65535 f \n${offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('')}`;
  out += `trailer\n<< /Size ${objs.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(out, 'latin1');
}

/** A stream object: `dict` entries and the stream's content. */
export const stream = (dict: string, content: string) => `<< ${dict} /Length ${Buffer.byteLength(content, 'latin1')} >>\nstream\n${content}\nendstream`;
export const HELVETICA = '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>';

/** A one-page A4 PDF drawing `content` (PDF operators), with Helvetica as /F1; `resources` adds entries to the page's resources. */
export const pdf = (content: string, resources = '') =>
  pdfOf([
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    `<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 ${HELVETICA} >> ${resources} >> >>`,
    stream('', content),
  ]);

/**
 * `pdf` (a file with a classic cross-reference table, its catalog not in an object stream) with
 * a file attached by an incremental update: an embedded file stream of `data` as given (deflated
 * when `deflated`; saying its `/Type /EmbeddedFile` unless `typed` is false, as a crafted file may
 * not), its file specification named `name`, and the catalog's EmbeddedFiles naming it.
 */
export function withAttachment(pdf: Buffer, name: string, data: Buffer, deflated: boolean, typed = true): Buffer {
  const text = pdf.toString('latin1');
  const trailer = text.slice(text.lastIndexOf('trailer'));
  const root = /\/Root\s*(\d+)\s+(\d+)\s+R/.exec(trailer)!;
  const size = Number(/\/Size\s*(\d+)/.exec(trailer)![1]);
  const prev = Number(/startxref\s+(\d+)/.exec(text.slice(text.lastIndexOf('startxref')))![1]);
  const head = new RegExp(`(?:^|[^0-9])${root[1]}\\s+${root[2]}\\s+obj\\s*<<`).exec(text)!;
  const dictAt = head.index + head[0].length;
  // The catalog's own entries, up to its closing `>>` (nested dictionaries counted).
  let depth = 1;
  let end = dictAt;
  for (; depth > 0; end++) {
    if (text.startsWith('<<', end)) (depth++, end++);
    else if (text.startsWith('>>', end)) (depth--, end++);
  }
  const catalog = text.slice(dictAt, end - 2);
  const ef = size;
  const spec = size + 1;
  const parts: Buffer[] = [pdf, Buffer.from('\n')];
  let at = pdf.length + 1;
  const offsets = new Map<number, number>();
  const add = (num: number, gen: number, body: Buffer) => {
    offsets.set(num, at);
    const b = Buffer.concat([Buffer.from(`${num} ${gen} obj\n`, 'latin1'), body, Buffer.from('\nendobj\n', 'latin1')]);
    parts.push(b);
    at += b.length;
  };
  add(ef, 0, Buffer.concat([Buffer.from(`<< ${typed ? '/Type /EmbeddedFile' : ''}${deflated ? ' /Filter /FlateDecode' : ''} /Length ${data.length} >>\nstream\n`, 'latin1'), data, Buffer.from('\nendstream', 'latin1')]));
  const hexName = `<FEFF${Buffer.from(name, 'utf16le').swap16().toString('hex')}>`;
  add(spec, 0, Buffer.from(`<< /Type /Filespec /F ${hexName} /UF ${hexName} /EF << /F ${ef} 0 R >> >>`, 'latin1'));
  add(Number(root[1]), Number(root[2]), Buffer.from(`<<${catalog} /Names << /EmbeddedFiles << /Names [${hexName} ${spec} 0 R] >> >> >>`, 'latin1'));
  const entry = (n: number, gen: number) => `${String(offsets.get(n)).padStart(10, '0')} ${String(gen).padStart(5, '0')} n \n`;
  const xref = at;
  const table = `xref\n${root[1]} 1\n${entry(Number(root[1]), Number(root[2]))}${ef} 2\n${entry(ef, 0)}${entry(spec, 0)}`;
  parts.push(Buffer.from(`${table}trailer\n<< /Size ${size + 2} /Root ${root[1]} ${root[2]} R /Prev ${prev} >>\nstartxref\n${xref}\n%%EOF\n`, 'latin1'));
  return Buffer.concat(parts);
}

/** A stream object whose data is bytes (binary kept as it is): `dict` entries and the data. */
export const binaryStream = (dict: string, data: Buffer) =>
  Buffer.concat([Buffer.from(`<< ${dict} /Length ${data.length} >>\nstream\n`, 'latin1'), data, Buffer.from('\nendstream', 'latin1')]);

/**
 * A PDF 1.5 of the objects `objs` (numbered from 1; object 1 the catalog) and the objects
 * `inside`, kept in one deflated object stream (numbered after it), found through a
 * cross-reference stream as a modern writer makes them: nothing of `inside` is in the file's
 * bytes as they are.
 */
export function pdfWithObjectStream(objs: Array<string | Buffer>, inside: string[]): Buffer {
  const own = objs.length + 1;
  let at = 0;
  const index = inside.map((o, i) => {
    const entry = `${own + 1 + i} ${at}`;
    at += Buffer.byteLength(o, 'latin1') + 1;
    return entry;
  });
  const head = `${index.join(' ')}\n`;
  const data = deflateSync(Buffer.from(head + inside.map((o) => `${o}\n`).join(''), 'latin1'));
  const all = [...objs, binaryStream(`/Type /ObjStm /N ${inside.length} /First ${head.length} /Filter /FlateDecode`, data)];
  const parts: Buffer[] = [Buffer.from('%PDF-1.5\n', 'latin1')];
  let length = parts[0]!.length;
  const offsets = all.map((o, i) => {
    const b = Buffer.concat([Buffer.from(`${i + 1} 0 obj\n`, 'latin1'), Buffer.isBuffer(o) ? o : Buffer.from(o, 'latin1'), Buffer.from('\nendobj\n', 'latin1')]);
    parts.push(b);
    length += b.length;
    return length - b.length;
  });
  // Cross-reference rows of 1 + 4 + 2 bytes: free, in the file at an offset, or inside the object stream.
  const row = (type: number, a: number, b: number) => Buffer.from([type, a >>> 24, (a >>> 16) & 255, (a >>> 8) & 255, a & 255, b >>> 8, b & 255]);
  const xrefNum = own + inside.length + 1;
  const rows = [row(0, 0, 65535), ...offsets.map((o) => row(1, o, 0)), ...inside.map((_, i) => row(2, own, i)), row(1, length, 0)];
  parts.push(
    Buffer.from(`${xrefNum} 0 obj\n`, 'latin1'),
    binaryStream(`/Type /XRef /Size ${xrefNum + 1} /W [1 4 2] /Root 1 0 R`, Buffer.concat(rows)),
    Buffer.from(`\nendobj\nstartxref\n${length}\n%%EOF\n`, 'latin1'),
  );
  return Buffer.concat(parts);
}
