/** Number formats of the benchmark's markdown tables. */

/** A whole number with thin-space thousands, or a dash. */
export const fmt = (v: number | null | undefined) =>
  v === null || v === undefined ? "—" : Math.round(v).toLocaleString("en-US").replaceAll(",", " ");
/** One decimal, or empty. */
export const one = (v: number | null | undefined) => (v === null || v === undefined ? "" : v.toFixed(1));
/** Milliseconds with two decimals. */
export const ms = (v: number) => `${v.toFixed(2)} ms`;
/** Bytes in a mebibyte. */
export const MB = 1024 * 1024;
/** `v` rounded to `digits` decimals. */
export const round = (v: number, digits: number) => Math.round(v * 10 ** digits) / 10 ** digits;
