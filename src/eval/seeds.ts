/**
 * Generated documents for `npm run eval`: per seed, a budget text no one has seen
 * (src/eval/gen/model.ts) with its gold, printed with the seed's geometry to DOCX and HTML
 * and from there through every producer (src/eval/gen/producers.ts). Made the first time
 * into a cache (node_modules/.cache/jixiao-eval-seeds/s<seed>/), then reused: renditions
 * already there are skipped (see `sources` for when they are made again), two seeds are made
 * at a time.
 *
 *   npx tsx src/eval/seeds.ts --out DIR --seeds 1,2 --producers lo,chromium   # a set of seeds into DIR
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import PQueue from 'p-queue';
import { type Geometry, blocksOf, generateGeometry } from './gen/blocks.js';
import { docxContent, writeDocx } from './gen/docx.js';
import { writeHtml } from './gen/html.js';
import { generateDoc, goldOf, readPools } from './gen/model.js';
import { EXT, FROM, PRODUCERS, type Producer, TOOLS, VERSION, produce } from './gen/producers.js';
import { defaultCorpus, projectRoot } from '../paths.js';

export const SEED_CACHE = path.join(projectRoot(), 'node_modules', '.cache', 'jixiao-eval-seeds');

const found = new Map<string, boolean>();
/** Each generator font's Debian package, named when the font is missing. */
const FONT_PACKAGES: Record<string, string> = {
  'Noto Serif CJK SC': 'fonts-noto-cjk', 'Noto Sans CJK SC': 'fonts-noto-cjk', 'AR PL UMing CN': 'fonts-arphic-uming',
  'AR PL SungtiL GB': 'fonts-arphic-gbsn00lp', 'AR PL KaitiM GB': 'fonts-arphic-gkai00mp', 'WenQuanYi Zen Hei': 'fonts-wqy-zenhei',
  'Droid Sans Fallback': 'fonts-droid-fallback',
};

const fonts = new Map<string, boolean>();
/** Whether fontconfig has a font of this family (a producer would quietly put another in its place). */
function hasFont(family: string): boolean {
  if (!fonts.has(family)) {
    const r = spawnSync('fc-list', [family, 'family'], { encoding: 'utf8', timeout: 60_000 });
    // Without fontconfig's fc-list no check can be made: the producers are left to their own.
    fonts.set(family, r.error != null || r.stdout.split('\n').some((l) => l.split(',').includes(family)));
  }
  return fonts.get(family)!;
}

function has(tool: string): boolean {
  if (!found.has(tool)) found.set(tool, spawnSync(tool, ['--version'], { stdio: 'ignore', timeout: 60_000 }).error == null);
  return found.get(tool)!;
}

export const seedName = (seed: number) => `s${String(seed).padStart(3, '0')}`;

/**
 * Writes a seed's gold, geometry, HTML and DOCX. The seed's renditions stay as long as what
 * they were printed from is the same — its HTML, its geometry and what its DOCX says (its
 * document and styles, not the time it was written) — otherwise they are removed and made
 * again. The gold is written from the generator every time, so a correction of the gold alone
 * needs no new renditions.
 */
async function sources(dir: string, seed: number, pools: ReturnType<typeof readPools>): Promise<void> {
  mkdirSync(dir, { recursive: true });
  const doc = generateDoc(seed, pools);
  const g = generateGeometry(seed);
  const blocks = blocksOf(doc, g);
  const gold = goldOf(doc);
  const html = writeHtml(blocks, g, gold.document.title ?? `seed ${seed}`);
  const geometry = `${JSON.stringify(g, null, 1)}\n`;
  const docx = await writeDocx(blocks, g);
  const file = (f: string) => path.join(dir, f);
  const read = (f: string) => (existsSync(file(f)) ? readFileSync(file(f), 'utf8') : null);
  const same = read('source.html') === html && read('geometry.json') === geometry && existsSync(file('source.docx')) && docxContent(readFileSync(file('source.docx'))) === docxContent(docx);
  if (!same) {
    for (const f of readdirSync(dir)) rmSync(file(f), { recursive: true, force: true });
    writeFileSync(file('geometry.json'), geometry);
    writeFileSync(file('source.html'), html);
    writeFileSync(file('source.docx'), docx);
  }
  rmSync(file('key'), { force: true });
  const goldText = `${JSON.stringify(gold, null, 1)}\n`;
  if (read('gold.json') !== goldText) writeFileSync(file('gold.json'), goldText);
}

export interface MakeOptions {
  seeds: readonly number[];
  producers: readonly Producer[];
  log?: (s: string) => void;
  /** Seeds made at a time. */
  concurrency?: number;
}

/**
 * Makes (or finds) every rendition of every seed in `out`; returns `out`. A producer whose
 * program is missing is skipped with a note; one that fails on a seed leaves
 * `<producer>.failed` with its message (not retried until the generator changes).
 */
