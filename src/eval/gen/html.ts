/**
 * Writes a generated document's blocks as one HTML page for the HTML print engines
 * (Chromium, WeasyPrint, wkhtmltopdf), with the same geometry as the DOCX: @page size and
 * margins, fonts and sizes, fixed column widths, cell padding, vertical alignment of merged
 * cells, rule style, rows that may or may not break across pages.
 */
import type { Block, Geometry, P, T } from './blocks.js';

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

function css(g: Geometry): string {
  const rules = {
    grid: 'table.t td { border: 0.75pt solid #000; }',
    hrules: 'table.t { border-top: 0.75pt solid #000; border-bottom: 0.75pt solid #000; } table.t td { border-top: 0.75pt solid #000; border-bottom: 0.75pt solid #000; }',
    booktabs: 'table.t { border-top: 1.5pt solid #000; border-bottom: 1.5pt solid #000; } table.t tr.mid td { border-bottom: 0.75pt solid #000; }',
    none: '',
  }[g.rules];
  const fam = (f: string) => `"${f}", ${g.serif ? 'serif' : 'sans-serif'}`;
  return `
@page { size: ${g.page.width}pt ${g.page.height}pt; margin: ${g.margins.top}pt ${g.margins.right}pt ${g.margins.bottom}pt ${g.margins.left}pt; }
html, body { margin: 0; padding: 0; }
body { font-family: ${fam(g.bodyFont)}; font-size: ${g.bodySize}pt; line-height: ${g.lineSpacing}; }
p { margin: 0 0 ${g.paraAfter}pt 0; min-height: 1em; }
p.cover-title { font-size: 26pt; margin-bottom: 12pt; }
p.part, p.toc-title { font-size: 16pt; }
p.heading, p.project-title { font-size: ${g.bodySize + 1}pt; }
.r { float: right; }
.pb { page-break-before: always; break-before: page; }
table { border-collapse: collapse; width: 100%; table-layout: fixed; font-family: ${fam(g.tableFont)}; font-size: ${g.tableSize}pt; line-height: ${Math.min(g.lineSpacing, 1.25)}; }
td { padding: ${g.padding}pt ${Math.max(g.padding, 2)}pt; vertical-align: top; word-wrap: break-word; overflow-wrap: break-word; }
td p { margin: 0; }
td.m { vertical-align: ${g.vAlign === 'center' ? 'middle' : g.vAlign}; }
tr { page-break-inside: ${g.rowsSplit ? 'auto' : 'avoid'}; break-inside: ${g.rowsSplit ? 'auto' : 'avoid'}; }
${rules}
table.unit td { border: none; padding: 0; }
`;
}

function para(p: P): string {
  const cls = [p.role, p.pageBreak ? 'pb' : ''].filter(Boolean).join(' ');
  const style = p.align && p.align !== 'left' ? ` style="text-align:${p.align}"` : '';
  const text = p.bold ? `<b>${esc(p.text)}</b>` : esc(p.text);
  const right = p.right != null ? `<span class="r">${esc(p.right)}</span>` : '';
  return `<p class="${cls}"${style}>${right}${text}</p>`;
}

function table(t: T): string {
  const total = t.widths.reduce((a, b) => a + b, 0);
  const cols = t.widths.map((w) => `<col style="width:${((w / total) * 100).toFixed(2)}%">`).join('');
  const rows = t.rows.map((r) => {
    const cells = r.cells.map((c) => {
      const attrs = [c.colSpan > 1 ? ` colspan="${c.colSpan}"` : '', c.rowSpan > 1 ? ` rowspan="${c.rowSpan}"` : '', c.merged ? ' class="m"' : '', c.align ? ` style="text-align:${c.align}"` : ''].join('');
      const body = c.paras.length > 1 ? c.paras.map((x) => `<p>${esc(x)}</p>`).join('') : esc(c.paras[0] ?? '');
      return `<td${attrs}>${body}</td>`;
    });
    return `<tr${r.midrule ? ' class="mid"' : ''}>${cells.join('')}</tr>`;
  });
  return `<table class="${t.role === 'unit' ? 'unit' : 't'}"><colgroup>${cols}</colgroup><tbody>${rows.join('\n')}</tbody></table>`;
}

export function writeHtml(blocks: readonly Block[], g: Geometry, title: string): string {
  const body = blocks.map((b) => (b.kind === 'p' ? para(b) : table(b))).join('\n');
  return `<!DOCTYPE html>\n<html lang="zh-CN"><head><meta charset="utf-8"><title>${esc(title)}</title><style>${css(g)}</style></head>\n<body>\n${body}\n</body></html>\n`;
}
