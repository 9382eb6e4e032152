import type { Database } from "../db/client";
import { latestSnapshot, listBalances, type SnapshotJson, snapshotHistory } from "../db/queries/portfolio";
import { Big } from "../domain/money";
import { getLoans } from "./loans";

/**
 * The portfolio as exchange_sync last valued it: balances with USD value and share of the assets, active loans,
 * and the totals of the latest snapshot (net = assets − loans).
 */
export async function getPortfolio(database: Database) {
  const [balances, snapshot, loans] = await Promise.all([
    listBalances(database.sql),
    latestSnapshot(database.sql),
    getLoans(database, true),
  ]);
  const totalAssets = snapshot ? new Big(snapshot.total_assets_usd) : null;
  return {
    assets: balances.map((b) => ({
      ...b,
      share:
        totalAssets?.gt(0) && b.usd_value !== null && new Big(b.usd_value).gt(0)
          ? new Big(b.usd_value).div(totalAssets).round(6).toFixed()
          : null,
    })),
    loans,
    total_assets_usd: snapshot?.total_assets_usd ?? null,
    total_borrowed_usd: snapshot?.total_borrowed_usd ?? null,
    net_usd: snapshot?.net_usd ?? null,
    valued_at: snapshot?.taken_at ?? null,
  };
}

/** Snapshots for charts, oldest first, bounded by `limit`. */
export function getPortfolioHistory(
  database: Database,
  range: { from?: string; to?: string; limit: number },
): Promise<SnapshotJson[]> {
  return snapshotHistory(database.sql, range);
}
