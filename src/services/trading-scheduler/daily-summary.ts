import { claimDailyRun } from "../../db/queries/daily-jobs";
import { activitySince, latestSnapshot } from "../../db/queries/portfolio";
import { isDue, localDateTime } from "../../domain/local-time";
import type { TradingSchedulerDeps } from "./types";

/** service_state row that remembers the last local date the summary went out. */
export const DAILY_SUMMARY_JOB = "trading_scheduler:daily_summary";

const DAY_MS = 24 * 3600 * 1000;

/**
 * Sends the daily portfolio summary through the notifier once the configured local time has passed, at most once
 * per local date (claimed in the database, so restarts and replicas never repeat it). Returns true when sent.
 */
export async function runDailySummaryIfDue(
  deps: Pick<TradingSchedulerDeps, "database" | "notifier" | "config" | "log" | "now">,
): Promise<boolean> {
  const { database, notifier, config } = deps;
  if (!notifier.enabled) return false;
  const now = deps.now?.() ?? new Date();
  const local = localDateTime(now, config.DAILY_SUMMARY_TZ);
  if (!isDue(local, config.DAILY_SUMMARY_TIME)) return false;
  if (!(await claimDailyRun(database.sql, DAILY_SUMMARY_JOB, local.date))) return false;
  const snapshot = await latestSnapshot(database.sql);
  const activity = await activitySince(database.sql, new Date(now.getTime() - DAY_MS));
  const value = snapshot
    ? `net ${snapshot.net_usd} USD (assets ${snapshot.total_assets_usd}, loans ${snapshot.total_borrowed_usd})`
    : "no portfolio valuation yet";
  notifier.notify({
    event: "daily_summary",
    text: `ATP daily summary ${local.date}: ${value}; last 24 h: ${activity.signals} signals, ${activity.orders} orders`,
    data: { date: local.date, portfolio: snapshot, last_24h: activity },
  });
  deps.log.info("daily summary sent", { date: local.date });
  return true;
}
