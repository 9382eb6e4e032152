import type { SignalSide, SignalStatus } from "../../domain/signals";
import type { Queryable } from "../client";

/** A trade signal as the API shows it: decimals as strings, times as ISO strings. */
export interface SignalJson {
  id: number;
  symbol: string;
  side: SignalSide;
  strategy: string;
  price: string;
  rsi: string | null;
  ma50: string | null;
  ma200: string | null;
  ema10: string | null;
  atr: string | null;
  volume_ratio: string | null;
  reason: string;
  status: SignalStatus;
  status_reason: string | null;
  should_trade: boolean;
  trade_amount_usd: string | null;
  exchange_order_id: string | null;
  last_update_at: string;
  created_at: string;
}

type SignalRow = Omit<SignalJson, "id"> & { id: string; position_time: string };

/** A new signal, as the monitor (or the simulate endpoint) computed it. */
export interface NewSignal {
  symbol: string;
  side: SignalSide;
  strategy: string;
  price: string;
  rsi: string | null;
  ma50: string | null;
  ma200: string | null;
  ema10: string | null;
  atr: string | null;
  volumeRatio: string | null;
  reason: string;
  shouldTrade: boolean;
  tradeAmountUsd: string | null;
  createdAt: Date;
}

// Times are formatted in SQL: Drizzle makes this client return timestamptz as PostgreSQL's own text. The formatted
// columns keep the real columns' names, so ORDER BY must qualify the real ones (an output name would win).
function signalColumns(q: Queryable) {
  return q`id, symbol, side, strategy, price, rsi, ma50, ma200, ema10, atr, volume_ratio, reason, status,
    status_reason, should_trade, trade_amount_usd, exchange_order_id,
    to_char(last_update_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as last_update_at,
    to_char(created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as created_at,
    to_char(created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as position_time`;
}

function toJson({ position_time: _, ...row }: SignalRow): SignalJson {
  return { ...row, id: Number(row.id) };
}

export interface SignalFilter {
  status?: SignalStatus;
  symbol?: string;
  side?: SignalSide;
  shouldTrade?: boolean;
  after?: { time: string; id: number };
  limit: number;
}

/** A page of signals by (created_at, id) descending, strictly after the given position. */
export async function listSignals(
  sql: Queryable,
  { status, symbol, side, shouldTrade, after, limit }: SignalFilter,
): Promise<{ signals: SignalJson[]; next: { time: string; id: number } | null }> {
  const rows = await sql<SignalRow[]>`
    select ${signalColumns(sql)} from trade_signals
    where true
      ${status ? sql`and status = ${status}` : sql``}
      ${symbol ? sql`and symbol = ${symbol}` : sql``}
      ${side ? sql`and side = ${side}` : sql``}
      ${shouldTrade === undefined ? sql`` : sql`and should_trade = ${shouldTrade}`}
      ${after ? sql`and (created_at, id) < (${after.time}::timestamptz, ${after.id})` : sql``}
    order by trade_signals.created_at desc nulls last, trade_signals.id desc nulls last
    limit ${limit + 1}`;
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return {
    signals: page.map(toJson),
    next: rows.length > limit && last ? { time: last.position_time, id: Number(last.id) } : null,
  };
}

/** Inserts a pending signal. */
export async function insertSignal(sql: Queryable, s: NewSignal): Promise<SignalJson> {
  // ISO strings, not Dates: Drizzle replaced this client's timestamp serialiser with a pass-through.
  const created = s.createdAt.toISOString();
  const [row] = await sql<SignalRow[]>`
    insert into trade_signals (symbol, side, strategy, price, rsi, ma50, ma200, ema10, atr, volume_ratio, reason,
      should_trade, trade_amount_usd, created_at, updated_at, last_update_at)
    values (${s.symbol}, ${s.side}, ${s.strategy}, ${s.price}, ${s.rsi}, ${s.ma50}, ${s.ma200}, ${s.ema10}, ${s.atr},
      ${s.volumeRatio}, ${s.reason}, ${s.shouldTrade}, ${s.tradeAmountUsd}, ${created}, ${created}, ${created})
    returning ${signalColumns(sql)}`;
  if (!row) throw new Error("inserting a signal returned no row");
  return toJson(row);
}

/** The latest signal of a symbol (for throttling), or null. */
export async function latestSignal(
  sql: Queryable,
  symbol: string,
): Promise<{ side: SignalSide; price: string; createdAt: Date } | null> {
  const [row] = await sql<{ side: SignalSide; price: string; created_ms: number }[]>`
    select side, price, extract(epoch from created_at)::float8 * 1000 as created_ms
    from trade_signals where symbol = ${symbol}
    order by created_at desc nulls last limit 1`;
  return row ? { side: row.side, price: row.price, createdAt: new Date(row.created_ms) } : null;
}
