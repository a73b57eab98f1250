import { deflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { MAX_ATTACHMENT_BYTES, embeddedFileRefs, measureEmbedded } from '../../src/loaders/pdf/attachments.js';

/** A file's bytes from its objects' bodies, numbered from 1 (no cross-reference table: the scan reads objects as they are). */
function file(objects: Array<string | Buffer>): Buffer {
  const parts: Buffer[] = [Buffer.from('%PDF-1.7\n', 'latin1')];
  objects.forEach((o, i) => parts.push(Buffer.from(`${i + 1} 0 obj\n`, 'latin1'), typeof o === 'string' ? Buffer.from(o, 'latin1') : o, Buffer.from('\nendobj\n', 'latin1')));
  return Buffer.concat(parts);
}

const stream = (dict: string, data: Buffer) => Buffer.concat([Buffer.from(`<< ${dict} /Length ${data.length} >>\nstream\n`, 'latin1'), data, Buffer.from('\nendstream', 'latin1')]);

/** An object stream holding `objects` (numbered from `first`), deflated. */
function objStm(first: number, objects: string[]): Buffer {
  let offset = 0;
  const pairs: string[] = [];
  for (const [i, o] of objects.entries()) {
    pairs.push(`${first + i} ${offset}`);
    offset += o.length + 1;
  }
  const header = `${pairs.join(' ')}\n`;
  const body = Buffer.from(header + objects.join('\n') + '\n', 'latin1');
  return stream(`/Type /ObjStm /N ${objects.length} /First ${header.length} /Filter /FlateDecode`, deflateSync(body));
}

describe('embedded files found by what names them (attachments.ts)', () => {
  const content = Buffer.alloc(5000, 0x41);

  it('a stream named by a file specification in the file as it is, saying no type', () => {
    const bytes = file(['<< /Type /Catalog >>', '<< /Type /Filespec /F (a.docx) /EF << /F 3 0 R >> >>', stream('/Filter /FlateDecode', deflateSync(content))]);
    expect(embeddedFileRefs(bytes)).toEqual({ nums: new Set([3]), complete: true });
    expect(measureEmbedded(bytes)).toEqual({ files: [{ num: 3, size: 5000 }], complete: true });
  });

  it('a file specification inside an object stream, its /EF a reference to a dictionary there', () => {
    const bytes = file(['<< /Type /Catalog >>', stream('', content), objStm(4, ['<< /Type /Filespec /F (a.docx) /EF 5 0 R >>', '<< /F 2 0 R /UF 2 0 R >>'])]);
    expect(embeddedFileRefs(bytes)).toEqual({ nums: new Set([2]), complete: true });
    expect(measureEmbedded(bytes).files).toEqual([{ num: 2, size: 5000 }]);
  });

  it('an object stream that cannot be read leaves the list incomplete (pdf.js is then not asked)', () => {
    const bytes = file(['<< /Type /Catalog >>', stream('/Type /ObjStm /N 1 /First 4 /Filter /LZWDecode', Buffer.from('garbage'))]);
    expect(embeddedFileRefs(bytes).complete).toBe(false);
  });

  it('a file with no embedded file names none', () => {
    const bytes = file(['<< /Type /Catalog /Pages 2 0 R >>', '<< /Type /Pages /Kids [] /Count 0 >>', stream('/Filter /FlateDecode', deflateSync(content))]);
    expect(measureEmbedded(bytes)).toEqual({ files: [], complete: true });
  });

  it('a bomb named by /EF is measured with a cap, never decoded whole', () => {
    const bytes = file(['<< /Type /Filespec /F (z.bin) /EF << /F 2 0 R >> >>', stream('/Filter /FlateDecode', deflateSync(Buffer.alloc(80 * 1024 * 1024)))]);
    expect(measureEmbedded(bytes).files).toEqual([{ num: 2, size: null }]);
  });

  it('a stream with no filter is measured by its length, even over the cap (nothing to inflate)', () => {
    const big = Buffer.alloc(MAX_ATTACHMENT_BYTES + 10, 0x41);
    const bytes = file(['<< /Type /Filespec /F (big.bin) /EF << /F 2 0 R >> >>', stream('/Type /EmbeddedFile', big)]);
    expect(measureEmbedded(bytes).files).toEqual([{ num: 2, size: MAX_ATTACHMENT_BYTES + 10 }]);
  });
});
