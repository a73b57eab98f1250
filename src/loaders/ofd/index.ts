/**
 * OFD loader (GB/T 33190, the national standard for electronic documents): a ZIP of XML
 * parts. Each page's text objects and path objects go into the same layout engine as a PDF's
 * text layer and vector lines (../../layout/), so tables are rebuilt by the same rules.
 *
 * - Container: checked by ./zipguard before anything is parsed (bombs, truncation); parts are
 *   found by the paths OFD.xml → Document.xml → pages give them (absolute or relative to the
 *   part that names them; backslashes and a leading slash tolerated). Every <DocBody> is read,
 *   its pages one after another.
 * - Pages: their template pages (background and foreground) and content layers, page blocks
 *   within them; the page's PhysicalBox, else the document's.
 * - Text: each TextObject's TextCodes, each character placed by X/Y, DeltaX/DeltaY (with the
 *   `g n v` repeats) and the object's CTM and Boundary; characters standing at their usual
 *   advance from each other make one text item, a wider gap starts another (the layout engine
 *   turns it into a space or a tab); the font (PublicRes/DocumentRes) gives a Latin character's
 *   width where no DeltaX does. Text drawn neither filled nor stroked is not shown and is
 *   left out, as the PDF loader leaves out what a page hides.
 * - Lines: PathObjects' AbbreviatedData (S/M, L, Q, B, A, C) through CTM and Boundary; the
 *   straight pieces of stroked paths and thin filled rectangles become ruling segments.
 * - Signatures and seals (Signatures.xml, stamp annotations) are not read: their count goes to
 *   the document's `source.signatures`. Annotations, images and attachments are not read.
 *
 * Units: OFD's millimetres become points (the unit of every box jixiao outputs), y turned
 * upwards for the layout engine; boxes come back with the origin at the page's top left.
 */
import { XMLParser } from 'fast-xml-parser';
import type { DocModel } from '../../model.js';
import { type Message, type Result } from '../../diagnostics.js';
import { InputError } from '../../errors.js';
import { TABLE_WORDS } from '../../vocab.js';
import { isWide } from '../../text/clean.js';
import { type Item, type Matrix, type PageContent, type PagedRead, type Polyline, type Segment, type TurnedItem, assemble, invert, multiply, pageContent, pathSegments, readAll, tooLittleText, turnOf, upright } from '../../layout/index.js';
import { type Container, DEFAULT_ZIP_LIMITS, checkZip } from '../zipguard.js';

const OFD: Container = { what: 'OFD', corrupt: 'corrupt-ofd', cells: () => 0 };

/** Points per millimetre. */
const PT = 72 / 25.4;
/** Most characters and path objects one page may draw (a crafted page of millions is refused). */
const MAX_PAGE_CHARS = 200_000;
const MAX_PAGE_PATHS = 500_000;
/** How deep page blocks may nest. */
const MAX_DEPTH = 32;

type Node = Record<string, unknown>;

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  removeNSPrefix: true,
  textNodeName: '#text',
  trimValues: false,
  parseTagValue: false,
  parseAttributeValue: false,
  processEntities: true,
  htmlEntities: false,
});

function asArray<T>(v: T | T[] | undefined): T[] {
  return v == null ? [] : Array.isArray(v) ? v : [v];
}

function text(v: unknown): string {
  if (v == null) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return String(v);
  if (typeof v === 'object') return text((v as Node)['#text']);
  return '';
}

function numbers(s: unknown): number[] {
  return text(s).trim().split(/[\s,]+/).filter(Boolean).map(Number);
}

/** OFD's number lists with `g n v` repeats (DeltaX, DeltaY) expanded. */
export function deltas(s: unknown): number[] {
  const parts = text(s).trim().split(/\s+/).filter(Boolean);
  const out: number[] = [];
  for (let i = 0; i < parts.length; i++) {
    if (parts[i] === 'g' && i + 2 < parts.length) {
      const n = Math.min(Number(parts[i + 1]) || 0, MAX_PAGE_CHARS);
      const v = Number(parts[i + 2]);
      for (let k = 0; k < n; k++) out.push(v);
      i += 2;
    } else out.push(Number(parts[i]));
  }
  return out.map((v) => (Number.isFinite(v) ? v : 0));
}

