/**
 * Bundles: the archives budget texts are downloaded in (ZIP, 7z, RAR, tar, tar.gz) opened
 * into their members, each member in a format jixiao reads an input of its own, recorded as
 * `bundle.zip!/成员/名称.pdf`. Archives inside archives are opened too, to a depth limit
 * (`outer.zip!/inner.7z!/名称.pdf`).
 *
 * Every limit is applied to what the archive declares before anything is inflated — members
 * listed, each member's size and its ratio to its packed size, the total — and again while
 * inflating (no member grows past its declared size). A member that fails (encrypted, unsafe
 * name, a link, too large, a bomb, damaged) fails alone with its kind; an archive that cannot
 * be listed at all (damaged, encrypted headers, too many members, a bomb in total) fails whole.
 * Nothing is ever written to disk: members are bytes in memory, so no name can reach outside.
 */
import { type BundleKind, bundleKind } from '../detect.js';
import { type ErrorKind, InputError } from '../errors.js';
import { type Budget, type BundleLimits, DEFAULT_BUNDLE_LIMITS, RATIO_FLOOR } from './limits.js';
import { normalName, unsafeName } from './names.js';
import { openArchive } from './readers.js';

export { DEFAULT_BUNDLE_LIMITS, type BundleLimits } from './limits.js';

/** Joins a bundle's path and a member's name: `bundle.zip!/成员/名称.pdf`. */
export const MEMBER_SEPARATOR = '!/';

export interface Member {
  /** The member's path: the bundle's path, `!/`, its name in the bundle (nested bundles chained). */
  path: string;
  bytes: Buffer;
}

export interface MemberFailure {
  path: string;
  kind: ErrorKind;
  reason: string;
}

export interface Opened {
  members: Member[];
  failures: MemberFailure[];
  /** Members left out: not in a format jixiao reads (by their names, as a folder's files are). */
  skipped: number;
}

/** Whether a member's name says it is an input (a format jixiao reads, or an archive to open). */
export type IsInput = (name: string) => boolean;

const ARCHIVE_NAME = /\.(zip|7z|rar|tar|tgz|tar\.gz|gz)$/i;

/**
 * Opens a bundle (its kind told by detect.ts) into its members, archives inside it opened in
 * turn. `path` names the bundle in members' paths. Throws an InputError when the bundle as a
 * whole cannot be opened.
 */
export async function openBundle(bytes: Buffer, path: string, isInput: IsInput, limits: BundleLimits = DEFAULT_BUNDLE_LIMITS): Promise<Opened> {
  const kind = bundleKind(bytes, path);
  if (!kind) throw new InputError('not an archive jixiao opens (ZIP, 7z, RAR, tar, gzip)', 'corrupt-bundle');
  const out: Opened = { members: [], failures: [], skipped: 0 };
  await open(kind, bytes, path, 1, isInput, limits, { members: 0, bytes: 0 }, out);
  if (out.members.length === 0 && out.failures.length === 0) {
    throw new InputError(`no member in a format jixiao reads (${out.skipped} other member(s))`, 'empty-bundle');
  }
  return out;
}

async function open(kind: BundleKind, bytes: Buffer, path: string, depth: number, isInput: IsInput, limits: BundleLimits, budget: Budget, out: Opened): Promise<void> {
  const archive = await openArchive(kind, bytes, path, { maxMembers: limits.maxMembers - budget.members, maxMember: limits.maxMember, maxTotal: limits.maxTotal - budget.bytes, maxRatio: limits.maxRatio, ratioFloor: RATIO_FLOOR });
  const fail = (name: string, kind: ErrorKind, reason: string) => out.failures.push({ path: `${path}${MEMBER_SEPARATOR}${name}`, kind, reason });
  budget.members += archive.entries.length;
  if (budget.members > limits.maxMembers) throw new InputError(`archives list more than ${limits.maxMembers} members (limit ${limits.maxMembers})`, 'too-many-members');
  // What the directory declares, judged before anything is inflated.
  const chosen: number[] = [];
  let declared = 0;
  for (const [i, e] of archive.entries.entries()) {
    if (e.dir) continue;
    const name = normalName(e.name);
    if (!isInput(name) && !ARCHIVE_NAME.test(name)) {
      out.skipped++;
      continue;
    }
    const unsafe = unsafeName(e.name);
    if (unsafe) fail(name, 'unsafe-member', `member not read: its name is ${unsafe}`);
    else if (e.link) fail(name, 'unsafe-member', 'member not read: it is a link');
    else if (e.encrypted) fail(name, 'encrypted-archive', 'encrypted member: a password is needed to read it');
    else if (e.packed != null && e.size >= RATIO_FLOOR && e.size / Math.max(1, e.packed) > limits.maxRatio) {
      fail(name, 'zip-bomb', `ZIP bomb: member inflates ${e.packed} bytes to ${e.size} bytes`);
    } else if (e.size > limits.maxMember) fail(name, 'too-large', `member too large: ${e.size} bytes (limit ${limits.maxMember})`);
    else {
      chosen.push(i);
      declared += e.size;
    }
  }
  if (budget.bytes + declared > limits.maxTotal) {
    throw new InputError(`ZIP bomb: members inflate to more than ${limits.maxTotal} bytes`, 'zip-bomb');
  }
  const read = await archive.read(chosen);
  for (const i of chosen) {
    const name = normalName(archive.entries[i]!.name);
    const got = read.get(i)!;
    if (got instanceof InputError) {
      fail(name, got.kind, got.message);
      continue;
    }
    budget.bytes += got.length;
    const memberPath = `${path}${MEMBER_SEPARATOR}${name}`;
    const inner = bundleKind(got, name);
    if (inner && (ARCHIVE_NAME.test(name) || !isInput(name))) {
      if (depth >= limits.maxDepth) fail(name, 'bundle-too-deep', `archive nested more than ${limits.maxDepth} deep: not opened`);
      else {
        try {
          await open(inner, got, memberPath, depth + 1, isInput, limits, budget, out);
        } catch (err) {
          if (!(err instanceof InputError) || err.kind === 'too-many-members' || err.kind === 'zip-bomb') throw err;
          out.failures.push({ path: memberPath, kind: err.kind, reason: err.message });
        }
      }
      continue;
    }
    if (ARCHIVE_NAME.test(name) && !isInput(name)) {
      fail(name, 'corrupt-bundle', 'named as an archive, but not one jixiao opens');
      continue;
    }
    out.members.push({ path: memberPath, bytes: got });
  }
}
