/**
 * The review views' script in the browser, for the static report and the workspace alike
 * (bundled into one classic script by esbuild, so it also runs from file://): the queue's
 * filters and grouping; a document's page viewer (zoom, pan, the selected row's box highlighted
 * and brought into view, warnings linked to their rows), the row's strip of the page under it,
 * the resizable split. In the workspace (`jixiao serve`) it also edits: keyboard navigation
 * over the cells, in-place editing with the value parsed as you type by the extractor's own
 * normaliser, marks, row insertion and deletion, undo — each edit sent at once to be written
 * to corrections.jsonl — and a refresh when another tab or a run changed the folder.
 */
import { type DocModel, type QueueModel, matchOf, recordAt, refOf, targetOf } from '../model.js';
import { documentPage, passes, progressBar, queueRows } from '../views.js';
import { parseValue } from '../../normalize/value.js';
import { cleanText } from '../../text/clean.js';
import type { Target, TargetTable } from '../../corrections/model.js';

type Model = DocModel | QueueModel;

const $ = <T extends Element = HTMLElement>(sel: string, root: ParentNode = document) => root.querySelector<T & Element>(sel) as (T & HTMLElement) | null;
const $$ = <T extends Element = HTMLElement>(sel: string, root: ParentNode = document) => [...root.querySelectorAll<T & Element>(sel)] as Array<T & HTMLElement>;

function readModel(): Model {
  return JSON.parse(document.getElementById('jx-model')!.textContent!) as Model;
}

let model = readModel();

function toast(text: string, bad = false): void {
  const t = document.createElement('div');
  t.className = `toast${bad ? ' bad' : ''}`;
  t.textContent = text;
  document.body.append(t);
  setTimeout(() => t.remove(), bad ? 6000 : 2500);
}

function status(text: string): void {
  const s = $('.actions .status');
  if (s) s.textContent = text;
}

// ——— the queue ———

function queueInit(q: QueueModel): void {
  const form = $<HTMLFormElement>('form.filters');
  if (!form) return;
  const key = `jx-filters-${q.mode}`;
  const saved = JSON.parse(sessionStorage.getItem(key) ?? '{}') as Record<string, string>;
  for (const [k, v] of Object.entries(saved)) {
    const el = form.elements.namedItem(k) as HTMLInputElement | HTMLSelectElement | null;
    if (!el) continue;
    if (el instanceof HTMLInputElement && el.type === 'checkbox') el.checked = v === '1';
    else el.value = v;
  }
  const apply = () => {
    const f: Record<string, string> = {};
    for (const el of [...form.elements] as Array<HTMLInputElement | HTMLSelectElement>) {
      if (!el.name) continue;
      f[el.name] = el instanceof HTMLInputElement && el.type === 'checkbox' ? (el.checked ? '1' : '') : el.value;
    }
    sessionStorage.setItem(key, JSON.stringify(f));
    const shown = (model as QueueModel).entries.filter((e) => passes(e, f));
    $('table.queue tbody')!.innerHTML = queueRows(shown, q.mode, f.group === '1');
    $('form.filters .count')!.textContent = `${shown.length} of ${(model as QueueModel).entries.length} shown`;
  };
  form.addEventListener('input', apply);
  form.addEventListener('change', apply);
  apply();
  if (q.mode === 'serve') {
    watch(async () => {
      const r = await fetch('/api/queue');
      if (!r.ok || held()) return;
      model = (await r.json()) as QueueModel;
      const p = $('.progress');
      if (p) p.outerHTML = progressBar((model as QueueModel).progress);
      apply();
    });
  }
}

/** The folder's revision the view shows (the workspace). */
let seen: string | null = null;
/** Counts this tab's own changes: a poll started before one of them is stale when it returns. */
let ownChanges = 0;

/** After this tab's own change: the view already shows it. */
async function resync(): Promise<void> {
  ownChanges++;
  seen = await fetch('/api/revision').then((r) => r.text(), () => seen);
}

/** Nothing of the view may be replaced now: an edit is open or on its way. */
const held = () => editing != null || busy;

