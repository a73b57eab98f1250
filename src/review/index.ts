/**
 * `jixiao review <output folder>`: a static HTML report over a finished output folder, for a
 * person to check the extraction against the sources. Reads `docs/*.json` and `errors.jsonl`,
 * renders the source pages that records point at (PDF inputs whose file is still where the
 * output says, with the same sha256), and writes `review/index.html`, `review/<doc_id>.html`
 * and `review/pages/<doc_id>/p<N>.png`. Everything is local: it opens offline.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import type { DocumentRecord, Loc } from '../schema.js';
import { writeFileAtomic } from '../writers/atomic.js';
import { type IndexEntry, type PageRef, documentPage, indexPage } from './html.js';
import { renderPages } from './render.js';
import { Manifest } from '../batch/manifest.js';
import { pushTo } from '../util.js';

export const REVIEW_DIR = 'review';

export interface ReviewOptions {
  /** Render source pages (PDF inputs); off: tables and provenance only. */
  images: boolean;
  /** Scale of the page images (1 = 72 dpi). */
  scale: number;
  /** Called after each document. */
  onDocument?: (done: number, total: number) => void;
}

export const DEFAULT_REVIEW: ReviewOptions = { images: true, scale: 1.5 };

export interface ReviewSummary {
  documents: number;
  pages: number;
  index: string;
}

/** Every page some record of the document points at. */
function referencedPages(d: DocumentRecord): number[] {
  const locs: Array<Loc | null> = [
    ...d.projects.flatMap((p) => [p.loc, ...p.indicators.map((i) => i.loc)]),
    ...d.part_one.sub_goals.map((g) => g.loc),
    ...d.part_one.safeguards.map((g) => g.loc),
    ...d.part_one.dept_indicators.map((i) => i.loc),
  ];
  const pages = new Set<number>();
  for (const l of locs) {
    if (l?.page == null) continue;
    for (let p = l.page; p <= (l.page_end ?? l.page); p++) pages.add(p);
  }
  return [...pages].sort((a, b) => a - b);
}

/** Absolute input paths by sha256, from the output folder's manifest. */
async function manifestPaths(outDir: string): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>();
  const { entries } = await Manifest.read(path.join(outDir, 'manifest.jsonl'));
  for (const e of entries.values()) if (e.status === 'done') pushTo(out, e.sha256, e.path);
  return out;
}

/** The source file's bytes when it is still where the manifest or the document says, unchanged. */
async function sourceBytes(d: DocumentRecord, outDir: string, known: Map<string, string[]>): Promise<Buffer | null> {
  const candidates = [
    ...(known.get(d.source.sha256) ?? []),
    ...(path.isAbsolute(d.source.path) ? [d.source.path] : [path.resolve(d.source.path), path.resolve(outDir, '..', d.source.path)]),
  ];
  for (const c of candidates) {
    if (!existsSync(c)) continue;
    const bytes = await readFile(c);
    if (createHash('sha256').update(bytes).digest('hex') === d.source.sha256) return bytes;
  }
  return null;
}

export async function writeReview(outDir: string, opts: ReviewOptions = DEFAULT_REVIEW): Promise<ReviewSummary> {
  const docsDir = path.join(outDir, 'docs');
  if (!existsSync(docsDir)) throw new Error(`${outDir} is not a jixiao output folder (no docs/)`);
  const reviewDir = path.join(outDir, REVIEW_DIR);
  await mkdir(reviewDir, { recursive: true });
  const files = (await readdir(docsDir)).filter((f) => f.endsWith('.json')).sort();
  const entries: IndexEntry[] = [];
  const known = await manifestPaths(outDir);
  let pageCount = 0;
  for (const [k, f] of files.entries()) {
    const doc = JSON.parse(await readFile(path.join(docsDir, f), 'utf8')) as DocumentRecord;
    const refs: PageRef[] = [];
    const pagesDir = path.join(reviewDir, 'pages', doc.doc_id);
    await rm(pagesDir, { recursive: true, force: true });
    if (opts.images && doc.source.format === 'pdf') {
      const bytes = await sourceBytes(doc, outDir, known);
      if (bytes) {
        await mkdir(pagesDir, { recursive: true });
        for (const img of await renderPages(bytes, referencedPages(doc), opts.scale)) {
          await writeFileAtomic(path.join(pagesDir, `p${img.page}.png`), img.png);
          refs.push({ page: img.page, src: `pages/${doc.doc_id}/p${img.page}.png`, width: img.width, height: img.height });
        }
        pageCount += refs.length;
      }
    }
    const href = `${doc.doc_id}.html`;
    await writeFileAtomic(path.join(reviewDir, href), documentPage(doc, refs));
    entries.push({ doc, href });
    opts.onDocument?.(k + 1, files.length);
  }
  const errorsFile = path.join(outDir, 'errors.jsonl');
  const failed = existsSync(errorsFile)
    ? (await readFile(errorsFile, 'utf8')).split('\n').filter(Boolean).map((l) => JSON.parse(l) as { path: string; kind: string; reason: string })
    : [];
  const index = path.join(reviewDir, 'index.html');
  await writeFileAtomic(index, indexPage(entries, failed));
  return { documents: entries.length, pages: pageCount, index };
}
