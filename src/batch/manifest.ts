/**
 * The run manifest (`manifest.jsonl` in the output folder): one line per finished input,
 * appended as each file ends, so a killed run loses at most the files in flight. On load the
 * last line for a path wins; a torn last line (the process died mid-write) is ignored.
 *
 * A run looks up only the inputs it is given, so the manifest is read as bytes and its lines
 * parsed when asked for: an input's entry is found by searching the bytes for its path (the
 * last line naming it wins), an earlier input with the same bytes by searching for its sha256;
 * the whole file is parsed only when every entry is asked for (`entries`) or after many
 * searches. A mark (`mark()`: the file's length and the sha256 of its bytes) lets
 * the next run find what was appended after it (`appended()`) without parsing what came before.
 */
import { type Hash, createHash } from 'node:crypto';
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

/**
 * Where a manifest stood when the outputs were last written from it: its length in bytes, the
 * sha256 of those bytes, and how many lines and inputs they held. The same bytes are the same
 * entries, whichever file holds them (a copy of the folder, a compaction that changed nothing).
 */
export interface ManifestMark {
  bytes: number;
  sha256: string;
  lines: number;
  entries: number;
}

/** Searches of the unparsed bytes after which parsing the whole file costs less. */
const SEARCHES_BEFORE_PARSE = 48;

const NEWLINE = 0x0a;

let parsed = 0;

/** Manifest lines parsed by this process so far (counted for the tests: a run that adds inputs parses what it added, not what the folder holds). */
export function manifestLinesParsed(): number {
  return parsed;
}

/** The entry of one manifest line, or null (a torn line, or one naming an output outside docs/). */
function entryOf(line: string): ManifestEntry | null {
  if (!line.trim()) return null;
  parsed++;
  try {
    const e = JSON.parse(line) as ManifestEntry;
    // An entry names its output inside the folder only (docs/<doc_id>.json): an edited or
    // crafted one cannot make jixiao read or delete anything elsewhere.
    const safe = (o: unknown) => o == null || (typeof o === 'string' && SAFE_OUTPUT.test(o));
    if (e && typeof e.path === 'string' && safe(e.output) && (e.parts == null || (Array.isArray(e.parts) && e.parts.every((x) => safe(x?.output))))) return e;
  } catch {
    /* a torn line from a killed run */
  }
  return null;
}

/** Non-blank lines of a text, and the entries they hold (the last for a path wins). */
function parseLines(text: string, into: Map<string, ManifestEntry>): number {
  let lines = 0;
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    lines++;
    const e = entryOf(line);
    if (e) into.set(e.path, e);
  }
  return lines;
}

export class Manifest {
  /** Every entry, once parsed (then kept up to date); null while the file is read by search. */
  private all: Map<string, ManifestEntry> | null = null;
  /** Entries after the mark the manifest was opened with, and those recorded since (the last for a path wins). */
  private readonly tail = new Map<string, ManifestEntry>();
  /** Tail entries by sha256 (done ones). */
  private readonly tailBySha = new Map<string, ManifestEntry>();
  /** What searching the unparsed bytes found for a path (null: no line names it). */
  private readonly found = new Map<string, { entry: ManifestEntry; at: number } | null>();
  private searches = 0;
  /** Non-blank lines in the file. */
  private lines: number;
  private forgotten = false;
  /** The sha256 of the file's bytes so far (kept by a manifest that writes). */
  private hash: Hash | null;

  private constructor(
    private readonly file: string,
    /** The file's bytes when it was opened. */
    private text: Buffer,
    /** Bytes of `text` before the mark it was opened with (all of them when there is none): searched, not parsed. */
    private prefix: number,
    /** The mark the bytes before `prefix` stand for (null: none, or it did not hold). */
    private readonly since: ManifestMark | null,
    hash: Hash | null,
  ) {
    this.hash = hash;
    this.lines = since ? since.lines + parseLines(text.subarray(prefix).toString('utf8'), this.tail) : 0;
    for (const e of this.tail.values()) if (e.status === 'done') this.tailBySha.set(e.sha256, e);
    if (!since) this.lines = countLines(text);
  }

  /** The manifest as it is on disk, read only (nothing is repaired or written). */
  static async read(file: string): Promise<Manifest> {
    const text = await readFile(file).catch(() => Buffer.alloc(0));
    return new Manifest(file, text, text.length, null, null);
  }

