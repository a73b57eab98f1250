/**
 * What opening an archive may take, checked before anything is inflated: members listed,
 * bytes a member and all members may inflate to, how far one member may inflate beyond its
 * packed size, and how deep archives may nest in archives. One budget is shared by a bundle
 * and the bundles inside it.
 */
export interface BundleLimits {
  /** Members an archive (and the archives in it) may list. */
  maxMembers: number;
  /** Bytes all members together may inflate to. */
  maxTotal: number;
  /** Bytes one member may inflate to (the batch's input size limit). */
  maxMember: number;
  /** Largest ratio of a member's size to its packed size, for members over 10 MB. */
  maxRatio: number;
  /** Archives inside archives: 1 opens the bundle itself only. */
  maxDepth: number;
}

export const DEFAULT_BUNDLE_LIMITS: BundleLimits = {
  maxMembers: 5000,
  maxTotal: 512 * 1024 * 1024,
  maxMember: 200 * 1024 * 1024,
  maxRatio: 200,
  maxDepth: 3,
};

/** A member this large or larger must not inflate beyond `maxRatio` times its packed size. */
export const RATIO_FLOOR = 10 * 1024 * 1024;

/** What a bundle and those inside it have used of the limits so far. */
export interface Budget {
  members: number;
  bytes: number;
}
