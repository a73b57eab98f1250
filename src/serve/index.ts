/**
 * `jixiao serve OUTDIR [--port N]`: the review and correction workspace, a local web app on
 * 127.0.0.1 (Hono on Node's HTTP server; everything it sends is local — the views, the script
 * bundled at build time, the page images — so it works offline). The views are the static
 * report's (../review/views.ts) with every field editable; each edit is tried against the
 * document as it is now and appended to corrections.jsonl at once (workspace.ts).
 *
 * Routes: `/` the queue, `/doc/:id` a document, `/pages/:id/:n` a source page image,
 * `/app.js` `/app.css`; the API `GET /api/queue`, `GET /api/doc/:id`, `GET /api/revision`
 * (changes when the folder does), `POST /api/doc/:id/corrections`, `POST /api/doc/:id/undo`.
 * Requests must name this server as their host (no other site can reach it through a DNS name
 * pointing at 127.0.0.1), and a POST must come from its own pages.
 */
import type { AddressInfo } from 'node:net';
import { serve as serveNode } from '@hono/node-server';
import { Hono } from 'hono';
import { APP_CSS, appScript } from '../review/assets.js';
import { PAGE_TYPE } from '../review/pages.js';
import { documentPage, queuePage, shell } from '../review/views.js';
import { type Answer, ProposalSchema, Workspace } from './workspace.js';

export interface ServeOptions {
  port: number;
  /** Who the corrections are by (`by`); null when unknown. */
  user: string | null;
}

export interface Served {
  url: string;
  close(): Promise<void>;
}

const ASSETS = { css: '/app.css', js: '/app.js' };
const DOC_ID = /^[0-9a-f]{16}$/;

export function app(ws: Workspace, port: () => number): Hono {
  const h = new Hono();
  const script = appScript();

  h.use('*', async (c, next) => {
    const host = c.req.header('host') ?? '';
    if (host !== `127.0.0.1:${port()}` && host !== `localhost:${port()}`) return c.text('jixiao serve answers on 127.0.0.1 only', 403);
    if (c.req.method === 'POST') {
      const origin = c.req.header('origin');
      if (origin != null && origin !== `http://${host}`) return c.text('cross-origin request refused', 403);
      if (!(c.req.header('content-type') ?? '').startsWith('application/json')) return c.text('JSON expected', 415);
    }
    await next();
    c.header('cache-control', c.res.headers.get('cache-control') ?? 'no-store');
    c.header('x-content-type-options', 'nosniff');
  });

  h.get('/', async (c) => {
    const q = await ws.queue();
    return c.html(shell('jixiao review', queuePage(q), q, ASSETS));
  });
  h.get('/doc/:id', async (c) => {
    const m = await ws.docModel(c.req.param('id'));
    if (!m) return c.text('no such document', 404);
    return c.html(shell(m.doc.document.title ?? m.doc.doc_id, documentPage(m), m, ASSETS));
  });
  h.get('/app.js', async (c) => c.body(await script, 200, { 'content-type': 'text/javascript; charset=utf-8' }));
  h.get('/favicon.ico', (c) => c.body(null, 204));
  h.get('/app.css', (c) => c.body(APP_CSS, 200, { 'content-type': 'text/css; charset=utf-8' }));
  h.get('/pages/:id/:n', async (c) => {
    const id = c.req.param('id');
    const n = Number(c.req.param('n'));
    const st = DOC_ID.test(id) && Number.isInteger(n) ? await ws.folder.state(id) : null;
    const img = st ? await ws.folder.pages.image(st.doc, n) : null;
    if (!img) return c.text('no such page image', 404);
    return c.body(new Uint8Array(img), 200, { 'content-type': PAGE_TYPE, 'cache-control': 'private, max-age=3600' });
  });

  h.get('/api/revision', async (c) => c.text(await ws.folder.revision()));
  h.get('/api/queue', async (c) => c.json(await ws.queue()));
  h.get('/api/doc/:id', async (c) => {
    const m = await ws.docModel(c.req.param('id'));
    return m ? c.json(m) : c.json({ error: 'no such document' }, 404);
  });
  const answer = (c: { json: (b: unknown, s: number) => Response }, a: Answer) => c.json(a.body, a.code);
  h.post('/api/doc/:id/corrections', async (c) => {
    const p = ProposalSchema.safeParse(await c.req.json().catch(() => null));
    if (!p.success) return c.json({ error: `not a correction: ${p.error.issues[0]!.path.join('.')}: ${p.error.issues[0]!.message}` }, 400);
    return answer(c, await ws.propose(c.req.param('id'), p.data));
  });
  h.post('/api/doc/:id/undo', async (c) => {
    const body = (await c.req.json().catch(() => null)) as { id?: unknown } | null;
    if (typeof body?.id !== 'string') return c.json({ error: 'undo names a correction id' }, 400);
    return answer(c, await ws.undo(c.req.param('id'), body.id));
  });
  h.onError((err, c) => c.json({ error: err.message }, 500));
  return h;
}

/** Starts the workspace on 127.0.0.1 (`port` 0: any free port) and resolves once it listens. */
export async function serveWorkspace(outDir: string, opts: ServeOptions): Promise<Served> {
  const ws = new Workspace(outDir, opts.user);
  let port = opts.port;
  const h = app(ws, () => port);
  const server = await new Promise<ReturnType<typeof serveNode>>((resolve, reject) => {
    const s = serveNode({ fetch: h.fetch, port: opts.port, hostname: '127.0.0.1' }, (info: AddressInfo) => {
      port = info.port;
      resolve(s);
    });
    s.once('error', reject);
  });
  return {
    url: `http://127.0.0.1:${port}/`,
    close: () => new Promise<void>((resolve) => {
      (server as { closeAllConnections?: () => void }).closeAllConnections?.();
      server.close(() => resolve());
    }),
  };
}
