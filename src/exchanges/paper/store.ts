/**
 * SQL over the paper exchange's own tables (paper_balances, paper_orders, paper_state), as postgres.js tagged
 * templates. Every function takes the client or the open transaction as its first argument.
 *
 * All writes happen inside a transaction that first locks the `clock` row of paper_state: that one row lock
 * serialises every writer of the paper account (across workers and processes), so two concurrent orders can
 * never spend the same funds.
 */
import type { Queryable, Sql } from "../../db/client";
import { inList } from "../../db/queries/sql";
import { Big, formatDecimal } from "../../domain/money";
import {
  type Balance,
  type ExchangeOrder,
  OPEN_ORDER_STATUSES,
  type OrderSide,
  type OrderStatus,
  type OrderType,
} from "../../domain/orders";

/** An open transaction of the postgres.js client. */
export type Tx = Exclude<Queryable, Sql>;

/** A paper_orders row as read back; numerics stay strings, times are epoch ms. */
export interface PaperOrderRow {
  seq: string;
  order_id: string;
  client_oid: string | null;
  symbol: string;
  side: OrderSide;
  order_type: OrderType;
  status: OrderStatus;
  price: string | null;
  quantity: string;
  filled_quantity: string;
  filled_value: string;
  fee: string;
  fee_currency: string | null;
  trigger_price: string | null;
  /** When a trigger order was armed (epoch ms); null until then, and for other orders. */
  triggered_ms: number | null;
  created_ms: number;
  updated_ms: number;
}

/** paper_state key of the time (epoch ms) up to which resting orders have been matched. */
const CLOCK_KEY = "clock";

const iso = (ms: number) => new Date(ms).toISOString();

function columns(q: Queryable) {
  return q`seq::text as seq, order_id, client_oid, symbol, side, order_type, status, price, quantity,
    filled_quantity, filled_value, fee, fee_currency, trigger_price,
    round(extract(epoch from triggered_at) * 1000)::float8 as triggered_ms,
    round(extract(epoch from created_at) * 1000)::float8 as created_ms,
    round(extract(epoch from updated_at) * 1000)::float8 as updated_ms`;
}

/** Reads one paper_state value. */
export async function readState(q: Queryable, key: string): Promise<string | undefined> {
  const [row] = await q<{ value: string }[]>`select value from paper_state where key = ${key}`;
  return row?.value;
}

/** Writes one paper_state value. */
export async function writeState(q: Queryable, key: string, value: string, now: number): Promise<void> {
  await q`insert into paper_state (key, value, created_at, updated_at) values (${key}, ${value}, ${iso(now)}, ${iso(now)})
    on conflict (key) do update set value = excluded.value, updated_at = excluded.updated_at`;
}

/** Locks the account for this transaction and returns the matching clock (epoch ms). */
export async function lockAccount(tx: Tx): Promise<number> {
  const [row] = await tx<{ value: string }[]>`select value from paper_state where key = ${CLOCK_KEY} for update`;
  if (!row) throw new Error("paper exchange is not initialised (no clock in paper_state)");
  return Number(row.value);
}

/** Moves the matching clock forward. */
export async function advanceClock(tx: Tx, now: number): Promise<void> {
  await writeState(tx, CLOCK_KEY, String(now), now);
}

/** Creates the clock if missing; returns true when it was created (a fresh account). */
export async function createClock(tx: Tx, now: number): Promise<boolean> {
  const rows = await tx`insert into paper_state (key, value, created_at, updated_at)
    values (${CLOCK_KEY}, ${String(now)}, ${iso(now)}, ${iso(now)}) on conflict (key) do nothing returning key`;
  return rows.length === 1;
}

/** Orders still working, oldest first (by the column: the output's `seq` is text, which sorts 10 before 9). */
export function selectOpenOrders(q: Queryable): Promise<PaperOrderRow[]> {
  return q<PaperOrderRow[]>`select ${columns(q)} from paper_orders
    where status in (${inList(q, OPEN_ORDER_STATUSES)}) order by paper_orders.seq`;
}

