/**
 * The trading scheduler's queries over trade_signals. A pending signal's status_reason doubles as its claim:
 * null (fresh), `claimed` (a scheduler is checking its guards) or `placing:paper` / `placing:live` (guards passed,
 * the order may exist on that exchange). A claim is a lease: after `leaseMs` without progress another scheduler
 * (or the same one after a restart) takes it over.
 */
import { FINAL_ORDER_STATUSES } from "../../domain/orders";
import { POSITION_SIGNAL_STATUSES, type SignalSide } from "../../domain/signals";
import type { Queryable } from "../client";
import { inList } from "./sql";

const CLAIMED = "claimed";
const PLACING_PAPER = "placing:paper";
const PLACING_LIVE = "placing:live";

/** A pending signal claimed by this scheduler. */
export interface ClaimedSignal {
  id: number;
  symbol: string;
  side: SignalSide;
  price: string;
  tradeAmountUsd: string | null;
  createdAt: Date;
  /** Set when an earlier attempt passed the guards: the order may already exist there, so only (re)place it. */
  placing: "paper" | "live" | null;
}

/**
 * Claims up to `limit` pending should_trade signals, oldest first, in one short statement: rows another
 * transaction holds are skipped (FOR UPDATE SKIP LOCKED), and so are rows whose lease has not expired.
 */
export async function claimPendingSignals(
  sql: Queryable,
  { now, leaseMs, limit }: { now: Date; leaseMs: number; limit: number },
): Promise<ClaimedSignal[]> {
  const leaseExpired = new Date(now.getTime() - leaseMs).toISOString();
  const rows = await sql<
    {
      id: string;
      symbol: string;
      side: SignalSide;
      price: string;
      trade_amount_usd: string | null;
      created_ms: number;
      status_reason: string;
    }[]
  >`
    with claimable as (
      select id from trade_signals
      where status = 'pending' and should_trade and (status_reason is null or last_update_at < ${leaseExpired})
      order by created_at, id
      limit ${limit}
      for update skip locked
    )
    update trade_signals s
    set status_reason = case when s.status_reason in (${PLACING_PAPER}, ${PLACING_LIVE}) then s.status_reason
      else ${CLAIMED} end,
      last_update_at = ${now.toISOString()}, updated_at = now()
    from claimable where s.id = claimable.id
    returning s.id, s.symbol, s.side, s.price, s.trade_amount_usd,
      extract(epoch from s.created_at)::float8 * 1000 as created_ms, s.status_reason`;
  return rows
    .map((r) => ({
      id: Number(r.id),
      symbol: r.symbol,
      side: r.side,
      price: r.price,
      tradeAmountUsd: r.trade_amount_usd,
      createdAt: new Date(r.created_ms),
      placing: placingOn(r.status_reason),
    }))
    .sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime() || a.id - b.id);
}

function placingOn(statusReason: string): ClaimedSignal["placing"] {
  if (statusReason === PLACING_LIVE) return "live";
  return statusReason === PLACING_PAPER ? "paper" : null;
}

/**
 * Records that a claimed signal passed its guards and which exchange its order goes to: from now on it is only
 * ever (re)placed there, never re-checked (its first attempt may have spent the balance the guards looked at).
 */
export async function markPlacing(sql: Queryable, id: number, live: boolean, now: Date): Promise<void> {
  await sql`update trade_signals set status_reason = ${live ? PLACING_LIVE : PLACING_PAPER},
    last_update_at = ${now.toISOString()}, updated_at = now() where id = ${id} and status = 'pending'`;
}

/** Ends a pending signal as skipped (a guard said no) or failed (the exchange refused), with the reason. */
export async function endSignal(
  sql: Queryable,
  id: number,
  status: "skipped" | "failed",
  reason: string,
  now: Date,
): Promise<void> {
  await sql`update trade_signals set status = ${status}, status_reason = ${reason}, last_update_at = ${now.toISOString()},
    updated_at = now() where id = ${id} and status = 'pending'`;
}

/** Moves a pending signal to order_placed with its order; `note` says e.g. that live was asked but paper used. */
export async function markOrderPlaced(
  sql: Queryable,
  id: number,
  exchangeOrderId: string,
  note: string | null,
  now: Date,
): Promise<void> {
  await sql`update trade_signals set status = 'order_placed', exchange_order_id = ${exchangeOrderId},
    status_reason = ${note}, last_update_at = ${now.toISOString()}, updated_at = now()
    where id = ${id} and status = 'pending'`;
}

/** Open positions (symbols with a placed or filled BUY not yet closed), and whether `symbol` is one of them. */
export async function openPositions(sql: Queryable, symbol: string): Promise<{ count: number; holds: boolean }> {
  const [row] = await sql<{ count: number; holds: boolean | null }[]>`
    select count(distinct symbol)::int as count, bool_or(symbol = ${symbol}) as holds
    from trade_signals where side = 'BUY' and status in (${inList(sql, POSITION_SIGNAL_STATUSES)})`;
  return { count: row?.count ?? 0, holds: row?.holds === true };
}

/** Closes the open BUY positions of a symbol once a SELL order for it is placed. */
export async function closePositions(sql: Queryable, symbol: string, sellSignalId: number, now: Date): Promise<void> {
  await sql`update trade_signals set status = 'closed', status_reason = ${`closed by SELL signal ${sellSignalId}`},
    last_update_at = ${now.toISOString()}, updated_at = now()
    where symbol = ${symbol} and side = 'BUY' and status in (${inList(sql, POSITION_SIGNAL_STATUSES)})`;
}

/** Creation time of the last order a signal placed on this symbol, or null. */
export async function lastSignalOrderAt(sql: Queryable, symbol: string): Promise<Date | null> {
  const [row] = await sql<{ ms: number | null }[]>`
    select extract(epoch from max(exchange_create_time))::float8 * 1000 as ms
    from exchange_orders where symbol = ${symbol} and trade_signal_id is not null`;
  return row?.ms == null ? null : new Date(row.ms);
}

/**
 * Follows placed signals to their order's final state: filled (even partly) → `filled`; cancelled, rejected or
 * expired without any fill → `failed`. Returns how many signals moved.
 */
export async function settleSignalOrders(sql: Queryable, now: Date): Promise<number> {
  // Driven from the (few) placed signals, each probing its order by index: a plain join let the planner
  // hash-join against every final order in the table, a full scan of exchange_orders every cycle.
  const rows = await sql`
    with settled as (
      select p.id, o.cumulative_quantity, o.status
      from trade_signals p
      cross join lateral (
        select cumulative_quantity, status from exchange_orders o
        where o.trade_signal_id = p.id and o.status in (${inList(sql, FINAL_ORDER_STATUSES)})
        order by o.id desc limit 1) o
      where p.status = 'order_placed')
    update trade_signals s
    set status = case when settled.cumulative_quantity > 0 then 'filled' else 'failed' end,
      status_reason = case when settled.cumulative_quantity > 0 then s.status_reason
        else 'order ' || settled.status || ' without a fill' end,
      last_update_at = ${now.toISOString()}, updated_at = now()
    from settled
    where s.id = settled.id and s.status = 'order_placed'
    returning s.id`;
  return rows.length;
}
