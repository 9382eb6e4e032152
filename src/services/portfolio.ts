import type { Database } from "../db/client";
import { type PortfolioJson, readPortfolio, type SnapshotJson, snapshotHistory } from "../db/queries/portfolio";

/**
 * The portfolio as exchange_sync last valued it: held assets with their USD value and share, active loans, their
 * totals (net = assets − loans) and when it was valued. The same JSON as the dashboard's `portfolio`.
 */
export function getPortfolio(database: Database): Promise<PortfolioJson> {
  return readPortfolio(database.sql);
}

/** Snapshots for charts, oldest first, bounded by `limit`. */
export function getPortfolioHistory(
  database: Database,
  range: { from?: string; to?: string; limit: number },
): Promise<SnapshotJson[]> {
  return snapshotHistory(database.sql, range);
}
