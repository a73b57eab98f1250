/**
 * Opening a PDF with pdf.js, shared by the loader and the page renderer: the legacy build
 * (Node 20), the CJK character maps and standard font data shipped in pdfjs-dist, no eval,
 * no font faces, no image over the size a page scan can be. Errors become InputErrors with a kind.
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import { InputError } from '../../errors.js';
import { MAX_PDF_IMAGE_PIXELS } from './declared.js';

/** pdf.js's CJK character maps and standard font data, shipped in the pdfjs-dist package. */
const PDFJS_DIR = path.dirname(createRequire(import.meta.url).resolve('pdfjs-dist/package.json'));
const CMAP_URL = `${path.join(PDFJS_DIR, 'cmaps')}${path.sep}`;
const STANDARD_FONTS_URL = `${path.join(PDFJS_DIR, 'standard_fonts')}${path.sep}`;

export type PdfJs = typeof import('pdfjs-dist/legacy/build/pdf.mjs');
export type PdfDocument = Awaited<ReturnType<PdfJs['getDocument']>['promise']>;

let pdfjsPromise: Promise<PdfJs> | null = null;
export function pdfjs(): Promise<PdfJs> {
  pdfjsPromise ??= import('pdfjs-dist/legacy/build/pdf.mjs');
  return pdfjsPromise;
}

export async function openPdf(bytes: Uint8Array): Promise<PdfDocument> {
  const lib = await pdfjs();
  try {
    return await lib.getDocument({
      data: new Uint8Array(bytes),
      cMapUrl: CMAP_URL,
      cMapPacked: true,
      standardFontDataUrl: STANDARD_FONTS_URL,
      verbosity: 0,
      isEvalSupported: false,
      disableFontFace: true,
      useSystemFonts: false,
      stopAtErrors: false,
      // An image larger than this is not decoded (one whose size the file hides from declared.ts).
      maxImageSize: MAX_PDF_IMAGE_PIXELS,
    }).promise;
  } catch (err) {
    const e = err as Error;
    if (e.name === 'PasswordException') throw new InputError('encrypted PDF: a password is needed to open it', 'encrypted-pdf');
    throw new InputError(`not a readable PDF: ${e.message}`, 'corrupt-pdf');
  }
}
