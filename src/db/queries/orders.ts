import { type ExchangeOrder, OPEN_ORDER_STATUSES, type OrderSide, type OrderStatus } from "../../domain/orders";
import type { Queryable } from "../client";
import { upsertExchangeOrders } from "./exchange-orders";
import { type Fragment, inList, isoUtc, type KeysetPosition, keysetAfter, keysetPage, keysetTime } from "./sql";

/** An order as the API shows it: amounts are decimal strings, times ISO strings. */
export interface OrderJson {
  id: number;
  exchange_order_id: string;
  /** The account the order belongs to: `paper` or the live exchange's id. */
  account: string;
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
  next: KeysetPosition | null;
}

/**
 * An order's JSON fields (the table aliased `t`): the one rendering of an order, used by these queries and spliced
 * into the dashboard statement. Amounts are exact decimal strings, times ISO-8601 UTC.
 */
export function orderFields(sql: Queryable): Fragment {
  return sql`t.id, t.exchange_order_id, t.account, t.client_oid, t.symbol, t.side, t.order_type, t.status,
    t.price::text as price, t.quantity::text as quantity, t.cumulative_quantity::text as cumulative_quantity,
    t.cumulative_value::text as cumulative_value, t.avg_price::text as avg_price, t.fee::text as fee, t.fee_currency,
    ${isoUtc(sql, "t.exchange_create_time")} as exchange_create_time,
    ${isoUtc(sql, "t.exchange_update_time")} as exchange_update_time, t.trade_signal_id` as unknown as Fragment;
}

const columns = (sql: Queryable) => sql`${orderFields(sql)}, ${keysetTime(sql, "t.exchange_create_time")}`;

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
    select ${columns(sql)} from exchange_orders t
    where t.status in (${inList(sql, OPEN_ORDER_STATUSES)}) ${symbol ? sql`and t.symbol = ${symbol}` : sql``}
    order by t.exchange_create_time desc nulls last, t.id desc nulls last
    limit ${limit}`;
  return rows.map(toJson);
}

export interface HistoryFilter {
  symbol?: string;
  status?: OrderStatus;
  side?: OrderSide;
  /** Continue after this position (exclusive). */
  after?: KeysetPosition;
  /** Rows to skip first (the replaced frontend's paging: it costs a scan of the skipped rows, bound it). */
  offset?: number;
  limit: number;
}

/**
 * A page of orders by (exchange_create_time, id) descending, strictly after the given position: stable while new
 * orders arrive. Each filter combination is its own prepared statement, so each gets a plan that uses its index.
 */
export async function listOrderHistory(
  sql: Queryable,
  { symbol, status, side, after, offset, limit }: HistoryFilter,
): Promise<OrderPage> {
  const rows = await sql<OrderRow[]>`
    select ${columns(sql)} from exchange_orders t
    where true
      ${symbol ? sql`and t.symbol = ${symbol}` : sql``}
      ${status ? sql`and t.status = ${status}` : sql``}
      ${side ? sql`and t.side = ${side}` : sql``}
      ${keysetAfter(sql, "t.exchange_create_time", "t.id", after)}
    order by t.exchange_create_time desc nulls last, t.id desc nulls last
    limit ${limit + 1} ${offset ? sql`offset ${offset}` : sql``}`;
  const { items, next } = keysetPage(rows, limit, toJson);
  return { orders: items, next };
}

/** How many orders the mirror holds (every status): the size of the history. */
export async function countOrders(sql: Queryable): Promise<number> {
  const [row] = await sql<{ n: number }[]>`select count(*)::int as n from exchange_orders`;
  return row?.n ?? 0;
}

/** The order with this client order id, or null. */
export async function findOrderByClientOid(sql: Queryable, clientOid: string): Promise<OrderJson | null> {
  const [row] = await sql<OrderRow[]>`select ${columns(sql)} from exchange_orders t where t.client_oid = ${clientOid}`;
  return row ? toJson(row) : null;
}

/** The order with this exchange order id, or null. */
export async function findOrderByExchangeId(sql: Queryable, exchangeOrderId: string): Promise<OrderJson | null> {
  const [row] = await sql<OrderRow[]>`
    select ${columns(sql)} from exchange_orders t where t.exchange_order_id = ${exchangeOrderId}`;
  return row ? toJson(row) : null;
}

/**
 * Records an order the exchange of `account` just reported, linked to its signal if any, through the one exchange_orders upsert
 * (its merge rules: upsertExchangeOrders), and returns the row as it now stands.
 */
export async function recordOrder(
  sql: Queryable,
  account: string,
  order: ExchangeOrder,
  tradeSignalId: number | null = null,
): Promise<OrderJson> {
  await upsertExchangeOrders(sql, account, [order], tradeSignalId);
  const row = await findOrderByExchangeId(sql, order.exchangeOrderId);
  if (!row) throw new Error(`recording order ${order.exchangeOrderId} left no row`);
  return row;
}
