import { sql } from "drizzle-orm";
import { bigint, boolean, integer, jsonb, pgTable, text, uniqueIndex } from "drizzle-orm/pg-core";
import type { StrategyOverrides } from "../../domain/strategy";
import { amount, instant, timestamps } from "./columns";

/**
 * Symbols the operator watches, with alert and trading settings; deleted rows are kept (soft delete).
 * `alert_enabled` is "either side on". A null buy/sell switch follows alert_enabled (rows written before the
 * sides existed, or by a writer that only knows alert_enabled); every API write stores both sides and keeps
 * alert_enabled = buy OR sell. A null cooldown or minimum price change means the preset's.
 */
export const watchlistItems = pgTable(
  "watchlist_items",
  {
    id: bigint("id", { mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
    symbol: text("symbol").notNull(),
    alertEnabled: boolean("alert_enabled").notNull().default(false),
    buyAlertEnabled: boolean("buy_alert_enabled"),
    sellAlertEnabled: boolean("sell_alert_enabled"),
    preset: text("preset").notNull().default("swing-conservative"),
    strategyOverrides: jsonb("strategy_overrides").$type<StrategyOverrides>().notNull().default({}),
    tradeEnabled: boolean("trade_enabled").notNull().default(false),
    tradeAmountUsd: amount("trade_amount_usd"),
    buyTarget: amount("buy_target"),
    takeProfitPct: amount("take_profit_pct"),
    stopLossPct: amount("stop_loss_pct"),
    /** Absolute take-profit / stop-loss prices; they win over the percentages when set. */
    tpPrice: amount("tp_price"),
    slPrice: amount("sl_price"),
    minPriceChangePct: amount("min_price_change_pct"),
    cooldownSeconds: integer("cooldown_seconds"),
    deletedAt: instant("deleted_at"),
    ...timestamps,
  },
  (t) => [uniqueIndex("watchlist_items_live_symbol_key").on(t.symbol).where(sql`${t.deletedAt} is null`)],
);
