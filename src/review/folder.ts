/**
 * An output folder as the review views see it: each document as extracted (docs/, or its copy
 * in extracted/) with the lines of corrections.jsonl applied by the same function every run
 * uses (../corrections/apply.ts), so the views show what the next run will write; the queue
 * over the batch; the failed inputs. Files are read again only when they change, so the
 * workspace follows edits from other tabs and runs that rewrite the folder.
 */
import { existsSync } from 'node:fs';
import { readFile, readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { applyCorrections } from '../corrections/apply.js';
import { CORRECTIONS_FILE, readCorrections } from '../corrections/file.js';
import { linesByDocument } from '../corrections/folder.js';
import type { Correction, CorrectionLine } from '../corrections/model.js';
import type { DocumentRecord } from '../schema.js';
import { DOCS_DIR, EXTRACTED_DIR } from '../writers/document.js';
import { type DocModel, type LineView, type PageRef, type QueueEntry, type QueueModel, lineViews, progressOf, queueEntry, queueOrder } from './model.js';
import { PageStore, referencedPages } from './pages.js';

/** A document as corrected so far, with its lines and their outcomes. */
export interface DocState {
  /** As extracted. */
  base: DocumentRecord;
  doc: DocumentRecord;
  lines: LineView[];
}

const stamp = (file: string) => stat(file).then((s) => `${s.mtimeMs}:${s.size}`, () => 'none');

export class ReviewFolder {
  readonly pages: PageStore;
  private linesCache: { stamp: string; lines: CorrectionLine[]; byDoc: Map<string, CorrectionLine[]> } | null = null;
  private bases = new Map<string, { stamp: string; doc: DocumentRecord }>();
  private entries = new Map<string, { key: string; entry: QueueEntry }>();
  /** The last queue, with the folder's revision it was made at. */
  private lastQueue: { revision: string; queue: Omit<QueueModel, 'mode'> } | null = null;

  constructor(readonly outDir: string) {
    if (!existsSync(path.join(outDir, DOCS_DIR))) throw new Error(`${outDir} is not a jixiao output folder (no docs/)`);
    this.pages = new PageStore(outDir);
  }

  /** Changes whenever corrections.jsonl or a document changes (the workspace polls it). */
  async revision(): Promise<string> {
    const docs = path.join(this.outDir, DOCS_DIR);
    return [await stamp(path.join(this.outDir, CORRECTIONS_FILE)), await stamp(docs), await stamp(path.join(this.outDir, 'manifest.jsonl'))].join('|');
  }

  async docIds(): Promise<string[]> {
    return (await readdir(path.join(this.outDir, DOCS_DIR))).filter((f) => /^[0-9a-f]{16}\.json$/.test(f)).map((f) => f.slice(0, 16)).sort();
  }

  async lines(): Promise<{ lines: CorrectionLine[]; byDoc: Map<string, CorrectionLine[]>; stamp: string }> {
    const s = await stamp(path.join(this.outDir, CORRECTIONS_FILE));
    if (this.linesCache?.stamp !== s) {
      const lines = await readCorrections(this.outDir);
      this.linesCache = { stamp: s, lines, byDoc: linesByDocument(lines) };
    }
    return this.linesCache;
  }

  /** The document as extracted (extracted/ holds it when docs/ holds it corrected). */
  async base(docId: string): Promise<DocumentRecord | null> {
    if (!/^[0-9a-f]{16}$/.test(docId)) return null;
    const kept = path.join(this.outDir, EXTRACTED_DIR, `${docId}.json`);
    const file = existsSync(kept) ? kept : path.join(this.outDir, DOCS_DIR, `${docId}.json`);
    const s = `${file}:${await stamp(file)}`;
    const cached = this.bases.get(docId);
    if (cached?.stamp === s) return cached.doc;
    const doc = await readFile(file, 'utf8').then((t) => JSON.parse(t) as DocumentRecord, () => null);
    if (doc) this.bases.set(docId, { stamp: s, doc });
    return doc;
  }

  /** The document with its lines applied (plus, when given, one more line to try). */
  async state(docId: string, extra: Correction[] = []): Promise<DocState | null> {
    const base = await this.base(docId);
    if (!base) return null;
    const own = (await this.lines()).byDoc.get(docId) ?? [];
    const all = [...own.map((l) => ({ seq: l.seq, correction: l.correction! })), ...extra.map((c) => ({ seq: 0, correction: c }))];
    const { doc, outcomes } = applyCorrections(base, all.map((l) => l.correction));
    return { base, doc, lines: lineViews(all, outcomes) };
  }

  async queue(mode: QueueModel['mode']): Promise<QueueModel> {
    const revision = await this.revision();
    if (this.lastQueue?.revision === revision) return { ...this.lastQueue.queue, mode };
    const q = await this.buildQueue();
    this.lastQueue = { revision, queue: q };
    return { ...q, mode };
  }

  private async buildQueue(): Promise<Omit<QueueModel, 'mode'>> {
    const { byDoc, stamp: linesStamp } = await this.lines();
    const entries: QueueEntry[] = [];
    const ids = await this.docIds();
    for (const id of ids) {
      const file = existsSync(path.join(this.outDir, EXTRACTED_DIR, `${id}.json`)) ? path.join(this.outDir, EXTRACTED_DIR, `${id}.json`) : path.join(this.outDir, DOCS_DIR, `${id}.json`);
      const own = byDoc.get(id) ?? [];
      const key = `${await stamp(file)}|${own.length ? linesStamp : ''}`;
      let cached = this.entries.get(id);
      if (cached?.key !== key) {
        const st = await this.state(id);
        if (!st) continue;
        cached = { key, entry: { ...queueEntry(st.doc), corrections: own.length } };
        this.entries.set(id, cached);
      }
      entries.push(cached.entry);
    }
    for (const id of this.entries.keys()) if (!ids.includes(id)) this.entries.delete(id);
    entries.sort(queueOrder);
    return { entries, failed: await this.failed(), progress: progressOf(entries) };
  }

  private async failed(): Promise<QueueModel['failed']> {
    const text = await readFile(path.join(this.outDir, 'errors.jsonl'), 'utf8').catch(() => '');
    return text.split('\n').filter(Boolean).map((l) => JSON.parse(l) as { path: string; kind: string; reason: string });
  }

  /**
   * A document's view model. `src` gives each page image's address; `images` false gives
   * pages only when their images are already cached (never draws).
   */
  async docModel(docId: string, mode: DocModel['mode'], src: (docId: string, page: number) => string, opts: { images: boolean; draw: boolean }): Promise<DocModel | null> {
    const st = await this.state(docId);
    if (!st) return null;
    return this.modelOf(st, mode, src, opts);
  }

  async modelOf(st: DocState, mode: DocModel['mode'], src: (docId: string, page: number) => string, opts: { images: boolean; draw: boolean }): Promise<DocModel> {
    const wanted = referencedPages(st.doc);
    const sizes = opts.images ? await this.pages.ensure(st.doc, wanted, !opts.draw) : [];
    const pages: PageRef[] = sizes.map((s) => ({ ...s, src: src(st.doc.doc_id, s.page) }));
    return { doc: st.doc, lines: st.lines, pages, mode, progress: null };
  }
}
