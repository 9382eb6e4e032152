import { Big } from "./money";
import type { SignalSide } from "./signals";

/** RSI thresholds of SPEC §6: BUY below, SELL above. */
export const RSI_BUY_BELOW = 40;
export const RSI_SELL_ABOVE = 70;

/** What the rules read for one symbol. */
export interface RuleInput {
  price: number;
  rsi: number | null;
  ma50: number | null;
  ema10: number | null;
  /** Decimal string; null means "buy at any price". */
  buyTarget: string | null;
}

/** A signal the rules fired, with the human-readable reason. */
export interface SignalDecision {
  side: SignalSide;
  reason: string;
}

/**
 * The rules of SPEC §6: BUY when RSI < 40 and MA50 > EMA10 and (no buy target or price ≤ buy target);
 * SELL when RSI > 70. Null when nothing fires (or an indicator the rule needs is not known yet).
 */
export function evaluateSignal({ price, rsi, ma50, ema10, buyTarget }: RuleInput): SignalDecision | null {
  if (rsi === null) return null;
  if (rsi > RSI_SELL_ABOVE) {
    return { side: "SELL", reason: `RSI ${fmt(rsi)} > ${RSI_SELL_ABOVE}` };
  }
  if (rsi >= RSI_BUY_BELOW || ma50 === null || ema10 === null || !(ma50 > ema10)) return null;
  const parts = [`RSI ${fmt(rsi)} < ${RSI_BUY_BELOW}`, `MA50 ${fmt(ma50)} > EMA10 ${fmt(ema10)}`];
  if (buyTarget !== null) {
    if (new Big(price).gt(buyTarget)) return null;
    parts.push(`price ${fmt(price)} <= buy target ${buyTarget}`);
  }
  return { side: "BUY", reason: parts.join(", ") };
}

/** The previous signal of a symbol, as throttling needs it. */
export interface PreviousSignal {
  side: SignalSide;
  price: string;
  createdAt: Date;
}

export interface ThrottleInput {
  side: SignalSide;
  price: number;
  now: Date;
  previous: PreviousSignal | null;
  cooldownSeconds: number;
  /** Minimum move, in percent, since the previous signal of the same side. */
  minPriceChangePct: string;
}

/** Whether a fired signal may be recorded; when not, why. */
export type ThrottleResult = { allowed: true } | { allowed: false; reason: string };

/**
 * Throttling: no signal within the symbol's cooldown of its previous one (whatever its side), and no repeat of
 * the same side unless the price moved at least minPriceChangePct since — a side flip is news in itself.
 */
export function throttleSignal({
  side,
  price,
  now,
  previous,
  cooldownSeconds,
  minPriceChangePct,
}: ThrottleInput): ThrottleResult {
  if (!previous) return { allowed: true };
  const elapsedS = (now.getTime() - previous.createdAt.getTime()) / 1000;
  if (elapsedS < cooldownSeconds) {
    return {
      allowed: false,
      reason: `cooldown: previous ${previous.side} signal ${Math.floor(elapsedS)} s ago, cooldown ${cooldownSeconds} s`,
    };
  }
  if (previous.side !== side) return { allowed: true };
  const previousPrice = new Big(previous.price);
  if (previousPrice.lte(0)) return { allowed: true };
  const changePct = new Big(price).minus(previousPrice).abs().div(previousPrice).times(100);
  if (changePct.lt(minPriceChangePct)) {
    return {
      allowed: false,
      reason: `price moved ${changePct.toFixed(2)}% since the previous ${side} signal, minimum ${minPriceChangePct}%`,
    };
  }
  return { allowed: true };
}

/** `should_trade` of a new signal: trading is enabled for the symbol and it has an amount above zero. */
export function shouldTrade(tradeEnabled: boolean, tradeAmountUsd: string | null): boolean {
  return tradeEnabled && tradeAmountUsd !== null && new Big(tradeAmountUsd).gt(0);
}

function fmt(value: number): string {
  return Number(value.toPrecision(6)).toString();
}
