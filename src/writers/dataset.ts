/**
 * The Parquet dataset: `parquet/<table>/part-NNNNNN.parquet`, one part per run that changed
 * documents, every part holding whole documents, each document in exactly one part. A run that
 * only adds documents writes one small part per table and touches nothing else, so its cost
 * follows what changed, not the archive; a document that changed or left takes the parts that
 * held it out of the dataset, their other documents rewritten into the run's new part.
 * `parquet/_jixiao.json` (ignored by Parquet readers: it starts with `_`) says which documents,
 * at which stamp, each part holds; it is replaced atomically after the new part files are in
 * place, and part files it does not name (a killed run's) are removed when the dataset is opened,
 * so readers that glob `parquet/<table>/*.parquet` after a run see every document once. The
 * state also names the source it was written from (the mark of the manifest and corrections,
 * ../batch/mark.ts): a run that knows only documents were added since that source appends them
 * without comparing every document the dataset holds.
 */
import { mkdir, readFile, readdir, rm, rmdir } from 'node:fs/promises';
import path from 'node:path';
import { writeFileAtomic } from './atomic.js';
import { type DocumentRef, inOrder } from './refs.js';
import { SCHEMA_VERSION, TABLE_VIEWS } from './tables.js';

export const DATASET_DIR = 'parquet';
const STATE = '_jixiao.json';
/** A part file, or a temporary file of one (./atomic.ts). */
const PART_FILE = /^part-\d+\.parquet(\.tmp-\d+-\d+-\d+)?$/;

interface Part {
  name: string;
  /** `doc_id<TAB>stamp` of the documents it holds, a line each, in order (one string: quick to read and write however many). */
  docs: string;
}

interface State {
  schema_version: number;
  /** The mark of what the dataset was last written from (../batch/mark.ts); absent when unknown. */
  source?: string;
  /** Number of the next part. */
  next: number;
  parts: Part[];
}

/** What a run does to the dataset: the documents of its new part, and the parts it replaces. */
export interface DatasetPlan {
  /** Documents the new part holds (changed, new, and the others of the parts it replaces), in order. */
  write: DocumentRef[];
  /** Parts taken out of the dataset. */
  drop: string[];
  /** Documents that left (removed, or replaced by a new stamp). */
  removed: number;
  /** The dataset was started again (new, or written by another schema version, or compacted). */
  full: boolean;
}

export class ParquetDataset {
  private constructor(
    private readonly dir: string,
    private state: State,
    private readonly fresh: boolean,
  ) {}

  /** Opens (or starts) the dataset of `outDir`, clearing part files no state names. */
  static async open(outDir: string): Promise<ParquetDataset> {
    const dir = path.join(outDir, DATASET_DIR);
    let state: State | null = null;
    try {
      const s = JSON.parse(await readFile(path.join(dir, STATE), 'utf8')) as State;
      if (s?.schema_version === SCHEMA_VERSION && Array.isArray(s.parts) && Number.isInteger(s.next) && s.parts.every((p) => typeof p.docs === 'string')) state = s;
    } catch {
      /* none yet, or unreadable: the dataset is written again */
    }
    const ds = new ParquetDataset(dir, state ?? { schema_version: SCHEMA_VERSION, next: 1, parts: [] }, state == null);
    await ds.removeStrays();
    return ds;
  }

  /** The part file of a table. */
  partFile(table: string, part: string): string {
    return path.join(this.dir, table, `${part}.parquet`);
  }

  /** The name the run's new part gets. */
  get nextPart(): string {
    return `part-${String(this.state.next).padStart(6, '0')}`;
  }

  /** The mark of what the dataset was last written from, if known. */
  get source(): string | undefined {
    return this.fresh ? undefined : this.state.source;
  }

  /**
   * The plan of a run that only adds documents (the others are those the dataset holds): its new
   * part holds them; null when the dataset is new or holds one of them already (then `plan`).
   */
  append(added: readonly DocumentRef[]): DatasetPlan | null {
    if (this.fresh) return null;
    const ids = new Set(added.map((r) => r.doc_id));
    for (const part of this.state.parts) {
      if (ids.size < 64) {
        for (const id of ids) if (part.docs.startsWith(`${id}\t`) || part.docs.includes(`\n${id}\t`)) return null;
      } else {
        for (const line of part.docs.split('\n')) if (ids.has(line.slice(0, line.indexOf('\t')))) return null;
      }
    }
    return { write: inOrder(added), drop: [], removed: 0, full: false };
  }

