import { sql } from "drizzle-orm";
import { bigint, index, pgTable, text, uniqueIndex } from "drizzle-orm/pg-core";
import { OPEN_ORDER_STATUSES } from "../../domain/orders";
import { amount, inList, instant, timestamps } from "./columns";

/** The paper exchange's own account balances. */
export const paperBalances = pgTable("paper_balances", {
  asset: text("asset").primaryKey(),
  free: amount("free").notNull().default("0"),
  locked: amount("locked").notNull().default("0"),
  ...timestamps,
});

/** The paper exchange's own orders; `seq` orders the history for paging. */
export const paperOrders = pgTable(
  "paper_orders",
  {
    seq: bigint("seq", { mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
    orderId: text("order_id").notNull(),
    clientOid: text("client_oid"),
    symbol: text("symbol").notNull(),
    side: text("side").notNull(),
    orderType: text("order_type").notNull(),
    status: text("status").notNull(),
    price: amount("price"),
    quantity: amount("quantity").notNull(),
    filledQuantity: amount("filled_quantity").notNull().default("0"),
    filledValue: amount("filled_value").notNull().default("0"),
    fee: amount("fee").notNull().default("0"),
    feeCurrency: text("fee_currency"),
    /** STOP_LIMIT / TAKE_PROFIT_LIMIT: the price that arms the order, and when it did (null until then). */
    triggerPrice: amount("trigger_price"),
    triggeredAt: instant("triggered_at"),
    ...timestamps,
  },
  (t) => [
    uniqueIndex("paper_orders_order_id_key").on(t.orderId),
    uniqueIndex("paper_orders_client_oid_key").on(t.clientOid),
    index("paper_orders_open_idx")
      .on(t.seq)
      .where(sql`${t.status} in (${inList(OPEN_ORDER_STATUSES)})`),
  ],
);

/** Small key/value state of the paper exchange (e.g. whether the seeded history exists). */
export const paperState = pgTable("paper_state", {
  key: text("key").primaryKey(),
  value: text("value").notNull(),
  ...timestamps,
});

/** Prices pinned through the test endpoint: from `pinned_at` on, the symbol trades at `price` until unpinned. */
export const paperPrices = pgTable("paper_prices", {
  symbol: text("symbol").primaryKey(),
  price: amount("price").notNull(),
  pinnedAt: instant("pinned_at").notNull(),
  ...timestamps,
});
