import type { SignalSide } from "../../domain/signals";
import type { Queryable } from "../client";
import { isoUtc } from "./sql";

/** A live watchlist symbol with its latest signal (null fields when it never signalled). */
export interface LatestSignalRow {
  symbol: string;
  side: SignalSide | null;
  price: string | null;
  created_at: string | null;
  created_ms: number | null;
}

/** Every live watchlist symbol with its latest signal: one index probe per symbol (symbol, created_at desc). */
export async function latestSignalPerWatchedSymbol(sql: Queryable): Promise<LatestSignalRow[]> {
  return await sql<LatestSignalRow[]>`
    select w.symbol, s.side, s.price::text as price,
      ${isoUtc(sql, "s.created_at")} as created_at,
      extract(epoch from s.created_at)::float8 * 1000 as created_ms
    from watchlist_items w
    left join lateral (
      select side, price, created_at from trade_signals ts
      where ts.symbol = w.symbol order by ts.created_at desc nulls last limit 1
    ) s on true
    where w.deleted_at is null
    order by w.symbol`;
}