/** One order by exchange id. */
export async function selectOrder(q: Queryable, orderId: string): Promise<PaperOrderRow | undefined> {
  const [row] = await q<PaperOrderRow[]>`select ${columns(q)} from paper_orders where order_id = ${orderId}`;
  return row;
}

/** One order by client order id. */
export async function selectOrderByClientOid(q: Queryable, clientOid: string): Promise<PaperOrderRow | undefined> {
  const [row] = await q<PaperOrderRow[]>`select ${columns(q)} from paper_orders where client_oid = ${clientOid}`;
  return row;
}

/** Up to `limit` orders with seq > afterSeq, in seq order. */
export function selectOrdersAfter(q: Queryable, afterSeq: string, limit: number): Promise<PaperOrderRow[]> {
  return q<PaperOrderRow[]>`select ${columns(q)} from paper_orders where seq > ${afterSeq}::int8
    order by paper_orders.seq limit ${limit}`;
}

/** A new order's fields. */
export interface NewPaperOrder {
  clientOid: string;
  symbol: string;
  side: OrderSide;
  type: OrderType;
  status: OrderStatus;
  price: string | null;
  quantity: string;
  filledQuantity: string;
  filledValue: string;
  fee: string;
  feeCurrency: string;
  triggerPrice?: string | null;
  time: number;
}

/** Inserts an order; its exchange id is `paper-<seq>`, taken from the same identity sequence as seq. */
export async function insertOrder(tx: Tx, order: NewPaperOrder): Promise<PaperOrderRow> {
  const [row] = await tx<PaperOrderRow[]>`
    insert into paper_orders (seq, order_id, client_oid, symbol, side, order_type, status, price, quantity,
      filled_quantity, filled_value, fee, fee_currency, trigger_price, created_at, updated_at)
    overriding system value
    select n.seq, 'paper-' || n.seq, ${order.clientOid}, ${order.symbol}, ${order.side}, ${order.type},
      ${order.status}, ${order.price}::numeric, ${order.quantity}::numeric, ${order.filledQuantity}::numeric,
      ${order.filledValue}::numeric, ${order.fee}::numeric, ${order.feeCurrency}, ${order.triggerPrice ?? null}::numeric,
      ${iso(order.time)}, ${iso(order.time)}
    from (select nextval(pg_get_serial_sequence('paper_orders', 'seq')) as seq) n
    returning ${columns(tx)}`;
  if (!row) throw new Error("insert into paper_orders returned no row");
  return row;
}

/** Adds a fill to an order and sets its status. */
export async function recordFill(
  tx: Tx,
  seq: string,
  fill: { quantity: string; value: string; fee: string; status: OrderStatus; time: number },
): Promise<PaperOrderRow> {
  const [row] = await tx<PaperOrderRow[]>`update paper_orders set
      filled_quantity = filled_quantity + ${fill.quantity}::numeric,
      filled_value = filled_value + ${fill.value}::numeric,
      fee = fee + ${fill.fee}::numeric, status = ${fill.status}, updated_at = ${iso(fill.time)}
    where seq = ${seq}::int8 returning ${columns(tx)}`;
  if (!row) throw new Error(`paper order ${seq} vanished`);
  return row;
}

/** Records that a trigger order was armed at `time`. */
export async function markTriggered(tx: Tx, seq: string, time: number): Promise<PaperOrderRow> {
  const [row] = await tx<PaperOrderRow[]>`update paper_orders set triggered_at = ${iso(time)}, updated_at = ${iso(time)}
    where seq = ${seq}::int8 returning ${columns(tx)}`;
  if (!row) throw new Error(`paper order ${seq} vanished`);
  return row;
}

/** A pinned price: from `since` (epoch ms) on, the symbol trades at `price`. */
export interface PinnedPrice {
  symbol: string;
  price: string;
  since: number;
}

