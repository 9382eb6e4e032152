import { sql } from "drizzle-orm";
import { bigint, check, index, pgTable, text, uniqueIndex } from "drizzle-orm/pg-core";
import { OPEN_ORDER_STATUSES, ORDER_SIDES, ORDER_STATUSES, ORDER_TYPES } from "../../domain/orders";
import { amount, inList, instant, timestamps } from "./columns";
import { tradeSignals } from "./signals";

/** The mirror of the exchange account's orders, open and historical. */
export const exchangeOrders = pgTable(
  "exchange_orders",
  {
    id: bigint("id", { mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
    exchangeOrderId: text("exchange_order_id").notNull(),
    /** The account the order belongs to: `paper`, or the live exchange's id. */
    account: text("account").notNull().default("paper"),
    clientOid: text("client_oid"),
    symbol: text("symbol").notNull(),
    side: text("side", { enum: ORDER_SIDES }).notNull(),
    orderType: text("order_type", { enum: ORDER_TYPES }).notNull(),
    status: text("status", { enum: ORDER_STATUSES }).notNull(),
    price: amount("price"),
    quantity: amount("quantity").notNull(),
    cumulativeQuantity: amount("cumulative_quantity").notNull().default("0"),
    cumulativeValue: amount("cumulative_value").notNull().default("0"),
    avgPrice: amount("avg_price"),
    fee: amount("fee").notNull().default("0"),
    feeCurrency: text("fee_currency"),
    exchangeCreateTime: instant("exchange_create_time").notNull(),
    exchangeUpdateTime: instant("exchange_update_time").notNull(),
    tradeSignalId: bigint("trade_signal_id", { mode: "number" }).references(() => tradeSignals.id, {
      onDelete: "set null",
    }),
    ...timestamps,
  },
  (t) => [
    uniqueIndex("exchange_orders_exchange_order_id_key").on(t.exchangeOrderId),
    uniqueIndex("exchange_orders_client_oid_key").on(t.clientOid),
    index("exchange_orders_status_idx").on(t.status),
    index("exchange_orders_create_time_idx").on(t.exchangeCreateTime.desc(), t.id.desc()),
    index("exchange_orders_open_idx")
      .on(t.exchangeCreateTime.desc(), t.id.desc())
      .where(sql`${t.status} in (${inList(OPEN_ORDER_STATUSES)})`),
    index("exchange_orders_filled_idx").on(t.exchangeUpdateTime.desc(), t.id.desc()).where(sql`${t.status} = 'FILLED'`),
    index("exchange_orders_symbol_time_idx").on(t.symbol, t.exchangeCreateTime.desc(), t.id.desc()),
    index("exchange_orders_trade_signal_idx").on(t.tradeSignalId),
    check("exchange_orders_side_check", sql`${t.side} in (${inList(ORDER_SIDES)})`),
    check("exchange_orders_type_check", sql`${t.orderType} in (${inList(ORDER_TYPES)})`),
    check("exchange_orders_status_check", sql`${t.status} in (${inList(ORDER_STATUSES)})`),
  ],
);
