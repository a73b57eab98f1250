/**
 * The new formats told from their bytes, and the loaders' own rules: a web page's declared
 * encoding and main content, a workbook's values as its cells show them.
 */
import { describe, expect, it } from 'vitest';
import { bundleKind, detectFormat } from '../../src/detect.js';
import { loadHtml } from '../../src/loaders/html.js';
import { zipBytes } from '../fixtures/lib/zip.js';
import ExcelJS from 'exceljs';
import { loadXlsx, shownText } from '../../src/loaders/xlsx.js';

const zipOf = (...names: string[]) => zipBytes(names.map((name) => ({ name, data: Buffer.from('x') })));
const ole = (stream: string) => Buffer.concat([Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]), Buffer.alloc(500), Buffer.from(`${stream}\u0000`, 'utf16le')]);

describe('formats from bytes', () => {
  it('tells ZIP containers apart by what they list, and archives by their signatures', () => {
    expect(detectFormat(zipOf('[Content_Types].xml', 'word/document.xml'), 'a.zip')).toBe('docx');
    expect(detectFormat(zipOf('[Content_Types].xml', 'xl/workbook.xml'), 'a.bin')).toBe('xlsx');
    expect(detectFormat(zipOf('OFD.xml', 'Doc_0/Document.xml'), 'a.zip')).toBe('ofd');
    expect(detectFormat(zipOf('承德/文本.pdf'), 'a.docx')).toBe('docx'); // named a DOCX: read (and failed) as one
    expect(detectFormat(zipOf('承德/文本.pdf'), 'a.zip')).toBe('bundle');
    expect(bundleKind(zipOf('a.pdf'))).toBe('zip');
    expect(bundleKind(zipOf('word/document.xml'))).toBeNull();
    expect(bundleKind(Buffer.concat([Buffer.from([0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c]), Buffer.alloc(30)]))).toBe('7z');
    expect(bundleKind(Buffer.concat([Buffer.from('Rar!\x1a\x07\x01\x00', 'latin1'), Buffer.alloc(30)]))).toBe('rar');
    expect(bundleKind(Buffer.concat([Buffer.from([0x1f, 0x8b, 8, 0]), Buffer.alloc(30)]))).toBe('gzip');
    const tar = Buffer.alloc(1024);
    tar.write('ustar', 257, 'latin1');
    expect(bundleKind(tar)).toBe('tar');
  });

  it('tells a legacy sheet from a legacy text by its streams', () => {
    expect(detectFormat(ole('Workbook'), 'a.bin')).toBe('xls');
    expect(detectFormat(ole('WordDocument'), 'a.xls')).toBe('doc');
    expect(detectFormat(ole('Other'), 'a.et')).toBe('xls');
  });

  it('reads a page as a web page unless it stands under a document\'s name (an error page)', () => {
    const page = Buffer.from('<!DOCTYPE html><html><body>x</body></html>');
    expect(detectFormat(page, 'a.html')).toBe('html');
    expect(detectFormat(page, 'a.htm')).toBe('html');
    expect(() => detectFormat(page, 'a.pdf')).toThrow(/not a PDF: starts with <html>/);
    const mhtml = Buffer.from('From: <Saved by Blink>\r\nMIME-Version: 1.0\r\nContent-Type: multipart/related; type="text/html"; boundary="b"\r\n\r\n--b\r\n');
    expect(detectFormat(mhtml, 'a.mhtml')).toBe('html');
  });
});

describe('web pages', () => {
  it('decodes the encoding the page declares (GBK), and keeps to its main text', async () => {
    // 乐亭 in GBK: C0 D6 CD A4.
    const head = Buffer.from('<html><head><meta charset="gb2312"><title>t</title><script>var a="导航";</script></head><body>', 'latin1');
    const nav = Buffer.from('<div class="nav"><a href="/">首页</a> <a href="/x">信息公开</a></div>', 'utf8');
    const body = Buffer.concat([Buffer.from('<div id="zoom"><p>', 'latin1'), Buffer.from([0xc0, 0xd6, 0xcd, 0xa4]), Buffer.from('</p><table><tr><td colspan="2">a</td></tr><tr><td>b</td><td>c</td></tr></table></div>', 'latin1')]);
    const foot = Buffer.from('<div class="footer">版权所有</div></body></html>', 'latin1');
    const r = await loadHtml(Buffer.concat([head, nav, body, foot]));
    expect(r.value.blocks[0]).toMatchObject({ kind: 'para', text: '乐亭' });
    expect(r.value.blocks[1]).toMatchObject({ kind: 'table', rows: [{ cells: [{ text: 'a', colSpan: 2 }] }, { cells: [{ text: 'b', col: 0 }, { text: 'c', col: 1 }] }] });
    expect(r.value.blocks).toHaveLength(2);
  });

  it('makes paragraphs of bare lines set apart by <br>, and says when bytes were not valid in the declared encoding', async () => {
    const r = await loadHtml(Buffer.concat([Buffer.from('<html><head><meta charset="utf-8"></head><body><div>第一行<br>第二行<br/>第三行</div>', 'utf8'), Buffer.from([0xff, 0xfe, 0x41]), Buffer.from('</body></html>')]));
    expect(r.value.blocks.slice(0, 3).map((b) => (b.kind === 'para' ? b.text : ''))).toEqual(['第一行', '第二行', '第三行']);
    expect(r.messages.map((m) => m.code)).toContain('text-damaged');
  });
});

describe('workbooks', () => {
  it('shows numbers in their number format, merged ranges as cells spanning columns and rows, single cells as paragraphs', async () => {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('项目1');
    ws.getCell('A1').value = '1.区志专项绩效目标表';
    ws.mergeCells('A1:D1');
    ws.getCell('A2').value = '项目名称';
    ws.getCell('B2').value = '区志专项';
    ws.mergeCells('B2:D2');
    ws.getCell('A3').value = '预算数';
    ws.getCell('B3').value = 8;
    ws.getCell('B3').numFmt = '0.00';
    ws.getCell('C3').value = 0.25;
    ws.getCell('C3').numFmt = '0%';
    ws.getCell('D3').value = { richText: [{ text: '≥3000m' }, { text: '2', font: { vertAlign: 'superscript' } }] };
    ws.getCell('A4').value = '产出指标';
    ws.mergeCells('A4:A5');
    ws.getCell('B4').value = 'x';
    ws.getCell('B5').value = 'y';
    wb.addWorksheet('hidden', { state: 'hidden' }).getCell('A1').value = '不读';
    const r = await loadXlsx(Buffer.from(await wb.xlsx.writeBuffer()));
    const [title, table] = r.value.blocks;
    expect(title).toMatchObject({ kind: 'para', text: '1.区志专项绩效目标表' });
    expect(r.value.blocks).toHaveLength(2);
    if (table?.kind !== 'table') throw new Error('no table');
    expect(table.rows.map((row) => row.cells.map((c) => `${c.col}+${c.colSpan}${c.merged ? 'm' : ''}:${c.text}`))).toEqual([
      ['0+1:项目名称', '1+3:区志专项'],
      ['0+1:预算数', '1+1:8.00', '2+1:25%', '3+1:≥3000m²'],
      ['0+1:产出指标', '1+1:x'],
      ['0+1m:产出指标', '1+1:y'],
    ]);
    expect(shownText({ value: 1234.5, numFmt: '#,##0.00' } as never)).toBe('1,234.50');
  });
});
