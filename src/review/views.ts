/**
 * The review views as HTML, shared by the static report (index.ts writes them to files), the
 * workspace's server (../serve/ sends them) and the browser (app/ renders them again after an
 * edit or a filter): the queue of what to check, and a document's tables beside its source
 * pages. Pure string functions over the view models of model.ts; nothing here touches Node or
 * the DOM. In the workspace (`mode: 'serve'`) every field is an editable cell.
 */
import type { Correction } from '../corrections/model.js';
import type { DocumentRecord, Indicator, Loc, Project, Warning } from '../schema.js';
import {
  type DocModel, LOW_CONFIDENCE, type LineView, type PageRef, type Progress, type QueueEntry, type QueueModel,
  locText, refOf, sameRow, sameTable,
} from './model.js';

const ESC: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
export function esc(v: unknown): string {
  return v == null ? '' : String(v).replace(/[&<>"']/g, (c) => ESC[c]!);
}

/** Links between the views: files of the static report, routes of the workspace. */
export function indexHref(mode: DocModel['mode']): string {
  return mode === 'serve' ? '/' : 'index.html';
}
export function docHref(mode: DocModel['mode'], docId: string): string {
  return mode === 'serve' ? `/doc/${docId}` : `${docId}.html`;
}

/** A page of the app: the view, its model for the script, the stylesheet and the script (no network). */
export function shell(title: string, body: string, model: unknown, assets: { css: string; js: string }): string {
  const json = JSON.stringify(model).replace(/</g, '\\u003c');
  return `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>${esc(title)}</title><link rel="stylesheet" href="${esc(assets.css)}"></head><body><div id="app">${body}</div><script type="application/json" id="jx-model">${json}</script><script src="${esc(assets.js)}"></script></body></html>\n`;
}

export function progressBar(p: Progress | null): string {
  if (!p) return '';
  const pct = p.tables ? Math.round((100 * p.tablesReviewed) / p.tables) : 0;
  return `<div class="progress" title="tables reviewed over the batch (part one counts with its document)"><div class="meter"><span style="width:${pct}%"></span></div><span class="ptext">${p.tablesReviewed} / ${p.tables} tables reviewed · ${p.documentsReviewed} / ${p.documents} documents</span></div>`;
}

// ——— the queue ———

/** The queue's rows, filtered and optionally grouped by text_key (renditions of one text together). */
export function queueRows(entries: readonly QueueEntry[], mode: DocModel['mode'], group: boolean): string {
  const row = (e: QueueEntry, inGroup: boolean) => {
    const codes = Object.entries(e.codes).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
    const tables = e.tables
      .filter((t) => t.score > 0 || !t.reviewed)
      .map((t) => `<a class="tchip${t.reviewed ? ' done' : t.score >= 5 ? ' hot' : t.score > 0 ? ' warm' : ''}" href="${esc(docHref(mode, e.doc_id))}#${t.anchor}" title="${esc(`${t.label}: ${t.warnings} warning(s), ${t.checks} cross-check(s), ${t.low} low-confidence row(s)${t.conflicts ? `, ${t.conflicts} correction conflict(s)` : ''}${t.reviewed ? ' · reviewed' : ''}`)}">${esc(t.anchor === 'part-one' ? '一' : t.anchor.slice(8))}${t.score ? `<b>${t.score}</b>` : ''}</a>`)
      .join('');
    return `<tr class="doc${e.reviewed ? ' reviewed' : ''}${inGroup ? ' in-group' : ''}" data-doc="${esc(e.doc_id)}" data-text-key="${esc(e.text_key)}"><td class="num score ${e.score ? 'many' : 'zero'}">${e.score}</td><td class="name"><a href="${esc(docHref(mode, e.doc_id))}">${esc(e.name)}</a><div class="tables">${tables}</div></td><td>${esc(e.department)}</td><td class="num">${esc(e.year)}</td><td>${esc(e.format)}</td><td class="num">${e.projects}</td><td class="num">${e.indicators}</td><td class="num">${e.warnings}</td><td class="codes">${codes.map(([c, k]) => `<span class="code" data-code="${esc(c)}">${esc(c)}×${k}</span>`).join(' ')}</td><td>${e.reviewed ? '<span class="badge ok">reviewed</span>' : `${e.tables.filter((t) => t.reviewed).length}/${e.tables.length}`}</td><td class="path">${esc(e.path)}</td></tr>`;
  };
  if (!group) return entries.map((e) => row(e, false)).join('');
  const groups = new Map<string, QueueEntry[]>();
  for (const e of entries) groups.set(e.text_key, [...(groups.get(e.text_key) ?? []), e]);
  return [...groups.values()]
    .map((g) => {
      if (g.length === 1) return row(g[0]!, false);
      const head = g[0]!;
      return `<tr class="group" data-text-key="${esc(head.text_key)}"><td class="num">${Math.max(...g.map((e) => e.score))}</td><td colspan="10">${esc([head.department, head.year].filter((x) => x != null).join(' '))} — ${g.length} renditions of one text (${esc(g.map((e) => e.format).join(', '))}), text_key ${esc(head.text_key)}</td></tr>${g.map((e) => row(e, true)).join('')}`;
    })
    .join('');
}

/** The filter options: each value with how many documents have it. */
function options(values: Array<string | number | null>, label: string): string {
  const n = new Map<string, number>();
  for (const v of values) if (v != null) n.set(String(v), (n.get(String(v)) ?? 0) + 1);
  return `<option value="">${esc(label)}</option>${[...n].sort((a, b) => a[0].localeCompare(b[0])).map(([v, k]) => `<option value="${esc(v)}">${esc(v)} (${k})</option>`).join('')}`;
}

export function queuePage(q: QueueModel): string {
  const allCodes = q.entries.flatMap((e) => Object.entries(e.codes).flatMap(([c]) => [c]));
  const failures = q.failed.length
    ? `<h2>Failed inputs (${q.failed.length})</h2><table class="failed"><tr><th>input</th><th>kind</th><th>reason</th></tr>${q.failed.map((f) => `<tr><td>${esc(f.path)}</td><td><span class="code">${esc(f.kind)}</span></td><td>${esc(f.reason)}</td></tr>`).join('')}</table>`
    : '';
  return `<header class="bar"><h1>jixiao review</h1><span class="sub">${q.entries.length} document(s) · ${q.entries.reduce((n, e) => n + e.warnings, 0)} warning(s)${q.mode === 'static' ? ' · read-only report (edit with <code>jixiao serve</code>)' : ''}</span>${progressBar(q.progress)}</header>
<main class="queue-page">
<p class="note">What to check first: documents not yet reviewed, most to check first (score: 5 per correction in conflict, 3 per cross-check failure such as a budget or plan that does not add up, 1 per warning and per row read by OCR with low confidence). The chips are the document's tables (一 = part one, numbers = projects), hottest red; renditions of one text (its PDF, DOCX, text dump) are grouped.</p>
<form class="filters" onsubmit="return false">
<select name="code">${options(allCodes, 'any warning code')}</select>
<select name="department">${options(q.entries.map((e) => e.department), 'any department')}</select>
<select name="year">${options(q.entries.map((e) => e.year), 'any year')}</select>
<select name="format">${options(q.entries.map((e) => e.format), 'any format')}</select>
<select name="status"><option value="">to review and reviewed</option><option value="open">to review</option><option value="reviewed">reviewed</option></select>
<label><input type="checkbox" name="group" checked> group renditions</label>
<input type="search" name="q" placeholder="search name or path">
<span class="count"></span>
</form>
<table class="queue"><thead><tr><th title="what to check: higher first">score</th><th>document · tables</th><th>department</th><th>year</th><th>format</th><th>projects</th><th>indicators</th><th>warnings</th><th>codes</th><th>reviewed</th><th>source</th></tr></thead><tbody>${queueRows(q.entries, q.mode, true)}</tbody></table>
${failures}</main>`;
}

/** Does an entry pass the queue's filters? */
export function passes(e: QueueEntry, f: { code?: string; department?: string; year?: string; format?: string; status?: string; q?: string }): boolean {
  if (f.code && !e.codes[f.code]) return false;
  if (f.department && e.department !== f.department) return false;
  if (f.year && String(e.year) !== f.year) return false;
  if (f.format && e.format !== f.format) return false;
  if (f.status === 'open' && e.reviewed) return false;
  if (f.status === 'reviewed' && !e.reviewed) return false;
  if (f.q && !`${e.name} ${e.path} ${e.doc_id}`.toLowerCase().includes(f.q.toLowerCase())) return false;
  return true;
}

// ——— a document ———

interface Ctx {
  m: DocModel;
  edit: boolean;
  /** Warnings on each record (by its ref), and conflicts. */
  warned: Map<string, Warning[]>;
  conflicts: Map<string, LineView[]>;
}

function fmtValue(v: unknown): string {
  if (v == null) return '';
  if (typeof v === 'number') return String(v);
  return String(v);
}

/** An editable (in the workspace) cell of a record's field. */
function cell(ctx: Ctx, field: string, value: unknown, corrected: readonly string[] | undefined, cls = '', shownAs?: string): string {
  const corr = corrected?.includes(field) || corrected?.includes('*');
  const classes = [cls, ctx.edit ? 'ed' : '', corr ? 'corr' : ''].filter(Boolean).join(' ');
  const json = ctx.edit ? ` data-value="${esc(JSON.stringify(value ?? null))}"` : '';
  return `<td class="${classes}" data-field="${field}"${json}${corr ? ' title="corrected by hand"' : ''}>${shownAs ?? esc(fmtValue(value))}</td>`;
}

function boxAttrs(loc: Loc | null): string {
  if (!loc || loc.page == null) return '';
  return ` data-page="${loc.page}"${loc.bbox ? ` data-bbox="${loc.bbox.map((v) => v.toFixed(1)).join(',')}"` : ''}`;
}

function rowClass(ctx: Ctx, ref: string, rec: { loc: Loc | null; confidence?: number | null; corrected?: string[] }): string {
  const cls = ['rec'];
  if (ctx.warned.has(ref)) cls.push('warn');
  if (ctx.conflicts.has(ref)) cls.push('conflict');
  if (rec.confidence != null && rec.confidence < LOW_CONFIDENCE) cls.push('low');
  if (rec.corrected?.includes('*')) cls.push('inserted');
  return cls.join(' ');
}

function rowTitle(ctx: Ctx, ref: string, rec: { confidence?: number | null; loc: Loc | null }): string {
  const lines = [...(ctx.warned.get(ref) ?? []).map((w) => `${w.code}: ${w.message}`), ...(ctx.conflicts.get(ref) ?? []).map((l) => `correction ${l.correction.id}: ${l.outcome.reason}`)];
  if (rec.confidence != null) lines.push(`OCR confidence ${rec.confidence.toFixed(2)}`);
  return lines.length ? ` title="${esc(lines.join('\n'))}"` : '';
}

function rowTools(ctx: Ctx, canDelete: boolean): string {
  if (!ctx.edit) return '';
  return `<td class="tools"><button type="button" class="ins" title="insert a row the extraction missed, below this one">+</button>${canDelete ? '<button type="button" class="del" title="delete this row: the document does not have it">✕</button>' : ''}</td>`;
}

/** The parsed value of an indicator: symbol, number, unit, text. */
function parsed(v: Indicator['value']): string {
  const part = (cls: string, x: unknown) => `<span class="${cls}">${esc(x ?? '')}</span>`;
  return `${part('sym', v.symbol)}${part('numv', v.number)}${part('unit', v.unit)}${part('vtext', v.text)}`;
}

function indicatorTable(ctx: Ctx, rows: readonly Indicator[], projectSeq: number): string {
  const head = `<thead><tr><th class="c-n">#</th><th class="c-l1">一级指标</th><th class="c-l2">二级指标</th><th class="c-l3">三级指标</th><th class="c-desc">绩效指标描述</th><th class="c-raw">指标值</th><th class="c-val" title="symbol · number · unit · text, by values.md">解析</th><th class="c-basis">指标值确定依据</th><th class="c-loc">where</th>${ctx.edit ? '<th class="c-tools"></th>' : ''}</tr></thead>`;
  const colgroup = `<colgroup><col class="c-n"><col class="c-l1"><col class="c-l2"><col class="c-l3"><col class="c-desc"><col class="c-raw"><col class="c-val"><col class="c-basis"><col class="c-loc">${ctx.edit ? '<col class="c-tools">' : ''}</colgroup>`;
  const body = rows
    .map((i, k) => {
      const ref = refOf({ table: 'indicators', project_seq: projectSeq, indicator_seq: k + 1 });
      const prev = rows[k - 1];
      const rep = (f: 'level1' | 'level2') => (prev && prev[f] === i[f] && (f === 'level1' || prev.level1 === i.level1) ? 'rep' : '');
      return `<tr class="${rowClass(ctx, ref, i)}" id="r-${ref.replace(/:/g, '-')}" data-ref="${ref}"${boxAttrs(i.loc)}${rowTitle(ctx, ref, i)}><td class="num c-n">${k + 1}</td>${cell(ctx, 'level1', i.level1, i.corrected, rep('level1'))}${cell(ctx, 'level2', i.level2, i.corrected, rep('level2'))}${cell(ctx, 'level3', i.level3, i.corrected)}${cell(ctx, 'description', i.description, i.corrected)}${cell(ctx, 'value_raw', i.value_raw, i.corrected, 'raw')}${cell(ctx, 'value', i.value, i.corrected, 'val', parsed(i.value))}${cell(ctx, 'basis', i.basis, i.corrected)}<td class="loc">${esc(locText(i.loc))}${i.confidence != null ? `<br>conf ${i.confidence.toFixed(2)}` : ''}</td>${rowTools(ctx, true)}</tr>`;
    })
    .join('');
  const empty = rows.length === 0 ? `<tr class="empty"><td colspan="${ctx.edit ? 10 : 9}">no indicator rows${ctx.edit ? ' <button type="button" class="ins first" title="insert a row">+ add a row</button>' : ''}</td></tr>` : '';
  return `<table class="grid indicators" data-project="${projectSeq}">${colgroup}${head}<tbody>${body}${empty}</tbody></table>`;
}

/** Fields of a record as label/value pairs, two pairs a line; `wide` fields take the whole line. */
function fieldGrid(ctx: Ctx, ref: string, rec: Record<string, unknown>, corrected: readonly string[] | undefined, fields: ReadonlyArray<readonly [string, string, 'wide'?]>, extra = ''): string {
  const cells: string[] = [];
  let half: string[] = [];
  const flush = () => {
    if (half.length) cells.push(`<tr>${half.join('')}${half.length === 1 ? '<td colspan="2"></td>' : ''}</tr>`);
    half = [];
  };
  for (const [field, label, wide] of fields) {
    const v = rec[field];
    const shownAs = field === 'goals' ? (v as string[]).map((g) => `<div>${esc(g)}</div>`).join('') : field === 'spending_plan' ? (v as Project['spending_plan']).map((s) => `<span class="plan"><b>${esc(s.period)}</b> ${esc(s.value ?? '–')}</span>`).join(' ') : undefined;
    const td = `<th>${esc(label)}</th>${cell(ctx, field, v, corrected, typeof v === 'number' ? 'num' : '', shownAs)}`;
    if (wide) {
      flush();
      cells.push(`<tr>${td.replace('<td ', '<td colspan="3" ')}</tr>`);
    } else {
      half.push(td);
      if (half.length === 2) flush();
    }
  }
  flush();
  return `<table class="fields rec" data-ref="${ref}"${extra}>${cells.join('')}</table>`;
}

const PROJECT_FIELDS = [
  ['project_code', '项目编码'], ['project_name', '项目名称'], ['unit_code', '单位编码'], ['unit_name', '单位名称'],
  ['budget_total', '预算数'], ['budget_fiscal', '财政资金'], ['budget_other', '其他资金'], ['money_unit', '金额单位'],
  ['seq', '序号'], ['title', '表名'], ['fund_use', '资金用途', 'wide'], ['spending_plan', '资金支出计划', 'wide'], ['goals', '绩效目标', 'wide'],
] as const;

const DOCUMENT_FIELDS = [
  ['title', '标题', 'wide'], ['department', '部门'], ['year', '年度'], ['compiled_by', '编制'], ['reviewed_by', '审核'], ['draft', '草案'], ['overall_goal', '总体绩效目标', 'wide'],
] as const;

function reviewedBadge(r: { by: string | null; at: string } | undefined, what: string): string {
  return r ? `<span class="badge ok" title="${esc(`${what} reviewed by ${r.by ?? 'someone'} at ${r.at}`)}">✓ reviewed${r.by ? ` by ${esc(r.by)}` : ''}</span>` : '';
}

function reviewButton(ctx: Ctx, ref: string, reviewed: boolean): string {
  if (!ctx.edit) return '';
  return `<button type="button" class="mark${reviewed ? ' on' : ''}" data-ref="${ref}" title="${reviewed ? 'withdraw the mark' : 'mark this table checked (R)'}">${reviewed ? 'reviewed ✓' : 'mark reviewed'}</button>`;
}

function warningItem(w: Warning, refs: Map<Warning, string>): string {
  const ref = refs.get(w);
  const place = esc(locText(w.loc));
  const link = ref ? `<a class="loc goto" href="#r-${ref.replace(/:/g, '-')}" data-goto="${ref}">${place}</a>` : w.loc?.page != null ? `<a class="loc goto" href="#" data-page="${w.loc.page}">${place}</a>` : `<span class="loc">${w.loc ? place : 'document'}</span>`;
  return `<li class="warning" data-code="${esc(w.code)}"><span class="code">${esc(w.code)}</span> ${esc(w.message)} ${link}</li>`;
}

function lineItem(l: LineView): string {
  const c: Correction = l.correction;
  const op = c.op ?? 'set';
  const ref = l.outcome.keys ? refOf(l.outcome.keys) : null;
  const what = op === 'set' ? `${esc(c.field)}: ${esc(JSON.stringify(c.before ?? null))} → ${esc(JSON.stringify(c.after ?? null))}` : op === 'reviewed' ? (c.after === false ? 'review mark withdrawn' : 'marked reviewed') : op === 'insert' ? 'row inserted' : 'row deleted';
  const link = ref && ref !== 'documents' ? ` <a class="loc goto" href="#r-${ref.replace(/:/g, '-')}" data-goto="${ref}">${esc(ref)}</a>` : '';
  return `<li class="line ${l.outcome.status}" data-id="${esc(c.id)}"><span class="status">${l.outcome.status}</span> <span class="code">${esc(c.id)}</span> ${what}${link}${l.outcome.reason ? ` <span class="reason">${esc(l.outcome.reason)}</span>` : ''} <span class="by">${esc(c.by ?? '')} ${esc(c.at ?? '')}</span></li>`;
}

/** Pages of the document with every record's box; the workspace's script zooms, pans and highlights. */
function viewer(pages: readonly PageRef[], boxes: ReadonlyArray<{ ref: string; loc: Loc | null; cls: string }>, note: string): string {
  if (pages.length === 0) return `<aside class="viewer empty" id="viewer"><p class="note">${note}</p></aside>`;
  const figs = pages
    .map((p) => {
      const marks = boxes
        .filter((b) => b.loc?.page === p.page && b.loc.bbox)
        .map((b) => {
          const [x0, y0, x1, y1] = b.loc!.bbox!;
          const pct = (v: number, of: number) => `${((v / of) * 100).toFixed(2)}%`;
          return `<div class="box ${b.cls}" data-ref="${b.ref}" style="left:${pct(x0, p.width)};top:${pct(y0, p.height)};width:${pct(x1 - x0, p.width)};height:${pct(y1 - y0, p.height)}"></div>`;
        })
        .join('');
      return `<figure class="page" id="page-${p.page}" data-page="${p.page}" data-w="${p.width}" data-h="${p.height}" style="aspect-ratio:${p.width.toFixed(1)}/${p.height.toFixed(1)}"><img loading="lazy" decoding="async" src="${esc(p.src)}" alt="page ${p.page}"><figcaption>p. ${p.page}</figcaption>${marks}</figure>`;
    })
    .join('');
  return `<aside class="viewer" id="viewer"><div class="vbar"><button type="button" data-zoom="out" title="zoom out (−)">−</button><span class="zoom">fit</span><button type="button" data-zoom="in" title="zoom in (+)">+</button><button type="button" data-zoom="fit" title="fit the width (0)">fit</button><span class="hint">drag to pan · Ctrl+wheel to zoom</span></div><div class="vscroll"><div class="vpages">${figs}</div></div></aside>`;
}

/** One document's view: its tables beside its source pages. */
export function documentPage(m: DocModel): string {
  const d: DocumentRecord = m.doc;
  const edit = m.mode === 'serve';
  // Each warning belongs to the record on its row (or its table), by ref.
  const refs = new Map<Warning, string>();
  const recs: Array<{ ref: string; loc: Loc | null }> = [
    ...d.projects.flatMap((p, k) => p.indicators.map((i, n) => ({ ref: refOf({ table: 'indicators', project_seq: k + 1, indicator_seq: n + 1 }), loc: i.loc }))),
    ...d.part_one.dept_indicators.map((i, n) => ({ ref: refOf({ table: 'indicators', project_seq: 0, indicator_seq: n + 1 }), loc: i.loc })),
    ...d.part_one.sub_goals.map((s, n) => ({ ref: refOf({ table: 'sub_goals', item_seq: n + 1 }), loc: s.loc })),
    ...d.part_one.safeguards.map((s, n) => ({ ref: refOf({ table: 'safeguards', item_seq: n + 1 }), loc: s.loc })),
    ...d.projects.map((p, k) => ({ ref: refOf({ table: 'projects', project_seq: k + 1 }), loc: p.loc })),
  ];
  const warned = new Map<string, Warning[]>();
  for (const w of d.warnings) {
    const r = recs.find((x) => sameRow(x.loc, w.loc) && x.loc?.line === w.loc?.line) ?? recs.find((x) => sameRow(x.loc, w.loc)) ?? (w.loc ? recs.find((x) => x.ref.startsWith('projects:') && sameTable(x.loc, w.loc)) : undefined);
    if (!r) continue;
    refs.set(w, r.ref);
    warned.set(r.ref, [...(warned.get(r.ref) ?? []), w]);
  }
  const conflicts = new Map<string, LineView[]>();
  for (const l of m.lines) if (l.outcome.status === 'conflict' && l.outcome.keys) conflicts.set(refOf(l.outcome.keys), [...(conflicts.get(refOf(l.outcome.keys)) ?? []), l]);
  const ctx: Ctx = { m, edit, warned, conflicts };

  const codes = new Map<string, number>();
  for (const w of d.warnings) codes.set(w.code, (codes.get(w.code) ?? 0) + 1);
  const chips = [...codes].sort((a, b) => b[1] - a[1]).map(([c, k]) => `<span class="code">${esc(c)}×${k}</span>`).join(' ');
  const docRef = 'documents';

  const warnings = `<section class="warnings"><h2>Warnings (${d.warnings.length})</h2>${d.warnings.length ? `<ul class="warnlist">${d.warnings.map((w) => warningItem(w, refs)).join('')}</ul>` : '<p class="note">none</p>'}</section>`;
  const lines = m.lines.length
    ? `<section class="corrections"><h2>Corrections (${m.lines.length}: ${['applied', 'obsolete', 'conflict'].map((s) => `${m.lines.filter((l) => l.outcome.status === s).length} ${s}`).join(', ')})</h2><ol class="lines">${m.lines.map(lineItem).join('')}</ol></section>`
    : '';

  const p1 = d.part_one;
  const subRows = p1.sub_goals
    .map((g, n) => {
      const ref = refOf({ table: 'sub_goals', item_seq: n + 1 });
      return `<tr class="${rowClass(ctx, ref, g)}" id="r-${ref.replace(/:/g, '-')}" data-ref="${ref}"${boxAttrs(g.loc)}${rowTitle(ctx, ref, g)}><td class="num c-n">${n + 1}</td>${cell(ctx, 'seq', g.seq, g.corrected)}${cell(ctx, 'title', g.title, g.corrected)}${cell(ctx, 'goal', g.goal, g.corrected)}${cell(ctx, 'indicator', g.indicator, g.corrected)}<td class="loc">${esc(locText(g.loc))}</td></tr>`;
    })
    .join('');
  const safeRows = p1.safeguards
    .map((g, n) => {
      const ref = refOf({ table: 'safeguards', item_seq: n + 1 });
      return `<tr class="${rowClass(ctx, ref, g)}" id="r-${ref.replace(/:/g, '-')}" data-ref="${ref}"${boxAttrs(g.loc)}${rowTitle(ctx, ref, g)}><td class="num c-n">${n + 1}</td>${cell(ctx, 'seq', g.seq, g.corrected)}${cell(ctx, 'title', g.title, g.corrected)}${cell(ctx, 'text', g.text, g.corrected, 'long')}<td class="loc">${esc(locText(g.loc))}</td></tr>`;
    })
    .join('');
  const docFields = { ...d.document, overall_goal: p1.overall_goal } as unknown as Record<string, unknown>;
  const partOne = `<section id="part-one" class="tsec" data-ref="${docRef}"><h2>第一部分 · the document ${reviewedBadge(d.document.reviewed, 'document')} ${reviewButton(ctx, docRef, d.document.reviewed != null)}</h2>
${fieldGrid(ctx, docRef, docFields, d.document.corrected, DOCUMENT_FIELDS)}
${p1.sub_goals.length ? `<h3>分项绩效目标</h3><table class="grid items"><colgroup><col class="c-n"><col class="c-seq"><col class="c-title"><col><col></colgroup><thead><tr><th>#</th><th>seq</th><th>分项目标</th><th>绩效目标</th><th>绩效指标</th><th class="c-loc">where</th></tr></thead><tbody>${subRows}</tbody></table>` : ''}
${p1.safeguards.length ? `<h3>保障措施</h3><table class="grid items"><colgroup><col class="c-n"><col class="c-seq"><col class="c-title"><col></colgroup><thead><tr><th>#</th><th>seq</th><th>保障措施</th><th>内容</th><th class="c-loc">where</th></tr></thead><tbody>${safeRows}</tbody></table>` : ''}
${p1.dept_indicators.length ? `<h3>部门整体支出绩效指标</h3>${indicatorTable(ctx, p1.dept_indicators, 0)}` : ''}
</section>`;

  const projects = d.projects
    .map((p, k) => {
      const ref = refOf({ table: 'projects', project_seq: k + 1 });
      const own = d.warnings.filter((w) => sameTable(w.loc, p.loc));
      return `<section id="project-${k + 1}" class="tsec project${p.reviewed || d.document.reviewed ? ' reviewed' : ''}" data-ref="${ref}"><h2 class="${rowClass(ctx, ref, p)}" id="r-${ref.replace(/:/g, '-')}" data-ref="${ref}"${boxAttrs(p.loc)}><span class="pseq">${esc(p.seq)}.</span> ${esc(p.title)} ${own.length ? `<span class="many">${own.length} warning(s)</span>` : ''} ${reviewedBadge(p.reviewed, 'table')} ${reviewButton(ctx, ref, p.reviewed != null)}</h2>
${fieldGrid(ctx, ref, p as unknown as Record<string, unknown>, p.corrected, PROJECT_FIELDS)}
${indicatorTable(ctx, p.indicators, k + 1)}
${p.explanation ? `<details><summary>说明</summary><p>${esc(p.explanation).replace(/\n/g, '<br>')}</p></details>` : ''}
<p class="loc">table ${esc(locText(p.loc))}</p></section>`;
    })
    .join('');

  const boxes = [
    ...d.projects.map((p, k) => ({ ref: refOf({ table: 'projects', project_seq: k + 1 }), loc: p.loc, cls: 'project' })),
    ...recs.filter((r) => !r.ref.startsWith('projects:')).map((r) => ({ ref: r.ref, loc: r.loc, cls: warned.has(r.ref) || conflicts.has(r.ref) ? 'row warn' : 'row' })),
    ...d.projects.flatMap((p, k) => p.indicators.map((i, n) => ({ i, ref: refOf({ table: 'indicators', project_seq: k + 1, indicator_seq: n + 1 }) }))).filter(({ i }) => i.confidence != null && i.confidence < LOW_CONFIDENCE).map(({ i, ref }) => ({ ref, loc: i.loc, cls: 'row low' })),
  ];
  const note =
    d.source.format === 'pdf'
      ? d.source.path.includes('!/')
        ? 'A bundle\'s member is not drawn: no page images (each record shows its page, table and row: where).'
        : 'The source PDF is not where the output says it was (or has other bytes): no page images.'
      : `A ${d.source.format} input has no page images here: each record shows its table, row and line (where).`;
  const toc = [`<a href="#part-one">一</a>`, ...d.projects.map((p, k) => `<a href="#project-${k + 1}" class="${p.reviewed || d.document.reviewed ? 'done' : ''}${d.warnings.some((w) => sameTable(w.loc, p.loc)) ? ' hot' : ''}" title="${esc(p.title)}">${k + 1}</a>`)].join('');
  const help = edit
    ? '<details class="help"><summary>keys</summary><p>Click a cell or move with the arrow keys and Tab; Enter or typing edits, Enter saves, Esc cancels; a value is parsed into symbol/number/unit as you type. R marks the table reviewed, Ctrl+Z undoes your last correction. Every correction is written to corrections.jsonl at once.</p></details>'
    : '';
  return `<div class="docpage"><header class="bar"><a class="back" href="${esc(indexHref(m.mode))}">← queue</a><div class="title"><h1>${esc(d.document.title ?? d.source.path)}</h1><span class="sub">${esc([d.document.department, d.document.year, d.source.format, `${d.projects.length} projects`, d.source.path].filter((x) => x != null).join(' · '))} · <span class="docid">${esc(d.doc_id)}</span></span></div>${progressBar(m.progress)}${edit ? '<div class="actions"><button type="button" class="undo" title="undo your last correction (Ctrl+Z)">undo</button><span class="status" aria-live="polite"></span></div>' : ''}${help}</header>
<nav class="tocbar">${toc}${chips ? `<span class="chips">${chips}</span>` : ''}</nav>
<div class="split"><main class="tables" id="tables">${warnings}${lines}${partOne}${projects}</main><div class="splitter" title="drag to resize"></div>${viewer(m.pages, boxes, note)}</div></div>`;
}

export const CSS = `
:root{--ink:#1d1d1f;--muted:#5f6368;--line:#d0d4da;--navy:#23395b;--warn:#c62828;--warnbg:#fdecea;--low:#d97706;--lowbg:#fff4e0;--ok:#2e7d32;--corr:#1565c0;--sel:#ffd54f}
*{box-sizing:border-box}
body{font:13px/1.45 system-ui,"Noto Sans CJK SC","WenQuanYi Zen Hei",sans-serif;margin:0;color:var(--ink);background:#f5f6f8}
a{color:#1a5fb4}
header.bar{position:sticky;top:0;z-index:20;display:flex;align-items:center;gap:16px;background:var(--navy);color:#fff;padding:6px 14px;min-height:46px}
header.bar a{color:#cfe0ff}header.bar h1{font-size:16px;margin:0;white-space:nowrap;overflow:hidden;text-overflow:ellipsis;max-width:48vw}
header.bar .title{min-width:0;flex:1}header.bar .sub{color:#c9d3e6;font-size:12px}
.progress{display:flex;align-items:center;gap:8px;font-size:12px;white-space:nowrap}.meter{width:120px;height:8px;background:#ffffff33;border-radius:4px;overflow:hidden}.meter span{display:block;height:100%;background:#7bd88f}
.actions{display:flex;gap:8px;align-items:center}.actions .status{font-size:12px;color:#ffe082;min-width:10em}
button{font:inherit;border:1px solid #9aa4b2;background:#fff;border-radius:4px;padding:1px 8px;cursor:pointer}button:hover{background:#eef2f8}
header button{background:#ffffff22;color:#fff;border-color:#ffffff55}
.help summary{cursor:pointer;color:#cfe0ff}.help p{position:absolute;right:14px;background:#fff;color:var(--ink);border:1px solid var(--line);padding:8px;max-width:360px;box-shadow:0 4px 16px #0003}
nav.tocbar{position:sticky;top:46px;z-index:19;background:#e9edf3;border-bottom:1px solid var(--line);padding:4px 14px;display:flex;gap:4px;flex-wrap:wrap;align-items:center}
nav.tocbar a{display:inline-block;min-width:24px;text-align:center;padding:0 5px;border-radius:3px;background:#fff;border:1px solid var(--line);text-decoration:none;color:var(--ink)}
nav.tocbar a.hot{border-color:var(--warn);color:var(--warn)}nav.tocbar a.done{background:#e5f4e7}nav.tocbar .chips{margin-left:12px}
.docpage{display:flex;flex-direction:column;height:100vh;overflow:hidden}
.docpage header.bar,.docpage nav.tocbar{position:static;flex:none}
.split{flex:1;min-height:0;display:grid;grid-template-columns:minmax(420px,var(--left,60%)) 6px minmax(300px,1fr)}
main.tables{overflow:auto;min-height:0;padding:8px 14px 40vh}
.splitter{cursor:col-resize;background:#dfe3e8}.splitter:hover{background:#b8c2cf}
h2{font-size:15px;margin:18px 0 6px;padding-bottom:3px;border-bottom:2px solid var(--navy);display:flex;gap:8px;align-items:center;flex-wrap:wrap}h3{font-size:13px;margin:12px 0 4px}
.tsec{scroll-margin-top:8px}.tsec.reviewed>h2{border-bottom-color:var(--ok)}
table{border-collapse:collapse;background:#fff}th,td{border:1px solid var(--line);padding:3px 5px;vertical-align:top;text-align:left}
th{background:#eef1f6;font-weight:600;color:#333}
table.grid{width:100%;table-layout:fixed;min-width:760px}
col.c-n{width:2.4em}col.c-l1{width:5.2em}col.c-l2{width:6.6em}col.c-l3{width:20%}col.c-desc{width:22%}col.c-raw{width:7.5em}col.c-val{width:8.5em}col.c-basis{width:15%}col.c-loc{width:5.5em}col.c-tools{width:3.6em}col.c-seq{width:3em}col.c-title{width:18%}
table.grid td{word-break:break-word;overflow-wrap:anywhere}
td.rep{color:#9aa0a6}
td.val span{display:inline-block;margin-right:3px}td.val .sym{color:#6a1b9a;font-weight:600}td.val .numv{font-variant-numeric:tabular-nums}td.val .unit{color:#00695c}td.val .vtext{color:var(--muted);font-size:12px}
td.val.preview{background:#fffde7}
table.fields{width:100%;table-layout:fixed;margin:6px 0;min-width:600px}table.fields th{width:6.5em;white-space:nowrap;font-weight:500;color:var(--muted)}
table.fields .plan{display:inline-block;margin-right:10px}
.num{text-align:right;font-variant-numeric:tabular-nums}
tr.rec>td:first-child{border-left:3px solid transparent}
tr.warn>td{background:var(--warnbg)}tr.warn>td:first-child{border-left-color:var(--warn)}
tr.conflict>td:first-child{border-left:3px dashed var(--warn)}
tr.low>td{background:var(--lowbg)}tr.low>td:first-child{border-left-color:var(--low)}
tr.inserted>td{background:#eef7ff}
tr.sel>td{box-shadow:inset 0 2px 0 var(--sel),inset 0 -2px 0 var(--sel)}tr.sel>td:first-child{border-left-color:#f9a825}
td.corr{box-shadow:inset 0 -2px 0 var(--corr)}td.corr::after{content:"✎";color:var(--corr);font-size:10px;margin-left:2px}
td.ed{cursor:cell}td.active{outline:2px solid #1a73e8;outline-offset:-2px}
td.editing{padding:0}td.editing input,td.editing textarea{width:100%;border:0;font:inherit;padding:3px 5px;background:#fffde7;outline:2px solid #1a73e8;resize:vertical}
td.tools button{padding:0 4px;margin:0 1px;font-size:11px}
.loc{color:var(--muted);font-size:11px}
h2 .loc,.tsec>p.loc{font-weight:400}
.code{font-family:ui-monospace,monospace;font-size:11px;background:#eceff3;padding:0 4px;border-radius:3px;white-space:nowrap}
.warnlist{margin:0;padding-left:18px}.warnlist li{margin:2px 0}.warnlist .code{background:var(--warnbg)}
ol.lines{margin:0;padding-left:22px}ol.lines li .status{font-weight:600;text-transform:uppercase;font-size:10px;padding:0 4px;border-radius:3px}
li.applied .status{background:#e5f4e7;color:var(--ok)}li.obsolete .status{background:#eceff3;color:var(--muted)}li.conflict .status{background:var(--warnbg);color:var(--warn)}
li .reason{color:var(--warn)}li.obsolete .reason{color:var(--muted)}li .by{color:var(--muted);font-size:11px}
.badge{font-size:11px;font-weight:500;padding:0 6px;border-radius:8px}.badge.ok{background:#e5f4e7;color:var(--ok)}
button.mark{font-size:11px}button.mark.on{background:#e5f4e7;border-color:var(--ok);color:var(--ok)}
.many{color:var(--warn);font-size:12px;font-weight:600}.zero{color:#999}
.note{color:var(--muted)}
aside.viewer{display:flex;flex-direction:column;min-width:0;min-height:0;overflow:hidden;background:#3c4043}
aside.viewer.empty{background:#f5f6f8;padding:14px}
.vbar{display:flex;gap:6px;align-items:center;padding:4px 8px;background:#2b2e31;color:#ddd;font-size:12px}.vbar button{background:#4a4e52;color:#fff;border-color:#666;min-width:28px}.vbar .zoom{min-width:3.5em;text-align:center}.vbar .hint{margin-left:auto;color:#9aa0a6}
.vscroll{flex:1;min-height:0;overflow:auto;cursor:grab;padding:8px}.vscroll.panning{cursor:grabbing}
.vpages{width:100%;margin:0 auto}
figure.page{position:relative;margin:0 0 10px;background:#fff;box-shadow:0 1px 4px #0006;width:100%}
figure.page img{display:block;width:100%;height:100%;user-select:none;-webkit-user-drag:none}
figure.page figcaption{position:absolute;right:4px;top:2px;font-size:11px;color:#666;background:#fffc;padding:0 3px}
.box{position:absolute;pointer-events:none;border:1px solid rgba(26,95,180,.28)}
.box.project{border:0;outline:1px dashed rgba(26,95,180,.35)}
.box.warn{border:2px solid var(--warn);background:rgba(198,40,40,.08)}
.box.low{border:2px dashed var(--low);background:rgba(217,119,6,.08)}
.box.hover{border:2px solid #1a73e8;background:rgba(26,115,232,.08)}
.box.sel{border:3px solid #f9a825;background:rgba(255,213,79,.18);box-shadow:0 0 0 4000px rgba(0,0,0,.28);z-index:2}
tr.crop td{padding:0;background:#fff}tr.crop .strip{height:var(--h,80px);background-repeat:no-repeat;border-bottom:2px solid #f9a825}
.queue-page{padding:10px 16px}
form.filters{display:flex;gap:8px;flex-wrap:wrap;align-items:center;margin:8px 0;position:sticky;top:46px;background:#f5f6f8;padding:6px 0;z-index:5}
form.filters select,form.filters input{font:inherit;padding:2px 4px}form.filters .count{color:var(--muted)}
table.queue{width:100%}table.queue td.name a{font-weight:500}table.queue td.path{color:var(--muted);font-size:11px;word-break:break-all}table.queue td.codes{max-width:26em}
tr.doc.reviewed td{background:#f3faf4}tr.group td{background:#e3e8f0;font-weight:500}tr.in-group td.name{padding-left:18px}
.tables .tchip{display:inline-block;margin:2px 2px 0 0;padding:0 5px;border:1px solid var(--line);border-radius:3px;font-size:11px;text-decoration:none;color:var(--ink);background:#fff}
.tchip b{margin-left:4px;padding-left:4px;border-left:1px solid currentColor;font-weight:600}.tchip.hot{border-color:var(--warn);color:var(--warn);background:var(--warnbg)}.tchip.warm{border-color:var(--low);color:#8a4b00;background:var(--lowbg)}.tchip.done{background:#e5f4e7;border-color:#9ccc9f}
tr.hidden{display:none}
.toast{position:fixed;bottom:16px;left:50%;transform:translateX(-50%);background:#323232;color:#fff;padding:8px 14px;border-radius:6px;z-index:50;max-width:80vw}
.toast.bad{background:var(--warn)}
`;
