import { sql } from "drizzle-orm";
import { bigint, check, index, integer, pgTable, primaryKey, text, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { EXIT_REASONS, PROTECTION_KINDS, PROTECTION_STATES } from "../../domain/protection";
import { amount, inList, instant, timestamps } from "./columns";

/**
 * FIFO lots (one per BUY order: a trade), kept by src/domain/positions.ts's rules in the transaction that records
 * each fill. `remaining` is what is still held; the exit_* and closed_* columns are the closed part.
 */
export const positionLots = pgTable(
  "position_lots",
  {
    id: bigint("id", { mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
    account: text("account").notNull(),
    symbol: text("symbol").notNull(),
    entryOrderId: text("entry_order_id").notNull(),
    entryClientOid: text("entry_client_oid"),
    openedAt: instant("opened_at").notNull(),
    quantity: amount("quantity").notNull(),
    entryValue: amount("entry_value").notNull(),
    entryFee: amount("entry_fee").notNull(),
    remaining: amount("remaining").notNull(),
    remainingCost: amount("remaining_cost").notNull(),
    remainingFee: amount("remaining_fee").notNull(),
    exitQuantity: amount("exit_quantity").notNull(),
    exitValue: amount("exit_value").notNull(),
    exitFee: amount("exit_fee").notNull(),
    closedCost: amount("closed_cost").notNull(),
    closedFee: amount("closed_fee").notNull(),
    closedAt: instant("closed_at"),
    exitReason: text("exit_reason", { enum: EXIT_REASONS }),
    /** exit_value − exit_fee − closed_cost − closed_fee: kept with the lot so best/worst and periods read an index. */
    realised: amount("realised").notNull().default("0"),
    ...timestamps,
  },
  (t) => [
    uniqueIndex("position_lots_entry_key").on(t.account, t.entryOrderId),
    index("position_lots_open_idx").on(t.account, t.symbol, t.openedAt, t.id).where(sql`${t.remaining} > 0`),
    index("position_lots_closed_idx")
      .on(t.account, t.closedAt.desc(), t.id.desc())
      .where(sql`${t.closedAt} is not null`),
    index("position_lots_realised_idx").on(t.account, t.realised).where(sql`${t.closedAt} is not null`),
    index("position_lots_symbol_closed_idx")
      .on(t.account, t.symbol, t.closedAt.desc(), t.id.desc())
      .where(sql`${t.closedAt} is not null`),
    check("position_lots_exit_reason_check", sql`${t.exitReason} in (${inList(EXIT_REASONS)})`),
  ],
);

/** Per account and symbol: sold base no lot could match (held before the history starts) and unvalued fees. */
export const positionBooks = pgTable(
  "position_books",
  {
    account: text("account").notNull(),
    symbol: text("symbol").notNull(),
    unmatchedQty: amount("unmatched_qty").notNull().default("0"),
    otherFees: amount("other_fees").notNull().default("0"),
    /** The smallest quantity the exchange sells for this symbol (its step), set when ATP sizes an exit: a lot left
     * with less after a sale is closed (dust), so a fee taken in the base coin never keeps a trade open. */
    dustQty: amount("dust_qty").notNull().default("0"),
    /** A new random id at every booking: a process's copy of the open lots is current while it matches. */
    version: uuid("version"),
    /** Totals kept by every booking, so profit figures never scan the lots: realised P&L of every lot … */
    realised: amount("realised").notNull().default("0"),
    /** … and of the closed trades: count, wins, losses, gross profit and loss, summed holding time. */
    closedTrades: integer("closed_trades").notNull().default(0),
    wins: integer("wins").notNull().default(0),
    losses: integer("losses").notNull().default(0),
    grossProfit: amount("gross_profit").notNull().default("0"),
    grossLoss: amount("gross_loss").notNull().default("0"),
    heldSeconds: amount("held_seconds").notNull().default("0"),
    /** … and of the open lots (not closed, something left): quantity held, and its entry cost with entry fees. */
    openQty: amount("open_qty").notNull().default("0"),
    openCost: amount("open_cost").notNull().default("0"),
    ...timestamps,
  },
  (t) => [primaryKey({ columns: [t.account, t.symbol] })],
);

/**
 * Take-profit and stop-loss orders of an entry, one row per (kind, generation). The row is written (state
 * `placing`) before the exchange is called, with the client order id the order gets, so a crash between placing
 * and recording finds the order again by that id instead of placing a second one.
 */
export const protectionOrders = pgTable(
  "protection_orders",
  {
    id: bigint("id", { mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
    account: text("account").notNull(),
    symbol: text("symbol").notNull(),
    entryOrderId: text("entry_order_id").notNull(),
    kind: text("kind", { enum: PROTECTION_KINDS }).notNull(),
    generation: integer("generation").notNull(),
    clientOid: text("client_oid").notNull(),
    exchangeOrderId: text("exchange_order_id"),
    state: text("state", { enum: PROTECTION_STATES }).notNull(),
    quantity: amount("quantity").notNull(),
    triggerPrice: amount("trigger_price").notNull(),
    limitPrice: amount("limit_price").notNull(),
    note: text("note"),
    ...timestamps,
  },
  (t) => [
    uniqueIndex("protection_orders_client_oid_key").on(t.account, t.clientOid),
    uniqueIndex("protection_orders_generation_key").on(t.account, t.entryOrderId, t.kind, t.generation),
    index("protection_orders_active_idx").on(t.account, t.symbol).where(sql`${t.state} in ('placing', 'open')`),
    check("protection_orders_kind_check", sql`${t.kind} in (${inList(PROTECTION_KINDS)})`),
    check("protection_orders_state_check", sql`${t.state} in (${inList(PROTECTION_STATES)})`),
  ],
);
