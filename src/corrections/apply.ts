/**
 * Applying corrections to a freshly extracted document (corrections.md, "Applying"): a pure
 * function, document + its lines → corrected document + each line's outcome. Every run that
 * writes an output folder calls it through folder.ts; the review workspace calls it to show a
 * document as corrected so far and to check an edit before it is written.
 *
 * For each line, in order, against the document as the lines before it left it:
 * 1. the record: the one at the target's keys when its `match` fields (and, for `set`, its
 *    field: the value seen or the right one) still hold; else the one record of the table in
 *    the document whose `match` fields (and field) do (keys shift as rows come and go);
 * 2. `set`: field equal to `before` → set to `after`, applied; already `after` → obsolete;
 *    anything else, no record or two → conflict, nothing changes. Later lines win: a conflict
 *    on a field that a later line of the same record sets (applied or obsolete) is obsolete;
 * 3. `delete` removes the record found (none left: obsolete); `insert` puts `after` at the
 *    target's keys (an equal record already there: obsolete); `reviewed` marks a document or a
 *    project table (`"after": false` withdraws the mark: the workspace's undo).
 * Applied lines mark their records (`corrected`, `reviewed`); conflicts and obsolete lines
 * become `correction-conflict` / `correction-obsolete` warnings naming the line's id.
 */
import { parseValue } from '../normalize/value.js';
import { type DocumentRecord, IndicatorSchema, type Loc, ProjectSchema, type Warning } from '../schema.js';
import { type Correction, FIELDS, type Status, type Target, type TargetTable, sameValue, shown } from './model.js';

/** What became of one line. */
export interface Outcome {
  status: Status;
  /** Why it is obsolete or a conflict ('' when applied). */
  reason: string;
  /** Where the record it names now is in the corrected document (for linking a line to its row; for a delete, where the record was), when known. */
  keys: Target | null;
}

type Rec = Record<string, unknown>;

/** A place in a table: the list holding the record and its index. */
interface Slot {
  list: Rec[];
  index: number;
}

/** The document's records of a table, each with its slot, in table order. */
function recordsOf(doc: DocumentRecord, table: TargetTable): Array<Slot & { record: Rec }> {
  const lists: Rec[][] =
    table === 'projects' ? [doc.projects as unknown as Rec[]]
    : table === 'indicators' ? [...doc.projects.map((p) => p.indicators as unknown as Rec[]), doc.part_one.dept_indicators as unknown as Rec[]]
    : table === 'sub_goals' ? [doc.part_one.sub_goals as unknown as Rec[]]
    : table === 'safeguards' ? [doc.part_one.safeguards as unknown as Rec[]]
    : [];
  return lists.flatMap((list) => list.map((record, index) => ({ list, index, record })));
}

/** The list a target's keys point into and the index in it (which may be one past the end), or why not. */
function slotOf(doc: DocumentRecord, t: Target): Slot | string {
  const seq = (k: 'project_seq' | 'indicator_seq' | 'item_seq') => t[k];
  let list: Rec[] | undefined;
  let index: number | undefined;
  if (t.table === 'projects') {
    list = doc.projects as unknown as Rec[];
    index = seq('project_seq') == null ? undefined : seq('project_seq')! - 1;
  } else if (t.table === 'indicators') {
    const p = seq('project_seq');
    if (p == null) return 'target without project_seq';
    list = (p === 0 ? doc.part_one.dept_indicators : doc.projects[p - 1]?.indicators) as unknown as Rec[] | undefined;
    if (!list) return `no project ${p}`;
    index = seq('indicator_seq') == null ? undefined : seq('indicator_seq')! - 1;
  } else if (t.table === 'sub_goals' || t.table === 'safeguards') {
    list = (t.table === 'sub_goals' ? doc.part_one.sub_goals : doc.part_one.safeguards) as unknown as Rec[];
    index = seq('item_seq') == null ? undefined : seq('item_seq')! - 1;
  }
  if (!list) return `table ${t.table} has no rows`;
  if (index == null || index < 0) return `target without ${t.table === 'projects' ? 'project_seq' : t.table === 'indicators' ? 'indicator_seq' : 'item_seq'}`;
  return { list, index };
}

/** The document's own fields as one record: `document` plus `overall_goal` (part one). */
function documentGet(doc: DocumentRecord, field: string): unknown {
  return field === 'overall_goal' ? doc.part_one.overall_goal : (doc.document as unknown as Rec)[field];
}

