import { BUILTIN_PRESETS, exitLevels, type StrategyRules } from "../../../domain/strategy";
import { num } from "./wire";

const pctFrom = (price: number, level: number | null) =>
  level === null || price === 0 ? null : Math.round((Math.abs(level - price) / price) * 1e6) / 1e4;

/**
 * The take-profit and stop-loss an entry at `price` gets from the item's effective rules, and from the conservative
 * and aggressive variants of its built-in preset family (the frontend's stop_loss_take_profit); an operator's own
 * preset has one variant, its own.
 */
export function exitBands(price: string, preset: string, rules: StrategyRules, atr: string | null) {
  const own = exitLevels(price, rules, atr);
  const family = preset.split("-")[0];
  const variant = (mode: "conservative" | "aggressive") => {
    const builtIn = BUILTIN_PRESETS[`${family}-${mode}`];
    const levels = builtIn && BUILTIN_PRESETS[preset] ? exitLevels(price, builtIn, atr) : own;
    const p = Number(price);
    const tp = num(levels.takeProfit);
    const sl = num(levels.stopLoss);
    return { tp: { value: tp, percentage: pctFrom(p, tp) }, sl: { value: sl, percentage: pctFrom(p, sl) } };
  };
  const conservative = variant("conservative");
  const aggressive = variant("aggressive");
  return {
    own: { take_profit: num(own.takeProfit), stop_loss: num(own.stopLoss) },
    variants: {
      stop_loss: { conservative: conservative.sl, aggressive: aggressive.sl },
      take_profit: { conservative: conservative.tp, aggressive: aggressive.tp },
    },
  };
}
