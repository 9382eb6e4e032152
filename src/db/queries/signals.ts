import type { SignalSide, SignalStatus } from "../../domain/signals";
import type { Queryable } from "../client";
import { type Fragment, isoUtc, type KeysetPosition, keysetAfter, keysetPage, keysetTime } from "./sql";

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

/**
 * A signal's JSON fields (the table aliased `t`): the one rendering of a signal, used by these queries and spliced
 * into the dashboard statement.
 */
export function signalFields(sql: Queryable): Fragment {
  return sql`t.id, t.symbol, t.side, t.strategy, t.price::text as price, t.rsi::text as rsi, t.ma50::text as ma50,
    t.ma200::text as ma200, t.ema10::text as ema10, t.atr::text as atr, t.volume_ratio::text as volume_ratio, t.reason,
    t.status, t.status_reason, t.should_trade, t.trade_amount_usd::text as trade_amount_usd, t.exchange_order_id,
    ${isoUtc(sql, "t.last_update_at")} as last_update_at, ${isoUtc(sql, "t.created_at")} as created_at` as unknown as Fragment;
}

const columns = (sql: Queryable) => sql`${signalFields(sql)}, ${keysetTime(sql, "t.created_at")}`;

function toJson({ position_time: _, ...row }: SignalRow): SignalJson {
  return { ...row, id: Number(row.id) };
}

export interface SignalFilter {
  status?: SignalStatus;
  symbol?: string;
  side?: SignalSide;
  shouldTrade?: boolean;
  after?: KeysetPosition;
  limit: number;
}

/** A page of signals by (created_at, id) descending, strictly after the given position. */
export async function listSignals(
  sql: Queryable,
  { status, symbol, side, shouldTrade, after, limit }: SignalFilter,
): Promise<{ signals: SignalJson[]; next: KeysetPosition | null }> {
  const rows = await sql<SignalRow[]>`
    select ${columns(sql)} from trade_signals t
    where true
      ${status ? sql`and t.status = ${status}` : sql``}
      ${symbol ? sql`and t.symbol = ${symbol}` : sql``}
      ${side ? sql`and t.side = ${side}` : sql``}
      ${shouldTrade === undefined ? sql`` : sql`and t.should_trade = ${shouldTrade}`}
      ${keysetAfter(sql, "t.created_at", "t.id", after)}
    order by t.created_at desc nulls last, t.id desc nulls last
    limit ${limit + 1}`;
  const { items, next } = keysetPage(rows, limit, toJson);
  return { signals: items, next };
}

/** Inserts a pending signal. */
export async function insertSignal(sql: Queryable, s: NewSignal): Promise<SignalJson> {
  // ISO strings: the pool reads and writes instants as text (db/client.ts).
  const created = s.createdAt.toISOString();
  const [row] = await sql<SignalRow[]>`
    insert into trade_signals as t (symbol, side, strategy, price, rsi, ma50, ma200, ema10, atr, volume_ratio, reason,
      should_trade, trade_amount_usd, created_at, updated_at, last_update_at)
    values (${s.symbol}, ${s.side}, ${s.strategy}, ${s.price}, ${s.rsi}, ${s.ma50}, ${s.ma200}, ${s.ema10}, ${s.atr},
      ${s.volumeRatio}, ${s.reason}, ${s.shouldTrade}, ${s.tradeAmountUsd}, ${created}, ${created}, ${created})
    returning ${columns(sql)}`;
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
