/**
 * The rules of shared/spec/corrections.md, "Applying", one by one, on a real document (a
 * corpus text dump extracted in this thread) and changed extractions of it (rows gone, rows
 * added, values read differently): set / delete / insert / reviewed, keys shifting, match
 * fields, obsolete, conflict, later lines winning, the marks left on records, and the lines of
 * the file read back whole.
 */
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { applyCorrections } from '../../src/corrections/apply.js';
import { type Correction, parseCorrections } from '../../src/corrections/model.js';
import { extractFile } from '../../src/index.js';
import { parseValue } from '../../src/normalize/value.js';
import { type DocumentRecord, DocumentRecordSchema } from '../../src/schema.js';
import { ROOT } from '../helpers.js';

let base: DocumentRecord;

beforeAll(async () => {
  base = await extractFile(path.join(ROOT, 'samples', 'laoting-park-2023.txt'));
});

let n = 0;
function line(c: Partial<Correction> & Pick<Correction, 'target'>): Correction {
  return { id: `c${++n}`, doc_id: base.doc_id, by: 'wang', at: '2026-12-02T08:00:00Z', extractor: '0.1.0', ...c };
}

/** A set on indicator (p, i) of the base document, as the person saw it. */
function setIndicator(p: number, i: number, field: string, after: unknown, seen: DocumentRecord = base): Correction {
  const r = seen.projects[p - 1]!.indicators[i - 1]! as unknown as Record<string, unknown>;
  return line({ target: { table: 'indicators', project_seq: p, indicator_seq: i }, match: { level2: r.level2, level3: r.level3 }, op: 'set', field, before: r[field], after });
}

function valid(doc: DocumentRecord): void {
  const r = DocumentRecordSchema.safeParse(doc);
  expect(r.success, r.success ? '' : JSON.stringify(r.error.issues[0])).toBe(true);
}