/** The parts of an OFD container by normalised path, read after the container passed its checks. */
class Package {
  private readonly byPath = new Map<string, Buffer>();
  private readonly xml = new Map<string, Node>();

  constructor(parts: Map<string, Buffer>) {
    for (const [name, bytes] of parts) this.byPath.set(norm(name), bytes);
  }

  /** A part's path, `ref` taken relative to the folder of `from` (or to the root when it starts with '/'); tolerant of producers' sloppy paths. */
  resolve(ref: string, from: string): string | null {
    const r = ref.trim().replace(/\\/g, '/');
    if (!r) return null;
    const dir = from.includes('/') ? from.slice(0, from.lastIndexOf('/')) : '';
    const tries = r.startsWith('/') ? [norm(r)] : [norm(`${dir}/${r}`), norm(r)];
    for (const t of tries) if (this.byPath.has(t)) return t;
    // Some producers name parts relative to another folder: a unique match of the path's tail.
    const tail = norm(r).replace(/^(\.\.\/)+/, '');
    const found = [...this.byPath.keys()].filter((k) => k === tail || k.endsWith(`/${tail}`));
    return found.length === 1 ? found[0]! : null;
  }

  parse(path: string | null): Node | null {
    if (!path) return null;
    const cached = this.xml.get(path);
    if (cached) return cached;
    const bytes = this.byPath.get(path);
    if (!bytes) return null;
    let node: Node;
    try {
      node = parser.parse(bytes.toString('utf8')) as Node;
    } catch (err) {
      throw new InputError(`damaged OFD: ${path} is not well-formed XML (${(err as Error).message.split('\n')[0]})`, 'corrupt-ofd');
    }
    this.xml.set(path, node);
    return node;
  }
}

function norm(p: string): string {
  const out: string[] = [];
  for (const seg of p.replace(/\\/g, '/').split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') out.pop();
    else out.push(seg);
  }
  return out.join('/');
}

interface Font {
  name: string;
  /** A fixed-pitch face: Latin characters half an em wide or more. */
  mono: boolean;
}

interface DocPages {
  /** Part paths of its pages, in order. */
  pages: string[];
  /** Template pages by ID. */
  templates: Map<string, string>;
  fonts: Map<string, Font>;
  /** The document's default page box (mm). */
  box: number[];
}

/** A document of the container: its pages, templates, fonts and default page box. */
function readDocument(pkg: Package, docPath: string): DocPages {
  const root = (pkg.parse(docPath)?.['Document'] ?? null) as Node | null;
  if (!root) throw new InputError(`damaged OFD: its document ${docPath} is missing or empty`, 'corrupt-ofd');
  const common = (root['CommonData'] ?? {}) as Node;
  const area = (common['PageArea'] ?? {}) as Node;
  const box = numbers(area['PhysicalBox']);
  const fonts = new Map<string, Font>();
  for (const res of [...asArray(common['PublicRes']), ...asArray(common['DocumentRes'])]) {
    const resPath = pkg.resolve(text(res), docPath);
    const node = (pkg.parse(resPath)?.['Res'] ?? null) as Node | null;
    for (const f of asArray(((node?.['Fonts'] ?? {}) as Node)['Font'] as Node[] | undefined)) {
      const name = `${text(f['@FontName'])} ${text(f['@FamilyName'])}`;
      fonts.set(text(f['@ID']), { name, mono: /courier|mono|consol|fixed|仿宋_gb2312/i.test(name) || f['@FixedWidth'] === 'true' });
    }
  }
  const templates = new Map<string, string>();
  for (const t of asArray(common['TemplatePage'] as Node[] | undefined)) {
    const p = pkg.resolve(text(t['@BaseLoc']), docPath);
    if (p) templates.set(text(t['@ID']), p);
  }
  const pages: string[] = [];
  for (const p of asArray(((root['Pages'] ?? {}) as Node)['Page'] as Node[] | undefined)) {
    const path = pkg.resolve(text(p['@BaseLoc']), docPath);
    if (!path) throw new InputError(`damaged OFD: page ${pages.length + 1} (${text(p['@BaseLoc'])}) is not in the container`, 'corrupt-ofd');
    pages.push(path);
  }
  return { pages, templates, fonts, box: box.length === 4 ? box : [0, 0, 210, 297] };
}

