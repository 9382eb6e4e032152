import { notifyChange } from "../db/changes";
import type { Database } from "../db/client";
import { findOrderByExchangeId, type OrderJson, recordOrder } from "../db/queries/orders";
import type { ExchangeOrder } from "../domain/orders";
import { type OrderClients, routeOrder } from "./trading-mode";

/** What placing or cancelling an order returns. */
export interface OrderOutcome {
  order: OrderJson;
  /** True when the client order id was already known and nothing new was placed. */
  replayed: boolean;
  /** Where the order went: LIVE (real money) or DRY_RUN (paper); null for a replay, which placed nothing. */
  mode: "LIVE" | "DRY_RUN" | null;
  note: string | null;
}

/** The order of the mirror with this exchange order id (the symbol a cancel needs), or null. */
export function findOrder(database: Database, exchangeOrderId: string): Promise<OrderJson | null> {
  return findOrderByExchangeId(database.sql, exchangeOrderId);
}

/** Cancels an open order on the exchange it was routed to and records its new state. */
export async function cancelOrder(
  database: Database,
  clients: OrderClients,
  known: Pick<OrderJson, "exchange_order_id" | "symbol">,
): Promise<OrderOutcome> {
  const route = await routeOrder(database, clients);
  const cancelled: ExchangeOrder = await route.client.cancelOrder(known.exchange_order_id, known.symbol);
  const order = await recordOrder(database.sql, cancelled);
  await notifyChange(database.sql, "orders");
  return { order, replayed: false, mode: route.live ? "LIVE" : "DRY_RUN", note: route.note };
}
