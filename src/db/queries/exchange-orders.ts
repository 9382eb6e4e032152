import type { ExchangeOrder } from "../../domain/orders";
import type { Queryable, Sql } from "../client";
import { type BookRow, bookFills, type FillRow } from "./fill-booking";
import { bookingLock, bookTotalsFields, type LotRow, lotFields } from "./position-lots";
import { isoUtc } from "./sql";

/**
 * The one exchange_orders upsert: a batch of one account's orders in one statement (unnest of column arrays: one
 * prepared statement whatever the batch size). Merge rules: the order's state (status, amounts, fee) changes only
 * when the report is at least as recent as the stored one (a placement and the sync may report the same order in
 * either order); the account, the client order id and the link to a signal are kept once set; a report that changes
 * nothing writes nothing, so a re-run is free. `tradeSignalId` links every order of the batch to that signal.
 *
 * What an order's cumulative fill gained is booked into the FIFO lots in the same transaction (fill-booking.ts).
 * The account's booking lock, the upsert (returning those fills) and the reads of the books they touch go to the
 * server in one round trip; a second statement writes the lots only when something filled (and a look-up of
 * sold-down lots precedes it only when an order that had filled before filled more).
 * Returns how many rows were inserted or changed.
 */
export async function upsertExchangeOrders(
  sql: Queryable,
  account: string,
  orders: readonly ExchangeOrder[],
  tradeSignalId: number | null = null,
): Promise<number> {
  if (orders.length === 0) return 0;
  if (!("savepoint" in sql))
    return (sql as Sql).begin((tx) => upsertExchangeOrders(tx, account, orders, tradeSignalId));
  const [, upserted, books] = await Promise.all([
    bookingLock(sql, account),
    upsertReturningFills(sql, account, orders, tradeSignalId),
    booksOf(sql, account, orders),
  ]);
  const fills = upserted.filter((row) => row.quantity !== null) as (FillRow & { refill: boolean })[];
  if (fills.length === 0) return upserted.length;
  const refilled = fills.filter((f) => f.refill && f.side === "BUY").map((f) => f.exchange_order_id);
  const soldDown = refilled.length > 0 ? await soldDownLots(sql, account, refilled) : [];
  await bookFills(sql, account, fills, books, soldDown);
  return upserted.length;
}

/** A changed row; `refill`: the order had filled before, so it may already have a lot (a history page: none). */
type UpsertedRow = Omit<FillRow, "quantity"> & { quantity: string | null; refill: boolean };

/** The upsert itself; returns every changed row, with what its fill gained (quantity null when nothing filled). */
function upsertReturningFills(
  sql: Queryable,
  account: string,
  orders: readonly ExchangeOrder[],
  tradeSignalId: number | null,
) {
  const col = <T>(pick: (o: ExchangeOrder) => T) => orders.map(pick);
  const newer = sql`o.exchange_update_time <= excluded.exchange_update_time`;
  const state = (column: string) =>
    sql`${sql(column)} = case when ${newer} then excluded.${sql(column)} else o.${sql(column)} end`;
  return sql<UpsertedRow[]>`
    with old as (
      select e.exchange_order_id, e.cumulative_quantity, e.cumulative_value, e.fee
      from unnest(${col((o) => o.exchangeOrderId)}::text[]) i(id)
      join exchange_orders e on e.exchange_order_id = i.id),
    up as (
      insert into exchange_orders as o (exchange_order_id, account, client_oid, symbol, side, order_type, status, price,
        quantity, cumulative_quantity, cumulative_value, avg_price, fee, fee_currency, exchange_create_time,
        exchange_update_time, trade_signal_id)
      select u.exchange_order_id, ${account}, u.client_oid, u.symbol, u.side, u.order_type, u.status, u.price,
        u.quantity, u.cumulative_quantity, u.cumulative_value, u.avg_price, u.fee, u.fee_currency,
        u.exchange_create_time, u.exchange_update_time, u.trade_signal_id
      from unnest(
        ${col((o) => o.exchangeOrderId)}::text[], ${col((o) => o.clientOid)}::text[], ${col((o) => o.symbol)}::text[],
        ${col((o) => o.side)}::text[], ${col((o) => o.type)}::text[], ${col((o) => o.status)}::text[],
        ${col((o) => o.price)}::numeric[], ${col((o) => o.quantity)}::numeric[],
        ${col((o) => o.cumulativeQuantity)}::numeric[], ${col((o) => o.cumulativeValue)}::numeric[],
        ${col((o) => o.avgPrice)}::numeric[], ${col((o) => o.fee)}::numeric[], ${col((o) => o.feeCurrency)}::text[],
        ${col((o) => o.createTime)}::timestamptz[], ${col((o) => o.updateTime)}::timestamptz[],
        ${col(() => (tradeSignalId === null ? null : String(tradeSignalId)))}::bigint[])
        as u(exchange_order_id, client_oid, symbol, side, order_type, status, price, quantity, cumulative_quantity,
          cumulative_value, avg_price, fee, fee_currency, exchange_create_time, exchange_update_time, trade_signal_id)
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
      returning o.exchange_order_id, o.client_oid, o.symbol, o.side, o.cumulative_quantity, o.cumulative_value, o.fee,
        o.fee_currency, o.exchange_update_time)
    select up.exchange_order_id, up.client_oid, up.symbol, up.side,
      case when up.cumulative_quantity > coalesce(old.cumulative_quantity, 0)
        then (up.cumulative_quantity - coalesce(old.cumulative_quantity, 0))::text end as quantity,
      (up.cumulative_value - coalesce(old.cumulative_value, 0))::text as value,
      greatest(up.fee - coalesce(old.fee, 0), 0)::text as fee, up.fee_currency,
      ${isoUtc(sql, "up.exchange_update_time")} as time, coalesce(old.cumulative_quantity > 0, false) as refill
    from up left join old using (exchange_order_id)`;
}

/**
 * Lots of BUY orders that hold nothing any more (a late fill of an entry that was sold down). Only orders that had
 * filled before can have a lot, so a page of new orders (the history import) needs no look-up at all.
 */
function soldDownLots(sql: Queryable, account: string, buyIds: readonly string[]) {
  return sql<LotRow[]>`
    select ${lotFields(sql)} from unnest(${buyIds}::text[]) i(id)
    join position_lots l on l.account = ${account} and l.entry_order_id = i.id and l.remaining <= 0`;
}

/** The stored books of the batch's symbols. */
function booksOf(sql: Queryable, account: string, orders: readonly ExchangeOrder[]) {
  return sql<BookRow[]>`
    select b.symbol, b.unmatched_qty::text as unmatched_qty, b.other_fees::text as other_fees,
      b.dust_qty::text as dust_qty, b.version::text as version, ${bookTotalsFields(sql)}
    from position_books b
    where b.account = ${account} and b.symbol = any(${[...new Set(orders.map((o) => o.symbol))]}::text[])`;
}
