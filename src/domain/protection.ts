/**
 * Protection vocabulary and pure rules: which take-profit and stop-loss an entry gets, the client order ids
 * derived from the entry, and what an OCO pair's states mean. No I/O.
 */
import { Big } from "./money";
import type { ExitReason } from "./positions";
import { exitLevels, type StrategyRules } from "./strategy";

export const EXIT_REASONS = [
  "take_profit",
  "stop_loss",
  "force_exit",
  "signal",
  "manual",
] as const satisfies readonly ExitReason[];

export const PROTECTION_KINDS = ["take_profit", "stop_loss"] as const;
export type ProtectionKind = (typeof PROTECTION_KINDS)[number];

/**
 * placing: recorded before the exchange call (the order may or may not exist); open: working on the exchange;
 * filled / cancelled: final; vanished: cancelled or expired outside ATP (a later generation replaces it);
 * race: it filled although its sibling had filled too (reported, never hidden).
 */
export const PROTECTION_STATES = ["placing", "open", "filled", "cancelled", "vanished", "race"] as const;
export type ProtectionState = (typeof PROTECTION_STATES)[number];

/** Below the stop-loss trigger, the limit its SELL works at (percent): room to fill on a falling market. */
export const STOP_LIMIT_OFFSET_PCT = "0.5";

/**
 * The client order id of an entry's take-profit or stop-loss: `tp-<entry>` / `sl-<entry>`, and `-g<n>` for a
 * re-placed generation n ≥ 1. Derived, never random: a retry after a crash asks the exchange for the same id.
 */
export function protectionClientOid(kind: ProtectionKind, entryOrderId: string, generation: number): string {
  const base = `${kind === "take_profit" ? "tp" : "sl"}-${entryOrderId}`;
  return generation === 0 ? base : `${base}-g${generation}`;
}

/** Where an exit triggers and the limit it works at. */
export interface ExitLevel {
  trigger: string;
  limit: string;
}

/** What decides an entry's exits: the rules' distances, an absolute price that wins over them, the ATR if known. */
export interface ExitInputs {
  entryPrice: string;
  rules: Pick<StrategyRules, "take_profit" | "stop_loss">;
  tpPrice: string | null;
  slPrice: string | null;
  atr: string | null;
  priceDecimals: number;
}

/**
 * The take-profit (a TAKE_PROFIT_LIMIT SELL at its trigger, rounded up to the tick) and the stop-loss (a
 * STOP_LIMIT SELL armed at its trigger, rounded down, working STOP_LIMIT_OFFSET_PCT below it) of an entry: the
 * absolute prices when set, else the rules' levels (strategy.exitLevels); null for a side without a level, or a
 * take-profit not above / stop-loss not below the entry.
 */
export function protectionLevels(input: ExitInputs): { takeProfit: ExitLevel | null; stopLoss: ExitLevel | null } {
  const entry = new Big(input.entryPrice);
  const dp = input.priceDecimals;
  const fromRules = exitLevels(input.entryPrice, input.rules, input.atr);
  const tp = input.tpPrice ?? fromRules.takeProfit;
  const sl = input.slPrice ?? fromRules.stopLoss;
  const tpTrigger = tp === null ? null : new Big(tp).round(dp, Big.roundUp);
  const slTrigger = sl === null ? null : new Big(sl).round(dp, Big.roundDown);
  const slLimit = slTrigger?.times(new Big(100).minus(STOP_LIMIT_OFFSET_PCT)).div(100).round(dp, Big.roundDown);
  return {
    takeProfit: tpTrigger?.gt(entry) ? { trigger: tpTrigger.toFixed(), limit: tpTrigger.toFixed() } : null,
    stopLoss:
      slTrigger && slLimit?.gt(0) && slTrigger.lt(entry)
        ? { trigger: slTrigger.toFixed(), limit: slLimit.toFixed() }
        : null,
  };
}
