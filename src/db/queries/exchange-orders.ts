import { type ExchangeOrder, OPEN_ORDER_STATUSES } from "../../domain/orders";
import type { Queryable } from "../client";
import { inList } from "./sql";

/**
 * Inserts or updates a batch of orders in one statement (unnest of column arrays: one prepared
 * statement whatever the batch size). An existing row changes only when the incoming state is newer
 * and different, so a re-run writes nothing. Returns how many rows were inserted or changed.
 */
export async function upsertExchangeOrders(sql: Queryable, orders: readonly ExchangeOrder[]): Promise<number> {
  if (orders.length === 0) return 0;
  const col = <T>(pick: (o: ExchangeOrder) => T) => orders.map(pick);
  const rows = await sql`
    insert into exchange_orders (exchange_order_id, client_oid, symbol, side, order_type, status, price, quantity,
      cumulative_quantity, cumulative_value, avg_price, fee, fee_currency, exchange_create_time, exchange_update_time)
    select * from unnest(
      ${col((o) => o.exchangeOrderId)}::text[], ${col((o) => o.clientOid)}::text[], ${col((o) => o.symbol)}::text[],
      ${col((o) => o.side)}::text[], ${col((o) => o.type)}::text[], ${col((o) => o.status)}::text[],
      ${col((o) => o.price)}::numeric[], ${col((o) => o.quantity)}::numeric[],
      ${col((o) => o.cumulativeQuantity)}::numeric[], ${col((o) => o.cumulativeValue)}::numeric[],
      ${col((o) => o.avgPrice)}::numeric[], ${col((o) => o.fee)}::numeric[], ${col((o) => o.feeCurrency)}::text[],
      ${col((o) => o.createTime)}::timestamptz[], ${col((o) => o.updateTime)}::timestamptz[])
    on conflict (exchange_order_id) do update set
      client_oid = coalesce(exchange_orders.client_oid, excluded.client_oid),
      status = excluded.status, price = excluded.price, quantity = excluded.quantity,
      cumulative_quantity = excluded.cumulative_quantity, cumulative_value = excluded.cumulative_value,
      avg_price = excluded.avg_price, fee = excluded.fee, fee_currency = excluded.fee_currency,
      exchange_update_time = excluded.exchange_update_time, updated_at = now()
    where exchange_orders.exchange_update_time <= excluded.exchange_update_time
      and (exchange_orders.status, exchange_orders.price, exchange_orders.quantity, exchange_orders.cumulative_quantity,
           exchange_orders.cumulative_value, exchange_orders.avg_price, exchange_orders.fee, exchange_orders.exchange_update_time)
        is distinct from (excluded.status, excluded.price, excluded.quantity, excluded.cumulative_quantity,
           excluded.cumulative_value, excluded.avg_price, excluded.fee, excluded.exchange_update_time)
    returning 1`;
  return rows.length;
}

/** Orders the mirror still holds as open: (exchange order id, symbol). */
export async function openOrderKeys(sql: Queryable): Promise<{ exchange_order_id: string; symbol: string }[]> {
  return await sql<{ exchange_order_id: string; symbol: string }[]>`
    select exchange_order_id, symbol from exchange_orders
    where status in (${inList(sql, OPEN_ORDER_STATUSES)})`;
}