/** Calls `refresh` when the folder changed (another tab's edit, a run): polled, and on focus. */
function watch(refresh: () => Promise<void>): void {
  const check = async () => {
    if (document.hidden || held()) return;
    const gen = ownChanges;
    try {
      const rev = await fetch('/api/revision').then((r) => r.text());
      if (gen !== ownChanges || held()) return;
      if (seen != null && rev !== seen) await refresh();
      seen = rev;
    } catch {
      /* the server is gone: keep what is shown */
    }
  };
  void check();
  setInterval(check, 2000);
  document.addEventListener('visibilitychange', () => void check());
}

// ——— a document ———

let zoom = 1;
let selected: string | null = null;
let active: HTMLTableCellElement | null = null;
/** A correction on its way: the poll waits. */
let busy = false;
let editing: { td: HTMLTableCellElement; commit: () => Promise<void>; cancel: () => void } | null = null;

function docModel(): DocModel {
  return model as DocModel;
}

function setZoom(z: number, anchor?: { x: number; y: number }): void {
  const scroll = $('.vscroll');
  const pages = $('.vpages');
  if (!scroll || !pages) return;
  const old = zoom;
  zoom = Math.min(8, Math.max(1, z));
  // Keep the point under the anchor (or the centre) where it was.
  const ax = anchor?.x ?? scroll.clientWidth / 2;
  const ay = anchor?.y ?? scroll.clientHeight / 2;
  const fx = (scroll.scrollLeft + ax) / old;
  const fy = (scroll.scrollTop + ay) / old;
  pages.style.width = `${zoom * 100}%`;
  scroll.scrollLeft = fx * zoom - ax;
  scroll.scrollTop = fy * zoom - ay;
  $('.vbar .zoom')!.textContent = zoom === 1 ? 'fit' : `${Math.round(zoom * 100)}%`;
}

function rowOf(ref: string): HTMLElement | null {
  return $(`[data-ref="${ref}"].rec, tr[data-ref="${ref}"], h2[data-ref="${ref}"]`);
}

/** Selects a record: its row marked, its box highlighted and brought into view (zoomed to its table's width when it is small). */
function select(ref: string | null, opts: { scrollRow?: boolean } = {}): void {
  selected = ref;
  const row = ref ? rowOf(ref) : null;
  // The row stays where it is on screen while the strip under the previous one goes.
  const tables = $('#tables');
  const before = row?.getBoundingClientRect().top;
  for (const el of $$('.sel')) el.classList.remove('sel');
  $('tr.crop')?.remove();
  if (row && tables && before != null && !opts.scrollRow) tables.scrollTop += row.getBoundingClientRect().top - before;
  if (!ref) return;
  row?.classList.add('sel');
  if (row && opts.scrollRow) row.scrollIntoView({ block: 'center' });
  const box = $(`.box[data-ref="${ref}"]`);
  if (!box) return;
  box.classList.add('sel');
  const scroll = $('.vscroll')!;
  const fig = box.closest('figure')!;
  // Zoom so the row's table fills the viewer when the page is shown much smaller, never so far
  // that a tall box (a whole table, say) no longer fits the viewer's height.
  const bbox = (row?.dataset.bbox ?? '').split(',').map(Number);
  const w = Number(fig.dataset.w);
  if (bbox.length === 4 && zoom === 1) {
    const frac = (bbox[2]! - bbox[0]!) / w;
    const tall = box.getBoundingClientRect().height / (0.9 * scroll.clientHeight);
    let z = frac > 0 && frac < 0.95 ? Math.min(2.5, 0.95 / Math.max(frac, 0.4)) : 1;
    if (tall > 0) z = Math.min(z, 1 / tall);
    if (z > 1) setZoom(z);
  }
  const b = box.getBoundingClientRect();
  const s = scroll.getBoundingClientRect();
  // The box a third down the viewer, or higher when that would cut it off.
  const room = s.height - b.height;
  const above = room > 0 ? Math.min(s.height / 3, room / 2) : 8;
  scroll.scrollBy({ left: b.left - s.left - (s.width - b.width) / 2, top: b.top - s.top - above, behavior: 'instant' as ScrollBehavior });
  if (row instanceof HTMLTableRowElement) strip(row, fig as HTMLElement);
}

