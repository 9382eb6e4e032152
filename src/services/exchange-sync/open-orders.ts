import { notifyChange } from "../../db/changes";
import type { Sql } from "../../db/client";
import { upsertExchangeOrders } from "../../db/queries/exchange-orders";
import { openOrderStates, type StoredOpenOrder } from "../../db/queries/open-order-states";
import { UnknownOrderError } from "../../domain/exchange-errors";
import { Big } from "../../domain/money";
import type { ExchangeOrder } from "../../domain/orders";
import type { ExchangeClient } from "../../exchanges/types";
import type { Logger } from "../../lib/logger";

/**
 * Reconciles open orders: upserts what the exchange's open list changed, then looks up each order the mirror
 * still holds as open but the exchange no longer lists, to learn its real final state (an order
 * that left the open list may have filled; it is never assumed cancelled). Only the orders of this exchange's own
 * account are looked up there (the paper twin's orders are reconciled with the paper twin). Returns rows changed.
 * A cycle in which nothing changed writes nothing and opens no transaction: the open orders the mirror already holds
 * as reported are left out of the upsert, whose cost otherwise grows with every resting order, each cycle.
 */
export async function reconcileOpenOrders(sql: Sql, exchange: ExchangeClient, log: Logger): Promise<number> {
  const open = await exchange.fetchOpenOrders();
  const stillOpen = new Set(open.map((o) => o.exchangeOrderId));
  const stored = await openOrderStates(sql, exchange.name);
  const departed = stored.filter((k) => !stillOpen.has(k.exchange_order_id));
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
  const held = new Map(stored.map((s) => [s.exchange_order_id, s]));
  const reports = [...open.filter((o) => !mirrorsReport(held.get(o.exchangeOrderId), o)), ...resolved];
  if (reports.length === 0) return 0;
  return await sql.begin(async (tx) => {
    const n = await upsertExchangeOrders(tx, exchange.name, reports);
    if (n > 0) await notifyChange(tx, "orders");
    return n;
  });
}

// Equal text is the usual case (the mirror stores the reported decimals); otherwise equal as numbers.
const sameAmount = (a: string | null, b: string | null) => a === b || (a !== null && b !== null && new Big(a).eq(b));

/**
 * True when the stored row already holds everything the report would write (the upsert would change nothing): same
 * state, same update time, and no client order id to fill in. Anything else goes through the upsert and its rules.
 */
export function mirrorsReport(stored: StoredOpenOrder | undefined, report: ExchangeOrder): boolean {
  if (!stored) return false;
  return (
    stored.status === report.status &&
    stored.update_ms === Date.parse(report.updateTime) &&
    stored.fee_currency === report.feeCurrency &&
    (stored.client_oid !== null || report.clientOid === null) &&
    sameAmount(stored.cumulative_quantity, report.cumulativeQuantity) &&
    sameAmount(stored.cumulative_value, report.cumulativeValue) &&
    sameAmount(stored.fee, report.fee) &&
    sameAmount(stored.quantity, report.quantity) &&
    sameAmount(stored.price, report.price) &&
    sameAmount(stored.avg_price, report.avgPrice)
  );
}