  /**
   * The manifest to record into. With `since` (the mark the outputs were last written from),
   * and the file's first `since.bytes` bytes still the same, what comes after them is parsed
   * and what comes before is only searched.
   */
  static async open(file: string, since: ManifestMark | null = null): Promise<Manifest> {
    let text = await readFile(file).catch(() => Buffer.alloc(0));
    // A torn last line must not swallow the next record appended after it.
    if (text.length > 0 && text[text.length - 1] !== NEWLINE) {
      await appendFile(file, '\n');
      text = Buffer.concat([text, Buffer.from('\n')]);
    }
    const hash = createHash('sha256');
    let held: ManifestMark | null = null;
    if (since && since.bytes <= text.length && (since.bytes === 0 || text[since.bytes - 1] === NEWLINE)) {
      hash.update(text.subarray(0, since.bytes));
      if (hash.copy().digest('hex') === since.sha256) held = since;
      hash.update(text.subarray(since.bytes));
    } else hash.update(text);
    return new Manifest(file, text, held ? held.bytes : text.length, held, hash);
  }

  /** Every entry (the whole file parsed, once). */
  get entries(): Map<string, ManifestEntry> {
    if (!this.all) {
      const all = new Map<string, ManifestEntry>();
      this.lines = parseLines(this.text.toString('utf8'), all);
      // Entries recorded since the file was read, and those after the mark, are the same objects as before.
      for (const [p, e] of this.tail) all.set(p, e);
      this.lines += this.recordedLines;
      this.all = all;
    }
    return this.all;
  }

  /** Lines appended by this process. */
  private recordedLines = 0;

  /** Rewrites the manifest with one line per input (the latest), atomically. */
  async compact(): Promise<void> {
    const lines = [...this.entries.values()].map((e) => JSON.stringify(e)).join('\n');
    const text = lines === '' ? '' : `${lines}\n`;
    await writeFileAtomic(this.file, text);
    this.text = Buffer.from(text);
    this.prefix = this.text.length;
    this.lines = this.entries.size;
    this.recordedLines = 0;
    this.recordedBytes = 0;
    this.forgotten = false;
    this.hash = createHash('sha256').update(this.text);
  }

  /**
   * Compacts when it is worth it: an input was forgotten (it must not come back on the next
   * read), or a tenth of the lines stand for nothing any more. A run that only adds inputs to a
   * large archive then appends its lines and rewrites nothing.
   */
  async compactIfNeeded(): Promise<void> {
    const entries = this.size();
    if (this.forgotten || (this.lines - entries) * 10 > entries) await this.compact();
  }

  /** Inputs the manifest holds: counted from the mark when only new inputs came after it. */
  private size(): number {
    if (!this.all && this.since) {
      const after = this.appended();
      if (after) return this.since.entries + after.length;
    }
    return this.entries.size;
  }

  /**
   * Where the manifest stands now (its length, sha256, lines and inputs): the next run,
   * opened with it, parses only what is appended after it. Only for a manifest opened to record.
   */
  mark(): ManifestMark {
    if (!this.hash) throw new Error('a manifest read only has no mark');
    const entries = this.size();
    return { bytes: this.text.length + this.recordedBytes, sha256: this.hash.copy().digest('hex'), lines: this.lines, entries };
  }

  /** Bytes appended by this process. */
  private recordedBytes = 0;

  /**
   * The entries recorded after the mark the manifest was opened with (the latest for each
   * input, in the order they came), when every one is an input the mark did not hold; null when
   * there was no mark, it no longer held (the file was rewritten or edited), an input it held
   * was recorded again (changed, failed, or redone), or one was forgotten.
   */
  appended(): ManifestEntry[] | null {
    if (!this.since || this.forgotten) return null;
    const out: ManifestEntry[] = [];
    for (const [p, e] of this.tail) {
      if (this.searchPath(p) !== null) return null;
      out.push(e);
    }
    return out;
  }

  /**
   * An input done with these bytes before the mark, by any extractor version (the latest entry
   * of its path); null when none.
   */
  doneBefore(sha256: string): ManifestEntry | null {
    return this.searchSha(sha256, null);
  }

  get(p: string): ManifestEntry | undefined {
    if (this.all) return this.all.get(p);
    return this.tail.get(p) ?? this.searchPath(p)?.entry;
  }

  /** An input done with these bytes by this extractor version, under any path. */
  doneWith(sha256: string, version: string): ManifestEntry | undefined {
    if (this.all) return this.doneIn(this.all, sha256, version) ?? undefined;
    const t = this.tailBySha.get(sha256);
    if (t && this.tail.get(t.path) === t && t.version === version) return t;
    return this.searchSha(sha256, version) ?? undefined;
  }

  /** The index by sha256 of the parsed entries (done ones; the latest entry of a path). */
  private shaIndex: Map<string, ManifestEntry> | null = null;
  private doneIn(all: Map<string, ManifestEntry>, sha256: string, version: string | null): ManifestEntry | null {
    if (!this.shaIndex) {
      this.shaIndex = new Map();
      for (const e of all.values()) if (e.status === 'done') this.shaIndex.set(e.sha256, e);
    }
    const e = this.shaIndex.get(sha256);
    return e && (version == null || e.version === version) ? e : null;
  }