/** A strip of the page under the row: the row's part of the page at the table's width, to read side by side. */
function strip(row: HTMLTableRowElement, fig: HTMLElement): void {
  const img = fig.querySelector('img');
  const bbox = (row.dataset.bbox ?? '').split(',').map(Number);
  if (!img || bbox.length !== 4) return;
  const table = row.closest('table')!;
  const tw = table.clientWidth;
  const [x0, y0, x1, y1] = bbox as [number, number, number, number];
  const pw = Number(fig.dataset.w);
  const pad = 4;
  const scale = tw / (x1 - x0 + 2 * pad);
  const tr = document.createElement('tr');
  tr.className = 'crop';
  const td = document.createElement('td');
  td.colSpan = row.cells.length;
  const div = document.createElement('div');
  div.className = 'strip';
  div.style.setProperty('--h', `${Math.min(260, (y1 - y0 + 2 * pad) * scale)}px`);
  div.style.backgroundImage = `url("${img.getAttribute('src')}")`;
  div.style.backgroundSize = `${pw * scale}px auto`;
  div.style.backgroundPosition = `${-(x0 - pad) * scale}px ${-(y0 - pad) * scale}px`;
  div.title = 'the row on its source page';
  td.append(div);
  tr.append(td);
  row.after(tr);
}

function docInit(): void {
  const split = $('.split');
  const splitter = $('.splitter');
  if (split && splitter) {
    const saved = localStorage.getItem('jx-split');
    if (saved) split.style.setProperty('--left', saved);
    splitter.addEventListener('pointerdown', (e) => {
      splitter.setPointerCapture(e.pointerId);
      const move = (ev: PointerEvent) => {
        const pct = `${Math.min(80, Math.max(30, (100 * ev.clientX) / window.innerWidth)).toFixed(1)}%`;
        split.style.setProperty('--left', pct);
        localStorage.setItem('jx-split', pct);
      };
      splitter.addEventListener('pointermove', move);
      splitter.addEventListener('pointerup', () => splitter.removeEventListener('pointermove', move), { once: true });
    });
  }
  const scroll = $('.vscroll');
  if (scroll) {
    scroll.addEventListener('wheel', (e) => {
      if (!e.ctrlKey) return;
      e.preventDefault();
      const r = scroll.getBoundingClientRect();
      setZoom(zoom * (e.deltaY < 0 ? 1.15 : 1 / 1.15), { x: e.clientX - r.left, y: e.clientY - r.top });
    }, { passive: false });
    // Pan by dragging the page.
    scroll.addEventListener('pointerdown', (e) => {
      if (e.button !== 0) return;
      const start = { x: e.clientX, y: e.clientY, l: scroll.scrollLeft, t: scroll.scrollTop };
      scroll.setPointerCapture(e.pointerId);
      scroll.classList.add('panning');
      const move = (ev: PointerEvent) => {
        scroll.scrollLeft = start.l - (ev.clientX - start.x);
        scroll.scrollTop = start.t - (ev.clientY - start.y);
      };
      scroll.addEventListener('pointermove', move);
      scroll.addEventListener('pointerup', () => {
        scroll.removeEventListener('pointermove', move);
        scroll.classList.remove('panning');
      }, { once: true });
    });
  }
  if (selected) select(selected);
  else if (location.hash.startsWith('#r-')) {
    const row = $(location.hash);
    if (row?.dataset.ref) select(row.dataset.ref, { scrollRow: true });
  }
}

document.addEventListener('click', (e) => {
  const t = e.target as HTMLElement;
  const zoomBtn = t.closest<HTMLElement>('[data-zoom]');
  if (zoomBtn) {
    const z = zoomBtn.dataset.zoom;
    setZoom(z === 'fit' ? 1 : z === 'in' ? zoom * 1.25 : zoom / 1.25);
    return;
  }
  const go = t.closest<HTMLElement>('.goto');
  if (go) {
    e.preventDefault();
    if (go.dataset.goto) select(go.dataset.goto, { scrollRow: true });
    else if (go.dataset.page) $(`#page-${go.dataset.page}`)?.scrollIntoView({ block: 'start' });
    return;
  }
  if (!('doc' in model)) return;
  if (t.closest('button.mark')) return void mark(t.closest<HTMLElement>('button.mark')!.dataset.ref!);
  if (t.closest('button.undo')) return void undo();
  if (t.closest('button.ins')) return void insertRow(t.closest<HTMLElement>('tr, table')!);
  if (t.closest('button.del')) return void deleteRow(t.closest<HTMLTableRowElement>('tr')!);
  const td = t.closest<HTMLTableCellElement>('td');
  if (td && editing?.td === td) return;
  const rec = t.closest<HTMLElement>('[data-ref]');
  if (rec && t.closest('#tables')) {
    if (rec.dataset.ref !== selected || !$('tr.crop')) select(rec.dataset.ref!);
    if (td?.classList.contains('ed')) activate(td);
  }
});