describe('set', () => {
  it('sets the field when it still holds the value seen: applied, the record marked, nothing else changed', () => {
    const l = setIndicator(1, 1, 'level3', '修缮道路工程量');
    const { doc, outcomes } = applyCorrections(base, [l]);
    expect(outcomes).toEqual([{ status: 'applied', reason: '', keys: { table: 'indicators', project_seq: 1, indicator_seq: 1 } }]);
    const row = doc.projects[0]!.indicators[0]!;
    expect(row.level3).toBe('修缮道路工程量');
    expect(row.corrected).toEqual(['level3']);
    expect(row.loc).toEqual(base.projects[0]!.indicators[0]!.loc); // loc is the extracted record's
    expect(doc.projects[0]!.indicators[1]!.corrected).toBeUndefined();
    expect(doc.warnings).toEqual(base.warnings);
    valid(doc);
  });

  it('leaves the input document as it was (pure)', () => {
    const before = JSON.stringify(base);
    applyCorrections(base, [setIndicator(1, 1, 'level3', 'x'), line({ target: { table: 'projects', project_seq: 1 }, op: 'delete', match: { project_code: base.projects[0]!.project_code } })]);
    expect(JSON.stringify(base)).toBe(before);
  });

  it('is obsolete when the extraction already gives the right value', () => {
    const l = setIndicator(1, 1, 'level3', base.projects[0]!.indicators[0]!.level3);
    const wrongBefore = { ...l, before: '修工程量' };
    const { doc, outcomes } = applyCorrections(base, [wrongBefore]);
    expect(outcomes[0]!.status).toBe('obsolete');
    expect(doc.projects[0]!.indicators[0]!.corrected).toBeUndefined();
    const w = doc.warnings.at(-1)!;
    expect(w.code).toBe('correction-obsolete');
    expect(w.message).toContain(l.id);
  });

  it('is a conflict, changing nothing, when the field holds neither the value seen nor the right one', () => {
    const l = { ...setIndicator(1, 1, 'value_raw', '≥1200米'), before: '≥900米' };
    const { doc, outcomes } = applyCorrections(base, [l]);
    expect(outcomes[0]!.status).toBe('conflict');
    expect(outcomes[0]!.reason).toContain('"≥1000米"');
    expect(doc.projects[0]!.indicators[0]!).toEqual(base.projects[0]!.indicators[0]!);
    const w = doc.warnings.at(-1)!;
    expect(w).toMatchObject({ code: 'correction-conflict', loc: base.projects[0]!.indicators[0]!.loc });
    expect(w.message).toContain(l.id);
    valid(doc);
  });

  it('re-derives value from a corrected value_raw (values.md); a value set as given stays as given', () => {
    const { doc } = applyCorrections(base, [setIndicator(1, 1, 'value_raw', '≥1200米')]);
    const row = doc.projects[0]!.indicators[0]!;
    expect(row.value).toEqual(parseValue('≥1200米'));
    expect(row.value.number).toBe(1200);
    expect(row.corrected).toEqual(['value_raw', 'value']);
    const given = { symbol: '=', number: 3, unit: '个', text: null };
    const second = applyCorrections(base, [setIndicator(1, 2, 'value', given)]).doc.projects[0]!.indicators[1]!;
    expect(second.value).toEqual(given);
    expect(second.value_raw).toBe(base.projects[0]!.indicators[1]!.value_raw);
    expect(second.corrected).toEqual(['value']);
  });

  it('refuses a value the contract does not allow, and a field the table does not have', () => {
    const p = base.projects[0]!;
    const code = line({ target: { table: 'projects', project_seq: 1 }, match: { project_name: p.project_name }, field: 'project_code', before: p.project_code, after: '1302 2523' });
    const nofield = line({ target: { table: 'projects', project_seq: 1 }, match: {}, field: 'indicators', before: null, after: [] });
    const year = line({ target: { table: 'documents' }, field: 'year', before: 2023, after: 1700 });
    const { doc, outcomes } = applyCorrections(base, [code, nofield, year]);
    expect(outcomes.map((o) => o.status)).toEqual(['conflict', 'conflict', 'conflict']);
    expect(doc.projects[0]!.project_code).toBe(p.project_code);
    expect(doc.document.year).toBe(2023);
  });

  it('corrects project and document fields, overall_goal included', () => {
    const p = base.projects[1]!;
    const code = line({ target: { table: 'projects', project_seq: 2 }, match: { project_code: p.project_code, project_name: p.project_name }, field: 'project_code', before: p.project_code, after: '13022523P00CXF810004Q' });
    const goal = line({ target: { table: 'documents' }, field: 'overall_goal', before: base.part_one.overall_goal, after: '新的总体目标' });
    const dept = line({ target: { table: 'documents' }, match: { year: 2023 }, field: 'department', before: base.document.department, after: '乐亭县工业聚集区管委会' });
    const { doc, outcomes } = applyCorrections(base, [code, goal, dept]);
    expect(outcomes.map((o) => o.status)).toEqual(['applied', 'applied', 'applied']);
    expect(doc.projects[1]!.project_code).toBe('13022523P00CXF810004Q');
    expect(doc.projects[1]!.corrected).toEqual(['project_code']);
    expect(doc.part_one.overall_goal).toBe('新的总体目标');
    expect(doc.document.department).toBe('乐亭县工业聚集区管委会');
    expect(doc.document.corrected).toEqual(['overall_goal', 'department']);
    valid(doc);
  });

  it('corrects part one items and the department table (project_seq 0)', () => {
    const withDept = structuredClone(base);
    withDept.part_one.dept_indicators = structuredClone(base.projects[0]!.indicators.slice(0, 2));
    const s = base.part_one.sub_goals[1]!;
    const sub = line({ target: { table: 'sub_goals', item_seq: 2 }, match: { seq: s.seq, title: s.title }, field: 'goal', before: s.goal, after: '目标二' });
    const dept = line({ target: { table: 'indicators', project_seq: 0, indicator_seq: 2 }, match: { level3: withDept.part_one.dept_indicators[1]!.level3 }, field: 'basis', before: '年初预算安排', after: '计划' });
    const { doc, outcomes } = applyCorrections(withDept, [sub, dept]);
    expect(outcomes.map((o) => [o.status, o.keys])).toEqual([
      ['applied', { table: 'sub_goals', item_seq: 2 }],
      ['applied', { table: 'indicators', project_seq: 0, indicator_seq: 2 }],
    ]);
    expect(doc.part_one.sub_goals[1]!.goal).toBe('目标二');
    expect(doc.part_one.dept_indicators[1]!.basis).toBe('计划');
    expect(doc.projects[0]!.indicators[1]!.basis).toBe('年初预算安排'); // the project row with the same text is another record
  });
});

