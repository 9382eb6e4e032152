import { z } from "zod";
import { SYMBOL_PATTERN } from "../domain/symbol";

/** A symbol in the exchange's form, e.g. `BTC_USDT`. */
export const symbolField = z.string().regex(SYMBOL_PATTERN, "must be a symbol like BTC_USDT (upper case BASE_QUOTE)");

/**
 * A non-negative amount as a decimal string with bounded precision (never a JSON number: floats lose money).
 * `positive` excludes zero; `max` is an inclusive upper bound.
 */
export function decimalField({
  integerDigits = 15,
  decimals = 8,
  positive = false,
  max,
}: {
  integerDigits?: number;
  decimals?: number;
  positive?: boolean;
  max?: number;
} = {}) {
  const pattern = new RegExp(`^\\d{1,${integerDigits}}(\\.\\d{1,${decimals}})?$`);
  let field = z
    .string()
    .regex(pattern, `must be a decimal string with at most ${integerDigits} digits and ${decimals} decimals`);
  if (positive) field = field.refine((v) => Number(v) > 0, "must be above zero");
  if (max !== undefined) field = field.refine((v) => Number(v) <= max, `must be at most ${max}`);
  return field;
}

/** A percentage as a decimal string, 0 … max (positive: above zero). */
export const percentField = (max: number, positive = false) =>
  decimalField({ integerDigits: 4, decimals: 4, max, positive });

/** Decimal digits only, no sign, no leading zero: `2`, never `" 2"`, `+2`, `0x2`, `2e0` or `02`. */
const CANONICAL_INTEGER = /^(0|[1-9]\d{0,15})$/;

/** A whole number written in digits only (a path or query part), min … max. */
export const digitsField = (min: number, max: number) =>
  z
    .string()
    .regex(CANONICAL_INTEGER, "must be a whole number in digits only")
    .transform(Number)
    .pipe(z.number().int().min(min).max(max));

/** A numeric row id in a path: 1 … 2^53 − 1, digits only. */
export const idField = digitsField(1, Number.MAX_SAFE_INTEGER);

/** `limit` of a list: 1 … max, default given. */
export const limitField = (fallback: number, max: number) => digitsField(1, max).default(fallback);

/** A boolean query parameter: `true` or `false`. */
export const booleanQuery = z.enum(["true", "false"]).transform((v) => v === "true");
