import { notifyChange } from "../db/changes";
import type { Database } from "../db/client";
import {
  countOrders,
  findOrderByExchangeId,
  type HistoryFilter,
  listOpenOrders,
  listOrderHistory,
  type OrderJson,
  type OrderPage,
  recordOrder,
} from "../db/queries/orders";
import { Conflict, NotFound } from "../domain/errors";
import { InvalidOrderError } from "../domain/exchange-errors";
import { type OrderClients, requireClients } from "./order-clients";
import { clientOfAccount } from "./trading-mode";

/** What placing or cancelling an order returns. */
export interface OrderOutcome {
  order: OrderJson;
  /** True when the client order id was already known and nothing new was placed. */
  replayed: boolean;
  /** Where the order went: LIVE (real money) or DRY_RUN (paper); null for a replay, which placed nothing. */
  mode: "LIVE" | "DRY_RUN" | null;
  note: string | null;
}

/** Open orders of the mirror, newest first. */
export function openOrders(database: Database, filter: { symbol?: string; limit: number }): Promise<OrderJson[]> {
  return listOpenOrders(database.sql, filter);
}

/** A keyset page of the mirror's order history, newest first. */
export function orderHistory(database: Database, filter: HistoryFilter): Promise<OrderPage> {
  return listOrderHistory(database.sql, filter);
}

/** How many orders the history holds. */
export function orderCount(database: Database): Promise<number> {
  return countOrders(database.sql);
}

/**
 * Cancels an open order of the mirror on its own account's exchange, and records its new state. NotFound
 * when the mirror does not know the order; Conflict when it already filled, expired or was rejected.
 */
export async function cancelOrder(
  database: Database,
  available: OrderClients | undefined,
  exchangeOrderId: string,
): Promise<OrderOutcome> {
  const clients = requireClients(available);
  const known = await findOrderByExchangeId(database.sql, exchangeOrderId);
  if (!known) throw new NotFound(`no order with exchange order id ${exchangeOrderId}`);
  // Cancelled on the order's own account, whatever the mode is now.
  const client = clientOfAccount(clients, known.account);
  if (!client) throw new Conflict(`order ${exchangeOrderId} belongs to account ${known.account}, not configured here`);
  const cancelled = await client.cancelOrder(known.exchange_order_id, known.symbol).catch((error: unknown) => {
    // The order's state forbids the cancel: a conflict with that state, not a bad request.
    throw error instanceof InvalidOrderError ? new Conflict(error.message, { cause: error }) : error;
  });
  const order = await recordOrder(database.sql, known.account, cancelled);
  await notifyChange(database.sql, "orders");
  return { order, replayed: false, mode: client.live ? "LIVE" : "DRY_RUN", note: null };
}
