/**
 * The source pages of the review views: the PDF pages a document's records point at, drawn by
 * pdf.js (render.ts) from the source file when it is still where the manifest or the document
 * says, with the same sha256, and cached in `review/pages/<doc_id>/` (with their size in PDF
 * points, the unit of every bbox) for the static report and the workspace alike.
 *
 * Format and size were chosen by measurement (`npm run bench -- --only pages`, README "Review
 * report"): from ×1.5 (108 dpi) on, jixiao's own OCR reads as many characters of the table
 * pages' small print as from a lossless image at any size (below it, fewer); WebP is the
 * smallest encoding at every scale and quality 60 loses nothing measurable: 75 KB a page,
 * against 268 KB for PNG at the same scale.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { Manifest } from '../batch/manifest.js';
import type { DocumentRecord, Loc } from '../schema.js';
import { pushTo } from '../util.js';
import { writeFileAtomic } from '../writers/atomic.js';
import { renderPages } from './render.js';

export const REVIEW_DIR = 'review';

/** How page images are encoded (see the module comment). */
export const PAGE_IMAGE = { format: 'webp', quality: 60, scale: 1.5 } as const;

export const PAGE_TYPE = `image/${PAGE_IMAGE.format}`;

/** A page's size in PDF points. */
export interface PageSize {
  page: number;
  width: number;
  height: number;
}

interface Meta {
  sha256: string;
  format: string;
  quality: number;
  scale: number;
  sizes: Record<string, { width: number; height: number }>;
}

/** Every page some record of the document points at. */
export function referencedPages(d: DocumentRecord): number[] {
  const locs: Array<Loc | null> = [
    ...d.projects.flatMap((p) => [p.loc, ...p.indicators.map((i) => i.loc)]),
    ...d.part_one.sub_goals.map((g) => g.loc),
    ...d.part_one.safeguards.map((g) => g.loc),
    ...d.part_one.dept_indicators.map((i) => i.loc),
    ...d.warnings.map((w) => w.loc),
  ];
  const pages = new Set<number>();
  for (const l of locs) {
    if (l?.page == null) continue;
    for (let p = l.page; p <= (l.page_end ?? l.page); p++) pages.add(p);
  }
  return [...pages].sort((a, b) => a - b);
}

/** Page images of an output folder's documents. */
export class PageStore {
  private known: Promise<Map<string, string[]>> | null = null;
  /** Pages drawn one at a time (pdf.js runs in this thread); sizes are read beside. */
  private drawing: Promise<unknown> = Promise.resolve();
  /** What is known of each document's pages (one object per document, shared by every request). */
  private metas = new Map<string, Meta>();

  constructor(private readonly outDir: string) {}

  private dir(docId: string): string {
    return path.join(this.outDir, REVIEW_DIR, 'pages', docId);
  }

  /** The image file of a page, relative to the review folder. */
  static file(docId: string, page: number): string {
    return `pages/${docId}/p${page}.${PAGE_IMAGE.format}`;
  }

  /** Absolute input paths by sha256, from the output folder's manifest. */
  private async manifestPaths(): Promise<Map<string, string[]>> {
    const out = new Map<string, string[]>();
    const { entries } = await Manifest.read(path.join(this.outDir, 'manifest.jsonl'));
    for (const e of entries.values()) if (e.status === 'done') pushTo(out, e.sha256, e.path);
    return out;
  }

  /** The source file's bytes when it is still where the manifest or the document says, unchanged. */
  private async sourceBytes(d: DocumentRecord): Promise<Buffer | null> {
    this.known ??= this.manifestPaths();
    const candidates = [
      ...((await this.known).get(d.source.sha256) ?? []),
      ...(path.isAbsolute(d.source.path) ? [d.source.path] : [path.resolve(d.source.path), path.resolve(this.outDir, '..', d.source.path)]),
    ];
    for (const c of candidates) {
      if (!existsSync(c)) continue;
      const bytes = await readFile(c);
      if (createHash('sha256').update(bytes).digest('hex') === d.source.sha256) return bytes;
    }
    return null;
  }

  private async meta(d: DocumentRecord): Promise<Meta | null> {
    const held = this.metas.get(d.doc_id);
    if (held?.sha256 === d.source.sha256) return held;
    const m = await readFile(path.join(this.dir(d.doc_id), 'meta.json'), 'utf8').then((t) => JSON.parse(t) as Meta, () => null);
    const ok = m && m.sha256 === d.source.sha256 && m.format === PAGE_IMAGE.format && m.quality === PAGE_IMAGE.quality && m.scale === PAGE_IMAGE.scale ? m : null;
    if (ok) this.metas.set(d.doc_id, ok);
    return ok;
  }

  /**
   * Draws the pages not yet cached (all of `pages`, or only their sizes when `sizesOnly`) and
   * returns the sizes of those that exist; [] when the source is not found or not a PDF.
   */
  async ensure(d: DocumentRecord, pages: readonly number[], sizesOnly = false): Promise<PageSize[]> {
    if (d.source.format !== 'pdf' || pages.length === 0) return [];
    if (sizesOnly) return this.ensureNow(d, pages, true);
    const run = this.drawing.then(() => this.ensureNow(d, pages, false));
    this.drawing = run.catch(() => undefined);
    return run;
  }

  private async ensureNow(d: DocumentRecord, pages: readonly number[], sizesOnly: boolean): Promise<PageSize[]> {
    const dir = this.dir(d.doc_id);
    let meta = await this.meta(d);
    const missing = pages.filter((p) => !meta?.sizes[p] || (!sizesOnly && !existsSync(path.join(dir, `p${p}.${PAGE_IMAGE.format}`))));
    if (missing.length) {
      const bytes = await this.sourceBytes(d);
      if (!bytes) return [];
      meta = await this.meta(d); // another request may have made it meanwhile
      if (!meta) {
        await rm(dir, { recursive: true, force: true });
        meta = { sha256: d.source.sha256, format: PAGE_IMAGE.format, quality: PAGE_IMAGE.quality, scale: PAGE_IMAGE.scale, sizes: {} };
        this.metas.set(d.doc_id, meta);
      }
      await mkdir(dir, { recursive: true });
      for (const img of await renderPages(bytes, missing, { ...PAGE_IMAGE, sizesOnly })) {
        meta.sizes[img.page] = { width: img.width, height: img.height };
        if (img.data) await writeFileAtomic(path.join(dir, `p${img.page}.${PAGE_IMAGE.format}`), img.data);
      }
      await writeFileAtomic(path.join(dir, 'meta.json'), JSON.stringify(meta));
    }
    return pages.filter((p) => meta!.sizes[p]).map((p) => ({ page: p, ...meta!.sizes[p]! }));
  }

  /** A page's image bytes (drawn now if not cached), or null. */
  async image(d: DocumentRecord, page: number): Promise<Buffer | null> {
    const sizes = await this.ensure(d, [page]);
    if (sizes.length === 0) return null;
    return readFile(path.join(this.outDir, REVIEW_DIR, PageStore.file(d.doc_id, page))).catch(() => null);
  }
}
