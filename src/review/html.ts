/**
 * The review report's HTML: one page per document (summary, warnings, each table as
 * extracted beside the source page images with the records' boxes outlined) and an index
 * over the batch sorted by warnings. Plain static HTML and CSS, no script, no network.
 */
import type { DocumentRecord, Indicator, Loc, Warning } from '../schema.js';

/** Confidence below which an OCR-read indicator is marked. */
export const LOW_CONFIDENCE = 0.8;

export interface PageRef {
  page: number;
  /** Image path relative to the document's HTML page. */
  src: string;
  width: number;
  height: number;
}

const ESC: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
export function esc(v: unknown): string {
  return v == null ? '' : String(v).replace(/[&<>"']/g, (c) => ESC[c]!);
}

export const CSS = `
body{font:14px/1.45 system-ui,"Noto Sans CJK SC","WenQuanYi Zen Hei",sans-serif;margin:0;color:#1d1d1f;background:#f6f6f4}
header{background:#23395b;color:#fff;padding:12px 24px}header a{color:#cfe0ff}
main{padding:16px 24px}h1{font-size:20px;margin:4px 0}h2{font-size:17px;margin:24px 0 8px;border-bottom:2px solid #23395b}
table{border-collapse:collapse;background:#fff;margin:6px 0}th,td{border:1px solid #c9c9c9;padding:3px 6px;vertical-align:top;text-align:left}
th{background:#eef1f6;font-weight:600}
.meta td:first-child{color:#555;white-space:nowrap}
.pair{display:grid;grid-template-columns:minmax(560px,3fr) minmax(360px,2fr);gap:16px;align-items:start}
table.indicators{font-size:13px}table.indicators td:nth-child(2),table.indicators td:nth-child(3){white-space:nowrap}
.pages{position:sticky;top:8px;max-height:96vh;overflow:auto}
figure.page{position:relative;margin:0 0 10px;border:1px solid #999;background:#fff}
figure.page img{display:block;width:100%}
figure.page figcaption{position:absolute;right:4px;top:2px;font-size:11px;color:#666}
.box{position:absolute;border:1.5px solid rgba(35,57,91,.55);pointer-events:none}
.box.project{border:2px solid #2a6fdb}
.box.warn{border:2.5px solid #d62828;background:rgba(214,40,40,.10)}
.box.low{border:2.5px dashed #e07b00;background:rgba(224,123,0,.10)}
tr.warn td{background:#fde8e8}tr.low td{background:#fff1dc}td.low{outline:2px dashed #e07b00}
.code{font-family:ui-monospace,monospace;font-size:12px;background:#eee;padding:0 4px;border-radius:3px}
.warnlist li{margin:2px 0}.warnlist .code{background:#fde8e8}
.loc{color:#666;font-size:12px;white-space:nowrap}
.num{text-align:right;font-variant-numeric:tabular-nums}
.zero{color:#999}.many{color:#b00000;font-weight:600}
.note{color:#555}
`;

/** "p. 5–6 · table 3 · row 7 · line 40": where a record is, in words. */
export function locText(loc: Loc | null | undefined): string {
  if (!loc) return 'document';
  const parts: string[] = [];
  if (loc.page != null) parts.push(loc.page_end != null && loc.page_end !== loc.page ? `p. ${loc.page}–${loc.page_end}` : `p. ${loc.page}`);
  if (loc.table != null) parts.push(`table ${loc.table}`);
  if (loc.row != null) parts.push(`row ${loc.row}`);
  if (loc.line != null) parts.push(`line ${loc.line}`);
  return parts.length ? parts.join(' · ') : 'document';
}

function sameRow(a: Loc | null | undefined, b: Loc | null | undefined): boolean {
  return a != null && b != null && a.table != null && a.table === b.table && a.row === b.row;
}

function sameTable(a: Loc | null | undefined, b: Loc | null | undefined): boolean {
  return a != null && b != null && a.table != null && a.table === b.table;
}

function page(title: string, body: string): string {
  return `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>${esc(title)}</title><style>${CSS}</style></head><body>${body}</body></html>\n`;
}

function countCodes(warnings: readonly Warning[]): Array<[string, number]> {
  const m = new Map<string, number>();
  for (const w of warnings) m.set(w.code, (m.get(w.code) ?? 0) + 1);
  return [...m].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
}

function indicatorCount(d: DocumentRecord): number {
  return d.part_one.dept_indicators.length + d.projects.reduce((n, p) => n + p.indicators.length, 0);
}

interface Box {
  loc: Loc | null;
  kind: 'project' | 'row' | 'warn' | 'low';
  title: string;
}

function figures(pages: readonly PageRef[], from: number | null, to: number | null, boxes: readonly Box[]): string {
  if (from == null) return '';
  const shown = pages.filter((p) => p.page >= from && p.page <= (to ?? from));
  return shown
    .map((p) => {
      const marks = boxes
        .filter((b) => b.loc?.page === p.page && b.loc.bbox)
        .map((b) => {
          const [x0, y0, x1, y1] = b.loc!.bbox!;
          const pct = (v: number, of: number) => `${((v / of) * 100).toFixed(2)}%`;
          return `<div class="box ${b.kind}" title="${esc(b.title)}" style="left:${pct(x0, p.width)};top:${pct(y0, p.height)};width:${pct(x1 - x0, p.width)};height:${pct(y1 - y0, p.height)}"></div>`;
        })
        .join('');
      return `<figure class="page" data-page="${p.page}"><img src="${esc(p.src)}" alt="page ${p.page}"><figcaption>p. ${p.page}</figcaption>${marks}</figure>`;
    })
    .join('');
}

function indicatorTable(rows: readonly Indicator[], warnings: readonly Warning[], anchor: string): string {
  if (rows.length === 0) return '<p class="note">no indicator rows</p>';
  const head = '<tr><th>#</th><th>一级指标</th><th>二级指标</th><th>三级指标</th><th>描述</th><th>指标值</th><th>symbol</th><th>number</th><th>unit</th><th>text</th><th>依据</th><th>where</th></tr>';
  const body = rows
    .map((i, k) => {
      const warned = warnings.filter((w) => sameRow(w.loc, i.loc));
      const low = i.confidence != null && i.confidence < LOW_CONFIDENCE;
      const cls = warned.length ? 'warn' : low ? 'low' : '';
      const title = [...warned.map((w) => `${w.code}: ${w.message}`), ...(i.confidence != null ? [`OCR confidence ${i.confidence.toFixed(2)}`] : [])].join('\n');
      return `<tr id="${anchor}-i${k}" class="indicator ${cls}" title="${esc(title)}"><td class="num">${k + 1}</td><td>${esc(i.level1)}</td><td>${esc(i.level2)}</td><td>${esc(i.level3)}</td><td>${esc(i.description)}</td><td${low ? ' class="low"' : ''}>${esc(i.value_raw)}</td><td>${esc(i.value.symbol)}</td><td class="num">${esc(i.value.number)}</td><td>${esc(i.value.unit)}</td><td>${esc(i.value.text)}</td><td>${esc(i.basis)}</td><td class="loc">${esc(locText(i.loc))}${i.confidence != null ? `<br>conf ${i.confidence.toFixed(2)}` : ''}</td></tr>`;
    })
    .join('');
  return `<table class="indicators">${head}${body}</table>`;
}

function warningList(warnings: readonly Warning[]): string {
  if (warnings.length === 0) return '';
  return `<ul class="warnlist">${warnings.map((w) => `<li class="warning" data-code="${esc(w.code)}"><span class="code">${esc(w.code)}</span> ${esc(w.message)} <span class="loc">${esc(locText(w.loc))}</span></li>`).join('')}</ul>`;
}

function rowBoxes(rows: readonly Indicator[], warnings: readonly Warning[]): Box[] {
  return rows.map((i) => {
    const warned = warnings.some((w) => sameRow(w.loc, i.loc));
    const low = i.confidence != null && i.confidence < LOW_CONFIDENCE;
    return { loc: i.loc, kind: warned ? 'warn' : low ? 'low' : 'row', title: `${i.level3 ?? ''} ${i.value_raw ?? ''}` };
  });
}

/** One document's review page. `pages` are the rendered source pages (empty for DOCX/TXT). */
export function documentPage(d: DocumentRecord, pages: readonly PageRef[]): string {
  const ws = d.warnings;
  const codes = countCodes(ws);
  const meta = [
    ['department', d.document.department],
    ['year', d.document.year],
    ['source', `${d.source.path} (${d.source.format}${d.source.pages != null ? `, ${d.source.pages} pages` : ''})`],
    ['doc_id', d.doc_id],
    ['projects', d.projects.length],
    ['indicators', indicatorCount(d)],
    ['warnings', ws.length],
    ...(d.source.ocr ? [['OCR', `${d.source.ocr.engine}, pages ${d.source.ocr.pages.join(', ')}`]] : []),
  ] as Array<[string, unknown]>;
  const summary = `<table class="meta">${meta.map(([k, v]) => `<tr><td>${esc(k)}</td><td>${esc(v)}</td></tr>`).join('')}</table>` +
    (codes.length ? `<table class="codes"><tr><th>warning code</th><th>count</th></tr>${codes.map(([c, n]) => `<tr><td><span class="code">${esc(c)}</span></td><td class="num">${n}</td></tr>`).join('')}</table>` : '<p class="note">no warnings</p>');

  const toc = d.projects.map((p, k) => {
    const n = ws.filter((w) => sameTable(w.loc, p.loc)).length;
    return `<li><a href="#project-${k}">${esc(p.seq)}. ${esc(p.title)}</a>${n ? ` <span class="many">(${n} warning${n > 1 ? 's' : ''})</span>` : ''}</li>`;
  }).join('');

  const p1 = d.part_one;
  const p1Boxes: Box[] = [
    ...p1.sub_goals.map((g) => ({ loc: g.loc, kind: 'row' as const, title: g.title ?? '' })),
    ...p1.safeguards.map((g) => ({ loc: g.loc, kind: 'row' as const, title: g.title ?? '' })),
    ...rowBoxes(p1.dept_indicators, ws),
  ];
  const p1Pages = [...p1.sub_goals, ...p1.safeguards, ...p1.dept_indicators].map((r) => r.loc).filter((l): l is Loc => l?.page != null);
  const p1From = p1Pages.length ? Math.min(...p1Pages.map((l) => l.page!)) : null;
  const p1To = p1Pages.length ? Math.max(...p1Pages.map((l) => l.page_end ?? l.page!)) : null;
  const partOne = `<section id="part-one"><h2>第一部分 部门整体绩效目标</h2><div class="pair"><div>
    <p>${esc(p1.overall_goal)}</p>
    <table><tr><th>seq</th><th>分项目标</th><th>绩效目标</th><th>绩效指标</th><th>where</th></tr>${p1.sub_goals.map((g) => `<tr class="subgoal"><td>${esc(g.seq)}</td><td>${esc(g.title)}</td><td>${esc(g.goal)}</td><td>${esc(g.indicator)}</td><td class="loc">${esc(locText(g.loc))}</td></tr>`).join('')}</table>
    <table><tr><th>seq</th><th>保障措施</th><th>where</th></tr>${p1.safeguards.map((g) => `<tr class="safeguard"><td>${esc(g.seq)}</td><td>${esc(g.title)}</td><td class="loc">${esc(locText(g.loc))}</td></tr>`).join('')}</table>
    ${p1.dept_indicators.length ? `<h3>部门整体支出绩效指标</h3>${indicatorTable(p1.dept_indicators, ws, 'dept')}` : ''}
  </div><div class="pages">${figures(pages, p1From, p1To, p1Boxes)}</div></div></section>`;

  const projects = d.projects.map((p, k) => {
    const own = ws.filter((w) => sameTable(w.loc, p.loc));
    const fields: Array<[string, unknown]> = [
      ['项目编码', p.project_code], ['项目名称', p.project_name], ['单位', [p.unit_code, p.unit_name].filter(Boolean).join(' ')],
      ['预算数', p.budget_total], ['财政资金', p.budget_fiscal], ['其他资金', p.budget_other], ['金额单位', p.money_unit],
      ['资金用途', p.fund_use], ['资金支出计划', p.spending_plan.map((s) => `${s.period}: ${s.value ?? '–'}`).join(' · ')],
      ['绩效目标', p.goals.join(' ')], ['where', locText(p.loc)],
    ];
    const boxes: Box[] = [
      { loc: p.loc, kind: own.some((w) => sameRow(w.loc, p.loc)) ? 'warn' : 'project', title: p.title },
      ...rowBoxes(p.indicators, ws),
      ...own.filter((w) => w.loc?.bbox && !sameRow(w.loc, p.loc)).map((w) => ({ loc: w.loc!, kind: 'warn' as const, title: `${w.code}: ${w.message}` })),
    ];
    return `<section id="project-${k}" class="project"><h2>${esc(p.seq)}. ${esc(p.title)}</h2>${warningList(own)}<div class="pair"><div>
      <table class="meta">${fields.map(([a, v]) => `<tr><td>${esc(a)}</td><td>${esc(v)}</td></tr>`).join('')}</table>
      ${indicatorTable(p.indicators, ws, `project-${k}`)}
      ${p.explanation ? `<details><summary>说明</summary><p>${esc(p.explanation).replace(/\n/g, '<br>')}</p></details>` : ''}
    </div><div class="pages">${figures(pages, p.loc?.page ?? null, p.loc?.page_end ?? null, boxes)}</div></div></section>`;
  }).join('');

  const noPages = d.source.format !== 'pdf' ? '<p class="note">DOCX and text-dump inputs have no page images: each record shows its table, row and line.</p>' : pages.length === 0 ? '<p class="note">source PDF not found where the output says it was: no page images.</p>' : '';
  const body = `<header><a href="index.html">← all documents</a><h1>${esc(d.document.title ?? d.source.path)}</h1></header><main>
    ${summary}${noPages}
    <h2>Warnings</h2>${warningList(ws) || '<p class="note">none</p>'}
    <h2>Projects</h2><ol class="toc">${toc}</ol>
    ${partOne}${projects}</main>`;
  return page(d.document.title ?? d.doc_id, body);
}

export interface IndexEntry {
  doc: DocumentRecord;
  href: string;
}

/** The batch index: every document, most warnings first. */
export function indexPage(entries: readonly IndexEntry[], failed: ReadonlyArray<{ path: string; kind: string; reason: string }>): string {
  const sorted = [...entries].sort((a, b) => b.doc.warnings.length - a.doc.warnings.length || a.doc.source.path.localeCompare(b.doc.source.path));
  const rows = sorted.map(({ doc: d, href }) => {
    const n = d.warnings.length;
    const codes = countCodes(d.warnings).map(([c, k]) => `<span class="code">${esc(c)}</span>×${k}`).join(' ');
    const name = d.document.title ?? ([d.document.department, d.document.year].filter((x) => x != null).join(' ') || d.doc_id);
    return `<tr class="doc"><td class="num ${n ? 'many' : 'zero'}">${n}</td><td><a href="${esc(href)}">${esc(name)}</a></td><td>${esc(d.document.department)}</td><td>${esc(d.document.year)}</td><td>${esc(d.source.format)}</td><td class="num">${d.projects.length}</td><td class="num">${indicatorCount(d)}</td><td>${codes}</td><td class="loc">${esc(d.source.path)}</td></tr>`;
  }).join('');
  const failures = failed.length
    ? `<h2>Failed inputs (${failed.length})</h2><table><tr><th>input</th><th>kind</th><th>reason</th></tr>${failed.map((f) => `<tr><td>${esc(f.path)}</td><td><span class="code">${esc(f.kind)}</span></td><td>${esc(f.reason)}</td></tr>`).join('')}</table>`
    : '';
  const total = entries.reduce((n, e) => n + e.doc.warnings.length, 0);
  const body = `<header><h1>jixiao review: ${entries.length} document(s), ${total} warning(s)</h1></header><main>
    <p class="note">Documents with the most warnings first: check those before the rest. Each page shows every table as extracted beside its source page, records outlined (red: a warning on that row; orange dashes: low OCR confidence).</p>
    <table class="index"><tr><th>warnings</th><th>document</th><th>department</th><th>year</th><th>format</th><th>projects</th><th>indicators</th><th>codes</th><th>source</th></tr>${rows}</table>
    ${failures}</main>`;
  return page('jixiao review', body);
}
