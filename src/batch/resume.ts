/**
 * The resume policy: from what the manifest recorded, whether an input with these bytes is
 * extracted again, left as it is, or counted as failed again. Pure (it reads no file): a run
 * and its dry run (`--dry-run`) share it word for word.
 *
 * - done before with the same bytes by this extractor version: unchanged (kept while its
 *   document is there);
 * - failed before with the same bytes by this version: fails again without being tried (the same
 *   bytes fail the same way), unless `retryFailed`;
 * - its bytes done under another path (a moved or copied file): the same document, recorded
 *   under this path too (while that document is there);
 * - anything else, or `force`: extracted.
 */
import { readablePath } from '../fsname.js';
import { VERSION } from '../version.js';
import type { ManifestEntry } from './manifest.js';

/** What the policy reads of the manifest (../batch/manifest.ts). */
export interface Recorded {
  get(path: string): ManifestEntry | undefined;
  /** An input done with these bytes by this extractor version, under any path. */
  doneWith(sha256: string, version: string): ManifestEntry | undefined;
}

export interface ResumeOptions {
  /** Redo every input. */
  force: boolean;
  /** Try again inputs that failed with the same bytes and version. */
  retryFailed: boolean;
}

/** Why an input is extracted. */
export type ExtractReason = 'forced' | 'new' | 'failed-before' | 'changed' | 'new-version';

export type Resume =
  | { action: 'extract'; why: ExtractReason }
  | { action: 'unchanged' | 'failed-before' | 'same-content'; entry: ManifestEntry };

/** The manifest's word on the input at `file` whose bytes hash to `sha256`. */
export function resumeOf(recorded: Recorded, file: string, sha256: string, opts: ResumeOptions, version = VERSION): Resume {
  if (opts.force) return { action: 'extract', why: 'forced' };
  const prev = recorded.get(file);
  const same = prev != null && prev.sha256 === sha256 && prev.version === version;
  if (same && prev.status === 'done' && prev.output != null) return { action: 'unchanged', entry: prev };
  if (same && prev.status === 'failed' && !opts.retryFailed) return { action: 'failed-before', entry: prev };
  const other = recorded.doneWith(sha256, version);
  if (other?.output != null) return { action: 'same-content', entry: other };
  if (!prev) return { action: 'extract', why: 'new' };
  return { action: 'extract', why: prev.status === 'failed' ? 'failed-before' : prev.sha256 !== sha256 ? 'changed' : 'new-version' };
}

export interface PlannedInput {
  path: string;
  action: 'extract' | 'skip';
  reason: string;
}

const EXTRACT_WORDS: Record<ExtractReason, string> = {
  forced: '--force',
  new: 'new',
  'failed-before': 'failed before, --retry-failed',
  changed: 'changed',
  'new-version': 'new extractor version',
};

/** The line of `--dry-run` for an input: extracted or skipped, and why. */
export function planOf(file: string, resume: Resume): PlannedInput {
  switch (resume.action) {
    case 'extract':
      return { path: file, action: 'extract', reason: EXTRACT_WORDS[resume.why] };
    case 'unchanged':
      return { path: file, action: 'skip', reason: 'unchanged' };
    case 'failed-before':
      return { path: file, action: 'skip', reason: `failed before: ${resume.entry.error?.kind} (--retry-failed tries again)` };
    case 'same-content':
      return { path: file, action: 'skip', reason: `same content as ${readablePath(resume.entry.path)}` };
  }
}
