/** Small helpers shared across stages. */

/** Appends `value` to the list under `key` (in place: linear, where re-spreading the list would be quadratic). */
export function pushTo<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