describe('finding the record', () => {
  it('follows the record by its match fields when rows before it are gone or added (keys shift)', () => {
    const l = setIndicator(1, 3, 'value_raw', '≥95百分比');
    const fewer = structuredClone(base);
    fewer.projects[0]!.indicators.splice(0, 1); // the extractor now finds one row less before it
    const r1 = applyCorrections(fewer, [l]);
    expect(r1.outcomes[0]).toMatchObject({ status: 'applied', keys: { project_seq: 1, indicator_seq: 2 } });
    expect(r1.doc.projects[0]!.indicators[1]!.value_raw).toBe('≥95百分比');

    const more = structuredClone(base);
    more.projects.unshift(structuredClone(base.projects[1]!)); // a project table more before it
    const r2 = applyCorrections(more, [l]);
    expect(r2.outcomes[0]).toMatchObject({ status: 'applied', keys: { project_seq: 2, indicator_seq: 3 } });
    expect(r2.doc.projects[1]!.indicators[2]!.value_raw).toBe('≥95百分比');
  });

  it('takes the record at the keys when its match fields hold, even if another record has the same ones', () => {
    const twice = structuredClone(base);
    twice.projects[1]!.indicators[0] = structuredClone(base.projects[0]!.indicators[0]!);
    const r = applyCorrections(twice, [setIndicator(2, 1, 'basis', '合同', twice)]);
    expect(r.outcomes[0]!.status).toBe('applied');
    expect(r.doc.projects[1]!.indicators[0]!.basis).toBe('合同');
    expect(r.doc.projects[0]!.indicators[0]!.basis).toBe('年初预算安排');
  });

  it('is a conflict when the keys no longer hold and two records match, or none does', () => {
    const l = setIndicator(1, 1, 'basis', '合同');
    const twice = structuredClone(base);
    const row = twice.projects[0]!.indicators.shift()!;
    twice.projects[1]!.indicators.push(structuredClone(row));
    twice.projects[1]!.indicators.push(structuredClone(row));
    const r = applyCorrections(twice, [l]);
    expect(r.outcomes[0]).toMatchObject({ status: 'conflict', reason: '2 records match' });

    const renamed = structuredClone(base);
    renamed.projects[0]!.indicators[0]!.level3 = '修缮总量';
    const r2 = applyCorrections(renamed, [l]);
    expect(r2.outcomes[0]).toMatchObject({ status: 'conflict', reason: 'no record matches' });
    expect(r2.doc.projects[0]!.indicators[0]!.basis).toBe('年初预算安排');
  });

  it('recognises the record when the corrected field is one of its match fields, before or after correction', () => {
    const l = setIndicator(1, 1, 'level3', '修缮道路工程量');
    expect(l.match!.level3).toBe('修缮工程量');
    const now = structuredClone(base);
    now.projects[0]!.indicators[0]!.level3 = '修缮道路工程量'; // a new version reads it right
    expect(applyCorrections(now, [l]).outcomes[0]!.status).toBe('obsolete');
  });
});