document.addEventListener('dblclick', (e) => {
  const td = (e.target as HTMLElement).closest<HTMLTableCellElement>('td.ed');
  if (td) startEdit(td);
});

document.addEventListener('mouseover', (e) => {
  const rec = (e.target as HTMLElement).closest<HTMLElement>('#tables [data-ref]');
  for (const b of $$('.box.hover')) b.classList.remove('hover');
  if (rec) $(`.box[data-ref="${rec.dataset.ref}"]`)?.classList.add('hover');
});

// ——— editing (the workspace) ———

function activate(td: HTMLTableCellElement | null): void {
  active?.classList.remove('active');
  active = td;
  if (!td) return;
  td.classList.add('active');
  td.scrollIntoView({ block: 'nearest', inline: 'nearest' });
  const rec = td.closest<HTMLElement>('[data-ref]');
  if (rec && rec.dataset.ref !== selected) select(rec.dataset.ref!);
}

function editableCells(): HTMLTableCellElement[] {
  return $$<HTMLTableCellElement>('#tables td.ed');
}

/** The cell above/below (same column) or left/right. */
function neighbour(td: HTMLTableCellElement, dir: 'up' | 'down' | 'left' | 'right'): HTMLTableCellElement | null {
  if (dir === 'left' || dir === 'right') {
    const all = editableCells();
    const k = all.indexOf(td);
    return all[k + (dir === 'right' ? 1 : -1)] ?? null;
  }
  const row = td.parentElement as HTMLTableRowElement;
  let r: Element | null = row;
  for (;;) {
    r = dir === 'down' ? r.nextElementSibling : r.previousElementSibling;
    if (!r) return null;
    if (r.classList.contains('crop')) continue;
    const c = (r as HTMLTableRowElement).cells[td.cellIndex];
    if (c?.classList.contains('ed')) return c as HTMLTableCellElement;
    if (r.querySelector('td.ed')) return (r.querySelector('td.ed') as HTMLTableCellElement);
  }
}

type Kind = 'text' | 'multiline' | 'int' | 'number' | 'bool' | 'value' | 'list' | 'plan';

function kindOf(table: TargetTable, field: string): Kind {
  if (field === 'value') return 'value';
  if (field === 'goals') return 'list';
  if (field === 'spending_plan') return 'plan';
  if (field === 'draft') return 'bool';
  if (field === 'year' || (table === 'projects' && field === 'seq')) return 'int';
  if (field.startsWith('budget_')) return 'number';
  if (['overall_goal', 'explanation', 'goal', 'indicator'].includes(field) || (table === 'safeguards' && field === 'text')) return 'multiline';
  return 'text';
}

/** The text a person edits for a value of a field. */
function toText(kind: Kind, v: unknown): string {
  if (v == null) return '';
  if (kind === 'list') return (v as string[]).join('\n');
  if (kind === 'plan') return (v as Array<{ period: string; value: string | null }>).map((p) => `${p.period}: ${p.value ?? ''}`).join('\n');
  return String(v);
}

/** The value a person's text means for a field (the extractor's cleaning applied), or an error. */
function fromText(kind: Kind, s: string): { value: unknown } | { error: string } {
  const t = s.trim();
  switch (kind) {
    case 'text':
      return { value: t === '' ? null : cleanText(t) };
    case 'multiline':
      return { value: t === '' ? null : t.split('\n').map((l) => cleanText(l)).filter(Boolean).join('\n') };
    case 'int':
    case 'number': {
      if (t === '') return { value: null };
      const n = Number(t.replace(/,/g, ''));
      if (!Number.isFinite(n) || (kind === 'int' && !Number.isInteger(n))) return { error: `not a ${kind === 'int' ? 'whole number' : 'number'}: ${t}` };
      return { value: n };
    }
    case 'bool':
      return /^(true|1|是|yes)$/i.test(t) ? { value: true } : /^(false|0|否|no|)$/i.test(t) ? { value: false } : { error: 'true or false' };
    case 'list':
      return { value: t.split('\n').map((l) => cleanText(l)).filter(Boolean) };
    case 'plan':
      return {
        value: t.split('\n').filter((l) => l.trim()).map((l) => {
          const k = l.search(/[:：]/);
          const period = cleanText(k < 0 ? l : l.slice(0, k));
          const value = k < 0 ? '' : cleanText(l.slice(k + 1));
          return { period, value: value === '' || value === '–' ? null : value };
        }),
      };
    case 'value':
      return { error: 'value is edited in its parts' };
  }
}