/** Every pinned price. */
export async function selectPinnedPrices(q: Queryable): Promise<PinnedPrice[]> {
  return await q<PinnedPrice[]>`select symbol, price::text as price,
    round(extract(epoch from pinned_at) * 1000)::float8 as since from paper_prices order by symbol`;
}

/** Pins a symbol's price from `now` on (replacing an earlier pin). */
export async function pinPrice(q: Queryable, symbol: string, price: string, now: number): Promise<void> {
  await q`insert into paper_prices (symbol, price, pinned_at) values (${symbol}, ${price}::numeric, ${iso(now)})
    on conflict (symbol) do update set price = excluded.price, pinned_at = excluded.pinned_at, updated_at = now()`;
}

/** Removes a symbol's pin; returns whether there was one. */
export async function unpinPrice(q: Queryable, symbol: string): Promise<boolean> {
  return (await q`delete from paper_prices where symbol = ${symbol} returning symbol`).length > 0;
}

/** Sets an order's status (a cancel). */
export async function updateStatus(tx: Tx, seq: string, status: OrderStatus, time: number): Promise<PaperOrderRow> {
  const [row] = await tx<PaperOrderRow[]>`update paper_orders set status = ${status}, updated_at = ${iso(time)}
    where seq = ${seq}::int8 returning ${columns(tx)}`;
  if (!row) throw new Error(`paper order ${seq} vanished`);
  return row;
}

/** Free amount of one asset (0 when the account never held it). */
export async function selectFree(tx: Tx, asset: string): Promise<string> {
  const [row] = await tx<{ free: string }[]>`select free from paper_balances where asset = ${asset}`;
  return row?.free ?? "0";
}

/** Adds deltas (possibly negative) to an asset's free and locked amounts. */
export async function adjustBalance(
  tx: Tx,
  asset: string,
  delta: { free?: string; locked?: string },
  now: number,
): Promise<void> {
  const free = delta.free ?? "0";
  const locked = delta.locked ?? "0";
  await tx`insert into paper_balances (asset, free, locked, created_at, updated_at)
    values (${asset}, ${free}::numeric, ${locked}::numeric, ${iso(now)}, ${iso(now)})
    on conflict (asset) do update set free = paper_balances.free + excluded.free,
      locked = paper_balances.locked + excluded.locked, updated_at = excluded.updated_at`;
}

/** Every asset with a non-zero amount, by name. */
export async function selectBalances(q: Queryable): Promise<Balance[]> {
  const rows = await q<{ asset: string; free: string; locked: string; total: string }[]>`
    select asset, free, locked, free + locked as total from paper_balances
    where free <> 0 or locked <> 0 order by asset`;
  return rows.map((r) => ({
    asset: r.asset,
    free: formatDecimal(r.free),
    locked: formatDecimal(r.locked),
    total: formatDecimal(r.total),
  }));
}

/** Maps a stored order onto the domain type. */
export function toExchangeOrder(row: PaperOrderRow): ExchangeOrder {
  const filled = formatDecimal(row.filled_quantity);
  const value = formatDecimal(row.filled_value);
  return {
    exchangeOrderId: row.order_id,
    clientOid: row.client_oid,
    symbol: row.symbol,
    side: row.side,
    type: row.order_type,
    status: row.status,
    price: row.price === null ? null : formatDecimal(row.price),
    quantity: formatDecimal(row.quantity),
    cumulativeQuantity: filled,
    cumulativeValue: value,
    avgPrice: filled === "0" ? null : averagePrice(value, filled),
    fee: formatDecimal(row.fee),
    feeCurrency: row.fee_currency,
    ...(row.trigger_price === null ? {} : { triggerPrice: formatDecimal(row.trigger_price) }),
    createTime: iso(row.created_ms),
    updateTime: iso(row.updated_ms),
  };
}

function averagePrice(value: string, quantity: string): string {
  // 12 decimals keep sub-cent prices (SHIB) exact enough without printing 20 digits.
  return formatDecimal(new Big(value).div(quantity).round(12));
}
