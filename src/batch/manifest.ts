/**
 * The run manifest (`manifest.jsonl` in the output folder): one line per finished input,
 * appended as each file ends, so a killed run loses at most the files in flight. On load the
 * last line for a path wins; a torn last line (the process died mid-write) is ignored.
 */
import { appendFile, readFile } from 'node:fs/promises';
import type { Failure } from '../errors.js';
import { VERSION } from '../version.js';
import { writeFileAtomic } from '../writers/atomic.js';
import type { DocumentFacts } from '../writers/document.js';

export type Status = 'done' | 'failed';


/** The only outputs an entry may name. */
const SAFE_OUTPUT = /^docs[\\/][0-9a-f]{16}\.json$/;

export interface ManifestEntry {
  path: string;
  sha256: string;
  status: Status;
  /** Extractor version that produced the entry; another version redoes the file. */
  version: string;
  doc_id: string | null;
  /** Per-document output, relative to the output folder. */
  output: string | null;
  /** Digest of the per-document JSON written (document.ts); absent in entries of older versions. */
  digest?: string | null;
  pages: number | null;
  warnings: number;
  /** Time spent on the file, in milliseconds (read, extract, write): longer on a busy machine. */
  ms: number;
  /**
   * CPU time the worker spent parsing the file, in milliseconds: the measure of its work, the
   * same on a busy machine as on an idle one. Null when it was not parsed here (or its worker was
   * stopped before telling).
   */
  cpu_ms: number | null;
  error: Failure | null;
  at: string;
  /**
   * A compiled volume: every text it holds, in order (doc_id, output and pages above are the
   * first text's; `pages` there counts the whole file's). Absent for a file holding one text.
   */
  parts?: Array<{ doc_id: string; output: string; pages: [number, number] | null; warnings: number; digest?: string }>;
  /** A bundle that opened: how many members it gave (each an entry of its own, `bundle.zip!/…`). */
  members?: number;
}

/** Every output an entry names: its own, and each text's of a compiled volume, with their digests where recorded. */
export function outputsOf(e: ManifestEntry): Array<{ doc_id: string; output: string; digest?: string | null }> {
  const own = e.doc_id && e.output ? [{ doc_id: e.doc_id, output: e.output, digest: e.digest }] : [];
  return [...own, ...(e.parts ?? []).filter((p) => p.output !== e.output)];
}

/** The failure of an input that cannot be read (gone, no permission, a folder). */
export function unreadable(err: unknown): Failure {
  return { kind: 'unreadable', reason: `cannot read file: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}` };
}

/** The failure of an input named (on the command line, in --files-from) that does not exist. */
export function missingInput(): Failure {
  return { kind: 'missing', reason: 'no such file or folder' };
}

/** How an input ended: its documents written (a compiled volume's texts as parts), or its failure; and the worker's CPU time on it, if it was parsed. */
export type Outcome = (({ status: 'done'; parts?: ManifestEntry['parts'] } & DocumentFacts) | { status: 'failed'; error: Failure }) & { cpu_ms?: number | null };

/**
 * The manifest entry of an input (a local run's and a cluster's alike) at this extractor
 * version: `sha256` is empty when the input could not be read, `ms` the time spent on it.
 */
export function manifestEntry(path: string, sha256: string, outcome: Outcome, ms: number, at: string = new Date().toISOString()): ManifestEntry {
  const common = { path, sha256, status: outcome.status, version: VERSION };
  const cpu_ms = outcome.cpu_ms == null ? null : Math.round(outcome.cpu_ms);
  return outcome.status === 'done'
    ? { ...common, doc_id: outcome.doc_id, output: outcome.output, digest: outcome.digest ?? null, pages: outcome.pages, warnings: outcome.warnings, ms, cpu_ms, error: null, at, ...(outcome.parts ? { parts: outcome.parts } : {}) }
    : { ...common, doc_id: null, output: null, digest: null, pages: null, warnings: 0, ms, cpu_ms, error: outcome.error, at };
}

