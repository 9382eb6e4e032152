import type { Levels } from "../../domain/levels";
import type { Queryable } from "../client";
import type { StrategyStateRecord } from "../schema/market-data";
import { isoUtc } from "./sql";

/** Latest price and indicators of a symbol, as decimal strings. */
export interface MarketDataValues {
  symbol: string;
  price: string;
  rsi: string | null;
  ma50: string | null;
  ma200: string | null;
  ema10: string | null;
  atr: string | null;
  volumeRatio: string | null;
  /** Base volume of the last 24 hours; absent leaves the stored value. */
  volume24h?: string | null;
  /** Swing levels; absent leaves the stored value. */
  levels?: Levels;
  /** The evaluation's decisions with reasons; absent leaves the stored state as it is. */
  strategyState?: StrategyStateRecord;
}

/** Stores the latest price and indicators of a symbol (one row per symbol). */
export async function upsertMarketData(sql: Queryable, m: MarketDataValues, at: Date): Promise<void> {
  await sql`
    insert into market_data (symbol, price, rsi, ma50, ma200, ema10, atr, volume_ratio, volume_24h, levels,
      strategy_state, created_at, updated_at)
    values (${m.symbol}, ${m.price}, ${m.rsi}, ${m.ma50}, ${m.ma200}, ${m.ema10}, ${m.atr}, ${m.volumeRatio},
      ${m.volume24h ?? null}, ${m.levels ? JSON.stringify(m.levels) : null}::jsonb,
      ${m.strategyState ? JSON.stringify(m.strategyState) : null}::jsonb, ${at.toISOString()}, ${at.toISOString()})
    on conflict (symbol) do update set price = excluded.price, rsi = excluded.rsi, ma50 = excluded.ma50,
      ma200 = excluded.ma200, ema10 = excluded.ema10, atr = excluded.atr, volume_ratio = excluded.volume_ratio,
      volume_24h = coalesce(excluded.volume_24h, market_data.volume_24h),
      levels = coalesce(excluded.levels, market_data.levels),
      strategy_state = coalesce(excluded.strategy_state, market_data.strategy_state), updated_at = excluded.updated_at`;
}

/** A watchlist item with what the signal monitor last computed for it (the coins view). */
export interface CoinRow {
  symbol: string;
  alert_enabled: boolean;
  buy_alert_enabled: boolean;
  sell_alert_enabled: boolean;
  trade_enabled: boolean;
  preset: string;
  price: string | null;
  volume_24h: string | null;
  rsi: string | null;
  ma50: string | null;
  ma200: string | null;
  ema10: string | null;
  atr: string | null;
  volume_ratio: string | null;
  levels: Levels | null;
  strategy_state: StrategyStateRecord | null;
  updated_at: string | null;
}

/**
 * The first `limit` live watchlist items by symbol (or the one `symbol`), each with its market data (null before its
 * first evaluation).
 */
export async function coinRows(sql: Queryable, limit: number, symbol?: string): Promise<CoinRow[]> {
  return await sql<CoinRow[]>`
    select w.symbol, w.alert_enabled, coalesce(w.buy_alert_enabled, w.alert_enabled) as buy_alert_enabled,
      coalesce(w.sell_alert_enabled, w.alert_enabled) as sell_alert_enabled, w.trade_enabled, w.preset,
      m.price::text as price, m.volume_24h::text as volume_24h, m.rsi::text as rsi, m.ma50::text as ma50,
      m.ma200::text as ma200, m.ema10::text as ema10, m.atr::text as atr, m.volume_ratio::text as volume_ratio,
      m.levels, m.strategy_state,
      ${isoUtc(sql, "m.updated_at")} as updated_at
    from watchlist_items w left join market_data m on m.symbol = w.symbol
    where w.deleted_at is null ${symbol === undefined ? sql`` : sql`and w.symbol = ${symbol}`}
    order by w.symbol
    limit ${limit}`;
}