/** Signatures and seals a document carries (Signatures.xml entries, stamp annotations). */
function countSignatures(pkg: Package, body: Node, docPath: string): number {
  let n = 0;
  const sigPath = pkg.resolve(text(body['Signatures']), 'OFD.xml');
  const sigs = (pkg.parse(sigPath)?.['Signatures'] ?? null) as Node | null;
  n += asArray(sigs?.['Signature'] as Node[] | undefined).length;
  const doc = (pkg.parse(docPath)?.['Document'] ?? {}) as Node;
  const annots = pkg.parse(pkg.resolve(text(doc['Annotations']), docPath));
  const list = ((annots?.['Annotations'] ?? {}) as Node)['Page'];
  for (const p of asArray(list as Node[] | undefined)) {
    const file = pkg.parse(pkg.resolve(text(p['FileLoc']), pkg.resolve(text(doc['Annotations']), docPath) ?? docPath));
    for (const a of asArray(((file?.['PageAnnot'] ?? {}) as Node)['Annot'] as Node[] | undefined)) if (text(a['@Type']) === 'Stamp') n++;
  }
  return n;
}

/** What one page draws, in points with y upwards. */
interface Drawn {
  items: TurnedItem[];
  segs: Segment[];
  chars: number;
  paths: number;
}

function matrixOf(ctm: unknown): Matrix {
  const m = numbers(ctm);
  return m.length === 6 && m.every(Number.isFinite) ? (m as Matrix) : [1, 0, 0, 1, 0, 0];
}

/**
 * A character's usual advance where no DeltaX gives it (a text object of one character, the
 * last character of a code), in the object's units: an em for CJK, full-width forms and
 * circled numbers; for Latin, the wide end of common faces (capitals 0.7 em, others 0.55) —
 * too wide only makes two pieces touch, too narrow would part a word (`O A`).
 */
function advance(ch: string, size: number, font: Font | undefined): number {
  if (isWide(ch)) return size;
  if (font?.mono) return size * 0.6;
  return size * (/[A-Z]/.test(ch) ? 0.7 : 0.55);
}

/** Gaps wider than this many usual advances start a new text item. */
const ITEM_GAP = 1.5;

/** The page frame's transform: an object's space (mm, y down, at its Boundary) into points with y upwards. */
function toFrame(boundary: number[], ctm: Matrix, height: number): Matrix {
  const [bx = 0, by = 0] = boundary;
  // object → page (mm, y down): the CTM, then the Boundary's origin; page → frame: scale to points, flip y.
  const page: Matrix = multiply([1, 0, 0, 1, bx, by], ctm);
  return multiply([PT, 0, 0, -PT, 0, height], page);
}

function applyM(m: Matrix, x: number, y: number): [number, number] {
  return [m[0] * x + m[2] * y + m[4], m[1] * x + m[3] * y + m[5]];
}

