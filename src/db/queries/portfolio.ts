import type { Queryable } from "../client";
import { balanceFields } from "./exchange-balances";
import { isoUtc } from "./sql";

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