function startEdit(td: HTMLTableCellElement, typed?: string): void {
  if (editing) return;
  const rec = td.closest<HTMLElement>('[data-ref]')!;
  const ref = rec.dataset.ref!;
  const target = targetOf(ref);
  const field = td.dataset.field!;
  const kind = kindOf(target.table, field);
  const current = JSON.parse(td.dataset.value ?? 'null') as unknown;
  activate(td);
  const original = td.innerHTML;
  td.classList.add('editing');
  const row = td.closest('tr');
  const valCell = field === 'value_raw' ? row?.querySelector<HTMLTableCellElement>('td[data-field="value"]') : null;
  const valOriginal = valCell?.innerHTML ?? '';
  let read: () => { value: unknown } | { error: string };
  if (kind === 'value') {
    const v = (current ?? { symbol: null, number: null, unit: null, text: null }) as { symbol: string | null; number: number | null; unit: string | null; text: string | null };
    td.innerHTML = `<select class="v-sym">${['', '≥', '≤', '>', '<', '='].map((s) => `<option${s === (v.symbol ?? '') ? ' selected' : ''}>${s}</option>`).join('')}</select><input class="v-num" placeholder="number" value="${v.number ?? ''}"><input class="v-unit" placeholder="unit" value="${v.unit ?? ''}"><input class="v-text" placeholder="text" value="${(v.text ?? '').replace(/"/g, '&quot;')}">`;
    read = () => {
      const num = td.querySelector<HTMLInputElement>('.v-num')!.value.trim();
      const n = num === '' ? null : Number(num);
      if (n != null && !Number.isFinite(n)) return { error: `not a number: ${num}` };
      const str = (cls: string) => cleanText(td.querySelector<HTMLInputElement>(cls)!.value) || null;
      return { value: { symbol: td.querySelector<HTMLSelectElement>('.v-sym')!.value || null, number: n, unit: str('.v-unit'), text: str('.v-text') } };
    };
  } else {
    const multi = kind === 'multiline' || kind === 'list' || kind === 'plan';
    const input = document.createElement(multi ? 'textarea' : 'input') as HTMLInputElement | HTMLTextAreaElement;
    input.value = typed ?? toText(kind, current);
    if (multi) (input as HTMLTextAreaElement).rows = Math.min(12, Math.max(3, input.value.split('\n').length + 1));
    td.textContent = '';
    td.append(input);
    read = () => fromText(kind, input.value);
    if (valCell) {
      // values.md, live: the raw value parsed as the extractor parses it.
      const preview = () => {
        const v = parseValue(input.value);
        valCell.classList.add('preview');
        valCell.innerHTML = ['sym', 'numv', 'unit', 'vtext'].map((c, k) => `<span class="${c}">${[v.symbol, v.number, v.unit, v.text][k] ?? ''}</span>`).join('');
      };
      input.addEventListener('input', preview);
      preview();
    }
  }
  const focusable = td.querySelector<HTMLElement>('input, textarea, select')!;
  focusable.focus();
  if (focusable instanceof HTMLInputElement && typed == null) focusable.select();
  const restore = () => {
    td.classList.remove('editing');
    td.innerHTML = original;
    if (valCell) {
      valCell.classList.remove('preview');
      valCell.innerHTML = valOriginal;
    }
  };
  editing = {
    td,
    cancel: () => {
      editing = null;
      restore();
      td.focus();
    },
    commit: async () => {
      const r = read();
      if ('error' in r) {
        toast(r.error, true);
        return;
      }
      editing = null;
      if (JSON.stringify(r.value) === JSON.stringify(current)) return void restore();
      td.innerHTML = '…';
      await propose({ target, op: 'set', field, before: current, after: r.value }, td);
    },
  };
}

/** The record a target names in the shown document, for a correction's `match`. */
function matchFor(t: Target): Record<string, unknown> {
  const rec = recordAt(docModel().doc, t);
  return rec ? matchOf(t.table, rec) : {};
}

