import { z } from "zod";
import { formatDecimal } from "../../../domain/money";
import type { ExitDistance, StrategyRules } from "../../../domain/strategy";

/** The frontend's rules of one preset and risk mode (page.tsx StrategyRules). */
export const frontendRules = z.strictObject({
  rsi: z.strictObject({
    buyBelow: z.number().min(0).max(100).optional(),
    sellAbove: z.number().min(0).max(100).optional(),
  }),
  maChecks: z.strictObject({ ema10: z.boolean(), ma50: z.boolean(), ma200: z.boolean() }),
  sl: z.strictObject({
    pct: z.number().positive().max(100).optional(),
    atrMult: z.number().positive().max(1000).optional(),
  }),
  tp: z.strictObject({
    pct: z.number().positive().max(1000).optional(),
    rr: z.number().positive().max(1000).optional(),
    atrMult: z.number().positive().max(1000).optional(),
  }),
  volumeMinRatio: z.number().positive().max(1000).nullable().optional(),
  minPriceChangePct: z.number().min(0).max(100).optional(),
  alertCooldownMinutes: z
    .number()
    .min(0)
    .max(7 * 24 * 60)
    .optional(),
  notes: z.array(z.string().max(500)).max(50).optional(),
});
export type FrontendRules = z.infer<typeof frontendRules>;

const exitOf = (exit: ExitDistance) =>
  exit.unit === "pct" ? { pct: Number(exit.value) } : { atrMult: Number(exit.value) };

/** ATP's rules as the frontend's: MA checks from the MA50 > EMA10 rule and the trend filter, exits by unit. */
export function toFrontendRules(rules: StrategyRules): FrontendRules {
  const sl = exitOf(rules.stop_loss);
  const tpAtr = rules.take_profit.unit === "atr" && rules.stop_loss.unit === "atr";
  return {
    rsi: { buyBelow: rules.rsi_buy_below, sellAbove: rules.rsi_sell_above },
    maChecks: {
      ema10: rules.require_ma50_above_ema10,
      ma50: rules.require_ma50_above_ema10,
      ma200: rules.trend_filter,
    },
    sl,
    // Both ATR-based: the take-profit as a risk:reward of the stop-loss, as the frontend writes it.
    tp: tpAtr ? { rr: Number(rules.take_profit.value) / Number(rules.stop_loss.value) } : exitOf(rules.take_profit),
    ...(rules.min_volume_ratio === null ? {} : { volumeMinRatio: rules.min_volume_ratio }),
    minPriceChangePct: Number(rules.min_price_change_pct),
    alertCooldownMinutes: rules.cooldown_seconds / 60,
  };
}

const exit = (unit: "pct" | "atr", value: number): ExitDistance => ({ unit, value: formatDecimal(value) });

/**
 * The frontend's rules as ATP's, over `base` for what the frontend does not say (the buy-target rule); null when
 * they cannot be said in ATP's terms (the reason is returned instead).
 */
export function fromFrontendRules(fe: FrontendRules, base: StrategyRules): StrategyRules | string {
  if (fe.maChecks.ema10 !== fe.maChecks.ma50)
    return "maChecks.ema10 and maChecks.ma50 are one rule in ATP (MA50 > EMA10)";
  const stopLoss =
    fe.sl.atrMult !== undefined
      ? exit("atr", fe.sl.atrMult)
      : fe.sl.pct !== undefined
        ? exit("pct", fe.sl.pct)
        : base.stop_loss;
  let takeProfit = base.take_profit;
  if (fe.tp.pct !== undefined) takeProfit = exit("pct", fe.tp.pct);
  else if (fe.tp.atrMult !== undefined) takeProfit = exit("atr", fe.tp.atrMult);
  else if (fe.tp.rr !== undefined) {
    if (stopLoss.unit !== "atr") return "tp.rr needs an ATR-based stop-loss (sl.atrMult)";
    takeProfit = exit("atr", Math.round(fe.tp.rr * Number(stopLoss.value) * 1e4) / 1e4);
  }
  return {
    rsi_buy_below: fe.rsi.buyBelow ?? base.rsi_buy_below,
    rsi_sell_above: fe.rsi.sellAbove ?? base.rsi_sell_above,
    require_ma50_above_ema10: fe.maChecks.ma50,
    require_price_below_buy_target: base.require_price_below_buy_target,
    min_volume_ratio: fe.volumeMinRatio === undefined ? base.min_volume_ratio : fe.volumeMinRatio,
    trend_filter: fe.maChecks.ma200,
    take_profit: takeProfit,
    stop_loss: stopLoss,
    cooldown_seconds:
      fe.alertCooldownMinutes === undefined ? base.cooldown_seconds : Math.round(fe.alertCooldownMinutes * 60),
    min_price_change_pct:
      fe.minPriceChangePct === undefined ? base.min_price_change_pct : formatDecimal(fe.minPriceChangePct),
  };
}