describe('delete, insert, reviewed', () => {
  const phantom = () => {
    const doc = structuredClone(base);
    const ghost = { ...structuredClone(base.projects[0]!.indicators[0]!), level3: '共计', description: null, value_raw: null, value: parseValue(null) };
    doc.projects[0]!.indicators.splice(2, 0, ghost);
    return doc;
  };

  it('deletes the record it names; the rows after it move up; gone already: obsolete', () => {
    const doc = phantom();
    const del = line({ target: { table: 'indicators', project_seq: 1, indicator_seq: 3 }, op: 'delete', match: { level3: '共计' } });
    const after = setIndicator(1, 3, 'basis', '合同'); // as seen on the base: row 3, keys from before the delete
    const r = applyCorrections(doc, [del, after]);
    expect(r.outcomes.map((o) => o.status)).toEqual(['applied', 'applied']);
    expect(r.doc.projects[0]!.indicators.map((i) => i.level3)).toEqual(base.projects[0]!.indicators.map((i) => i.level3));
    expect(r.doc.projects[0]!.indicators[2]!.basis).toBe('合同');
    const again = applyCorrections(base, [del]);
    expect(again.outcomes[0]!.status).toBe('obsolete');
    expect(again.doc.projects[0]!.indicators.length).toBe(base.projects[0]!.indicators.length);
  });

  it('will not delete without match fields, nor one of two records that match', () => {
    const blind = line({ target: { table: 'indicators', project_seq: 1, indicator_seq: 1 }, op: 'delete', match: {} });
    // The row at the keys does not match (a 满意度 row); a 数量指标 row is in each project.
    const two = line({ target: { table: 'indicators', project_seq: 1, indicator_seq: 9 }, op: 'delete', match: { level1: '产出指标', level2: '数量指标' } });
    const r = applyCorrections(base, [blind, two]);
    expect(r.outcomes.map((o) => o.status)).toEqual(['conflict', 'conflict']);
    expect(r.doc.projects.map((p) => p.indicators.length)).toEqual(base.projects.map((p) => p.indicators.length));
  });

  it('inserts a missed record at its keys (loc null, marked "*"), the rows after it moving down; there already: obsolete', () => {
    const missed = base.projects[0]!.indicators[1]!;
    const fewer = structuredClone(base);
    fewer.projects[0]!.indicators.splice(1, 1);
    const record = { level1: missed.level1, level2: missed.level2, level3: missed.level3, description: missed.description, value_raw: missed.value_raw, basis: missed.basis };
    const ins = line({ target: { table: 'indicators', project_seq: 1, indicator_seq: 2 }, op: 'insert', after: record });
    const r = applyCorrections(fewer, [ins]);
    expect(r.outcomes[0]).toMatchObject({ status: 'applied', keys: { project_seq: 1, indicator_seq: 2 } });
    const got = r.doc.projects[0]!.indicators[1]!;
    expect(got).toEqual({ ...missed, loc: null, confidence: null, corrected: ['*'] });
    expect(r.doc.projects[0]!.indicators[2]!.level3).toBe(base.projects[0]!.indicators[2]!.level3);
    valid(r.doc);
    expect(applyCorrections(base, [ins]).outcomes[0]!.status).toBe('obsolete');
    const far = { ...ins, target: { table: 'indicators' as const, project_seq: 1, indicator_seq: 40 } };
    expect(applyCorrections(fewer, [far]).outcomes[0]!.status).toBe('conflict');
    const noProject = { ...ins, target: { table: 'indicators' as const, project_seq: 9, indicator_seq: 1 } };
    expect(applyCorrections(fewer, [noProject]).outcomes[0]).toMatchObject({ status: 'conflict', reason: 'no project 9' });
  });

  it('inserts a whole project with its indicators; a later set corrects the inserted record', () => {
    const p = base.projects[1]!;
    const { loc: _l, indicators, ...fields } = p;
    const ins = line({ target: { table: 'projects', project_seq: 3 }, op: 'insert', after: { ...fields, project_code: '13022523P0000000000X', indicators: indicators.map(({ loc: _x, confidence: _c, ...i }) => i) } });
    const set = line({ target: { table: 'projects', project_seq: 3 }, match: { project_code: '13022523P0000000000X' }, field: 'project_name', before: p.project_name, after: '新项目' });
    const r = applyCorrections(base, [ins, set]);
    expect(r.outcomes.map((o) => o.status)).toEqual(['applied', 'applied']);
    const got = r.doc.projects[2]!;
    expect(got.loc).toBeNull();
    expect(got.corrected).toEqual(['*']);
    expect(got.project_name).toBe('新项目');
    expect(got.indicators.every((i) => i.loc === null && i.corrected?.[0] === '*')).toBe(true);
    valid(r.doc);
  });

  it('marks a project table or the document reviewed, and withdraws the mark', () => {
    const p = base.projects[1]!;
    const proj = line({ target: { table: 'projects', project_seq: 2 }, op: 'reviewed', match: { project_code: p.project_code }, by: 'li', at: '2026-12-03T09:00:00Z' });
    const whole = line({ target: { table: 'documents' }, op: 'reviewed', by: 'li', at: '2026-12-03T10:00:00Z' });
    const r = applyCorrections(base, [proj, whole]);
    expect(r.outcomes.map((o) => o.status)).toEqual(['applied', 'applied']);
    expect(r.doc.projects[1]!.reviewed).toEqual({ by: 'li', at: '2026-12-03T09:00:00Z' });
    expect(r.doc.projects[0]!.reviewed).toBeUndefined();
    expect(r.doc.document.reviewed).toEqual({ by: 'li', at: '2026-12-03T10:00:00Z' });
    expect(r.doc.projects[1]!.corrected).toBeUndefined(); // no value changed
    valid(r.doc);
    const undo = { ...proj, id: 'u1', after: false };
    expect(applyCorrections(base, [proj, undo]).doc.projects[1]!.reviewed).toBeUndefined();
    const gone = line({ target: { table: 'projects', project_seq: 2 }, op: 'reviewed', match: { project_code: 'nope' } });
    expect(applyCorrections(base, [gone]).outcomes[0]!.status).toBe('conflict');
    const rowMark = line({ target: { table: 'indicators', project_seq: 1, indicator_seq: 1 }, op: 'reviewed' });
    expect(applyCorrections(base, [rowMark]).outcomes[0]!.status).toBe('conflict');
  });
});

