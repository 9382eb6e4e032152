import { type ExchangeOrder, OPEN_ORDER_STATUSES } from "../../domain/orders";
import type { Queryable } from "../client";
import { inList } from "./sql";

/**
 * The one exchange_orders upsert: a batch in one statement (unnest of column arrays: one prepared statement whatever
 * the batch size). Merge rules: the order's state (status, amounts, fee) changes only when the report is at least as
 * recent as the stored one (a placement and the sync may report the same order in either order); the client order
 * id and the link to a signal are kept once set; a report that changes nothing writes nothing, so a re-run is free.
 * `tradeSignalId` links every order of the batch to that signal. Returns how many rows were inserted or changed.
 */
export async function upsertExchangeOrders(
  sql: Queryable,
  orders: readonly ExchangeOrder[],
  tradeSignalId: number | null = null,
): Promise<number> {
  if (orders.length === 0) return 0;
  const col = <T>(pick: (o: ExchangeOrder) => T) => orders.map(pick);
  const newer = sql`o.exchange_update_time <= excluded.exchange_update_time`;
  const state = (column: string) =>
    sql`${sql(column)} = case when ${newer} then excluded.${sql(column)} else o.${sql(column)} end`;
  const rows = await sql`
    insert into exchange_orders as o (exchange_order_id, client_oid, symbol, side, order_type, status, price, quantity,
      cumulative_quantity, cumulative_value, avg_price, fee, fee_currency, exchange_create_time, exchange_update_time,
      trade_signal_id)
    select * from unnest(
      ${col((o) => o.exchangeOrderId)}::text[], ${col((o) => o.clientOid)}::text[], ${col((o) => o.symbol)}::text[],
      ${col((o) => o.side)}::text[], ${col((o) => o.type)}::text[], ${col((o) => o.status)}::text[],
      ${col((o) => o.price)}::numeric[], ${col((o) => o.quantity)}::numeric[],
      ${col((o) => o.cumulativeQuantity)}::numeric[], ${col((o) => o.cumulativeValue)}::numeric[],
      ${col((o) => o.avgPrice)}::numeric[], ${col((o) => o.fee)}::numeric[], ${col((o) => o.feeCurrency)}::text[],
      ${col((o) => o.createTime)}::timestamptz[], ${col((o) => o.updateTime)}::timestamptz[],
      ${col(() => (tradeSignalId === null ? null : String(tradeSignalId)))}::bigint[])
    on conflict (exchange_order_id) do update set
      client_oid = coalesce(o.client_oid, excluded.client_oid),
      trade_signal_id = coalesce(o.trade_signal_id, excluded.trade_signal_id),
      ${state("status")}, ${state("price")}, ${state("quantity")}, ${state("cumulative_quantity")},
      ${state("cumulative_value")}, ${state("avg_price")}, ${state("fee")}, ${state("fee_currency")},
      exchange_update_time = greatest(o.exchange_update_time, excluded.exchange_update_time),
      updated_at = now()
    where (${newer} and (o.status, o.price, o.quantity, o.cumulative_quantity, o.cumulative_value, o.avg_price, o.fee,
          o.fee_currency, o.exchange_update_time)
        is distinct from (excluded.status, excluded.price, excluded.quantity, excluded.cumulative_quantity,
          excluded.cumulative_value, excluded.avg_price, excluded.fee, excluded.fee_currency,
          excluded.exchange_update_time))
      or (o.client_oid is null and excluded.client_oid is not null)
      or (o.trade_signal_id is null and excluded.trade_signal_id is not null)
    returning 1`;
  return rows.length;
}

/** Orders the mirror still holds as open: (exchange order id, symbol). */
export async function openOrderKeys(sql: Queryable): Promise<{ exchange_order_id: string; symbol: string }[]> {
  return await sql<{ exchange_order_id: string; symbol: string }[]>`
    select exchange_order_id, symbol from exchange_orders
    where status in (${inList(sql, OPEN_ORDER_STATUSES)})`;
}
