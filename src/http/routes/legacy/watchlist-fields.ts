import { z } from "zod";
import { formatDecimal } from "../../../domain/money";
import { BUILTIN_PRESETS, DEFAULT_PRESET, exitLevels } from "../../../domain/strategy";
import type { WatchlistItemJson } from "../../../services/watchlist";
import { ApiError } from "../../errors";
import { fieldErrors } from "../../validation";
import { createBody, updateBody } from "../watchlist";
import { requireOurExchange } from "./exchange";
import { num } from "./wire";

const PRESET_FAMILIES = new Set(["swing", "intraday", "scalp"]);
const MODES = ["conservative", "aggressive"] as const;

const amount = z.number().finite().nonnegative().nullable();

/** The frontend's watchlist fields (WatchlistInput, CoinSettings, CoinConfigUpdate of src/lib/api.ts). */
export const legacyItemBody = z.strictObject({
  symbol: z.string().min(1).max(40).optional(),
  exchange: z.string().max(40).optional(),
  alert_enabled: z.boolean().optional(),
  buy_alert_enabled: z.boolean().optional(),
  sell_alert_enabled: z.boolean().optional(),
  trade_enabled: z.boolean().optional(),
  trade_amount_usd: amount.optional(),
  trade_on_margin: z.boolean().optional(),
  buy_target: amount.optional(),
  preset: z.string().min(1).max(64).optional(),
  sl_tp_mode: z.enum(MODES).optional(),
  overrides: z.record(z.string(), z.unknown()).optional(),
  min_price_change_pct: amount.optional(),
  alert_cooldown_minutes: z.number().finite().nonnegative().nullable().optional(),
  sl_percentage: amount.optional(),
  tp_percentage: amount.optional(),
  sl_price: amount.optional(),
  tp_price: amount.optional(),
});
export type LegacyItemBody = z.infer<typeof legacyItemBody>;

// ATP's field → the frontend's, so a refusal names the field the frontend sent.
const LEGACY_NAME: Record<string, string> = {
  take_profit_pct: "tp_percentage",
  stop_loss_pct: "sl_percentage",
  cooldown_seconds: "alert_cooldown_minutes",
};

const invalid = (path: string, message: string) =>
  new ApiError("validation_failed", "invalid json", [{ path, message }]);

/** `swing` + `aggressive` → `swing-aggressive`; a full or operator preset name as is. */
function presetName(body: LegacyItemBody, current: string | undefined): string | undefined {
  if (body.preset === undefined && body.sl_tp_mode === undefined) return undefined;
  const now = current ?? DEFAULT_PRESET;
  const [nowFamily, nowMode] = now.split("-");
  const builtIn = Object.hasOwn(BUILTIN_PRESETS, now) ? { family: nowFamily, mode: nowMode } : undefined;
  const given = body.preset?.toLowerCase();
  if (given !== undefined && PRESET_FAMILIES.has(given))
    return `${given}-${body.sl_tp_mode ?? builtIn?.mode ?? "conservative"}`;
  if (body.preset !== undefined) {
    const name = given !== undefined && Object.hasOwn(BUILTIN_PRESETS, given) ? given : body.preset;
    if (body.sl_tp_mode !== undefined && !name.endsWith(`-${body.sl_tp_mode}`)) {
      throw invalid("sl_tp_mode", `preset ${name} has no ${body.sl_tp_mode} variant`);
    }
    return name;
  }
  if (!builtIn) throw invalid("sl_tp_mode", `sl_tp_mode applies to the built-in presets, not to ${now}`);
  return `${builtIn.family}-${body.sl_tp_mode}`;
}

const decimal = (value: number | null | undefined) =>
  value === undefined ? undefined : value === null ? null : formatDecimal(value);

/**
 * The frontend's fields as the body ATP's own watchlist route validates (its zod schema, so its limits apply), or a
 * 400 naming the frontend's field. Margin is refused (ATP trades spot only), and so is another exchange.
 */
export function toAtpFields(
  body: LegacyItemBody,
  context: { exchange: string; current?: WatchlistItemJson; creating: boolean },
) {
  if (body.trade_on_margin === true)
    throw invalid("trade_on_margin", "margin trading is not supported: ATP trades spot only");
  requireOurExchange(body.exchange, context.exchange, "json");
  const cooldown = body.alert_cooldown_minutes;
  const atp = {
    symbol: context.creating ? body.symbol : undefined,
    alert_enabled: body.alert_enabled,
    buy_alert_enabled: body.buy_alert_enabled,
    sell_alert_enabled: body.sell_alert_enabled,
    trade_enabled: body.trade_enabled,
    trade_amount_usd: decimal(body.trade_amount_usd),
    buy_target: decimal(body.buy_target),
    preset: presetName(body, context.current?.preset),
    overrides: body.overrides,
    min_price_change_pct: decimal(body.min_price_change_pct),
    cooldown_seconds: cooldown === undefined ? undefined : cooldown === null ? null : Math.round(cooldown * 60),
    take_profit_pct: decimal(body.tp_percentage),
    stop_loss_pct: decimal(body.sl_percentage),
    // Absolute exits: ATP's own tp_price/sl_price, which win over the percentages.
    tp_price: decimal(body.tp_price),
    sl_price: decimal(body.sl_price),
  };
  const defined = Object.fromEntries(Object.entries(atp).filter(([, v]) => v !== undefined));
  const parsed = (context.creating ? createBody : updateBody).safeParse(defined);
  if (!parsed.success) {
    const details = fieldErrors(parsed.error).map((d) => ({ ...d, path: LEGACY_NAME[d.path] ?? d.path }));
    throw new ApiError("validation_failed", "invalid json", details);
  }
  return parsed.data;
}

/** A watchlist item as the frontend reads it (WatchlistItem of src/lib/api.ts). */
export function legacyItem(item: WatchlistItemJson, exchange: string) {
  const price = num(item.market?.price);
  const exits = item.market ? exitLevels(item.market.price, item.rules, item.market.atr) : null;
  const [, mode] = item.preset.split("-");
  return {
    id: item.id,
    symbol: item.symbol,
    exchange,
    alert_enabled: item.alert_enabled,
    buy_alert_enabled: item.buy_alert_enabled,
    sell_alert_enabled: item.sell_alert_enabled,
    trade_enabled: item.trade_enabled,
    trade_amount_usd: num(item.trade_amount_usd),
    trade_on_margin: false,
    buy_target: num(item.buy_target),
    preset: item.preset,
    sl_tp_mode: mode === "aggressive" ? "aggressive" : "conservative",
    overrides: item.overrides,
    min_price_change_pct: num(item.min_price_change_pct),
    alert_cooldown_minutes: item.cooldown_seconds === null ? null : item.cooldown_seconds / 60,
    sl_percentage: num(item.stop_loss_pct),
    tp_percentage: num(item.take_profit_pct),
    // The item's absolute exits, else the levels its rules put on an entry at today's price (null without a price).
    tp_price: num(item.tp_price ?? exits?.takeProfit),
    sl_price: num(item.sl_price ?? exits?.stopLoss),
    price,
    rsi: num(item.market?.rsi),
    ma50: num(item.market?.ma50),
    ma200: num(item.market?.ma200),
    ema10: num(item.market?.ema10),
    atr: num(item.market?.atr),
    created_at: item.created_at,
    updated_at: item.updated_at,
  };
}
