import { notifyChange } from "../../db/changes";
import type { Sql } from "../../db/client";
import { openOrderKeys, upsertExchangeOrders } from "../../db/queries/exchange-orders";
import { UnknownOrderError } from "../../domain/exchange-errors";
import type { ExchangeOrder } from "../../domain/orders";
import type { ExchangeClient } from "../../exchanges/types";
import type { Logger } from "../../lib/logger";

/**
 * Reconciles open orders: upserts the exchange's open list, then looks up each order the mirror
 * still holds as open but the exchange no longer lists, to learn its real final state (an order
 * that left the open list may have filled; it is never assumed cancelled). Only the orders of this exchange's own
 * account are looked up there (the paper twin's orders are reconciled with the paper twin). Returns rows changed.
 */
export async function reconcileOpenOrders(sql: Sql, exchange: ExchangeClient, log: Logger): Promise<number> {
  const open = await exchange.fetchOpenOrders();
  const stillOpen = new Set(open.map((o) => o.exchangeOrderId));
  const departed = (await openOrderKeys(sql, exchange.name)).filter((k) => !stillOpen.has(k.exchange_order_id));
  const resolved: ExchangeOrder[] = [];
  for (const { exchange_order_id, symbol } of departed) {
    try {
      resolved.push(await exchange.fetchOrder(exchange_order_id, symbol));
    } catch (error) {
      if (!(error instanceof UnknownOrderError)) throw error;
      // Unknown to the exchange: keep the row as it is and look again next cycle.
      log.warn("open order unknown to the exchange", { exchange_order_id, symbol });
    }
  }
  return await sql.begin(async (tx) => {
    const n = await upsertExchangeOrders(tx, exchange.name, [...open, ...resolved]);
    if (n > 0) await notifyChange(tx, "orders");
    return n;
  });
}
