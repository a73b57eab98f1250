/** The content hash that names inputs (manifest, queue job ids, doc_id): sha256, hex. */
import { createHash } from 'node:crypto';

export function sha256(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}
