/**
 * Member names of archives, decoded and judged. A ZIP written on Chinese Windows stores its
 * names in GBK without saying so; one written elsewhere sets the UTF-8 flag or carries an
 * Info-ZIP Unicode path; tar stores bytes. A name is read as UTF-8 when the archive says so or
 * when its bytes are valid UTF-8, else as GB18030 (GBK's superset) when they are valid there,
 * else it keeps its bytes the way folder names do (../fsname.ts: shown as `\xNN`).
 *
 * A name that would leave the archive (`../`, an absolute path, a drive letter) is unsafe:
 * jixiao writes no member to disk, so it could reach nothing, but such a member is refused and
 * said, as a crafted archive deserves.
 */
import { nameFromBytes } from '../fsname.js';

const utf8 = new TextDecoder('utf-8', { fatal: true });
const gb18030 = new TextDecoder('gb18030', { fatal: true });

/** A member name's bytes as text: UTF-8 when flagged or valid, else GB18030, else its bytes kept. */
export function decodeName(raw: Uint8Array, utf8Flag = false): string {
  if (utf8Flag) return new TextDecoder('utf-8').decode(raw);
  try {
    return utf8.decode(raw);
  } catch {
    /* not UTF-8 */
  }
  try {
    return gb18030.decode(raw);
  } catch {
    return nameFromBytes(raw);
  }
}

/** A member path with forward slashes, no leading `./`, no empty segments. */
export function normalName(name: string): string {
  return name
    .replace(/\\/g, '/')
    .split('/')
    .filter((s) => s !== '' && s !== '.')
    .join('/');
}

/** Why a member name is unsafe (it would leave the archive), or null. */
export function unsafeName(name: string): string | null {
  const n = name.replace(/\\/g, '/');
  if (n.startsWith('/')) return 'an absolute path';
  if (/^[A-Za-z]:/.test(n)) return 'a path with a drive letter';
  if (n.split('/').includes('..')) return 'a path leaving the archive (../)';
  if (/[\u0000]/.test(n)) return 'a name holding a NUL byte';
  return null;
}
