/**
 * Why an input failed: the registry of error kinds. Each kind is stable (errors.jsonl, the
 * manifest and the queue carry it; warehouses group by it) and documented in the README's
 * "Error kinds" table, which a test keeps equal to this list.
 */

export const ERROR_KINDS = {
  empty: 'the file is empty (0 bytes)',
  html: 'an HTML or XML page saved under a document\'s name',
  'not-pdf': 'named .pdf but not a PDF',
  'not-docx': 'named .docx but not a DOCX',
  'corrupt-pdf': 'a PDF that cannot be read (truncated or damaged)',
  'encrypted-pdf': 'a PDF that needs a password',
  'no-text-layer': 'pages without text (scans, text drawn as outlines) and OCR off, or a blank scan',
  'ocr-unavailable': 'pages that need OCR while the OCR packages are not installed',
  'corrupt-image': 'a damaged PNG, JPEG or TIFF',
  'unreadable-text': 'a text layer of glyph garbage (fonts without a Unicode map) that OCR could not read either',
  'corrupt-docx': 'a damaged DOCX',
  'corrupt-xlsx': 'a damaged workbook (.xlsx)',
  'corrupt-ofd': 'a damaged OFD file (its ZIP container or its XML)',
  'corrupt-bundle': 'a damaged archive (ZIP, 7z, RAR, tar, gzip): truncated, or not what its signature says',
  'encrypted-archive': 'an archive, or a member of one, that needs a password',
  'unsafe-member': 'an archive member whose name leaves the archive (../, an absolute path) or that is a link: not read',
  'too-many-members': 'an archive listing more members than the limit',
  'bundle-too-deep': 'archives nested in archives deeper than the limit',
  'empty-bundle': 'an archive holding no member in a format jixiao reads',
  bundle: 'an archive given where one document was expected (extractBytes): the batch opens archives',
  'compiled-volume': 'a compiled volume of several texts given where one document was expected (extractBytes)',
  'zip-bomb': 'a ZIP part or archive member that inflates far beyond its size',
  'legacy-doc': 'a legacy .doc/.wps text or .xls/.et sheet that could not be converted (LibreOffice missing or failing)',
  rtf: 'an RTF file',
  'unknown-binary': 'a binary file of no known type',
  'bad-encoding': 'text in no readable encoding',
  'not-budget-text': 'readable, but no budget performance text in it',
  'too-large': 'an input over the size limit',
  'too-many-pages': 'more pages than --max-pages',
  'too-many-cells': 'more table cells than the limit',
  'too-complex': 'a page over its budget of drawing operators or text items',
  timeout: 'over the per-file time limit',
  'resource-limit': 'over a size limit checked before allocation (an image\'s pixels, a text line\'s length), or the worker went over its memory or crashed on the file',
  missing: 'an input named (on the command line or in --files-from) that does not exist',
  'in-output-folder': 'an input found inside the output folder',
  'symlink-folder': 'a symbolic link to a folder (not followed)',
  'special-file': 'a named pipe, socket or device (or a link to one) named like a document: never opened',
  unreadable: 'the file system would not give the file or folder',
  changed: 'in a cluster: the input changed after it was queued',
  'invalid-output': 'the extracted document does not match the output contract (a bug)',
  internal: 'an extractor fault (a bug)',
} as const;

export type ErrorKind = keyof typeof ERROR_KINDS;

export function isErrorKind(s: string): s is ErrorKind {
  return Object.hasOwn(ERROR_KINDS, s);
}

/** Longest reason recorded: a library can put a whole document into its message. */
const MAX_REASON = 500;

/**
 * A reason on one line, whatever a library put in its message: its lines joined with `; ` (a
 * line repeated is kept once — libtiff says each loop twice), tabs and other control characters
 * as spaces, at most 500 characters. errors.jsonl, the manifest and the log are one line per input.
 */
export function oneLine(text: string): string {
  const lines: string[] = [];
  for (const l of text.split(/[\r\n\u2028\u2029]+/)) {
    const t = l.replace(/[\u0000-\u001f\u007f-\u009f]+/g, ' ').replace(/ {2,}/g, ' ').trim();
    if (t !== '' && !lines.includes(t)) lines.push(t);
  }
  const joined = lines.join('; ');
  return joined.length > MAX_REASON ? `${joined.slice(0, MAX_REASON - 1)}…` : joined;
}

/** A fatal, user-facing problem with one input: the message names the reason, on one line, never a stack. */
export class InputError extends Error {
  constructor(
    message: string,
    /** Stable machine-readable kind for error reports. */
    public readonly kind: ErrorKind,
  ) {
    super(oneLine(message));
    this.name = 'InputError';
  }
}

/** The extracted document does not match the output contract: an extractor bug, reported as `invalid-output`. */
export class ContractError extends InputError {
  constructor(message: string) {
    super(message, 'invalid-output');
    this.name = 'ContractError';
  }
}

/** One failure as batch and queue records it. */
export interface Failure {
  kind: ErrorKind;
  reason: string;
}

/** Any thrown value as a failure (its reason one line): InputErrors keep their kind, anything else is an extractor fault. */
export function failureOf(err: unknown): Failure {
  if (err instanceof InputError) return { kind: err.kind, reason: oneLine(err.message) };
  const e = err as Error | undefined;
  return { kind: 'internal', reason: oneLine(`extractor error: ${e?.message ?? String(err)}`) };
}
