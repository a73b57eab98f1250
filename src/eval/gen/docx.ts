/**
 * Writes a generated document's blocks as a DOCX with the `docx` library: page size and
 * margins, East Asian fonts and sizes, fixed column widths, cell padding, vertically merged
 * level cells with the geometry's vertical alignment, and the rule style (full grid,
 * horizontal rules only, booktabs-like three rules, none).
 */
import {
  AlignmentType, BorderStyle, Document, LineRuleType, Packer, PageOrientation, Paragraph, Tab, Table, TableCell,
  TableLayoutType, TableRow, TabStopType, TextRun, VerticalAlign, WidthType,
} from 'docx';
import { inflateRawSync } from 'node:zlib';
import { type Block, type Geometry, type P, type T, type TCell, gridColumns } from './blocks.js';

const TW = 20; // twips per point

const ALIGN = { left: AlignmentType.LEFT, center: AlignmentType.CENTER, right: AlignmentType.RIGHT } as const;
const VALIGN = { top: VerticalAlign.TOP, center: VerticalAlign.CENTER, bottom: VerticalAlign.BOTTOM } as const;

function sizeOf(p: P, g: Geometry): number {
  if (p.role === 'cover-title') return 26;
  if (p.role === 'toc-title' || p.role === 'part') return 16;
  if (p.role === 'project-title' || p.role === 'heading') return g.bodySize + 1;
  return g.bodySize;
}

function run(text: string, font: string, size: number, bold = false): TextRun {
  return new TextRun({ text, bold, size: Math.round(size * 2), font: { ascii: font, eastAsia: font, hAnsi: font } });
}

function paragraph(p: P, g: Geometry, width: number): Paragraph {
  const size = sizeOf(p, g);
  const children = [run(p.text, g.bodyFont, size, p.bold)];
  if (p.right != null) children.push(new TextRun({ children: [new Tab()] }), run(p.right, g.bodyFont, size));
  return new Paragraph({
    children,
    alignment: p.align ? ALIGN[p.align] : undefined,
    pageBreakBefore: p.pageBreak,
    tabStops: p.right != null ? [{ type: TabStopType.RIGHT, position: Math.floor(width * TW) - 10, leader: p.leader ? 'dot' : undefined }] : undefined,
    spacing: { line: Math.round(240 * g.lineSpacing), lineRule: LineRuleType.AUTO, after: p.role === 'cover-title' ? 12 * TW : g.paraAfter * TW },
  });
}

const LINE = { style: BorderStyle.SINGLE, size: 6, color: '000000' };
const THICK = { style: BorderStyle.SINGLE, size: 12, color: '000000' };
const NONE = { style: BorderStyle.NONE, size: 0, color: 'FFFFFF' };

function tableBorders(t: T, g: Geometry) {
  const rules = t.role === 'unit' ? 'none' : g.rules;
  switch (rules) {
    case 'grid': return { top: LINE, bottom: LINE, left: LINE, right: LINE, insideHorizontal: LINE, insideVertical: LINE };
    case 'hrules': return { top: LINE, bottom: LINE, left: NONE, right: NONE, insideHorizontal: LINE, insideVertical: NONE };
    case 'booktabs': return { top: THICK, bottom: THICK, left: NONE, right: NONE, insideHorizontal: NONE, insideVertical: NONE };
    default: return { top: NONE, bottom: NONE, left: NONE, right: NONE, insideHorizontal: NONE, insideVertical: NONE };
  }
}

function cell(cl: TCell, g: Geometry, width: number, midrule: boolean): TableCell {
  return new TableCell({
    children: cl.paras.map((t) => new Paragraph({
      children: [run(t, g.tableFont, g.tableSize)],
      alignment: cl.align ? ALIGN[cl.align] : undefined,
      spacing: { line: Math.round(240 * Math.min(g.lineSpacing, 1.25)), lineRule: LineRuleType.AUTO, after: 0 },
    })),
    columnSpan: cl.colSpan > 1 ? cl.colSpan : undefined,
    rowSpan: cl.rowSpan > 1 ? cl.rowSpan : undefined,
    verticalAlign: cl.merged ? VALIGN[g.vAlign] : VerticalAlign.TOP,
    width: { size: Math.round(width * TW), type: WidthType.DXA },
    borders: midrule && g.rules === 'booktabs' ? { bottom: LINE } : undefined,
  });
}

