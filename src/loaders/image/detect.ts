/** Image files the image loader reads (PNG, JPEG, TIFF), by their first bytes: told without loading the OCR reader. */
export function isImage(bytes: Uint8Array): boolean {
  const b = bytes;
  if (b.length < 8) return false;
  if (b[0] === 0x89 && b[1] === 0x50 && b[2] === 0x4e && b[3] === 0x47) return true; // PNG
  if (b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return true; // JPEG
  if ((b[0] === 0x49 && b[1] === 0x49 && b[2] === 0x2a && b[3] === 0) || (b[0] === 0x4d && b[1] === 0x4d && b[2] === 0 && b[3] === 0x2a)) return true; // TIFF
  return false;
}
