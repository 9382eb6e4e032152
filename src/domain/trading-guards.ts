import { Big } from "./money";
import type { SignalSide } from "./signals";

/** The quote balance must cover the amount with this margin (fees, slippage, price moves). */
export const QUOTE_BALANCE_MARGIN = "1.1";

/** Everything the scheduler's guards look at for one signal. */
export interface GuardInput {
  side: SignalSide;
  symbol: string;
  /** Decimal string in USD; null or zero never trades. */
  tradeAmountUsd: string | null;
  now: Date;
  signalCreatedAt: Date;
  maxSignalAgeSeconds: number;
  /** Symbols holding an open position (a BUY placed and not yet closed by a SELL). */
  openPositions: number;
  maxOpenPositions: number;
  /** True when this symbol already holds an open position (a further BUY does not open a new one). */
  holdsPosition: boolean;
  /** Time of the last automated order on this symbol, if any. */
  lastOrderAt: Date | null;
  cooldownSeconds: number;
  quoteAsset: string;
  /** Free quote balance, decimal string. */
  quoteFree: string;
}

/** Whether the signal may become an order; when not, the reason stored on the skipped signal. */
export type GuardResult = { ok: true } | { ok: false; reason: string };

/**
 * The guards of the trading scheduler, in order: amount > 0, signal not stale, per-symbol cooldown since the
 * last automated order, and for a BUY: max open positions and free quote balance ≥ 1.1 × amount.
 */
export function checkGuards(input: GuardInput): GuardResult {
  const { tradeAmountUsd, now } = input;
  if (tradeAmountUsd === null || !new Big(tradeAmountUsd).gt(0)) {
    return { ok: false, reason: "trade amount is not above zero" };
  }
  const ageS = (now.getTime() - input.signalCreatedAt.getTime()) / 1000;
  if (ageS > input.maxSignalAgeSeconds) {
    return { ok: false, reason: `signal is ${Math.floor(ageS)} s old, older than ${input.maxSignalAgeSeconds} s` };
  }
  if (input.lastOrderAt) {
    const sinceS = (now.getTime() - input.lastOrderAt.getTime()) / 1000;
    if (sinceS < input.cooldownSeconds) {
      return {
        ok: false,
        reason: `cooldown: last order on ${input.symbol} ${Math.floor(sinceS)} s ago, cooldown ${input.cooldownSeconds} s`,
      };
    }
  }
  if (input.side === "SELL") return { ok: true };
  if (!input.holdsPosition && input.openPositions >= input.maxOpenPositions) {
    return { ok: false, reason: `max open positions reached (${input.openPositions}/${input.maxOpenPositions})` };
  }
  const required = new Big(tradeAmountUsd).times(QUOTE_BALANCE_MARGIN);
  if (new Big(input.quoteFree).lt(required)) {
    return {
      ok: false,
      reason: `insufficient ${input.quoteAsset}: ${input.quoteFree} free, ${required.toFixed()} needed (${QUOTE_BALANCE_MARGIN} × ${tradeAmountUsd})`,
    };
  }
  return { ok: true };
}
