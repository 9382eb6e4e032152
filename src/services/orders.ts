import { notifyChange } from "../db/changes";
import type { Database } from "../db/client";
import { findOrderByClientOid, findOrderByExchangeId, type OrderJson, recordOrder } from "../db/queries/orders";
import type { ExchangeOrder } from "../domain/orders";
import type { CreateOrderRequest } from "../exchanges/types";
import { type OrderClients, routeOrder } from "./trading-mode";

/** A client order id reused for a different order. */
export class IdempotencyConflictError extends Error {
  override name = "IdempotencyConflictError";
}

/** What placing or cancelling an order returns. */
export interface OrderOutcome {
  order: OrderJson;
  /** True when the client order id was already known and nothing new was placed. */
  replayed: boolean;
  /** Where the order went: LIVE (real money) or DRY_RUN (paper); null for a replay, which placed nothing. */
  mode: "LIVE" | "DRY_RUN" | null;
  note: string | null;
}

function sameOrder(known: { symbol: string; side: string; type: string }, request: CreateOrderRequest): boolean {
  return known.symbol === request.symbol && known.side === request.side && known.type === request.type;
}

function conflict(clientOid: string): IdempotencyConflictError {
  return new IdempotencyConflictError(`client order id ${clientOid} was already used for a different order`);
}

/**
 * Places a manual order, idempotent on its client order id: a known id returns the recorded order without
 * calling the exchange, and the exchange itself returns the existing order for an id it has seen (a retry after a
 * crash between placing and recording). Reusing an id for another symbol, side or type is a conflict.
 */
export async function placeManualOrder(
  database: Database,
  clients: OrderClients,
  request: CreateOrderRequest,
): Promise<OrderOutcome> {
  const known = await findOrderByClientOid(database.sql, request.clientOid);
  if (known) {
    if (!sameOrder({ ...known, type: known.order_type }, request)) throw conflict(request.clientOid);
    return { order: known, replayed: true, mode: null, note: null };
  }
  const route = await routeOrder(database, clients);
  const placed = await route.client.createOrder(request);
  if (!sameOrder(placed, request)) throw conflict(request.clientOid);
  const order = await recordOrder(database.sql, placed);
  await notifyChange(database.sql, "orders");
  return { order, replayed: false, mode: route.live ? "LIVE" : "DRY_RUN", note: route.note };
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