/** Sends a correction; the answer is the document as corrected now (or, when the base moved, as it is now). */
async function propose(line: { target: Target; op: string; field?: string; before?: unknown; after?: unknown; match?: Record<string, unknown> }, td?: HTMLTableCellElement): Promise<void> {
  const m = docModel();
  const body = { match: matchFor(line.target), ...line };
  const cellKey = td ? { ref: td.closest<HTMLElement>('[data-ref]')!.dataset.ref!, field: td.dataset.field! } : null;
  status('saving…');
  busy = true;
  ownChanges++;
  let r: Response;
  let answer: { model?: DocModel; id?: string; status?: string; reason?: string; error?: string };
  try {
    r = await fetch(`/api/doc/${m.doc.doc_id}/corrections`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    answer = (await r.json()) as typeof answer;
    if (answer.model) rerender(answer.model, cellKey);
    await resync();
  } finally {
    busy = false;
  }
  if (r.ok && answer.id) {
    pushUndo(answer.id);
    status(`saved ${answer.id}`);
  } else if (r.ok) status(answer.reason ?? 'nothing to change');
  else {
    status('');
    toast(`Not saved: ${answer.reason ?? answer.error ?? r.statusText}. The view now shows the document as it is.`, true);
  }
}

function undoKey(): string {
  return `jx-undo-${docModel().doc.doc_id}`;
}
function pushUndo(id: string): void {
  const stack = JSON.parse(sessionStorage.getItem(undoKey()) ?? '[]') as string[];
  stack.push(id);
  sessionStorage.setItem(undoKey(), JSON.stringify(stack));
}

async function undo(): Promise<void> {
  const stack = JSON.parse(sessionStorage.getItem(undoKey()) ?? '[]') as string[];
  const id = stack.pop();
  if (!id) return toast('nothing of yours to undo in this document');
  sessionStorage.setItem(undoKey(), JSON.stringify(stack));
  status('undoing…');
  busy = true;
  ownChanges++;
  let r: Response;
  let answer: { model?: DocModel; id?: string; reason?: string; error?: string };
  try {
    r = await fetch(`/api/doc/${docModel().doc.doc_id}/undo`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ id }) });
    answer = (await r.json()) as typeof answer;
    if (answer.model) rerender(answer.model, null);
    await resync();
  } finally {
    busy = false;
  }
  if (r.ok) status(`undone ${id}`);
  else toast(`Cannot undo ${id}: ${answer.reason ?? answer.error}`, true);
}

async function mark(ref: string): Promise<void> {
  const t = targetOf(ref);
  const rec = t.table === 'documents' ? docModel().doc.document : recordAt(docModel().doc, t);
  const on = (rec as { reviewed?: unknown } | undefined)?.reviewed != null;
  await propose({ target: t, op: 'reviewed', ...(on ? { after: false } : {}) });
}

function insertRow(at: HTMLElement): void {
  const table = at.closest('table')!;
  const project = Number(table.dataset.project);
  const row = at.closest<HTMLElement>('tr[data-ref]');
  const seq = row ? targetOf(row.dataset.ref!).indicator_seq! + 1 : 1;
  const above = row ? recordAt(docModel().doc, targetOf(row.dataset.ref!)) : undefined;
  void propose({ target: { table: 'indicators', project_seq: project, indicator_seq: seq }, op: 'insert', after: { level1: above?.level1 ?? null, level2: above?.level2 ?? null, level3: null, description: null, value_raw: null, basis: null } });
}

function deleteRow(row: HTMLTableRowElement): void {
  const t = targetOf(row.dataset.ref!);
  const rec = recordAt(docModel().doc, t);
  if (!rec || !confirm(`Delete row ${t.indicator_seq ?? t.item_seq}? (the document does not have it)`)) return;
  // The row is named by every field a person sees, so no other row can be taken for it.
  const match = Object.fromEntries(['level1', 'level2', 'level3', 'description', 'value_raw', 'basis'].map((f) => [f, rec[f] ?? null]));
  void propose({ target: t, op: 'delete', match });
}