function table(t: T, g: Geometry, width: number): Table {
  const total = t.widths.reduce((a, b) => a + b, 0);
  const cols = t.widths.map((w) => (w / total) * width);
  const at = gridColumns(t);
  const rows = t.rows.map((r, i) => {
    const cells = r.cells.map((cl, k) => {
      const col = at[i]![k]!;
      const w = cols.slice(col, col + cl.colSpan).reduce((a, b) => a + b, 0);
      return cell(cl, g, w, r.midrule === true);
    });
    return new TableRow({ children: cells, tableHeader: r.header && g.repeatHeader && t.rows[0]?.header ? true : undefined, cantSplit: g.rowsSplit ? undefined : true });
  });
  return new Table({
    rows,
    width: { size: Math.round(width * TW), type: WidthType.DXA },
    columnWidths: cols.map((w) => Math.round(w * TW)),
    layout: TableLayoutType.FIXED,
    borders: tableBorders(t, g),
    margins: { top: g.padding * TW, bottom: g.padding * TW, left: Math.max(g.padding, 2) * TW, right: Math.max(g.padding, 2) * TW },
  });
}



export async function writeDocx(blocks: readonly Block[], g: Geometry): Promise<Buffer> {
  const width = g.page.width - g.margins.left - g.margins.right;
  const children = blocks.map((b) => (b.kind === 'p' ? paragraph(b, g, width) : table(b, g, width)));
  // A table cannot end a document in Word: a last empty paragraph follows it.
  const doc = new Document({
    creator: 'jixiao eval',
    styles: { default: { document: { run: { font: { ascii: g.bodyFont, eastAsia: g.bodyFont, hAnsi: g.bodyFont }, size: g.bodySize * 2 } } } },
    sections: [{
      properties: {
        page: {
          // docx takes a landscape page's size as the portrait one and turns it itself.
          size: {
            width: Math.round(Math.min(g.page.width, g.page.height) * TW),
            height: Math.round(Math.max(g.page.width, g.page.height) * TW),
            orientation: g.page.width > g.page.height ? PageOrientation.LANDSCAPE : PageOrientation.PORTRAIT,
          },
          margin: { top: g.margins.top * TW, right: g.margins.right * TW, bottom: g.margins.bottom * TW, left: g.margins.left * TW },
        },
      },
      children: [...children, new Paragraph({ children: [] })],
    }],
  });
  return Packer.toBuffer(doc);
}

/**
 * The parts of a DOCX that decide how it prints (word/document.xml and word/styles.xml), read
 * from its ZIP central directory: the rest (docProps/core.xml) carries the time it was written.
 */
export function docxContent(bytes: Buffer): string {
  const eocd = bytes.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  if (eocd < 0) return '';
  const entries = bytes.readUInt16LE(eocd + 10);
  let at = bytes.readUInt32LE(eocd + 16);
  const parts: string[] = [];
  for (let i = 0; i < entries && bytes.readUInt32LE(at) === 0x02014b50; i++) {
    const method = bytes.readUInt16LE(at + 10);
    const size = bytes.readUInt32LE(at + 20);
    const nameLen = bytes.readUInt16LE(at + 28);
    const skip = nameLen + bytes.readUInt16LE(at + 30) + bytes.readUInt16LE(at + 32);
    const name = bytes.toString('utf8', at + 46, at + 46 + nameLen);
    const local = bytes.readUInt32LE(at + 42);
    if (name === 'word/document.xml' || name === 'word/styles.xml') {
      const start = local + 30 + bytes.readUInt16LE(local + 26) + bytes.readUInt16LE(local + 28);
      const data = bytes.subarray(start, start + size);
      parts.push(name, (method === 8 ? inflateRawSync(data) : data).toString('utf8'));
    }
    at += 46 + skip;
  }
  return parts.join('\n');
}
