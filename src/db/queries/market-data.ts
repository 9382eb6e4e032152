import type { Queryable } from "../client";

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
}

/** Stores the latest price and indicators of a symbol (one row per symbol). */
export async function upsertMarketData(sql: Queryable, m: MarketDataValues, at: Date): Promise<void> {
  await sql`
    insert into market_data (symbol, price, rsi, ma50, ma200, ema10, atr, volume_ratio, created_at, updated_at)
    values (${m.symbol}, ${m.price}, ${m.rsi}, ${m.ma50}, ${m.ma200}, ${m.ema10}, ${m.atr}, ${m.volumeRatio}, ${at.toISOString()},
      ${at.toISOString()})
    on conflict (symbol) do update set price = excluded.price, rsi = excluded.rsi, ma50 = excluded.ma50,
      ma200 = excluded.ma200, ema10 = excluded.ema10, atr = excluded.atr, volume_ratio = excluded.volume_ratio,
      updated_at = excluded.updated_at`;
}
