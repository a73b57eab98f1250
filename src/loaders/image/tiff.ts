/**
 * Every page's size in a TIFF file, read from its directories (IFDs) in one walk, so that a
 * file's pages can be planned and bounded (index.ts) before any is decoded.
 *
 * libvips (sharp) tells one page's size per opening of the file, and each opening at page N
 * walks the N directories before it: planning 2,000 pages that way is two million directory
 * reads. Here the chain is walked once: each directory's width, height and orientation (TIFF 6.0
 * tags 256, 257, 274), the walk stopping at a loop, at a directory outside the file, or past
 * `max` pages. BigTIFF and damaged chains give null: the caller then asks libvips page by page.
 */

export interface TiffPage {
  width: number;
  height: number;
  /** EXIF-style orientation, 1 when not stated. */
  orientation: number;
}

/** The pages' sizes, in order, at most `max` of them; null when the file is not a classic TIFF or its directories cannot be walked. */
export function tiffPages(b: Buffer, max: number): TiffPage[] | null {
  if (b.length < 8) return null;
  const le = b[0] === 0x49 && b[1] === 0x49;
  if (!le && !(b[0] === 0x4d && b[1] === 0x4d)) return null;
  const u16 = (at: number) => (le ? b.readUInt16LE(at) : b.readUInt16BE(at));
  const u32 = (at: number) => (le ? b.readUInt32LE(at) : b.readUInt32BE(at));
  if (u16(2) !== 42) return null;
  const pages: TiffPage[] = [];
  const seen = new Set<number>();
  for (let ifd = u32(4); ifd !== 0 && pages.length < max; ) {
    if (seen.has(ifd) || ifd + 2 > b.length) return null;
    seen.add(ifd);
    const n = u16(ifd);
    if (ifd + 2 + 12 * n + 4 > b.length) return null;
    const page: TiffPage = { width: 0, height: 0, orientation: 1 };
    for (let i = 0; i < n; i++) {
      const e = ifd + 2 + 12 * i;
      const tag = u16(e);
      const type = u16(e + 2);
      // A SHORT's value is in the entry's first two bytes, a LONG's in all four.
      const value = type === 3 ? u16(e + 8) : type === 4 ? u32(e + 8) : null;
      if (value == null) continue;
      if (tag === 256) page.width = value;
      else if (tag === 257) page.height = value;
      else if (tag === 274) page.orientation = value;
    }
    if (!page.width || !page.height) return null;
    pages.push(page);
    ifd = u32(ifd + 2 + 12 * n);
  }
  return pages;
}