/** Where a record is in the corrected document, by its analysis-table keys. */
function keysOf(doc: DocumentRecord, table: TargetTable, record: Rec | null): Target | null {
  if (table === 'documents') return { table };
  if (!record) return null;
  const pi = doc.projects.indexOf(record as never);
  if (table === 'projects') return pi >= 0 ? { table, project_seq: pi + 1 } : null;
  if (table === 'indicators') {
    for (const [k, p] of doc.projects.entries()) {
      const i = p.indicators.indexOf(record as never);
      if (i >= 0) return { table, project_seq: k + 1, indicator_seq: i + 1 };
    }
    const d = doc.part_one.dept_indicators.indexOf(record as never);
    return d >= 0 ? { table, project_seq: 0, indicator_seq: d + 1 } : null;
  }
  const list = table === 'sub_goals' ? doc.part_one.sub_goals : doc.part_one.safeguards;
  const i = list.indexOf(record as never);
  return i >= 0 ? { table, item_seq: i + 1 } : null;
}

/** A record the person inserted, in the contract's shape: fields missing are null ([] for lists), `loc` null. */
function newRecord(table: TargetTable, after: Rec): Rec | string {
  if (table === 'indicators') {
    const value_raw = (after.value_raw as string | null | undefined) ?? null;
    const r = IndicatorSchema.safeParse({
      level1: null, level2: null, level3: null, description: null, basis: null,
      ...pick(after, Object.keys(FIELDS.indicators)), value_raw, value: after.value ?? parseValue(value_raw), loc: null, confidence: null,
    });
    return r.success ? { ...r.data, corrected: ['*'] } : `the record to insert is not an indicator: ${r.error.issues[0]!.path.join('.')}: ${r.error.issues[0]!.message}`;
  }
  if (table === 'projects') {
    const indicators = Array.isArray(after.indicators) ? after.indicators.map((i) => newRecord('indicators', i as Rec)) : [];
    const bad = indicators.find((i) => typeof i === 'string');
    if (bad) return bad as string;
    const r = ProjectSchema.safeParse({
      seq: 1, title: '', unit_code: null, unit_name: null, money_unit: null, project_code: null, project_name: null,
      budget_total: null, budget_fiscal: null, budget_other: null, fund_use: null, spending_plan: [], goals: [], explanation: null,
      ...pick(after, Object.keys(FIELDS.projects)), indicators, loc: null,
      // Typed in, not printed: the tables write the figures themselves.
      budget_printed: { total: null, fiscal: null, other: null },
    });
    return r.success ? { ...r.data, corrected: ['*'] } : `the record to insert is not a project: ${r.error.issues[0]!.path.join('.')}: ${r.error.issues[0]!.message}`;
  }
  if (table === 'sub_goals' || table === 'safeguards') {
    const fields = Object.keys(FIELDS[table]);
    const rec: Rec = Object.fromEntries(fields.map((f) => [f, after[f] ?? null]));
    for (const f of fields) {
      const r = FIELDS[table][f]!.safeParse(rec[f]);
      if (!r.success) return `the record to insert has an invalid ${f}: ${r.error.issues[0]!.message}`;
    }
    return { ...rec, loc: null, corrected: ['*'] };
  }
  return 'a document cannot be inserted';
}

function pick(r: Rec, fields: readonly string[]): Rec {
  return Object.fromEntries(fields.filter((f) => r[f] !== undefined).map((f) => [f, r[f]]));
}

