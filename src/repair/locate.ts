/**
 * Last repair stage, for every format: numbers the tables of the finished model (after
 * stitching) and gives each row its table and row index, so that every record read from a
 * row can say where it came from (`loc.table`, `loc.row`).
 */
import type { DocModel, Row } from '../model.js';
import type { Message, Result } from '../diagnostics.js';

export function locateRows(model: DocModel): Result<DocModel> {
  let table = 0;
  const blocks = model.blocks.map((b) => {
    if (b.kind !== 'table') return b;
    const index = table++;
    return { ...b, rows: b.rows.map((r, row) => ({ ...r, at: { table: index, row } })) };
  });
  return { value: { ...model, blocks }, messages: [] };
}

/** A row's place in its source, where it has one (a dump's line, a page's box): kept by every copy the repairs make. */
function placeKey(r: Row): string | null {
  if (r.line == null && r.bbox == null) return null;
  return `${r.page ?? ''}|${r.line ?? ''}|${r.bbox?.join(',') ?? ''}`;
}

/**
 * The loaders' messages name the rows they read, but the repairs copy rows (stitching, then
 * locating): a message about a row is pointed at the located row standing at the same place
 * (its dump line or page box), so that its warning says `loc.table` / `loc.row`. A row whose
 * place is shared by another, or not found, is left as named.
 */
export function relocateMessages(messages: readonly Message[], model: DocModel): Message[] {
  const byPlace = new Map<string, Row | null>();
  for (const b of model.blocks) {
    if (b.kind !== 'table') continue;
    for (const r of b.rows) {
      const k = placeKey(r);
      if (k != null) byPlace.set(k, byPlace.has(k) ? null : r);
    }
  }
  return messages.map((m) => {
    if (!m.where?.some((p) => 'cells' in p && p.at == null)) return m;
    const where = m.where.map((p) => {
      if (!('cells' in p) || p.at != null) return p;
      const k = placeKey(p as Row);
      return (k != null && byPlace.get(k)) || p;
    });
    return { ...m, where };
  });
}