  /** What this run writes, for the documents wanted now (`full`: everything again, in one part), in the outputs' order. */
  plan(want: readonly DocumentRef[], full: boolean): DatasetPlan {
    const all = this.state.parts.map((p) => p.name);
    if (full || this.fresh) return { write: inOrder(want), drop: all, removed: 0, full: true };
    const wanted = new Map<string, string>();
    for (const r of want) wanted.set(r.doc_id, r.stamp);
    // A part holding a document that changed or left leaves the dataset; its others are written again.
    const held = new Set<string>();
    const drop: string[] = [];
    let removed = 0;
    for (const part of this.state.parts) {
      const ids: string[] = [];
      let dropped = false;
      for (let at = 0; at < part.docs.length; ) {
        const tab = part.docs.indexOf('\t', at);
        let end = part.docs.indexOf('\n', tab);
        if (end < 0) end = part.docs.length;
        const id = part.docs.slice(at, tab);
        const stamp = wanted.get(id);
        if (stamp !== part.docs.slice(tab + 1, end)) {
          dropped = true;
          if (stamp === undefined) removed++;
        }
        ids.push(id);
        at = end + 1;
      }
      if (dropped) drop.push(part.name);
      else for (const id of ids) held.add(id);
    }
    return { write: inOrder(want.filter((r) => !held.has(r.doc_id))), drop, removed, full: false };
  }

  /**
   * Makes the plan the dataset, written from `source`: the new part's files (one per table,
   * already written by the caller at `partFile(table, nextPart)`) join it, the dropped parts
   * leave it. A plan that changes nothing writes the state only when its source changed.
   */
  async commit(plan: DatasetPlan, source?: string): Promise<void> {
    if (!plan.write.length && !plan.drop.length) {
      if (this.fresh || source === this.state.source) return;
      this.state = { ...this.state, source };
      await writeFileAtomic(path.join(this.dir, STATE), `${JSON.stringify(this.state)}\n`);
      return;
    }
    const drop = new Set(plan.drop);
    const parts = this.state.parts.filter((p) => !drop.has(p.name));
    const name = this.nextPart;
    if (plan.write.length) parts.push({ name, docs: plan.write.map((r) => `${r.doc_id}\t${r.stamp}`).join('\n') });
    else for (const v of TABLE_VIEWS) await rm(this.partFile(v.name, name), { force: true });
    this.state = { schema_version: SCHEMA_VERSION, ...(source ? { source } : {}), next: this.state.next + 1, parts };
    await mkdir(this.dir, { recursive: true });
    await writeFileAtomic(path.join(this.dir, STATE), `${JSON.stringify(this.state)}\n`);
    for (const p of drop) for (const v of TABLE_VIEWS) await rm(this.partFile(v.name, p), { force: true });
  }

  /** Part files no state names (a killed run's new part, temporary files) are no part of the dataset. */
  private async removeStrays(): Promise<void> {
    const keep = new Set(this.state.parts.map((p) => `${p.name}.parquet`));
    for (const v of TABLE_VIEWS) {
      const dir = path.join(this.dir, v.name);
      const names = await readdir(dir).catch(() => [] as string[]);
      for (const f of names) if (PART_FILE.test(f) && !keep.has(f)) await rm(path.join(dir, f), { force: true });
    }
  }

  /** Documents the dataset holds. */
  get documents(): number {
    return this.state.parts.reduce((n, p) => n + (p.docs === '' ? 0 : p.docs.split('\n').length), 0);
  }

  get parts(): number {
    return this.state.parts.length;
  }
}

/** Removes the dataset of `outDir` (its format is no longer asked for): only the files jixiao writes there. */
export async function removeDataset(outDir: string): Promise<void> {
  const dir = path.join(outDir, DATASET_DIR);
  for (const v of TABLE_VIEWS) {
    const sub = path.join(dir, v.name);
    for (const f of await readdir(sub).catch(() => [] as string[])) if (PART_FILE.test(f)) await rm(path.join(sub, f), { force: true });
    // Only when empty: a file jixiao did not write stays, and so does its folder.
    await rmdir(sub).catch(() => undefined);
  }
  await rm(path.join(dir, STATE), { force: true });
  await rmdir(dir).catch(() => undefined);
}