/** Shows a new model, keeping the place: the selected record, the active cell, the scroll positions. */
function rerender(m: DocModel, cellKey: { ref: string; field: string } | null): void {
  const tables = $('#tables');
  const scroll = $('.vscroll');
  const pos = { t: tables?.scrollTop ?? 0, vl: scroll?.scrollLeft ?? 0, vt: scroll?.scrollTop ?? 0 };
  const key = cellKey ?? (active ? { ref: active.closest<HTMLElement>('[data-ref]')?.dataset.ref ?? '', field: active.dataset.field ?? '' } : null);
  model = m;
  $('#app')!.innerHTML = documentPage(m);
  active = null;
  docInit();
  setZoom(zoom);
  const t2 = $('#tables');
  const s2 = $('.vscroll');
  if (t2) t2.scrollTop = pos.t;
  if (s2) {
    s2.scrollLeft = pos.vl;
    s2.scrollTop = pos.vt;
  }
  if (key) {
    const td = $<HTMLTableCellElement>(`[data-ref="${key.ref}"] td[data-field="${key.field}"]`);
    if (td) activate(td);
  }
}

document.addEventListener('keydown', (e) => {
  if (!('doc' in model) || model.mode !== 'serve') return;
  if (editing) {
    if (e.key === 'Escape') {
      e.preventDefault();
      editing.cancel();
    } else if (e.key === 'Enter' && !e.shiftKey && !(editing.td.querySelector('textarea') && !e.ctrlKey)) {
      e.preventDefault();
      const td = editing.td;
      void editing.commit().then(() => {
        const ref = td.closest<HTMLElement>('[data-ref]')?.dataset.ref;
        const cur = ref ? $<HTMLTableCellElement>(`[data-ref="${ref}"] td[data-field="${td.dataset.field}"]`) : null;
        if (cur) activate(neighbour(cur, 'down') ?? cur);
      });
    } else if (e.key === 'Tab' && !editing.td.querySelector('.v-num')) {
      e.preventDefault();
      const td = editing.td;
      void editing.commit().then(() => {
        const ref = td.closest<HTMLElement>('[data-ref]')?.dataset.ref;
        const cur = ref ? $<HTMLTableCellElement>(`[data-ref="${ref}"] td[data-field="${td.dataset.field}"]`) : null;
        if (cur) activate(neighbour(cur, e.shiftKey ? 'left' : 'right') ?? cur);
      });
    }
    return;
  }
  const inField = (e.target as HTMLElement).closest('input, textarea, select, form');
  if (inField) return;
  if ((e.ctrlKey || e.metaKey) && e.key === 'z') {
    e.preventDefault();
    void undo();
    return;
  }
  if (e.key === '+' || e.key === '=') return setZoom(zoom * 1.25);
  if (e.key === '-') return setZoom(zoom / 1.25);
  if (e.key === '0') return setZoom(1);
  if (!active) {
    if (['ArrowDown', 'ArrowRight', 'Tab'].includes(e.key)) {
      e.preventDefault();
      activate(editableCells()[0] ?? null);
    }
    return;
  }
  const moves: Record<string, 'up' | 'down' | 'left' | 'right'> = { ArrowUp: 'up', ArrowDown: 'down', ArrowLeft: 'left', ArrowRight: 'right' };
  if (moves[e.key]) {
    e.preventDefault();
    activate(neighbour(active, moves[e.key]!) ?? active);
  } else if (e.key === 'Tab') {
    e.preventDefault();
    activate(neighbour(active, e.shiftKey ? 'left' : 'right') ?? active);
  } else if (e.key === 'Enter' || e.key === 'F2') {
    e.preventDefault();
    startEdit(active);
  } else if (e.key === 'r' || e.key === 'R') {
    const sec = active.closest<HTMLElement>('section.tsec');
    if (sec?.dataset.ref) void mark(sec.dataset.ref);
  } else if (e.key.length === 1 && !e.ctrlKey && !e.metaKey && !e.altKey && active.dataset.field !== 'value') {
    e.preventDefault();
    startEdit(active, e.key);
  }
});

if ('entries' in model) queueInit(model);
else {
  docInit();
  if (model.mode === 'serve') {
    const id = model.doc.doc_id;
    watch(async () => {
      const gen = ownChanges;
      const r = await fetch(`/api/doc/${id}`);
      if (r.ok && gen === ownChanges && !held()) {
        rerender((await r.json()) as DocModel, null);
        status('updated from another tab or run');
      }
    });
  }
}

// Exposed for the end-to-end tests and the console.
(window as unknown as { jixiao: unknown }).jixiao = { select, setZoom, refOf, get zoom() { return zoom; } };
