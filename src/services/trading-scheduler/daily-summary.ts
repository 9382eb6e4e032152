import { claimDailyRun } from "../../db/queries/daily-jobs";
import { activitySince, latestSnapshot } from "../../db/queries/portfolio";
import { isDue, localDateTime } from "../../domain/local-time";
import { profitPeriods } from "../positions/profit";
import type { TradingSchedulerDeps } from "./types";

/** service_state row that remembers the last local date the summary went out. */
export const DAILY_SUMMARY_JOB = "trading_scheduler:daily_summary";

const DAY_MS = 24 * 3600 * 1000;

/**
 * Sends the daily portfolio summary through the notifier once the configured local time has passed, at most once
 * per local date (claimed in the database, so restarts and replicas never repeat it). Returns true when sent.
 */
export async function runDailySummaryIfDue(
  deps: Pick<TradingSchedulerDeps, "database" | "notifier" | "config" | "log" | "now"> &
    Partial<Pick<TradingSchedulerDeps, "clients">>,
): Promise<boolean> {
  const { database, notifier, config } = deps;
  if (!notifier.enabled) return false;
  const now = deps.now?.() ?? new Date();
  const local = localDateTime(now, config.DAILY_SUMMARY_TZ);
  if (!isDue(local, config.DAILY_SUMMARY_TIME)) return false;
  if (!(await claimDailyRun(database.sql, DAILY_SUMMARY_JOB, local.date))) return false;
  const snapshot = await latestSnapshot(database.sql);
  const activity = await activitySince(database.sql, new Date(now.getTime() - DAY_MS));
  // The day's realised P&L: trades closed on this local date, on the account orders go to now.
  const { account, periods } = await profitPeriods(database, deps.clients, {
    unit: "day",
    count: 1,
    tz: config.DAILY_SUMMARY_TZ,
    now,
  });
  const today = periods[0] ?? { realised: "0", trades: 0, wins: 0, losses: 0 };
  const value = snapshot
    ? `net ${snapshot.net_usd} USD (assets ${snapshot.total_assets_usd}, loans ${snapshot.total_borrowed_usd})`
    : "no portfolio valuation yet";
  notifier.notify({
    event: "daily_summary",
    text:
      `ATP daily summary ${local.date}: ${value}; realised P&L today ${today.realised} USD over ${today.trades} ` +
      `closed trades (${account}); last 24 h: ${activity.signals} signals, ${activity.orders} orders`,
    data: {
      date: local.date,
      portfolio: snapshot,
      last_24h: activity,
      realised_today: {
        account,
        realised_pnl: today.realised,
        trades: today.trades,
        wins: today.wins,
        losses: today.losses,
      },
    },
  });
  deps.log.info("daily summary sent", { date: local.date });
  return true;
}
