/**
 * Bilevel page images as archive scanners write them into PDF, for the scanned renditions of
 * `npm run eval` (scans.ts): JBIG2 (ITU T.88) generic regions, arithmetic-coded, in the
 * "embedded" form a PDF's /JBIG2Decode filter holds, and a minimal PDF of one such image per
 * page. (No JBIG2 encoder ships as a Debian or npm package here; the generic region is the
 * part every scanner's encoder writes for a page of text without symbol dictionaries.)
 *
 * The arithmetic coder is the MQ coder of T.88 Annex E; the context of each pixel is the
 * 16 pixels of template 0 with the standard adaptive pixels, in the order a decoder reads them.
 */

/** Qe, next index after an MPS, after an LPS, and whether an LPS switches the sense (T.88 Table E.1). */
const QE: ReadonlyArray<readonly [number, number, number, number]> = [
  [0x5601, 1, 1, 1], [0x3401, 2, 6, 0], [0x1801, 3, 9, 0], [0x0ac1, 4, 12, 0], [0x0521, 5, 29, 0], [0x0221, 38, 33, 0],
  [0x5601, 7, 6, 1], [0x5401, 8, 14, 0], [0x4801, 9, 14, 0], [0x3801, 10, 14, 0], [0x3001, 11, 17, 0], [0x2401, 12, 18, 0],
  [0x1c01, 13, 20, 0], [0x1601, 29, 21, 0], [0x5601, 15, 14, 1], [0x5401, 16, 14, 0], [0x5101, 17, 15, 0], [0x4801, 18, 16, 0],
  [0x3801, 19, 17, 0], [0x3401, 20, 18, 0], [0x3001, 21, 19, 0], [0x2801, 22, 19, 0], [0x2401, 23, 20, 0], [0x2201, 24, 21, 0],
  [0x1c01, 25, 22, 0], [0x1801, 26, 23, 0], [0x1601, 27, 24, 0], [0x1401, 28, 25, 0], [0x1201, 29, 26, 0], [0x1101, 30, 27, 0],
  [0x0ac1, 31, 28, 0], [0x09c1, 32, 29, 0], [0x08a1, 33, 30, 0], [0x0521, 34, 31, 0], [0x0441, 35, 32, 0], [0x02a1, 36, 33, 0],
  [0x0221, 37, 34, 0], [0x0141, 38, 35, 0], [0x0111, 39, 36, 0], [0x0085, 40, 37, 0], [0x0049, 41, 38, 0], [0x0025, 42, 39, 0],
  [0x0015, 43, 40, 0], [0x0009, 44, 41, 0], [0x0005, 45, 42, 0], [0x0001, 45, 43, 0], [0x5601, 46, 46, 0],
];

class MqEncoder {
  private a = 0x8000;
  private c = 0;
  private ct = 12;
  private b = 0;
  private bp = -1;
  readonly out: number[] = [];
  private readonly index: Uint8Array;
  private readonly mps: Uint8Array;

  constructor(contexts: number) {
    this.index = new Uint8Array(contexts);
    this.mps = new Uint8Array(contexts);
  }

  private put(): void {
    if (this.bp >= 0) this.out[this.bp] = this.b;
  }

  private byteOut(): void {
    if (this.b === 0xff) {
      this.put();
      this.bp++;
      this.b = this.c >>> 20;
      this.c &= 0xfffff;
      this.ct = 7;
    } else if (this.c < 0x8000000) {
      this.put();
      this.bp++;
      this.b = this.c >>> 19;
      this.c &= 0x7ffff;
      this.ct = 8;
    } else {
      this.b++;
      if (this.b === 0xff) {
        this.c &= 0x7ffffff;
        this.put();
        this.bp++;
        this.b = this.c >>> 20;
        this.c &= 0xfffff;
        this.ct = 7;
      } else {
        this.put();
        this.bp++;
        this.b = this.c >>> 19;
        this.c &= 0x7ffff;
        this.ct = 8;
      }
    }
  }

  private renorm(): void {
    do {
      this.a = (this.a << 1) & 0xffff;
      this.c = this.c * 2;
      if (--this.ct === 0) this.byteOut();
    } while ((this.a & 0x8000) === 0);
  }

  encode(cx: number, bit: number): void {
    const i = this.index[cx]!;
    const [qe, nmps, nlps, sw] = QE[i]!;
    this.a -= qe;
    if (bit === this.mps[cx]) {
      if ((this.a & 0x8000) === 0) {
        if (this.a < qe) this.a = qe;
        else this.c += qe;
        this.index[cx] = nmps;
        this.renorm();
      } else this.c += qe;
    } else {
      if (this.a < qe) this.c += qe;
      else this.a = qe;
      if (sw) this.mps[cx] = 1 - this.mps[cx]!;
      this.index[cx] = nlps;
      this.renorm();
    }
  }

  /** Ends the code (T.88 E.2.9) with the 0xFF 0xAC marker. */
  finish(): Uint8Array {
    const temp = this.c + this.a;
    this.c |= 0xffff;
    if (this.c >= temp) this.c -= 0x8000;
    this.c = this.c * 2 ** this.ct;
    this.byteOut();
    this.c = this.c * 2 ** this.ct;
    this.byteOut();
    this.put();
    if (this.b !== 0xff) {
      this.bp++;
      this.b = 0xff;
      this.put();
    }
    this.out.push(0xac);
    return Uint8Array.from(this.out);
  }
}

