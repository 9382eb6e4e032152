import Big from "big.js";

export { Big };

const DECIMAL = /^\d+(\.\d+)?$/;

/** True for a plain non-negative decimal string such as "12", "0.5" (no sign, exponent or spaces). */
export function isDecimalString(value: string): boolean {
  return DECIMAL.test(value);
}

/** Parses a decimal string that must be strictly positive; null when it is malformed, zero or negative. */
export function parsePositiveDecimal(value: string | undefined): Big | null {
  if (value === undefined || !isDecimalString(value)) return null;
  const parsed = new Big(value);
  return parsed.gt(0) ? parsed : null;
}

/** Number of digits after the decimal point of a decimal string. */
export function decimalPlaces(value: string): number {
  const dot = value.indexOf(".");
  return dot < 0 ? 0 : value.length - dot - 1;
}

/** The canonical string of an amount: plain notation (never 1e-8), no trailing zeros. */
export function formatDecimal(value: Big | string | number): string {
  return new Big(value).toFixed();
}

/** Rounds an amount down (towards zero) to `places` decimals, e.g. a quantity to the exchange's step. */
export function roundDown(value: Big, places: number): Big {
  return value.round(places, Big.roundDown);
}
