import { sql } from "drizzle-orm";
import { bigint, boolean, integer, pgTable, text, uniqueIndex } from "drizzle-orm/pg-core";
import { amount, instant, timestamps } from "./columns";

/** Symbols the operator watches, with alert and trading settings; deleted rows are kept (soft delete). */
export const watchlistItems = pgTable(
  "watchlist_items",
  {
    id: bigint("id", { mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
    symbol: text("symbol").notNull(),
    alertEnabled: boolean("alert_enabled").notNull().default(false),
    tradeEnabled: boolean("trade_enabled").notNull().default(false),
    tradeAmountUsd: amount("trade_amount_usd"),
    buyTarget: amount("buy_target"),
    takeProfitPct: amount("take_profit_pct"),
    stopLossPct: amount("stop_loss_pct"),
    minPriceChangePct: amount("min_price_change_pct").notNull().default("1"),
    cooldownSeconds: integer("cooldown_seconds").notNull().default(300),
    deletedAt: instant("deleted_at"),
    ...timestamps,
  },
  (t) => [uniqueIndex("watchlist_items_live_symbol_key").on(t.symbol).where(sql`${t.deletedAt} is null`)],
);
