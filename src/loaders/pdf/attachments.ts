/**
 * The files a PDF embeds (its attachments: a DOCX of the same text, a spreadsheet), listed by
 * name and size in the document's `source.attachments`, never read.
 *
 * pdf.js gives a document's attachments with their content decoded whole, and a crafted one (a
 * few hundred kB of deflated zeros) inflates to gigabytes. So the embedded files are measured
 * in the file's bytes first (declared.ts `rawStreams`: every stream saying `/Type
 * /EmbeddedFile`), a deflated one by inflating it with a cap, counting its bytes, one with no
 * filter by its length. Only when each is measured and all together are under the cap does
 * pdf.js list them, with their names; otherwise none is decoded, and each is listed by its
 * object number, with its size where it was measured under the cap (null where it was not). A
 * stream that does not say its type is left to pdf.js and the worker's memory watchdog.
 */
import { inflateSync } from 'node:zlib';
import { oneLine } from '../../errors.js';
import { rawStreams } from './declared.js';
import type { PdfDocument } from './open.js';

export interface Attachment {
  name: string;
  /** Its size in bytes, decoded; null when it was not measured (another filter, or over the cap). */
  size: number | null;
}

/** Largest sum of embedded files' decoded sizes that is decoded to list them by name (bytes). */
export const MAX_ATTACHMENT_BYTES = 64 * 1024 * 1024;

/** Each embedded file's decoded size as measured from the file's bytes (null: not measured, or over the cap). */
export function measureEmbedded(bytes: Buffer): Array<{ num: number | null; size: number | null }> {
  const out: Array<{ num: number | null; size: number | null }> = [];
  for (const s of rawStreams(bytes, 'Type', 'EmbeddedFile')) {
    let size: number | null = null;
    if (s.data && s.filters.length === 0) size = s.data.end - s.data.start;
    else if (s.data && s.filters.length === 1 && (s.filters[0] === '/FlateDecode' || s.filters[0] === '/Fl')) {
      try {
        size = inflateSync(bytes.subarray(s.data.start, s.data.end), { maxOutputLength: MAX_ATTACHMENT_BYTES }).length;
      } catch {
        /* over the cap, or damaged: not measured */
      }
    }
    out.push({ num: s.num, size });
  }
  return out;
}

/** The files the PDF embeds, by name and size, sorted. */
export async function attachmentsOf(doc: PdfDocument, bytes: Buffer): Promise<Attachment[]> {
  const measured = measureEmbedded(bytes);
  const total = measured.reduce((t, m) => t + (m.size ?? Infinity), 0);
  if (total > MAX_ATTACHMENT_BYTES) {
    return sorted(measured.map((m) => ({ name: m.num == null ? 'embedded file' : `embedded file (object ${m.num})`, size: m.size })));
  }
  const all = (await doc.getAttachments().catch(() => null)) as Record<string, { filename?: string; content?: Uint8Array | null }> | null;
  if (!all) return [];
  return sorted(Object.entries(all).map(([key, a]) => ({ name: oneLine(a.filename || key), size: a.content ? a.content.length : null })));
}

function sorted(list: Attachment[]): Attachment[] {
  return list.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : (a.size ?? -1) - (b.size ?? -1)));
}