describe('later lines win', () => {
  const first = () => setIndicator(1, 1, 'value_raw', '≥1100米');
  const chain = (): Correction[] => {
    const a = first();
    const seen = applyCorrections(base, [a]).doc;
    return [a, setIndicator(1, 1, 'value_raw', '≥1200米', seen)];
  };

  it('applies a chain of edits of one field in order', () => {
    const r = applyCorrections(base, chain());
    expect(r.outcomes.map((o) => o.status)).toEqual(['applied', 'applied']);
    expect(r.doc.projects[0]!.indicators[0]!.value_raw).toBe('≥1200米');
  });

  it('when the extraction now gives the last value, the earlier line is superseded (obsolete), not a conflict', () => {
    const now = structuredClone(base);
    now.projects[0]!.indicators[0]!.value_raw = '≥1200米';
    const lines = chain();
    const r = applyCorrections(now, lines);
    expect(r.outcomes.map((o) => o.status)).toEqual(['obsolete', 'obsolete']);
    expect(r.outcomes[0]!.reason).toContain(`superseded by ${lines[1]!.id}`);
    expect(r.doc.warnings.filter((w) => w.code === 'correction-conflict')).toEqual([]);
  });

  it('when the extraction gives something else, every line of the chain is a conflict and the value stays', () => {
    const now = structuredClone(base);
    now.projects[0]!.indicators[0]!.value_raw = '≥1300米';
    const r = applyCorrections(now, chain());
    expect(r.outcomes.map((o) => o.status)).toEqual(['conflict', 'conflict']);
    expect(r.doc.projects[0]!.indicators[0]!.value_raw).toBe('≥1300米');
    expect(r.doc.warnings.filter((w) => w.code === 'correction-conflict').length).toBe(2);
  });

  it('an undo (the inverse line) brings the extracted value back and the mark stays honest', () => {
    const a = first();
    const undo = { ...a, id: 'undo', before: a.after, after: a.before };
    const r = applyCorrections(base, [a, undo]);
    expect(r.outcomes.map((o) => o.status)).toEqual(['applied', 'applied']);
    expect(r.doc.projects[0]!.indicators[0]!.value_raw).toBe('≥1000米');
  });
});

describe('the file', () => {
  it('reads every line, numbering them; a torn or invalid line is reported, never dropped', () => {
    const good = JSON.stringify(setIndicator(1, 1, 'level3', 'x'));
    const text = `${good}\n\n{"id":"a","doc_id":"b","target":{"table":"rows"}}\n${good.slice(0, 30)}`;
    const lines = parseCorrections(text);
    expect(lines.map((l) => [l.seq, l.correction != null])).toEqual([[1, true], [3, false], [4, false]]);
    expect(lines[1]!.error).toContain('target.table');
    expect(lines[2]!.error).toContain('not a JSON object');
  });
});
