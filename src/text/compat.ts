/**
 * CJK radicals and compatibility ideographs written for ordinary characters.
 *
 * Some producers (Chromium's PDF text layer among them) map a glyph back to the first code
 * point the font lists for it, which for many common characters is a Kangxi radical
 * (U+2F00–U+2FDF, `⼀` for 一, `⽬` for 目), a CJK radical supplement form (U+2E80–U+2EFF,
 * `⻓` for 长) or a compatibility ideograph (U+F900–U+FAFF). Text read from such a layer is
 * mapped to the unified ideographs the document means. The documents are simplified Chinese
 * and so are the fonts whose glyphs are shared: where the radical's canonical character is a
 * traditional form, its simplified form is meant (`⼾` → 户, not 戶).
 *
 * Dingbat circled digits stand for the circled digits the same way (`circled`).
 */

/** Radical supplement forms that stand for whole (simplified) characters. */
const SUPPLEMENT: Record<string, string> = {
  '⺟': '母', '⺠': '民', '⻅': '见', '⻆': '角', '⻉': '贝', '⻊': '足', '⻋': '车', '⻓': '长', '⻔': '门',
  '⻗': '雨', '⻘': '青', '⻙': '韦', '⻚': '页', '⻛': '风', '⻜': '飞', '⻝': '食', '⻟': '食', '⻡': '首',
  '⻢': '马', '⻣': '骨', '⻤': '鬼', '⻥': '鱼', '⻦': '鸟', '⻧': '卤', '⻨': '麦', '⻩': '黄', '⻪': '黾',
  '⻬': '齐', '⻮': '齿', '⻰': '龙', '⻳': '龟',
};

/** Traditional characters that Kangxi radicals and compatibility ideographs decompose to, and the simplified form meant. */
const SIMPLIFIED: Record<string, string> = {
  戶: '户', 門: '门', 長: '长', 車: '车', 貝: '贝', 見: '见', 頁: '页', 風: '风', 飛: '飞', 馬: '马',
  魚: '鱼', 鳥: '鸟', 鹵: '卤', 麥: '麦', 黃: '黄', 齊: '齐', 齒: '齿', 龍: '龙', 龜: '龟', 韋: '韦',
  鬥: '斗', 黽: '黾', 靑: '青', 麼: '么',
};

/**
 * Dingbat circled digits (U+2776–U+2793) that a font's glyph was mapped to where the document
 * wrote the ordinary circled digits (XeLaTeX's text layer writes ➀ for ①): ➀–➉ → ①–⑩,
 * ➊–➓ and ❶–❿ → ❶–❿ (the negative circled digits keep their own block).
 */
function circled(ch: string): string {
  const c = ch.codePointAt(0)!;
  if (c >= 0x2780 && c <= 0x2789) return String.fromCodePoint(0x2460 + c - 0x2780);
  if (c >= 0x278a && c <= 0x2793) return String.fromCodePoint(0x2776 + c - 0x278a);
  return ch;
}

const RANGES = /[\u2E80-\u2FDF\uF900-\uFAFF\u2780-\u2793]/;
const EACH = /[\u2E80-\u2FDF\uF900-\uFAFF\u2780-\u2793]/g;

/** One radical or compatibility ideograph → the unified (simplified) ideograph it stands for. */
function unify(ch: string): string {
  if (ch >= '\u2780' && ch <= '\u2793') return circled(ch);
  const direct = SUPPLEMENT[ch];
  if (direct) return direct;
  const n = ch.normalize('NFKC');
  return n === ch ? ch : (SIMPLIFIED[n] ?? n);
}

/** Maps every radical and compatibility ideograph in `s` to the ideograph it stands for. */
export function unifyIdeographs(s: string): string {
  return RANGES.test(s) ? s.replace(EACH, unify) : s;
}
