/**
 * A multi-page TIFF's page sizes read in one walk of its directories (src/loaders/image/tiff.ts)
 * agree with libvips's own reading of each page, over seeded files (page count, sizes, byte
 * order, orientation); a chain that loops or runs out of the file gives null (libvips decides).
 */
import { describe, expect, it } from 'vitest';
import sharp from 'sharp';
import { tiffPages } from '../../src/loaders/image/tiff.js';
import { type TiffPageSpec, tiffBytes } from '../fixtures/lib/tiff.js';
import { rng } from '../../src/eval/degrade.js';

describe('TIFF page sizes in one walk', () => {
  for (let seed = 1; seed <= 20; seed++) {
    it(`seed ${seed}: every page as libvips reads it`, async () => {
      const r = rng(seed);
      const n = 2 + Math.floor(r() * 5);
      const pages: TiffPageSpec[] = [...Array(n)].map(() => ({
        width: 1 + Math.floor(r() * 300),
        height: 1 + Math.floor(r() * 300),
        ...(r() < 0.5 ? { orientation: 1 + Math.floor(r() * 8) } : {}),
      }));
      const bytes = tiffBytes(pages, { bigEndian: r() < 0.5 });
      const walked = tiffPages(bytes, 100);
      const vips = await Promise.all(pages.map((_, page) => sharp(bytes, { page }).metadata()));
      expect(vips[0]!.pages).toBe(n);
      expect(walked).toEqual(vips.map((m) => ({ width: m.width, height: m.height, orientation: m.orientation ?? 1 })));
    });
  }

  it('stops at `max` pages; a looping or truncated chain, or another format, gives null', () => {
    const pages = [...Array(10)].map((_, i) => ({ width: 10 + i, height: 5 }));
    expect(tiffPages(tiffBytes(pages), 3)).toHaveLength(3);
    expect(tiffPages(tiffBytes(pages, { loop: true }), 100)).toBeNull();
    expect(tiffPages(tiffBytes(pages).subarray(0, 100), 100)).toBeNull();
    expect(tiffPages(Buffer.from('%PDF-1.4\n'), 100)).toBeNull();
  });
});
