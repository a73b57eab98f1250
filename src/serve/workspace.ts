/**
 * The review workspace's state and its one way of changing anything: a correction proposed
 * from the browser is tried on the document as corrected so far (the same apply every run
 * uses) and appended to corrections.jsonl only when it applies — so an edit made on a stale
 * view (another tab, a run that re-extracted the document meanwhile) is refused with the
 * document as it is now, never written blindly. Edits are taken one at a time.
 */
import { z } from 'zod';
import { appendCorrection, newCorrectionId } from '../corrections/file.js';
import { applyCorrections } from '../corrections/apply.js';
import { type Correction, FIELDS, OPS, TargetSchema } from '../corrections/model.js';
import { ReviewFolder } from '../review/folder.js';
import { type DocModel, type QueueModel, matchOf, recordAt } from '../review/model.js';

/** What the browser sends: the correction as the person made it (who, when and the id are the server's). */
export const ProposalSchema = z.object({
  target: TargetSchema,
  op: z.enum(OPS),
  match: z.record(z.string(), z.unknown()).optional(),
  field: z.string().optional(),
  before: z.unknown().optional(),
  after: z.unknown().optional(),
});
export type Proposal = z.infer<typeof ProposalSchema>;

export interface Answer {
  code: 200 | 400 | 404 | 409;
  body: { model?: DocModel; id?: string; status?: string; reason?: string; error?: string };
}

export class Workspace {
  readonly folder: ReviewFolder;
  private writing: Promise<unknown> = Promise.resolve();

  constructor(
    readonly outDir: string,
    private readonly user: string | null,
  ) {
    this.folder = new ReviewFolder(outDir);
  }

  static pageSrc(docId: string, page: number): string {
    return `/pages/${docId}/${page}`;
  }

  async queue(): Promise<QueueModel> {
    return this.folder.queue('serve');
  }

  async docModel(docId: string): Promise<DocModel | null> {
    const m = await this.folder.docModel(docId, 'serve', Workspace.pageSrc, { images: true, draw: false });
    if (m) m.progress = (await this.queue()).progress;
    return m;
  }

  /** Runs `fn` after every edit before it (one at a time). */
  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.writing.then(fn);
    this.writing = run.catch(() => undefined);
    return run;
  }

  /** A correction from the browser: appended when it applies to the document as it is now. */
  propose(docId: string, proposal: Proposal): Promise<Answer> {
    return this.serial(() => this.proposeNow(docId, proposal));
  }

  private async proposeNow(docId: string, p: Proposal): Promise<Answer> {
    const st = await this.folder.state(docId);
    if (!st) return { code: 404, body: { error: `no document ${docId}` } };
    if (p.op === 'set' && (!p.field || !(p.field in FIELDS[p.target.table]))) return { code: 400, body: { error: `${p.target.table} has no field ${p.field}` } };
    const { lines } = await this.folder.lines();
    const line: Correction = {
      id: newCorrectionId(new Set(lines.flatMap((l) => (l.correction ? [l.correction.id] : [])))),
      doc_id: docId,
      target: p.target,
      ...(p.match ? { match: p.match } : {}),
      op: p.op,
      ...(p.field != null ? { field: p.field } : {}),
      ...('before' in p ? { before: p.before ?? null } : {}),
      ...('after' in p ? { after: p.after ?? null } : {}),
      by: this.user,
      at: new Date().toISOString(),
      extractor: st.base.source.extractor.version,
    };
    const trial = applyCorrections(st.doc, [line]).outcomes[0]!;
    if (trial.status !== 'applied') {
      const model = await this.docModel(docId);
      return trial.status === 'obsolete'
        ? { code: 200, body: { status: 'obsolete', reason: trial.reason, model: model! } }
        : { code: 409, body: { status: 'conflict', reason: trial.reason, model: model! } };
    }
    // Keys as they are now (the view may have been made before rows moved).
    if (trial.keys && line.op !== 'insert') line.target = trial.keys;
    await appendCorrection(this.outDir, line);
    return { code: 200, body: { id: line.id, status: 'applied', model: (await this.docModel(docId))! } };
  }

  /** Undoes a line that applies now, by appending its inverse. */
  undo(docId: string, id: string): Promise<Answer> {
    return this.serial(async () => {
      const st = await this.folder.state(docId);
      if (!st) return { code: 404, body: { error: `no document ${docId}` } };
      const k = st.lines.findIndex((l) => l.correction.id === id);
      const l = st.lines[k];
      if (!l || l.outcome.status !== 'applied' || !l.outcome.keys) return { code: 409, body: { reason: `correction ${id} does not apply now: nothing to undo`, model: (await this.docModel(docId))! } };
      const c = l.correction;
      const keys = l.outcome.keys;
      const now = recordAt(st.doc, keys);
      let inverse: Proposal;
      switch (c.op ?? 'set') {
        case 'set':
          inverse = { target: keys, op: 'set', match: now ? matchOf(keys.table, now) : {}, field: c.field, before: now?.[c.field!] ?? null, after: c.before ?? null };
          if (keys.table === 'documents') inverse.match = {};
          break;
        case 'reviewed':
          inverse = { target: keys, op: 'reviewed', match: now && keys.table !== 'documents' ? matchOf(keys.table, now) : {}, after: c.after === false };
          break;
        case 'insert':
          inverse = { target: keys, op: 'delete', match: Object.fromEntries(Object.keys(FIELDS[keys.table]).map((f) => [f, now?.[f] ?? null])) };
          break;
        default: {
          // A delete: the record comes back where it was, as it was before the line.
          const before = applyCorrections(st.base, st.lines.slice(0, k).map((x) => x.correction)).doc;
          const rec = recordAt(before, keys) ?? {};
          const { loc: _loc, confidence: _c, corrected: _k, ...fields } = rec as Record<string, unknown>;
          inverse = { target: keys, op: 'insert', after: fields };
        }
      }
      return this.proposeNow(docId, inverse);
    });
  }
}