export class Manifest {
  /** Lines in the file that no entry stands for any more: replaced by a later line, torn, or forgotten. */
  private superseded: number;
  private forgotten = false;

  private constructor(
    private readonly file: string,
    readonly entries: Map<string, ManifestEntry>,
    lines: number,
  ) {
    this.superseded = lines - entries.size;
  }

  /** The manifest as it is on disk, read only (nothing is repaired or written). */
  static async read(file: string): Promise<Manifest> {
    const { entries, lines } = Manifest.parse(await readFile(file, 'utf8').catch(() => ''));
    return new Manifest(file, entries, lines);
  }

  private static parse(text: string): { entries: Map<string, ManifestEntry>; lines: number } {
    const entries = new Map<string, ManifestEntry>();
    let lines = 0;
    for (const line of text.split('\n')) {
      if (!line.trim()) continue;
      lines++;
      try {
        const e = JSON.parse(line) as ManifestEntry;
        // An entry names its output inside the folder only (docs/<doc_id>.json): an edited or
        // crafted one cannot make jixiao read or delete anything elsewhere.
        const safe = (o: unknown) => o == null || (typeof o === 'string' && SAFE_OUTPUT.test(o));
        if (e && typeof e.path === 'string' && safe(e.output) && (e.parts == null || (Array.isArray(e.parts) && e.parts.every((x) => safe(x?.output))))) entries.set(e.path, e);
      } catch {
        /* a torn line from a killed run */
      }
    }
    return { entries, lines };
  }

  static async open(file: string): Promise<Manifest> {
    const text = await readFile(file, 'utf8').catch(() => '');
    const { entries, lines } = Manifest.parse(text);
    // A torn last line must not swallow the next record appended after it.
    if (text !== '' && !text.endsWith('\n')) await appendFile(file, '\n');
    return new Manifest(file, entries, lines);
  }

  /** Rewrites the manifest with one line per input (the latest), atomically. */
  async compact(): Promise<void> {
    const lines = [...this.entries.values()].map((e) => JSON.stringify(e)).join('\n');
    await writeFileAtomic(this.file, lines === '' ? '' : `${lines}\n`);
    this.superseded = 0;
    this.forgotten = false;
  }

  /**
   * Compacts when it is worth it: an input was forgotten (it must not come back on the next
   * read), or a tenth of the lines stand for nothing any more. A run that only adds inputs to a
   * large archive then appends its lines and rewrites nothing.
   */
  async compactIfNeeded(): Promise<void> {
    if (this.forgotten || this.superseded * 10 > this.entries.size) await this.compact();
  }

  get(p: string): ManifestEntry | undefined {
    return this.entries.get(p);
  }

  /** An input done with these bytes by this extractor version, under any path. */
  doneWith(sha256: string, version: string): ManifestEntry | undefined {
    const e = this.bySha().get(sha256);
    return e && e.version === version ? e : undefined;
  }

  private shaIndex: Map<string, ManifestEntry> | null = null;
  private bySha(): Map<string, ManifestEntry> {
    if (!this.shaIndex) {
      this.shaIndex = new Map();
      for (const e of this.entries.values()) if (e.status === 'done') this.shaIndex.set(e.sha256, e);
    }
    return this.shaIndex;
  }

  async record(e: ManifestEntry): Promise<void> {
    if (this.entries.has(e.path)) this.superseded++;
    this.entries.set(e.path, e);
    if (e.status === 'done') this.bySha().set(e.sha256, e);
    await appendFile(this.file, `${JSON.stringify(e)}\n`);
  }

  /** Drops an input (it no longer exists); takes effect at the next compaction. */
  forget(p: string): void {
    const e = this.entries.get(p);
    if (e) this.forgotten = true;
    this.entries.delete(p);
    if (e && this.shaIndex?.get(e.sha256) === e) this.shaIndex.delete(e.sha256);
  }
}
