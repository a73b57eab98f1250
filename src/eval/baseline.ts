/**
 * The recorded floors (test/eval-baseline.json, test/eval-seeds-baseline.json) only rise:
 * recording figures below the ones held — or without an entry held — would let a fall pass the
 * tests in silence (the floor taken down to it). `npm run eval -- --write-baseline` refuses
 * such a recording and names what falls; `--lower-baseline` records it anyway, for a figure
 * that was wrong (say so in the commit).
 */
export type Floor = Record<string, [number, number] | number>;

const share = ([ok, total]: [number, number]) => (total === 0 ? 1 : ok / total);

/** What `next` records below `held`: entries left out, shares that fall, silent rows that grow. */
export function baselineFalls(held: Readonly<Record<string, Floor>>, next: Readonly<Record<string, Floor>>): string[] {
  const out: string[] = [];
  for (const [key, cats] of Object.entries(held)) {
    const now = next[key];
    if (!now) {
      out.push(`${key}: no longer recorded`);
      continue;
    }
    for (const [cat, was] of Object.entries(cats)) {
      const is = now[cat];
      if (is == null) out.push(`${key} ${cat}: no longer recorded`);
      else if (typeof was === 'number' || typeof is === 'number') {
        // A count that may only shrink (silent rows).
        if (Number(is) > Number(was)) out.push(`${key} ${cat}: ${was} -> ${is}`);
      } else if (share(is) < share(was)) out.push(`${key} ${cat}: ${was[0]}/${was[1]} -> ${is[0]}/${is[1]}`);
    }
  }
  return out;
}