/** Template 0 with the standard adaptive pixels, ordered by row then column (the first is the context's top bit). */
const TEMPLATE: ReadonlyArray<readonly [number, number]> = [
  [-2, -2], [-1, -2], [0, -2], [1, -2], [2, -2],
  [-3, -1], [-2, -1], [-1, -1], [0, -1], [1, -1], [2, -1], [3, -1],
  [-4, 0], [-3, 0], [-2, 0], [-1, 0],
];

/** The arithmetic-coded generic region of a bitmap (1 = black), template 0, no prediction. */
function genericRegion(bits: Uint8Array, width: number, height: number): Uint8Array {
  const enc = new MqEncoder(1 << 16);
  const at = (x: number, y: number) => (x >= 0 && x < width && y >= 0 ? bits[y * width + x]! : 0);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      let cx = 0;
      for (const [dx, dy] of TEMPLATE) cx = (cx << 1) | at(x + dx, y + dy);
      enc.encode(cx, bits[y * width + x]!);
    }
  }
  return enc.finish();
}

function u32(n: number): number[] {
  return [(n >>> 24) & 255, (n >>> 16) & 255, (n >>> 8) & 255, n & 255];
}

function segment(number: number, type: number, data: readonly number[] | Uint8Array): Uint8Array {
  const head = [...u32(number), type, 0, 1, ...u32(data.length)];
  const out = new Uint8Array(head.length + data.length);
  out.set(head);
  out.set(data, head.length);
  return out;
}

/** A page's bitmap (1 = black) as an embedded JBIG2 stream: page information, one immediate lossless generic region. */
export function jbig2Page(bits: Uint8Array, width: number, height: number, dpi: number): Uint8Array {
  const res = Math.round(dpi / 0.0254);
  const info = segment(0, 48, [...u32(width), ...u32(height), ...u32(res), ...u32(res), 0, 0, 0]);
  // Region info (size, position, combination OR), generic flags (arithmetic, template 0), the adaptive pixels.
  const region = [...u32(width), ...u32(height), ...u32(0), ...u32(0), 0, 0, 3, 0xff, 0xfd, 0xff, 2, 0xfe, 0xfe, 0xfe];
  const coded = genericRegion(bits, width, height);
  const gen = segment(1, 39, [...region, ...coded]);
  const out = new Uint8Array(info.length + gen.length);
  out.set(info);
  out.set(gen, info.length);
  return out;
}

/** A PDF of one image a page, each filling its page at `dpi`: image streams already encoded with `filter`. */
export function imagePdf(pages: ReadonlyArray<{ data: Uint8Array; width: number; height: number; dpi: number; filter: string; parms?: string }>): Buffer {
  const chunks: Buffer[] = [Buffer.from('%PDF-1.5\n%\xe2\xe3\xcf\xd3\n', 'latin1')];
  const offsets: number[] = [];
  let size = chunks[0]!.length;
  const add = (n: number, body: Buffer) => {
    offsets[n] = size;
    const b = Buffer.concat([Buffer.from(`${n} 0 obj\n`), body, Buffer.from('\nendobj\n')]);
    chunks.push(b);
    size += b.length;
  };
  const stream = (dict: string, data: Uint8Array) => Buffer.concat([Buffer.from(`<< ${dict} /Length ${data.length} >>\nstream\n`), Buffer.from(data), Buffer.from('\nendstream')]);
  const kids = pages.map((_, i) => 3 + i * 3);
  add(1, Buffer.from('<< /Type /Catalog /Pages 2 0 R >>'));
  add(2, Buffer.from(`<< /Type /Pages /Kids [${kids.map((k) => `${k} 0 R`).join(' ')}] /Count ${pages.length} >>`));
  pages.forEach((p, i) => {
    const w = (p.width * 72) / p.dpi;
    const h = (p.height * 72) / p.dpi;
    const n = 3 + i * 3;
    add(n, Buffer.from(`<< /Type /Page /Parent 2 0 R /MediaBox [0 0 ${w.toFixed(2)} ${h.toFixed(2)}] /Resources << /XObject << /Im0 ${n + 2} 0 R >> >> /Contents ${n + 1} 0 R >>`));
    add(n + 1, stream('', Buffer.from(`q ${w.toFixed(2)} 0 0 ${h.toFixed(2)} 0 0 cm /Im0 Do Q`)));
    add(n + 2, stream(`/Type /XObject /Subtype /Image /Width ${p.width} /Height ${p.height} /ColorSpace /DeviceGray /BitsPerComponent 1 /Filter /${p.filter}${p.parms ? ` /DecodeParms ${p.parms}` : ''}`, p.data));
  });
  const xref = size;
  const n = offsets.length;
  let table = `xref\n0 ${n}\n0000000000 65535 f \n`;
  for (let i = 1; i < n; i++) table += `${String(offsets[i]).padStart(10, '0')} 00000 n \n`;
  chunks.push(Buffer.from(`${table}trailer\n<< /Size ${n} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`));
  return Buffer.concat(chunks);
}
