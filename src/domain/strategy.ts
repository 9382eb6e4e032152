/**
 * Strategies as data: a preset is the set of thresholds and switches the signal rules read, and a watchlist item
 * runs one preset with its own overrides. Pure: no I/O. The evaluation with its reasons is in strategy-rules.ts.
 */
import { Big } from "./money";

/** A take-profit or stop-loss distance: a percentage of the entry price, or a multiple of the ATR. */
export interface ExitDistance {
  unit: "pct" | "atr";
  /** Decimal string above zero. */
  value: string;
}

/** Everything a preset decides. Thresholds are numbers (indicator space); percentages are decimal strings. */
export interface StrategyRules {
  /** BUY needs RSI strictly below this. */
  rsi_buy_below: number;
  /** SELL needs RSI strictly above this. */
  rsi_sell_above: number;
  /** BUY needs MA50 > EMA10 (the price fell below its recent trend). */
  require_ma50_above_ema10: boolean;
  /** BUY needs price ≤ the item's buy target, when the item has one. */
  require_price_below_buy_target: boolean;
  /** BUY needs the last candle's volume ratio at least this; null: no volume condition. */
  min_volume_ratio: number | null;
  /** BUY needs price ≥ MA200 (buy dips in an up-trend only). */
  trend_filter: boolean;
  /** Default take-profit of a position opened by a BUY. */
  take_profit: ExitDistance;
  /** Default stop-loss of a position opened by a BUY. */
  stop_loss: ExitDistance;
  /** No new signal of a symbol within this many seconds of its previous one (either side). */
  cooldown_seconds: number;
  /** A repeat of the same side needs the price to have moved at least this percentage since. */
  min_price_change_pct: string;
}

/** The field names of a preset, in the order the README's table lists them. */
export const RULE_FIELDS = [
  "rsi_buy_below",
  "rsi_sell_above",
  "require_ma50_above_ema10",
  "require_price_below_buy_target",
  "min_volume_ratio",
  "trend_filter",
  "take_profit",
  "stop_loss",
  "cooldown_seconds",
  "min_price_change_pct",
] as const satisfies readonly (keyof StrategyRules)[];

/** Per-coin changes of a preset: any field. */
export type StrategyOverrides = Partial<StrategyRules>;

/** The preset of an item that names none, and of every item created before presets existed. */
export const DEFAULT_PRESET = "swing-conservative";

const pct = (value: string): ExitDistance => ({ unit: "pct", value });
const atr = (value: string): ExitDistance => ({ unit: "atr", value });

/**
 * The built-in presets. `swing-conservative` is SPEC §6's fixed rule exactly (RSI < 40, MA50 > EMA10,
 * price ≤ buy target → BUY; RSI > 70 → SELL; 300 s cooldown, 1 % minimum move), so items that predate presets
 * behave as before.
 */
export const BUILTIN_PRESETS: Readonly<Record<string, Readonly<StrategyRules>>> = Object.freeze({
  "swing-conservative": {
    rsi_buy_below: 40,
    rsi_sell_above: 70,
    require_ma50_above_ema10: true,
    require_price_below_buy_target: true,
    min_volume_ratio: null,
    trend_filter: false,
    take_profit: pct("5"),
    stop_loss: pct("3"),
    cooldown_seconds: 300,
    min_price_change_pct: "1",
  },
  "swing-aggressive": {
    rsi_buy_below: 45,
    rsi_sell_above: 65,
    require_ma50_above_ema10: true,
    require_price_below_buy_target: true,
    min_volume_ratio: null,
    trend_filter: false,
    take_profit: pct("8"),
    stop_loss: pct("4"),
    cooldown_seconds: 300,
    min_price_change_pct: "0.5",
  },
  "intraday-conservative": {
    rsi_buy_below: 35,
    rsi_sell_above: 70,
    require_ma50_above_ema10: true,
    require_price_below_buy_target: true,
    min_volume_ratio: 1.2,
    trend_filter: true,
    take_profit: atr("2"),
    stop_loss: atr("1.5"),
    cooldown_seconds: 600,
    min_price_change_pct: "0.5",
  },
  "intraday-aggressive": {
    rsi_buy_below: 40,
    rsi_sell_above: 65,
    require_ma50_above_ema10: false,
    require_price_below_buy_target: true,
    min_volume_ratio: 1,
    trend_filter: false,
    take_profit: atr("1.5"),
    stop_loss: atr("1"),
    cooldown_seconds: 300,
    min_price_change_pct: "0.3",
  },
  "scalp-conservative": {
    rsi_buy_below: 30,
    rsi_sell_above: 75,
    require_ma50_above_ema10: true,
    require_price_below_buy_target: true,
    min_volume_ratio: 1.5,
    trend_filter: true,
    take_profit: pct("1"),
    stop_loss: pct("0.5"),
    cooldown_seconds: 120,
    min_price_change_pct: "0.3",
  },
  "scalp-aggressive": {
    rsi_buy_below: 35,
    rsi_sell_above: 70,
    require_ma50_above_ema10: false,
    require_price_below_buy_target: true,
    min_volume_ratio: 1.2,
    trend_filter: false,
    take_profit: pct("0.8"),
    stop_loss: pct("0.4"),
    cooldown_seconds: 60,
    min_price_change_pct: "0.2",
  },
} satisfies Record<string, StrategyRules>);

