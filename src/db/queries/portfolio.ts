import type { Queryable } from "../client";
import { balanceFields } from "./exchange-balances";
import { type LoanJson, loanFields } from "./loans";
import { type Fragment, isoUtc, jsonList } from "./sql";

/** A portfolio snapshot as the API shows it. */
export interface SnapshotJson {
  total_assets_usd: string;
  total_borrowed_usd: string;
  net_usd: string;
  taken_at: string;
}

/** A balance of the mirror with its USD value. */
export interface BalanceJson {
  asset: string;
  free: string;
  locked: string;
  total: string;
  usd_value: string | null;
  updated_at: string;
}

/** A held asset of the portfolio: its balance and its share of the listed assets' USD value, in percent. */
export type PortfolioAssetJson = BalanceJson & { share_pct: string | null };

/** The portfolio as the API and the dashboard render it (portfolioJson). */
export interface PortfolioJson {
  assets: PortfolioAssetJson[];
  loans: LoanJson[];
  total_assets_usd: string;
  total_borrowed_usd: string;
  net_usd: string;
  valued_at: string | null;
}

/** Most assets and loans the portfolio lists. */
export const PORTFOLIO_LIMITS = { assets: 200, loans: 200 } as const;

/**
 * The portfolio as one JSON value, for the API and the dashboard statement alike: the held assets (total > 0; a
 * negative balance is a loan) as balances with `share_pct` (2 decimals, of the listed assets' USD value), the active
 * loans as the loans API renders them, the totals of those lists (`total_borrowed_usd`, as the snapshot column;
 * net = assets − borrowed) and the time of the latest valuation as `valued_at` (null before the first).
 */
export function portfolioJson(sql: Queryable): Fragment {
  // Literal limits: a bind parameter would leave the generic plan of a prepared statement guessing the row count.
  const limit = (rows: number) => sql.unsafe(`limit ${Math.trunc(rows)}`);
  return sql`(with held as (
      select coalesce(sum(usd_value), 0) as usd from (select usd_value from exchange_balances where total > 0
        order by usd_value desc nulls last, asset ${limit(PORTFOLIO_LIMITS.assets)}) a
    ), borrowed as (
      select coalesce(sum(borrowed_usd), 0) as usd from portfolio_loans where is_active
    )
    select json_build_object(
      'assets', ${jsonList(
        sql,
        sql`${balanceFields(sql)},
          case when held.usd > 0 then round(t.usd_value * 100 / held.usd, 2)::text end as share_pct`,
        sql`select * from exchange_balances where total > 0
          order by usd_value desc nulls last, asset ${limit(PORTFOLIO_LIMITS.assets)}`,
        sql`t.usd_value desc nulls last, t.asset`,
      )},
      'loans', ${jsonList(
        sql,
        loanFields(sql),
        sql`select * from portfolio_loans where is_active
          order by borrowed_usd desc, currency ${limit(PORTFOLIO_LIMITS.loans)}`,
        sql`t.borrowed_usd desc, t.currency`,
      )},
      'total_assets_usd', held.usd::text,
      'total_borrowed_usd', borrowed.usd::text,
      'net_usd', (held.usd - borrowed.usd)::text,
      'valued_at', (select ${isoUtc(sql, "taken_at")} from portfolio_snapshots order by taken_at desc nulls last limit 1))
    from held, borrowed)` as unknown as Fragment;
}

/** The portfolio, rendered by portfolioJson. */
export async function readPortfolio(sql: Queryable): Promise<PortfolioJson> {
  const [row] = await sql<{ portfolio: PortfolioJson }[]>`select ${portfolioJson(sql)} as portfolio`;
  if (!row) throw new Error("the portfolio statement returned no row");
  return row.portfolio;
}

/** Every non-zero balance, largest USD value first. */
export async function listBalances(sql: Queryable): Promise<BalanceJson[]> {
  return await sql<BalanceJson[]>`
    select ${balanceFields(sql)} from exchange_balances t where t.total <> 0 or t.locked <> 0
    order by t.usd_value desc nulls last, t.asset`;
}

/** The latest snapshot, or null before the first valuation. */
export async function latestSnapshot(sql: Queryable): Promise<SnapshotJson | null> {
  const [row] = await sql<SnapshotJson[]>`
    select total_assets_usd, total_borrowed_usd, net_usd, ${isoUtc(sql, "taken_at")} as taken_at
    from portfolio_snapshots order by portfolio_snapshots.taken_at desc nulls last limit 1`;
  return row ?? null;
}

/** The latest `limit` snapshots within [from, to), oldest first (chart order). */
export async function snapshotHistory(
  sql: Queryable,
  { from, to, limit }: { from?: string; to?: string; limit: number },
): Promise<SnapshotJson[]> {
  const rows = await sql<SnapshotJson[]>`
    select total_assets_usd, total_borrowed_usd, net_usd, ${isoUtc(sql, "taken_at")} as taken_at
    from portfolio_snapshots
    where true
      ${from ? sql`and taken_at >= ${from}::timestamptz` : sql``}
      ${to ? sql`and taken_at < ${to}::timestamptz` : sql``}
    order by portfolio_snapshots.taken_at desc nulls last limit ${limit}`;
  return rows.reverse();
}

/** Signals and orders recorded since a time, for the daily summary. */
export async function activitySince(sql: Queryable, since: Date): Promise<{ signals: number; orders: number }> {
  const [row] = await sql<{ signals: number; orders: number }[]>`
    select (select count(*)::int from trade_signals where created_at >= ${since.toISOString()}) as signals,
      (select count(*)::int from exchange_orders where exchange_create_time >= ${since.toISOString()}) as orders`;
  return row ?? { signals: 0, orders: 0 };
}