function textObject(o: Node, fonts: Map<string, Font>, height: number, out: Drawn): void {
  // Neither filled nor stroked: the text is not shown (an invisible layer).
  if (o['@Fill'] === 'false' && o['@Stroke'] !== 'true') return;
  const size = Number(o['@Size']) || 0;
  if (size <= 0) return;
  const font = fonts.get(text(o['@Font']));
  const m = toFrame(numbers(o['@Boundary']), matrixOf(o['@CTM']), height);
  const hscale = Number(o['@HScale']) || 1;
  // The text's size and direction in the frame (points, y up).
  const [ux, uy] = [m[0], m[1]];
  const sizePt = size * Math.hypot(m[2], m[3]);
  const turn = turnOf(ux, uy);
  let x = 0;
  let y = 0;
  for (const code of asArray(o['TextCode'] as Node[] | undefined)) {
    const str = [...text(code)];
    if (code['@X'] != null) x = Number(code['@X']) || 0;
    if (code['@Y'] != null) y = Number(code['@Y']) || 0;
    const dx = deltas(code['@DeltaX']);
    const dy = deltas(code['@DeltaY']);
    out.chars += str.length;
    if (out.chars > MAX_PAGE_CHARS) throw new InputError(`OFD page is too complex to read: more than ${MAX_PAGE_CHARS} characters`, 'too-complex');
    let run: { str: string; x0: number; y0: number; end: number } | null = null;
    const flush = () => {
      if (run && run.str.trim() !== '') {
        const [px, py] = applyM(m, run.x0, run.y0);
        const w = (run.end - run.x0) * Math.hypot(m[0], m[1]);
        const item: Item = { str: run.str, x: px, y: py, w, size: sizePt };
        out.items.push({ item, turn });
      }
      run = null;
    };
    for (let i = 0; i < str.length; i++) {
      const ch = str[i]!;
      const adv = advance(ch, size, font) * hscale;
      if (run && (y !== run.y0 || x - run.end > adv * (ITEM_GAP - 1) || x < run.end - adv * 0.5)) flush();
      if (!run) run = { str: '', x0: x, y0: y, end: x };
      (run as { str: string }).str += ch;
      (run as { end: number }).end = x + (i < dx.length ? Math.min(dx[i]!, adv * ITEM_GAP) : adv);
      if (i < str.length - 1) {
        x += i < dx.length ? dx[i]! : adv;
        y += i < dy.length ? dy[i]! : 0;
      } else {
        x += adv;
      }
    }
    flush();
  }
}

/** A path's AbbreviatedData as polylines in the frame. */
export function pathPolylines(data: string, m: Matrix): Polyline[] {
  const t = data.trim().split(/\s+/).filter(Boolean);
  const out: Polyline[] = [];
  let cur: Polyline | null = null;
  let start: [number, number] = [0, 0];
  const pt = (x: string | undefined, y: string | undefined): [number, number] => applyM(m, Number(x) || 0, Number(y) || 0);
  for (let i = 0; i < t.length; ) {
    const op = t[i++];
    if (op === 'S' || op === 'M') {
      const p = pt(t[i], t[i + 1]);
      cur = { pts: [p], closed: false, curved: false };
      start = p;
      out.push(cur);
      i += 2;
    } else if (op === 'L') {
      cur ??= (out.push({ pts: [start], closed: false, curved: false }), out[out.length - 1]!);
      cur.pts.push(pt(t[i], t[i + 1]));
      i += 2;
    } else if (op === 'Q' || op === 'B' || op === 'A') {
      const n = op === 'Q' ? 4 : op === 'B' ? 6 : 7;
      cur ??= (out.push({ pts: [start], closed: false, curved: false }), out[out.length - 1]!);
      cur.curved = true;
      cur.pts.push(pt(t[i + n - 2], t[i + n - 1]));
      i += n;
    } else if (op === 'C') {
      if (cur) cur.closed = true;
      cur = null;
    } else i++; // an unknown token: skipped
  }
  return out;
}

function pathObject(o: Node, height: number, out: Drawn): void {
  out.paths++;
  if (out.paths > MAX_PAGE_PATHS) throw new InputError(`OFD page is too complex to read: more than ${MAX_PAGE_PATHS} path objects`, 'too-complex');
  const stroke = o['@Stroke'] !== 'false';
  const fill = o['@Fill'] === 'true';
  if (!stroke && !fill) return;
  const m = toFrame(numbers(o['@Boundary']), matrixOf(o['@CTM']), height);
  for (const pl of pathPolylines(text(o['AbbreviatedData']), m)) pathSegments(pl, stroke, fill, out.segs);
}

/** Text and path objects of a layer or page block, page blocks within it included. */
function drawObjects(node: Node, fonts: Map<string, Font>, height: number, out: Drawn, depth = 0): void {
  if (depth > MAX_DEPTH) throw new InputError(`OFD page is too complex to read: page blocks nested more than ${MAX_DEPTH} deep`, 'too-complex');
  for (const o of asArray(node['TextObject'] as Node[] | undefined)) textObject(o, fonts, height, out);
  for (const o of asArray(node['PathObject'] as Node[] | undefined)) pathObject(o, height, out);
  for (const b of asArray(node['PageBlock'] as Node[] | undefined)) drawObjects(b, fonts, height, out, depth + 1);
}

