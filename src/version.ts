/** Extractor version, recorded in the manifest: a different version redoes every input. Kept equal to package.json's (a test checks). */
export const VERSION = '0.1.0';
