/**
 * Last repair stage, for every format: numbers the tables of the finished model (after
 * stitching) and gives each row its table and row index, so that every record read from a
 * row can say where it came from (`loc.table`, `loc.row`).
 */
import type { DocModel } from '../model.js';
import type { Result } from '../diagnostics.js';

export function locateRows(model: DocModel): Result<DocModel> {
  let table = 0;
  const blocks = model.blocks.map((b) => {
    if (b.kind !== 'table') return b;
    const index = table++;
    return { ...b, rows: b.rows.map((r, row) => ({ ...r, at: { table: index, row } })) };
  });
  return { value: { ...model, blocks }, messages: [] };
}