/** Applies `lines` (this document's, in file order) to a copy of `base`. */
export function applyCorrections(base: DocumentRecord, lines: readonly Correction[]): { doc: DocumentRecord; outcomes: Outcome[] } {
  const doc = structuredClone(base);
  /** The record each line found (also for a conflict, when one record was meant), for "later lines win" and keys. */
  const records: Array<Rec | null> = [];
  /** Where a deleted record was (it is no longer in the document to be found). */
  const removedAt = new Map<number, Target | null>();
  const raw: Array<{ status: Status; reason: string; field: string | null }> = [];
  /** Applied fields per record, in order; `overall_goal` and the document's fields under the document. */
  const marks = new Map<Rec, string[]>();
  const docRec = doc.document as unknown as Rec;
  const mark = (r: Rec, ...fields: string[]) => {
    const m = marks.get(r) ?? [];
    for (const f of fields) if (!m.includes(f)) m.push(f);
    marks.set(r, m);
  };

  for (const line of lines) {
    const op = line.op ?? 'set';
    const t = line.target;
    let record: Rec | null = null;
    const done = (status: Status, reason = '') => {
      records.push(record);
      raw.push({ status, reason, field: op === 'set' ? line.field ?? null : null });
    };
    const match = Object.entries(line.match ?? {});
    const get = (r: Rec, f: string) => (t.table === 'documents' ? documentGet(doc, f) : r[f]);
    const matchOk = (r: Rec, except: string | null) => match.every(([k, v]) => k === except || sameValue(get(r, k), v));
    const candidates = recordsOf(doc, t.table);

    if (op === 'set') {
      const field = line.field;
      if (!field || !(field in FIELDS[t.table])) {
        done('conflict', field ? `${t.table} has no field ${field}` : 'a set names no field');
        continue;
      }
      const valid = FIELDS[t.table][field]!.safeParse(line.after ?? null);
      if (!valid.success) {
        done('conflict', `${shown(line.after)} is not a valid ${field}: ${valid.error.issues[0]!.message}`);
        continue;
      }
      const fieldOk = (r: Rec) => sameValue(get(r, field), line.before) || sameValue(get(r, field), line.after);
      if (t.table === 'documents') {
        record = docRec;
        if (!matchOk(docRec, field) || !fieldOk(docRec)) {
          done('conflict', !matchOk(docRec, field) ? 'the document no longer has the match fields seen' : `its ${field} is now ${shown(get(docRec, field))}, not ${shown(line.before)} as seen`);
          continue;
        }
      } else {
        const slot = slotOf(doc, t);
        const atKeys = typeof slot === 'string' ? undefined : slot.list[slot.index];
        if (atKeys && matchOk(atKeys, field) && fieldOk(atKeys)) record = atKeys;
        else {
          const found = candidates.filter((c) => matchOk(c.record, field) && fieldOk(c.record));
          if (found.length > 1) {
            done('conflict', `${found.length} records match`);
            continue;
          }
          if (found.length === 0) {
            const meant = atKeys && matchOk(atKeys, field) ? [atKeys] : candidates.filter((c) => matchOk(c.record, field)).map((c) => c.record);
            record = meant.length === 1 ? meant[0]! : null;
            done('conflict', record ? `its ${field} is now ${shown(get(record, field))}, not ${shown(line.before)} as seen` : 'no record matches');
            continue;
          }
          record = found[0]!.record;
        }
      }
      const now = get(record, field);
      if (sameValue(now, line.after)) {
        done('obsolete', `the extraction already gives ${shown(line.after)}`);
        continue;
      }
      const after = valid.data;
      if (t.table === 'documents' && field === 'overall_goal') doc.part_one.overall_goal = after as string | null;
      else record[field] = after;
      if (t.table === 'indicators' && field === 'value_raw') {
        // values.md: the value follows its raw text.
        record.value = parseValue(after as string | null);
        mark(record, 'value_raw', 'value');
      } else mark(record, field);
      // A budget figure corrected: its digits as printed no longer stand for it.
      const printed = t.table === 'projects' && /^budget_(total|fiscal|other)$/.test(field) ? (record.budget_printed as Record<string, string | null> | undefined) : undefined;
      if (printed) record.budget_printed = { ...printed, [field.slice('budget_'.length)]: null };
      done('applied');
      continue;
    }

    if (op === 'reviewed') {
      if (t.table !== 'documents' && t.table !== 'projects') {
        done('conflict', 'only a document or a project table can be marked reviewed');
        continue;
      }
      if (t.table === 'projects') {
        const found = findRecord(doc, t, candidates, (r) => matchOk(r, null));
        if (typeof found === 'string') {
          done('conflict', found === 'none' ? 'no project matches' : found);
          continue;
        }
        record = found;
      } else record = docRec;
      if (line.after === false) delete record.reviewed;
      else record.reviewed = { by: line.by ?? null, at: line.at ?? '' };
      done('applied');
      continue;
    }

    if (t.table === 'documents') {
      done('conflict', `a document cannot be ${op}d`);
      continue;
    }

    if (op === 'delete') {
      if (match.length === 0) {
        done('conflict', 'a delete must name its record by match fields');
        continue;
      }
      const found = findRecord(doc, t, candidates, (r) => matchOk(r, null));
      if (found === 'none') {
        done('obsolete', 'the document no longer has this record');
        continue;
      }
      if (typeof found === 'string') {
        done('conflict', found);
        continue;
      }
      const slot = candidates.find((c) => c.record === found)!;
      removedAt.set(records.length, keysOf(doc, t.table, found));
      slot.list.splice(slot.index, 1);
      done('applied');
      continue;
    }

    // insert
    if (line.after == null || typeof line.after !== 'object' || Array.isArray(line.after)) {
      done('conflict', 'an insert holds the whole record in after');
      continue;
    }
    const rec = newRecord(t.table, line.after as Rec);
    if (typeof rec === 'string') {
      done('conflict', rec);
      continue;
    }
    const fields = Object.keys(FIELDS[t.table]);
    const present = candidates.find((c) => fields.every((f) => sameValue(c.record[f], rec[f])));
    if (present) {
      record = present.record;
      done('obsolete', 'the extraction already has this record');
      continue;
    }
    const slot = slotOf(doc, t);
    if (typeof slot === 'string' || slot.index > slot.list.length) {
      done('conflict', typeof slot === 'string' ? slot : `${t.table} has ${slot.list.length} rows there: nowhere to insert row ${slot.index + 1}`);
      continue;
    }
    slot.list.splice(slot.index, 0, rec);
    record = rec;
    mark(rec, '*');
    done('applied');
  }

  // Later lines win: a set that conflicts on a field that a later line of the same record settles is superseded.
  for (const [k, r] of raw.entries()) {
    if (r.status !== 'conflict' || r.field == null || records[k] == null) continue;
    const later = raw.findIndex((s, j) => j > k && s.field === r.field && records[j] === records[k] && s.status !== 'conflict');
    if (later >= 0) raw[k] = { ...r, status: 'obsolete', reason: `${r.reason}; superseded by ${lines[later]!.id}` };
  }

  for (const [r, fields] of marks) {
    const prior = Array.isArray(r.corrected) ? (r.corrected as string[]) : [];
    r.corrected = prior.includes('*') || fields.includes('*') ? ['*'] : [...new Set([...prior, ...fields])];
  }

  const outcomes: Outcome[] = raw.map((r, k) => {
    const table = lines[k]!.target.table;
    const rec = records[k] ?? null;
    return { status: r.status, reason: r.reason, keys: table === 'documents' ? { table } : removedAt.has(k) ? removedAt.get(k)! : keysOf(doc, table, rec) };
  });
  const warnings: Warning[] = [];
  for (const [k, o] of outcomes.entries()) {
    if (o.status === 'applied') continue;
    const line = lines[k]!;
    const rec = records[k];
    const loc = rec && rec !== docRec && o.keys ? ((rec.loc as Loc | null) ?? null) : null;
    const what = `${line.op ?? 'set'} ${describeTarget(line.target)}${line.field && (line.op ?? 'set') === 'set' ? ` ${line.field}` : ''}`;
    warnings.push(
      o.status === 'conflict'
        ? { code: 'correction-conflict', message: `correction ${line.id} (${what}) not applied: ${o.reason}`, loc }
        : { code: 'correction-obsolete', message: `correction ${line.id} (${what}) not needed: ${o.reason}`, loc },
    );
  }
  doc.warnings.push(...warnings);
  return { doc, outcomes };
}

/**
 * The record a delete or a mark names: at the target's keys if `ok` holds there, else the one
 * record of the table for which it holds; 'none', or why not.
 */
function findRecord(doc: DocumentRecord, t: Target, candidates: Array<{ record: Rec }>, ok: (r: Rec) => boolean): Rec | string {
  const slot = slotOf(doc, t);
  const atKeys = typeof slot === 'string' ? undefined : slot.list[slot.index];
  if (atKeys && ok(atKeys)) return atKeys;
  const found = candidates.filter((c) => ok(c.record));
  if (found.length > 1) return `${found.length} records match`;
  return found[0]?.record ?? 'none';
}

/** "indicators 2/5", "projects 1", "documents": a target in words. */
export function describeTarget(t: Target): string {
  const keys = [t.project_seq, t.indicator_seq, t.item_seq].filter((k) => k != null);
  return keys.length ? `${t.table} ${keys.join('/')}` : t.table;
}