export async function makeSeeds(corpus: string, outDir: string, o: MakeOptions): Promise<string> {
  // Absolute: producers are given it as a file: URL (LibreOffice's profile), where a relative path is a host name.
  const out = path.resolve(outDir);
  const log = o.log ?? ((s: string) => console.error(s));
  const pools = readPools(corpus);
  mkdirSync(out, { recursive: true });
  const missing = new Set<string>();
  const wanted = new Set<Producer>(o.producers);
  for (const p of o.producers) if (FROM[p]) wanted.add(FROM[p]!);
  const order = PRODUCERS.filter((p) => wanted.has(p));
  const usable = order.filter((p) => {
    const absent = TOOLS[p].filter((t) => !has(t));
    for (const t of absent) missing.add(t);
    return absent.length === 0;
  });
  const queue = new PQueue({ concurrency: o.concurrency ?? 2 });
  const slots = Array.from({ length: o.concurrency ?? 2 }, (_, i) => i);
  const free = [...slots];
  for (const seed of o.seeds) {
    void queue.add(async () => {
      const slot = free.pop()!;
      const work = path.join(out, workDir(slot));
      try {
        const dir = path.join(out, seedName(seed));
        await sources(dir, seed, pools);
        const geometry = JSON.parse(readFileSync(path.join(dir, 'geometry.json'), 'utf8')) as Geometry;
        // A rendition in a font put in place of a missing one is another document than the
        // seed's on every other machine: the seed is not made here.
        const absentFonts = [...new Set([geometry.bodyFont, geometry.tableFont])].filter((f) => !hasFont(f));
        if (absentFonts.length) {
          log(`eval: ${seedName(seed)} not made: its fonts ${absentFonts.join(', ')} are not installed (apt-get install ${absentFonts.map((f) => FONT_PACKAGES[f] ?? f).join(' ')})`);
          return;
        }
        // Renditions by a producer whose version changed (or by the one they were made from) go.
        const versions = path.join(dir, 'versions.json');
        // (Renditions made before versions were kept are of every producer's first version.)
        const made = (existsSync(versions) ? JSON.parse(readFileSync(versions, 'utf8')) : Object.fromEntries(PRODUCERS.map((p) => [p, 1]))) as Record<string, number>;
        for (const p of PRODUCERS) {
          const stale = (q: Producer) => made[q] != null && made[q] !== VERSION[q];
          if (stale(p) || (FROM[p] && stale(FROM[p]!))) {
            rmSync(path.join(dir, `${p}.${EXT[p]}`), { force: true });
            rmSync(path.join(dir, `${p}.failed`), { force: true });
          }
        }
        // Written only when it changes: a run that makes nothing leaves the cache as it was.
        const next = JSON.stringify({ ...made, ...Object.fromEntries(PRODUCERS.map((p) => [p, VERSION[p]])) });
        if (!existsSync(versions) || JSON.stringify(made) !== next) writeFileSync(versions, `${next}\n`);
        for (const p of usable) {
          const target = path.join(dir, `${p}.${EXT[p]}`);
          const failed = path.join(dir, `${p}.failed`);
          if (existsSync(target) || existsSync(failed)) continue;
          const from = FROM[p];
          if (from && !existsSync(path.join(dir, `${from}.${EXT[from]}`))) continue;
          mkdirSync(work, { recursive: true });
          const tmp = path.join(work, `out.${EXT[p]}`);
          rmSync(tmp, { force: true });
          log(`eval: making ${seedName(seed)}/${p}.${EXT[p]}`);
          try {
            await produce(p, { dir, work, geometry }, tmp);
            renameSync(tmp, target);
          } catch (err) {
            const e = err as Error & { stderr?: string };
            writeFileSync(failed, `${e.message}\n${e.stderr ?? ''}`.slice(0, 4000));
            log(`eval: ${seedName(seed)}/${p} failed: ${e.message.split('\n')[0]}`);
          }
        }
      } finally {
        free.push(slot);
      }
    });
  }
  await queue.onIdle();
  for (const slot of slots) rmSync(path.join(out, workDir(slot)), { recursive: true, force: true });
  if (missing.size) log(`eval: producers needing ${[...missing].join(', ')} skipped`);
  return out;
}

/**
 * A worker slot's scratch folder, of this process alone: two runs sharing a cache (an eval
 * beside a generator) never clear each other's LibreOffice or Chromium profiles.
 */
function workDir(slot: number): string {
  return `.work-${process.pid}-${slot}`;
}

/** Parses `1,3,5-9` or a count `20` (seeds 1..20). */
export function parseSeeds(s: string): number[] {
  if (/^\d+$/.test(s)) return Array.from({ length: Number(s) }, (_, i) => i + 1);
  return s.split(',').flatMap((part) => {
    const m = /^(\d+)-(\d+)$/.exec(part.trim());
    if (m) return Array.from({ length: Number(m[2]) - Number(m[1]) + 1 }, (_, i) => Number(m[1]) + i);
    return [Number(part)];
  });
}

export function parseProducers(s: string | undefined): Producer[] {
  if (!s || s === 'all') return [...PRODUCERS];
  const list = s.split(',').map((x) => x.trim()).filter(Boolean);
  for (const p of list) if (!(PRODUCERS as readonly string[]).includes(p)) throw new Error(`unknown producer ${p} (known: ${PRODUCERS.join(', ')})`);
  return list as Producer[];
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const args = process.argv.slice(2);
  const arg = (name: string) => {
    const i = args.indexOf(name);
    return i >= 0 ? args[i + 1] : undefined;
  };
  const corpus = arg('--corpus') ?? defaultCorpus();
  const out = arg('--out') ?? SEED_CACHE;
  await makeSeeds(corpus, out, { seeds: parseSeeds(arg('--seeds') ?? '20'), producers: parseProducers(arg('--producers')) });
  console.log(out);
}