/** The layers of a page part (a page or a template page). */
function layersOf(page: Node | null): Node[] {
  const content = (page?.['Page'] as Node | undefined)?.['Content'] as Node | undefined;
  return asArray(content?.['Layer'] as Node[] | undefined);
}

function readPage(pkg: Package, doc: DocPages, path: string, n: number): PageContent {
  const page = pkg.parse(path);
  if (!page?.['Page']) throw new InputError(`damaged OFD: page ${n} (${path}) holds no page`, 'corrupt-ofd');
  const area = ((page['Page'] as Node)['Area'] ?? {}) as Node;
  const own = numbers(area['PhysicalBox']);
  const box = own.length === 4 ? own : doc.box;
  const width = (box[2] ?? 210) * PT;
  const height = (box[3] ?? 297) * PT;
  const drawn: Drawn = { items: [], segs: [], chars: 0, paths: 0 };
  const templates = asArray((page['Page'] as Node)['Template'] as Node[] | undefined);
  for (const t of templates) {
    const tpl = pkg.parse(doc.templates.get(text(t['@TemplateID'])) ?? null);
    for (const layer of layersOf(tpl)) drawObjects(layer, doc.fonts, height, drawn);
  }
  for (const layer of layersOf(page)) drawObjects(layer, doc.fonts, height, drawn);
  const up = upright(drawn.items, drawn.segs, [0, 0, width, height]);
  // Boxes come back on the page as shown: the frame turned back, then y downwards from the top.
  const toPage = multiply([1, 0, 0, -1, 0, height], invert(up.m));
  return pageContent(n, up.items, up.segs, { view: up.view, toPage }, TABLE_WORDS);
}

export interface OfdLoadOptions {
  maxPages: number;
}

/** An OFD's pages read one at a time, and the model of any run of them. */
export async function readOfd(bytes: Buffer, opts: OfdLoadOptions): Promise<PagedRead> {
  const pkg = new Package(checkZip(bytes, DEFAULT_ZIP_LIMITS, Infinity, OFD));
  const entry = pkg.parse(pkg.resolve('OFD.xml', '') ?? null)?.['OFD'] as Node | undefined;
  if (!entry) throw new InputError('damaged OFD: no OFD.xml entry document', 'corrupt-ofd');
  const docs: DocPages[] = [];
  let signatures = 0;
  for (const body of asArray(entry['DocBody'] as Node[] | undefined)) {
    const docPath = pkg.resolve(text(body['DocRoot']), 'OFD.xml');
    if (!docPath) throw new InputError(`damaged OFD: its document ${text(body['DocRoot']) || '(none named)'} is not in the container`, 'corrupt-ofd');
    docs.push(readDocument(pkg, docPath));
    signatures += countSignatures(pkg, body, docPath);
  }
  const count = docs.reduce((k, d) => k + d.pages.length, 0);
  if (count === 0) throw new InputError('damaged OFD: it has no pages', 'corrupt-ofd');
  if (count > opts.maxPages) throw new InputError(`too many pages: ${count} (limit ${opts.maxPages})`, 'too-many-pages');
  async function* pages(): AsyncGenerator<PageContent> {
    let n = 0;
    for (const d of docs) for (const p of d.pages) yield readPage(pkg, d, p, ++n);
  }
  const model = (read: PageContent[]): Result<DocModel> => {
    if (tooLittleText(read)) throw new InputError('no text in the OFD: its pages hold images or drawings only (a scan: OFD pages are not read by OCR)', 'no-text-layer');
    const messages: Message[] = read.flatMap((p) => p.messages);
    return { value: { format: 'ofd', blocks: assemble(read), pages: read.length, signatures }, messages };
  };
  return { pages: pages(), count, model };
}

/** The whole OFD at once. */
export async function loadOfd(bytes: Buffer, opts: OfdLoadOptions): Promise<Result<DocModel>> {
  return readAll(await readOfd(bytes, opts));
}
