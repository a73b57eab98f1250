/**
 * The files a PDF embeds (its attachments: a DOCX of the same text, a spreadsheet), listed by
 * name and size in the document's `source.attachments`, never read.
 *
 * pdf.js gives a document's attachments with their content decoded whole, and a crafted one (a
 * few hundred kB of deflated zeros) inflates to gigabytes. So the embedded files are measured
 * in the file's bytes first (declared.ts `rawStreams`: every stream saying `/Type
 * /EmbeddedFile`), a deflated one by inflating it with a cap, counting its bytes, one with no
 * filter by its length. A stream is known as an embedded file by what names it — a file
 * specification's `/EF << /F 12 0 R >>`, read in the file's bytes as they are and inside its
 * object streams (inflated with a cap) — as well as by its own `/Type /EmbeddedFile`, which a
 * crafted file may leave out. Only when each is measured and all together are under the cap
 * does pdf.js list them, with their names; otherwise none is decoded, and each is listed by
 * its object number, with its size where it was measured under the cap (null where it was
 * not). Where the file's object streams cannot all be read (another filter, or past the cap),
 * what they may name cannot be known, so pdf.js is not asked: the embedded files found are
 * listed by object number.
 */
import { oneLine } from '../../errors.js';
import { inflated, objectStreams, type RawStream, rawObjectsAt, rawStreams } from './declared.js';
import type { PdfDocument } from './open.js';

export interface Attachment {
  name: string;
  /** Its size in bytes, decoded; null when it was not measured (another filter, or over the cap). */
  size: number | null;
}

/** Largest sum of embedded files' decoded sizes that is decoded to list them by name (bytes). */
export const MAX_ATTACHMENT_BYTES = 64 * 1024 * 1024;

/** How far after `/EF` its dictionary is read (bytes). */
const EF_REACH = 1024;

/** The object numbers `/EF` entries name (a dictionary's references), and the `/EF` entries that are themselves references. */
function efEntries(text: string): { streams: number[]; dicts: number[] } {
  const streams: number[] = [];
  const dicts: number[] = [];
  const ef = /\/EF(?![A-Za-z0-9])\s*(?:<<([^>]*)>>|(\d+)\s+\d+\s+R)/g;
  for (let m = ef.exec(text); m; m = ef.exec(text)) {
    if (m[2] != null) dicts.push(Number(m[2]));
    else for (const r of m[1]!.matchAll(/(\d+)\s+\d+\s+R/g)) streams.push(Number(r[1]));
  }
  return { streams, dicts };
}

/**
 * The streams the file names as embedded files: the object numbers, and whether every place
 * that could name one was read (false when an object stream or an `/EF` reference could not be).
 */
export function embeddedFileRefs(bytes: Buffer): { nums: Set<number>; complete: boolean } {
  const nums = new Set<number>();
  let complete = true;
  const texts: string[] = [];
  const { objects: inStreams, complete: streamsRead } = objectStreams(bytes);
  if (!streamsRead) complete = false;
  // The file's plain objects: around each `/EF` in its bytes (a stream's data that happens to
  // spell one only adds a lookup that finds no stream or measures one more).
  const token = Buffer.from('/EF', 'latin1');
  for (let at = bytes.indexOf(token); at >= 0; at = bytes.indexOf(token, at + token.length)) texts.push(bytes.toString('latin1', at, at + EF_REACH));
  texts.push(...inStreams.values());
  const refDicts = new Set<number>();
  for (const t of texts) {
    const e = efEntries(t);
    for (const n of e.streams) nums.add(n);
    for (const n of e.dicts) refDicts.add(n);
  }
  if (refDicts.size) {
    const plain = rawObjectsAt(bytes, refDicts);
    for (const n of refDicts) {
      const text = inStreams.get(n) ?? plain.get(n)?.dict;
      if (text == null) complete = false;
      else for (const r of text.matchAll(/(\d+)\s+\d+\s+R/g)) nums.add(Number(r[1]));
    }
  }
  return { nums, complete };
}

/** Each embedded file's decoded size as measured from the file's bytes (null: not measured, or over the cap). */
export function measureEmbedded(bytes: Buffer): { files: Array<{ num: number | null; size: number | null }>; complete: boolean } {
  const out: Array<{ num: number | null; size: number | null }> = [];
  const seen = new Set<number>();
  const measure = (s: RawStream) => {
    if (s.num != null) {
      if (seen.has(s.num)) return;
      seen.add(s.num);
    }
    // A stream with no filter is as long as its data, whatever its size; a deflated one is inflated with a cap.
    const size = s.filters.length === 0 && s.data ? s.data.end - s.data.start : (inflated(bytes, s, MAX_ATTACHMENT_BYTES)?.length ?? null);
    out.push({ num: s.num, size });
  };
  for (const s of rawStreams(bytes, 'Type', 'EmbeddedFile')) measure(s);
  const refs = embeddedFileRefs(bytes);
  const named = rawObjectsAt(bytes, new Set([...refs.nums].filter((n) => !seen.has(n))));
  for (const n of refs.nums) {
    if (seen.has(n)) continue;
    const s = named.get(n);
    // Named but not found in the file's bytes (or not a stream): pdf.js would find nothing to decode either.
    if (s?.data) measure(s);
  }
  return { files: out, complete: refs.complete };
}

/** The files the PDF embeds, by name and size, sorted. */
export async function attachmentsOf(doc: PdfDocument, bytes: Buffer): Promise<Attachment[]> {
  const { files: measured, complete } = measureEmbedded(bytes);
  const total = measured.reduce((t, m) => t + (m.size ?? Infinity), 0);
  if (total > MAX_ATTACHMENT_BYTES || !complete) {
    return sorted(measured.map((m) => ({ name: m.num == null ? 'embedded file' : `embedded file (object ${m.num})`, size: m.size })));
  }
  const all = (await doc.getAttachments().catch(() => null)) as Record<string, { filename?: string; content?: Uint8Array | null }> | null;
  if (!all) return [];
  return sorted(Object.entries(all).map(([key, a]) => ({ name: oneLine(a.filename || key), size: a.content ? a.content.length : null })));
}

function sorted(list: Attachment[]): Attachment[] {
  return list.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : (a.size ?? -1) - (b.size ?? -1)));
}