/** True for the name of a built-in preset (those cannot be replaced). */
export function isBuiltinPreset(name: string): boolean {
  return Object.hasOwn(BUILTIN_PRESETS, name);
}

/**
 * Why a complete set of rules cannot be run: a side that can never fire or always fires, or thresholds where one
 * RSI value would be both a BUY and a SELL. Empty when the rules are usable. (Field ranges are checked earlier.)
 */
export function presetProblems(rules: StrategyRules): string[] {
  const problems: string[] = [];
  const { rsi_buy_below: buy, rsi_sell_above: sell } = rules;
  if (buy <= 0) problems.push(`rsi_buy_below ${buy}: RSI is never below 0, so BUY could never fire`);
  if (sell >= 100) problems.push(`rsi_sell_above ${sell}: RSI is never above 100, so SELL could never fire`);
  if (buy >= 100)
    problems.push(`rsi_buy_below ${buy}: RSI is always below it, so the RSI condition of BUY always holds`);
  if (sell <= 0) problems.push(`rsi_sell_above ${sell}: RSI is always above it, so SELL would always fire`);
  if (buy >= sell) {
    problems.push(
      `rsi_buy_below ${buy} ≥ rsi_sell_above ${sell}: an RSI between them would fire BUY and SELL at once; ` +
        "buy-below must be under sell-above",
    );
  }
  if (rules.stop_loss.unit === "pct" && new Big(rules.stop_loss.value).gte(100)) {
    problems.push(`stop_loss ${rules.stop_loss.value}%: a stop 100 % or more below the entry can never trigger`);
  }
  return problems;
}

/** A preset's rules with an item's overrides on top (any field; absent fields keep the preset's value). */
export function applyOverrides(rules: Readonly<StrategyRules>, overrides: StrategyOverrides): StrategyRules {
  const merged: StrategyRules = { ...rules };
  for (const field of RULE_FIELDS) {
    const value = overrides[field];
    if (value !== undefined) (merged as unknown as Record<string, unknown>)[field] = value;
  }
  return merged;
}

/** The item's own columns that predate presets; a non-null one wins over the preset and the overrides. */
export interface ItemRuleColumns {
  cooldownSeconds: number | null;
  minPriceChangePct: string | null;
  takeProfitPct: string | null;
  stopLossPct: string | null;
}

/** The rules a watchlist item runs: its preset, then its overrides, then its own (legacy) columns. */
export function itemRules(
  preset: Readonly<StrategyRules>,
  overrides: StrategyOverrides,
  columns: ItemRuleColumns,
): StrategyRules {
  const rules = applyOverrides(preset, overrides);
  if (columns.cooldownSeconds !== null) rules.cooldown_seconds = columns.cooldownSeconds;
  if (columns.minPriceChangePct !== null) rules.min_price_change_pct = columns.minPriceChangePct;
  if (columns.takeProfitPct !== null) rules.take_profit = pct(columns.takeProfitPct);
  if (columns.stopLossPct !== null) rules.stop_loss = pct(columns.stopLossPct);
  return rules;
}

/** A price as a plain decimal string, or null when it is not above zero. */
const positivePrice = (price: Big) => (price.gt(0) ? price.round(12).toFixed() : null);

/**
 * The take-profit and stop-loss prices the rules give a BUY entered at `entry`: a percentage of the entry, or a
 * multiple of the ATR (null without an ATR); a stop-loss at or below zero is null.
 */
export function exitLevels(
  entry: string,
  rules: Pick<StrategyRules, "take_profit" | "stop_loss">,
  atr: string | null,
): { takeProfit: string | null; stopLoss: string | null } {
  const price = new Big(entry);
  const distance = (exit: ExitDistance): Big | null => {
    if (exit.unit === "pct") return price.times(exit.value).div(100);
    return atr === null ? null : new Big(atr).times(exit.value);
  };
  const up = distance(rules.take_profit);
  const down = distance(rules.stop_loss);
  return {
    takeProfit: up === null ? null : positivePrice(price.plus(up)),
    stopLoss: down === null ? null : positivePrice(price.minus(down)),
  };
}
