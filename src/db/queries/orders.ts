import { type ExchangeOrder, OPEN_ORDER_STATUSES, type OrderSide, type OrderStatus } from "../../domain/orders";
import type { Queryable } from "../client";
import { inList } from "./sql";

/** An order as the API shows it: amounts are decimal strings, times ISO strings. */
export interface OrderJson {
  id: number;
  exchange_order_id: string;
  client_oid: string | null;
  symbol: string;
  side: OrderSide;
  order_type: string;
  status: OrderStatus;
  price: string | null;
  quantity: string;
  cumulative_quantity: string;
  cumulative_value: string;
  avg_price: string | null;
  fee: string;
  fee_currency: string | null;
  exchange_create_time: string;
  exchange_update_time: string;
  trade_signal_id: number | null;
}

type OrderRow = Omit<OrderJson, "id" | "trade_signal_id"> & {
  id: string;
  trade_signal_id: string | null;
  /** exchange_create_time with microseconds: the keyset position (the shown time has milliseconds). */
  position_time: string;
};

export interface OrderPage {
  orders: OrderJson[];
  /** Position of the last order when another page follows. */
  next: { time: string; id: number } | null;
}

// Times are formatted in SQL: Drizzle makes this client return timestamptz as PostgreSQL's own text. The formatted
// columns keep the real columns' names, so ORDER BY must qualify the real ones (an output name would win).
function orderColumns(q: Queryable) {
  return q`id, exchange_order_id, client_oid, symbol, side, order_type, status, price, quantity,
    cumulative_quantity, cumulative_value, avg_price, fee, fee_currency,
    to_char(exchange_create_time at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as exchange_create_time,
    to_char(exchange_update_time at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as exchange_update_time,
    trade_signal_id,
    to_char(exchange_create_time at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as position_time`;
}

function toJson({ position_time: _, ...row }: OrderRow): OrderJson {
  return {
    ...row,
    id: Number(row.id),
    trade_signal_id: row.trade_signal_id === null ? null : Number(row.trade_signal_id),
  };
}

/** Open orders, newest first (the partial index on open orders serves it). */
export async function listOpenOrders(
  sql: Queryable,
  { symbol, limit }: { symbol?: string; limit: number },
): Promise<OrderJson[]> {
  const rows = await sql<OrderRow[]>`
    select ${orderColumns(sql)} from exchange_orders
    where status in (${inList(sql, OPEN_ORDER_STATUSES)}) ${symbol ? sql`and symbol = ${symbol}` : sql``}
    order by exchange_orders.exchange_create_time desc nulls last, exchange_orders.id desc nulls last
    limit ${limit}`;
  return rows.map(toJson);
}

export interface HistoryFilter {
  symbol?: string;
  status?: OrderStatus;
  side?: OrderSide;
  /** Continue after this position (exclusive). */
  after?: { time: string; id: number };
  limit: number;
}

/**
 * A page of orders by (exchange_create_time, id) descending, strictly after the given position: stable while new
 * orders arrive. Each filter combination is its own prepared statement, so each gets a plan that uses its index.
 */
export async function listOrderHistory(
  sql: Queryable,
  { symbol, status, side, after, limit }: HistoryFilter,
): Promise<OrderPage> {
  const rows = await sql<OrderRow[]>`
    select ${orderColumns(sql)} from exchange_orders
    where true
      ${symbol ? sql`and symbol = ${symbol}` : sql``}
      ${status ? sql`and status = ${status}` : sql``}
      ${side ? sql`and side = ${side}` : sql``}
      ${after ? sql`and (exchange_create_time, id) < (${after.time}::timestamptz, ${after.id})` : sql``}
    order by exchange_orders.exchange_create_time desc nulls last, exchange_orders.id desc nulls last
    limit ${limit + 1}`;
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return {
    orders: page.map(toJson),
    next: rows.length > limit && last ? { time: last.position_time, id: Number(last.id) } : null,
  };
}

/** The order with this client order id, or null. */
export async function findOrderByClientOid(sql: Queryable, clientOid: string): Promise<OrderJson | null> {
  const [row] = await sql<OrderRow[]>`select ${orderColumns(sql)} from exchange_orders where client_oid = ${clientOid}`;
  return row ? toJson(row) : null;
}

/** The order with this exchange order id, or null. */
export async function findOrderByExchangeId(sql: Queryable, exchangeOrderId: string): Promise<OrderJson | null> {
  const [row] = await sql<OrderRow[]>`
    select ${orderColumns(sql)} from exchange_orders where exchange_order_id = ${exchangeOrderId}`;
  return row ? toJson(row) : null;
}

/**
 * Records an order the exchange just reported (upsert on exchange_order_id). The order's state changes only when
 * the report is at least as recent as the stored one (exchange_sync may have recorded a later state); the link to
 * the signal and the client order id are kept once set.
 */
export async function recordOrder(
  sql: Queryable,
  order: ExchangeOrder,
  tradeSignalId: number | null = null,
): Promise<OrderJson> {
  const [row] = await sql<OrderRow[]>`
    insert into exchange_orders as o (exchange_order_id, client_oid, symbol, side, order_type, status, price, quantity,
      cumulative_quantity, cumulative_value, avg_price, fee, fee_currency, exchange_create_time, exchange_update_time,
      trade_signal_id)
    values (${order.exchangeOrderId}, ${order.clientOid}, ${order.symbol}, ${order.side}, ${order.type},
      ${order.status}, ${order.price}, ${order.quantity}, ${order.cumulativeQuantity}, ${order.cumulativeValue},
      ${order.avgPrice}, ${order.fee}, ${order.feeCurrency}, ${order.createTime}, ${order.updateTime}, ${tradeSignalId})
    on conflict (exchange_order_id) do update set
      client_oid = coalesce(o.client_oid, excluded.client_oid),
      trade_signal_id = coalesce(o.trade_signal_id, excluded.trade_signal_id),
      status = case when o.exchange_update_time <= excluded.exchange_update_time then excluded.status else o.status end,
      price = case when o.exchange_update_time <= excluded.exchange_update_time then excluded.price else o.price end,
      quantity = case when o.exchange_update_time <= excluded.exchange_update_time
        then excluded.quantity else o.quantity end,
      cumulative_quantity = case when o.exchange_update_time <= excluded.exchange_update_time
        then excluded.cumulative_quantity else o.cumulative_quantity end,
      cumulative_value = case when o.exchange_update_time <= excluded.exchange_update_time
        then excluded.cumulative_value else o.cumulative_value end,
      avg_price = case when o.exchange_update_time <= excluded.exchange_update_time
        then excluded.avg_price else o.avg_price end,
      fee = case when o.exchange_update_time <= excluded.exchange_update_time then excluded.fee else o.fee end,
      fee_currency = case when o.exchange_update_time <= excluded.exchange_update_time
        then excluded.fee_currency else o.fee_currency end,
      exchange_update_time = greatest(o.exchange_update_time, excluded.exchange_update_time),
      updated_at = now()
    returning ${orderColumns(sql)}`;
  if (!row) throw new Error(`recording order ${order.exchangeOrderId} returned no row`);
  return toJson(row);
}
