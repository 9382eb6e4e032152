import { z } from "zod";
import { decimalField, percentField } from "./fields";

/** Longest cooldown a rule may ask for: a week. */
export const MAX_COOLDOWN_S = 7 * 24 * 3600;

/** A preset name: lower case letters, digits and dashes, e.g. `my-swing`. */
export const presetNameField = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{0,39}$/, "must be 1-40 lower-case letters, digits or dashes, e.g. my-swing");

const exitDistance = z.strictObject({
  unit: z.enum(["pct", "atr"]),
  value: decimalField({ integerDigits: 4, decimals: 4, positive: true }),
});

const ruleFields = {
  rsi_buy_below: z.number().min(0).max(100),
  rsi_sell_above: z.number().min(0).max(100),
  require_ma50_above_ema10: z.boolean(),
  require_price_below_buy_target: z.boolean(),
  min_volume_ratio: z.number().positive().max(1000).nullable(),
  trend_filter: z.boolean(),
  take_profit: exitDistance,
  stop_loss: exitDistance,
  cooldown_seconds: z.number().int().min(0).max(MAX_COOLDOWN_S),
  min_price_change_pct: percentField(100),
};

/** A complete preset: every field required (see the README's presets table). */
export const rulesSchema = z.strictObject(ruleFields);

/** A watchlist item's overrides: any preset field, the others keep the preset's value. */
export const overridesSchema = z.strictObject(ruleFields).partial();
