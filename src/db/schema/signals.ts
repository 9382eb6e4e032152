import { sql } from "drizzle-orm";
import { bigint, boolean, check, index, pgTable, text } from "drizzle-orm/pg-core";
import { SIGNAL_SIDES, SIGNAL_STATUSES } from "../../domain/signals";
import { amount, inList, instant, timestamps } from "./columns";

/** Signals computed for the watchlist, and what became of each. */
export const tradeSignals = pgTable(
  "trade_signals",
  {
    id: bigint("id", { mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
    symbol: text("symbol").notNull(),
    side: text("side", { enum: SIGNAL_SIDES }).notNull(),
    strategy: text("strategy").notNull().default("default"),
    price: amount("price").notNull(),
    rsi: amount("rsi"),
    ma50: amount("ma50"),
    ma200: amount("ma200"),
    ema10: amount("ema10"),
    atr: amount("atr"),
    volumeRatio: amount("volume_ratio"),
    reason: text("reason").notNull(),
    status: text("status", { enum: SIGNAL_STATUSES }).notNull().default("pending"),
    statusReason: text("status_reason"),
    shouldTrade: boolean("should_trade").notNull().default(false),
    tradeAmountUsd: amount("trade_amount_usd"),
    exchangeOrderId: text("exchange_order_id"),
    lastUpdateAt: instant("last_update_at").notNull().defaultNow(),
    ...timestamps,
  },
  (t) => [
    index("trade_signals_status_idx").on(t.status),
    index("trade_signals_should_trade_idx").on(t.shouldTrade, t.createdAt.desc(), t.id.desc()),
    index("trade_signals_symbol_created_idx").on(t.symbol, t.createdAt.desc()),
    index("trade_signals_created_idx").on(t.createdAt.desc(), t.id.desc()),
    index("trade_signals_pending_idx").on(t.createdAt, t.id).where(sql`${t.status} = 'pending' and ${t.shouldTrade}`),
    check("trade_signals_side_check", sql`${t.side} in (${inList(SIGNAL_SIDES)})`),
    check("trade_signals_status_check", sql`${t.status} in (${inList(SIGNAL_STATUSES)})`),
  ],
);
