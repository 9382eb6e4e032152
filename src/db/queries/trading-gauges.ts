import type { Queryable } from "../client";

/** The account's figures that `/metrics` exposes as gauges; amounts are exact decimal strings. */
export interface TradingGaugeRow {
  assets_usd: string;
  loans_usd: string;
  net_usd: string;
  open_orders: number;
  signals_last_hour: number;
  orders_last_hour: number;
}

/**
 * One statement for every trading gauge; each count is an index range (partial open-orders index,
 * trade_signals_created_idx, exchange_orders_create_time_idx), so a scrape stays cheap on a large history.
 */
export async function readTradingGauges(sql: Queryable): Promise<TradingGaugeRow> {
  const [row] = await sql<TradingGaugeRow[]>`
    with totals as (
      select coalesce((select sum(usd_value) from exchange_balances where total > 0), 0) as assets_usd,
             coalesce((select sum(borrowed_usd) from portfolio_loans where is_active), 0) as loans_usd
    )
    select totals.assets_usd::text as assets_usd, totals.loans_usd::text as loans_usd,
      (totals.assets_usd - totals.loans_usd)::text as net_usd,
      (select count(*)::int from exchange_orders where status in ('NEW', 'ACTIVE', 'PARTIALLY_FILLED')) as open_orders,
      (select count(*)::int from trade_signals where created_at > now() - interval '1 hour') as signals_last_hour,
      (select count(*)::int from exchange_orders
        where exchange_create_time > now() - interval '1 hour') as orders_last_hour
    from totals`;
  if (!row) throw new Error("trading gauges query returned no row");
  return row;
}
