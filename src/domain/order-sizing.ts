import { Big, formatDecimal, roundDown } from "./money";
import type { SignalSide } from "./signals";

/** A market order sized for a signal: a BUY spends a quote amount, a SELL sells a base quantity. */
export type SizedOrder = { side: "BUY"; notional: string } | { side: "SELL"; quantity: string };

export interface SizingInput {
  side: SignalSide;
  /** Decimal string in quote (USD) units, already checked above zero. */
  tradeAmountUsd: string;
  /** Price the signal fired at, decimal string. */
  price: string;
  baseAsset: string;
  /** Free base balance, decimal string; null: no cap (a retry must not depend on balances it may have spent). */
  baseFree: string | null;
  /** Decimals the exchange accepts for a base quantity. */
  quantityDecimals: number;
}

/**
 * Sizes the order of a signal. BUY: a market order for `tradeAmountUsd` of quote (the exchange converts).
 * SELL: the base quantity worth `tradeAmountUsd` at the signal's price, capped at what the account holds.
 */
export function sizeSignalOrder(input: SizingInput): { ok: true; order: SizedOrder } | { ok: false; reason: string } {
  if (input.side === "BUY") return { ok: true, order: { side: "BUY", notional: formatDecimal(input.tradeAmountUsd) } };
  const price = new Big(input.price);
  if (!price.gt(0)) return { ok: false, reason: `signal price ${input.price} is not above zero` };
  const wanted = new Big(input.tradeAmountUsd).div(price);
  const capped = input.baseFree !== null && wanted.gt(input.baseFree) ? new Big(input.baseFree) : wanted;
  const quantity = roundDown(capped, input.quantityDecimals);
  if (!quantity.gt(0)) return { ok: false, reason: `no ${input.baseAsset} to sell (${input.baseFree ?? "?"} free)` };
  return { ok: true, order: { side: "SELL", quantity: formatDecimal(quantity) } };
}

/**
 * Decimals for a base quantity when the exchange's step is unknown: the coarsest step worth at most about one
 * quote unit (BTC at 60 000 → 5 decimals, DOGE at 0.12 → 0), which every exchange's finer step accepts.
 */
export function quantityDecimalsFor(price: string): number {
  const value = Number(price);
  if (!(value > 1)) return 0;
  return Math.min(8, Math.ceil(Math.log10(value)));
}
