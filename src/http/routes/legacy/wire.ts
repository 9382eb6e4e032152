/**
 * The replaced frontend's wire conventions, applied at the edge: it calls `.toFixed()` on amounts, so exact
 * decimal strings become JSON numbers here (display values; ATP keeps and computes with the exact ones), and it
 * reads order times as epoch milliseconds (`create_time`) or ISO strings (`created_at`).
 */

/** A decimal string (or number) as a JSON number; null stays null, and so does anything that is not a number. */
export function num(value: string | number | null | undefined): number | null {
  if (value === null || value === undefined || value === "") return null;
  const n = typeof value === "number" ? value : Number(value);
  return Number.isFinite(n) ? n : null;
}

/** As `num`, with 0 for a missing amount (fields the frontend sums or formats without a null check). */
export const num0 = (value: string | number | null | undefined): number => num(value) ?? 0;

/** An ISO instant as epoch milliseconds. */
export const epochMs = (iso: string | null | undefined): number | null => (iso ? Date.parse(iso) : null);

/** `BTC_USDT` → `BTC`. */
export const baseOf = (symbol: string): string => symbol.split("_")[0] ?? symbol;
