/**
 * Money as exact decimals. The documents print budget figures in 万元 with two decimals (the
 * corpus) and at most four (1 元 = 0.0001 万元); a figure in 元 has two. The tables hold them as
 * DECIMAL(18,4): four decimals keep every such figure exactly, and fourteen integer digits hold
 * any sum over an archive (10¹⁴ 万元). The per-document JSON keeps the contract's numbers and,
 * beside them, the digits as printed (`budget_printed`), from which the tables take their text:
 * `40.00` stays `40.00`, and a sum in DuckDB is exact.
 */

/** Total digits and decimals of a money column (SQL DECIMAL(p, s), Parquet INT64 DECIMAL). */
export const MONEY_PRECISION = 18;
export const MONEY_SCALE = 4;
export const MONEY_SQL = `DECIMAL(${MONEY_PRECISION},${MONEY_SCALE})`;

/** A decimal as printed: optional minus, digits, optional fraction (thousands separators already dropped). */
const DECIMAL = /^-?\d+(\.\d+)?$/;

/** Whether a decimal text fits DECIMAL(18,4) exactly: at most 4 decimals (trailing zeros aside) and 14 integer digits. */
export function fitsMoney(digits: string): boolean {
  if (!DECIMAL.test(digits)) return false;
  const [int, frac = ''] = digits.replace(/^-/, '').split('.');
  return int!.replace(/^0+(?=\d)/, '').length <= MONEY_PRECISION - MONEY_SCALE && frac.replace(/0+$/, '').length <= MONEY_SCALE;
}

/**
 * The text of a money cell: the printed digits when they are the number's (a figure corrected
 * since, or a document written before the digits were kept, falls back to the number's own
 * shortest decimal), else null.
 */
export function moneyText(printed: string | null | undefined, n: number | null): string | null {
  if (n == null) return null;
  if (printed != null && DECIMAL.test(printed) && Number(printed) === n) return printed;
  const s = String(n);
  // String() prints 1e21 and 1e-7 in exponent form; money within DECIMAL(18,4) never gets there.
  return /e/i.test(s) ? n.toFixed(MONEY_SCALE) : s;
}

/** The unscaled integer of a decimal text at scale 4 (`40.00` → 400000n), rounded half away from zero beyond it. */
export function unscaledMoney(digits: string): bigint {
  const neg = digits.startsWith('-');
  const [int, frac = ''] = digits.replace(/^-/, '').split('.');
  let v = BigInt(int! + frac.slice(0, MONEY_SCALE).padEnd(MONEY_SCALE, '0'));
  if ((frac[MONEY_SCALE] ?? '0') >= '5') v += 1n;
  return neg ? -v : v;
}