  /** The latest valid line naming path `p` in the bytes before the mark, or null. */
  private searchPath(p: string): { entry: ManifestEntry; at: number } | null {
    const had = this.found.get(p);
    if (had !== undefined) return had;
    if (this.tooManySearches()) {
      const e = this.parsedPrefix().get(p);
      const hit = e ? { entry: e, at: -1 } : null;
      this.found.set(p, hit);
      return hit;
    }
    const needle = Buffer.from(`"path":${JSON.stringify(p)}`);
    let hit: { entry: ManifestEntry; at: number } | null = null;
    for (let from = this.prefix - needle.length; from >= 0; ) {
      const at = this.text.lastIndexOf(needle, from);
      if (at < 0) break;
      const line = this.lineAt(at);
      const e = entryOf(line.text);
      if (e?.path === p) {
        hit = { entry: e, at: line.start };
        break;
      }
      from = line.start - 1;
    }
    this.found.set(p, hit);
    return hit;
  }

  /** The latest entry before the mark done with these bytes (by `version`, when given) that is still its path's latest. */
  private searchSha(sha256: string, version: string | null): ManifestEntry | null {
    if (this.tooManySearches()) {
      const e = this.doneIn(this.parsedPrefix(), sha256, null);
      return e && !this.tail.has(e.path) && (version == null || e.version === version) ? e : null;
    }
    const needle = Buffer.from(`"sha256":${JSON.stringify(sha256)}`);
    for (let from = this.prefix - needle.length; from >= 0; ) {
      const at = this.text.lastIndexOf(needle, from);
      if (at < 0) break;
      const line = this.lineAt(at);
      from = line.start - 1;
      const e = entryOf(line.text);
      if (!e || e.sha256 !== sha256 || e.status !== 'done' || this.tail.has(e.path)) continue;
      // Still the latest line of its path.
      const live = this.searchPath(e.path);
      if (!live || (live.at >= 0 ? live.at !== line.start : JSON.stringify(live.entry) !== JSON.stringify(e))) continue;
      if (version == null || e.version === version) return e;
    }
    return null;
  }

  private tooManySearches(): boolean {
    return ++this.searches > SEARCHES_BEFORE_PARSE;
  }

  /** The entries of the bytes before the mark, parsed (after many searches). */
  private prefixEntries: Map<string, ManifestEntry> | null = null;
  private parsedPrefix(): Map<string, ManifestEntry> {
    if (!this.prefixEntries) {
      this.prefixEntries = new Map();
      parseLines(this.text.subarray(0, this.prefix).toString('utf8'), this.prefixEntries);
    }
    return this.prefixEntries;
  }

  /** The line of the bytes holding position `at`. */
  private lineAt(at: number): { start: number; text: string } {
    const start = this.text.lastIndexOf(NEWLINE, at) + 1;
    let end = this.text.indexOf(NEWLINE, at);
    if (end < 0 || end > this.prefix) end = this.prefix;
    return { start, text: this.text.toString('utf8', start, end) };
  }

  async record(e: ManifestEntry): Promise<void> {
    const line = `${JSON.stringify(e)}\n`;
    if (this.all) {
      this.all.set(e.path, e);
      if (e.status === 'done') this.shaIndex?.set(e.sha256, e);
    }
    this.tail.set(e.path, e);
    if (e.status === 'done') this.tailBySha.set(e.sha256, e);
    // Lines go to the file in the order they are recorded (one append at a time: appends in
    // flight together may land in either order), the order the sha256 of the mark is taken in.
    this.hash?.update(line);
    this.lines++;
    this.recordedLines++;
    this.recordedBytes += Buffer.byteLength(line);
    const written = this.appending.then(() => appendFile(this.file, line));
    this.appending = written.catch(() => undefined);
    await written;
  }

  /** The last append, which the next waits for. */
  private appending: Promise<unknown> = Promise.resolve();

  /** Drops an input (it no longer exists); takes effect at the next compaction. */
  forget(p: string): void {
    const all = this.entries;
    const e = all.get(p);
    if (e) this.forgotten = true;
    all.delete(p);
    this.tail.delete(p);
    if (e && this.shaIndex?.get(e.sha256) === e) this.shaIndex.delete(e.sha256);
  }
}

/** Non-blank lines of the bytes. */
function countLines(text: Buffer): number {
  let n = 0;
  let start = 0;
  for (let at = text.indexOf(NEWLINE); at >= 0; at = text.indexOf(NEWLINE, start)) {
    if (at > start) n++;
    start = at + 1;
  }
  if (start < text.length) n++;
  return n;
}
