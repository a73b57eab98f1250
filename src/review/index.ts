/**
 * `jixiao review <output folder>`: the static, read-only export of the review views (the same
 * views as the `jixiao serve` workspace, views.ts): `review/index.html`, the queue of what to
 * check with its filters and renditions grouped; `review/<doc_id>.html`, each document's
 * tables beside its source pages with every record's box; `review/pages/<doc_id>/`, the page
 * images (pages.ts); `review/app.js` and `app.css`. Documents are shown as corrected so far
 * (corrections.jsonl applied, as the next run will write them). Everything is local: it opens
 * offline, from file://.
 */
import { mkdir, readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { writeFileAtomic } from '../writers/atomic.js';
import { APP_CSS, appScript } from './assets.js';
import { ReviewFolder } from './folder.js';
import type { DocModel } from './model.js';
import { PageStore, REVIEW_DIR } from './pages.js';
import { documentPage, queuePage, shell } from './views.js';

export { REVIEW_DIR };

export interface ReviewOptions {
  /** Draw source pages (PDF inputs); off: tables and provenance only. */
  images: boolean;
  /** Called after each document. */
  onDocument?: (done: number, total: number) => void;
}

export const DEFAULT_REVIEW: ReviewOptions = { images: true };

export interface ReviewSummary {
  documents: number;
  pages: number;
  index: string;
}

const ASSETS = { css: 'app.css', js: 'app.js' };

export async function writeReview(outDir: string, opts: ReviewOptions = DEFAULT_REVIEW): Promise<ReviewSummary> {
  const folder = new ReviewFolder(outDir);
  const reviewDir = path.join(outDir, REVIEW_DIR);
  await mkdir(reviewDir, { recursive: true });
  await writeFileAtomic(path.join(reviewDir, ASSETS.js), await appScript());
  await writeFileAtomic(path.join(reviewDir, ASSETS.css), APP_CSS);
  const queue = await folder.queue('static');
  const ids = queue.entries.map((e) => e.doc_id);
  let pageCount = 0;
  for (const [k, id] of ids.entries()) {
    const m = (await folder.docModel(id, 'static', (d, p) => PageStore.file(d, p), { images: opts.images, draw: true }))!;
    m.progress = queue.progress;
    pageCount += m.pages.length;
    // The page's script needs no data beyond the view itself in the report (it does not edit).
    const stub: DocModel = { doc: { doc_id: id } as DocModel['doc'], lines: [], pages: [], mode: 'static', progress: null };
    await writeFileAtomic(path.join(reviewDir, `${id}.html`), shell(m.doc.document.title ?? m.doc.doc_id, documentPage(m), stub, ASSETS));
    opts.onDocument?.(k + 1, ids.length);
  }
  // Pages and views of documents no longer in the folder.
  const keep = new Set(ids);
  for (const f of await readdir(reviewDir)) if (/^[0-9a-f]{16}\.html$/.test(f) && !keep.has(f.slice(0, 16))) await rm(path.join(reviewDir, f), { force: true });
  for (const d of await readdir(path.join(reviewDir, 'pages')).catch(() => [] as string[])) if (!keep.has(d)) await rm(path.join(reviewDir, 'pages', d), { recursive: true, force: true });
  const index = path.join(reviewDir, 'index.html');
  await writeFileAtomic(index, shell('jixiao review', queuePage(queue), queue, ASSETS));
  return { documents: ids.length, pages: pageCount, index };
}
