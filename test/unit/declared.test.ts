/** What a PDF declares, read from its bytes before pdf.js allocates for it (src/loaders/pdf/declared.ts). */
import { deflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { checkDeclaredMaps, MAX_MAP_CODES, mapCodes } from '../../src/loaders/pdf/declared.js';
import { binaryStream, pdfOf, pdfWithObjectStream, stream } from '../pdfs.js';

const cmap = (body: string) => `/CIDInit /ProcSet findresource begin 12 dict begin begincmap\n1 begincodespacerange <0000> <FFFF> endcodespacerange\n${body}\nendcmap end end`;

describe('mapCodes: the codes a character map fills, counted as pdf.js fills them', () => {
  it('counts bfrange and cidrange entries of every destination form, and bfchar not at all', () => {
    expect(mapCodes(cmap('2 beginbfrange\n<0000> <00FF> <4E00>\n<0100> <0102> [<4E01> <4E02> <4E03>]\nendbfrange'))).toBe(256 + 3);
    expect(mapCodes(cmap('1 begincidrange\n<0000> <FFFF> 0\nendcidrange'))).toBe(65_536);
    expect(mapCodes(cmap('2 beginbfchar\n<0001> <4E00>\n<0002> <4E01>\nendbfchar'))).toBe(0);
  });
  it('a range pdf.js refuses (wider than 2^24 codes, or reversed) fills nothing', () => {
    expect(mapCodes(cmap('1 beginbfrange\n<00000000> <FFFFFFFF> <0041>\nendbfrange'))).toBe(0);
    expect(mapCodes(cmap('1 beginbfrange\n<00FF> <0000> <0041>\nendbfrange'))).toBe(0);
  });
  it('a section without its end is read to the end of the map', () => {
    expect(mapCodes('1 beginbfrange <000000> <FFFFFF> <0041>')).toBe(2 ** 24);
  });
});

describe('checkDeclaredMaps', () => {
  const page = (font: number) => `<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 ${font} 0 R >> >> >>`;
  const head = ['<< /Type /Catalog /Pages 2 0 R >>', '<< /Type /Pages /Kids [3 0 R] /Count 1 >>'];
  const ranges = (n: number, width: number) => Array.from({ length: n }, (_, i) => `<${(i * width).toString(16).padStart(6, '0')}> <${(i * width + width - 1).toString(16).padStart(6, '0')}> <4E00>`).join('\n');
  it('passes a full two-byte map, and refuses one past the limit, named by its object', () => {
    const ok = pdfOf([...head, page(5), stream('', 'BT ET'), '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /ToUnicode 6 0 R >>', stream('', cmap(`1 beginbfrange\n${ranges(1, 65_536)}\nendbfrange`))]);
    expect(() => checkDeclaredMaps(ok)).not.toThrow();
    const many = Math.ceil((MAX_MAP_CODES + 1) / 65_536);
    const bomb = pdfOf([...head, page(5), stream('', 'BT ET'), '<< /Type /Font /Subtype /Type0 /BaseFont /X /Encoding 6 0 R >>', stream('', cmap(`${many} begincidrange\n${ranges(many, 65_536).replace(/<4E00>/g, '0')}\nendcidrange`))]);
    expect(() => checkDeclaredMaps(bomb)).toThrow(/character map \(object 6\) of [\d,]+ codes/);
  });
  it('finds a map named only inside a deflated object stream, the map itself deflated', () => {
    const map = binaryStream('/Filter /FlateDecode', deflateSync(Buffer.from(cmap(`64 beginbfrange\n${ranges(64, 65_536)}\nendbfrange`), 'latin1')));
    const file = pdfWithObjectStream([...head, page(7), stream('', 'BT ET'), map], ['<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /ToUnicode 5 0 R >>']);
    expect(file.includes('/ToUnicode')).toBe(false);
    expect(() => checkDeclaredMaps(file)).toThrow(/object 5\) of 4,194,304 codes/);
  });
});
