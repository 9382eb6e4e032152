/**
 * Evaluation of a strategy's rules for one symbol, with the reasons of every decision: for each side, `fired`
 * (a signal is recorded), `blocked` (the rule holds but alerts are off or throttling holds it back) or
 * `no_signal` (a condition of the rule does not hold; the reasons name each one). Pure: no I/O.
 */
import type { IndicatorValues } from "./indicators";
import { Big } from "./money";
import type { SignalSide } from "./signals";
import type { StrategyRules } from "./strategy";

export const STRATEGY_DECISIONS = ["fired", "blocked", "no_signal"] as const;
export type StrategyDecision = (typeof STRATEGY_DECISIONS)[number];

/** One side's decision and why. */
export interface SideState {
  decision: StrategyDecision;
  reasons: string[];
}

/** Both sides' decisions, as market_data.strategy_state stores them. */
export interface StrategyState {
  buy: SideState;
  sell: SideState;
}

/** The previous signal of a symbol, as throttling needs it. */
export interface PreviousSignal {
  side: SignalSide;
  price: string;
  createdAt: Date;
}

/** What one evaluation reads. */
export interface StrategyInput {
  rules: StrategyRules;
  values: IndicatorValues;
  /** Decimal string; null means "buy at any price". */
  buyTarget: string | null;
  alerts: { buy: boolean; sell: boolean };
  previous: PreviousSignal | null;
  now: Date;
}

/** The evaluation: both sides' states and, when one fired, the signal to record with its reason. */
export interface StrategyOutcome {
  state: StrategyState;
  signal: { side: SignalSide; reason: string } | null;
}

interface RuleCheck {
  holds: boolean;
  reasons: string[];
}

/** Evaluates both sides of the rules, then alerts and throttling for a side whose rule holds. */
export function evaluateStrategy(input: StrategyInput): StrategyOutcome {
  const buy = decide("BUY", buyRule(input), input);
  const sell = decide("SELL", sellRule(input), input);
  const fired = sell.decision === "fired" ? "SELL" : buy.decision === "fired" ? "BUY" : null;
  const firedState = fired === "SELL" ? sell : buy;
  return {
    state: { buy, sell },
    signal: fired ? { side: fired, reason: firedState.reasons.join(", ") } : null,
  };
}

/** BUY: RSI below the threshold and each condition the rules switch on. */
export function buyRule({
  rules,
  values,
  buyTarget,
}: Pick<StrategyInput, "rules" | "values" | "buyTarget">): RuleCheck {
  const failed: string[] = [];
  const met: string[] = [];
  const check = (holds: boolean, yes: string, no: string) => (holds ? met.push(yes) : failed.push(no));
  const { price, rsi, ma50, ema10, ma200, volumeRatio } = values;
  if (rsi === null) failed.push("rsi unknown (too few candles)");
  else
    check(
      rsi < rules.rsi_buy_below,
      `rsi ${fmt(rsi)} < ${rules.rsi_buy_below}`,
      `rsi ${fmt(rsi)} ≥ ${rules.rsi_buy_below}`,
    );
  if (rules.require_ma50_above_ema10) {
    if (ma50 === null || ema10 === null) failed.push("ma50 or ema10 unknown (too few candles)");
    else check(ma50 > ema10, `ma50 ${fmt(ma50)} > ema10 ${fmt(ema10)}`, `ma50 ${fmt(ma50)} ≤ ema10 ${fmt(ema10)}`);
  }
  if (rules.require_price_below_buy_target && buyTarget !== null) {
    const below = new Big(price).lte(buyTarget);
    check(below, `price ${fmt(price)} ≤ buy target ${buyTarget}`, `price ${fmt(price)} > buy target ${buyTarget}`);
  }
  if (rules.min_volume_ratio !== null) {
    const min = rules.min_volume_ratio;
    if (volumeRatio === null) failed.push("volume ratio unknown (too few candles)");
    else
      check(
        volumeRatio >= min,
        `volume ratio ${fmt(volumeRatio)} ≥ ${min}`,
        `volume ratio ${fmt(volumeRatio)} < ${min}`,
      );
  }
  if (rules.trend_filter) {
    if (ma200 === null) failed.push("ma200 unknown (too few candles)");
    else
      check(price >= ma200, `price ${fmt(price)} ≥ ma200 ${fmt(ma200)}`, `price ${fmt(price)} < ma200 ${fmt(ma200)}`);
  }
  return failed.length === 0 ? { holds: true, reasons: met } : { holds: false, reasons: failed };
}

/** SELL: RSI above the threshold. */
export function sellRule({ rules, values }: Pick<StrategyInput, "rules" | "values">): RuleCheck {
  const { rsi } = values;
  if (rsi === null) return { holds: false, reasons: ["rsi unknown (too few candles)"] };
  if (rsi > rules.rsi_sell_above) return { holds: true, reasons: [`rsi ${fmt(rsi)} > ${rules.rsi_sell_above}`] };
  return { holds: false, reasons: [`rsi ${fmt(rsi)} ≤ ${rules.rsi_sell_above}`] };
}

function decide(side: SignalSide, rule: RuleCheck, input: StrategyInput): SideState {
  if (!rule.holds) return { decision: "no_signal", reasons: rule.reasons };
  const enabled = side === "BUY" ? input.alerts.buy : input.alerts.sell;
  if (!enabled) return { decision: "blocked", reasons: [...rule.reasons, `${side.toLowerCase()} alerts off`] };
  const held = throttleReason(side, input);
  if (held) return { decision: "blocked", reasons: [...rule.reasons, held] };
  return { decision: "fired", reasons: rule.reasons };
}

/**
 * Throttling: no signal within the cooldown of the symbol's previous one (whatever its side), and no repeat of the
 * same side unless the price moved at least min_price_change_pct since — a side flip is news in itself.
 */
export function throttleReason(side: SignalSide, { rules, values, previous, now }: StrategyInput): string | null {
  if (!previous) return null;
  const elapsedS = (now.getTime() - previous.createdAt.getTime()) / 1000;
  if (elapsedS < rules.cooldown_seconds) return `cooldown ${Math.ceil(rules.cooldown_seconds - elapsedS)} s left`;
  if (previous.side !== side) return null;
  const previousPrice = new Big(previous.price);
  if (previousPrice.lte(0)) return null;
  const changePct = new Big(values.price).minus(previousPrice).abs().div(previousPrice).times(100);
  if (changePct.lt(rules.min_price_change_pct)) {
    return `price moved ${changePct.toFixed(2)}% < ${rules.min_price_change_pct}% since the previous ${side}`;
  }
  return null;
}

/** Seconds until a symbol may signal again after `previous` under the cooldown (0 when it may now). */
export function cooldownLeftSeconds(previous: { createdAt: Date } | null, cooldownSeconds: number, now: Date): number {
  if (!previous) return 0;
  const left = cooldownSeconds - (now.getTime() - previous.createdAt.getTime()) / 1000;
  return left > 0 ? Math.ceil(left) : 0;
}

function fmt(value: number): string {
  return Number(value.toPrecision(6)).toString();
}
