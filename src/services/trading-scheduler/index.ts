import type { Config } from "../../config";
import { notifyChange } from "../../db/changes";
import { claimPendingSignals, settleSignalOrders } from "../../db/queries/signal-orders";
import { type ProtectionSummary, runProtectionCycle } from "../positions/protection";
import { runDailySummaryIfDue } from "./daily-summary";
import { placeSignalOrder, type SignalOutcome } from "./signal-order";
import type { TradingSchedulerDeps } from "./types";

export { signalClientOid } from "./signal-order";
export type { TradingSchedulerDeps } from "./types";

/** What one cycle did. */
export type TradingSchedulerSummary = Record<SignalOutcome, number> & {
  settled: number;
  daily_summary: boolean;
  protection: ProtectionSummary | null;
};

/**
 * How long a claim holds before another attempt may take the signal over: well past one exchange call's timeout,
 * so a slow attempt is not raced (a race would still be harmless: both use the same client order id).
 */
export function claimLeaseMs(config: Pick<Config, "EXCHANGE_TIMEOUT_MS">): number {
  return Math.max(30_000, 3 * config.EXCHANGE_TIMEOUT_MS);
}

/**
 * One trading_scheduler cycle: settle placed signals whose order reached a final state, claim pending should_trade
 * signals and take each to an order (or a skipped/failed status with its reason), protect the open entries (TP/SL,
 * OCO), then the daily summary if due.
 */
export async function runTradingSchedulerCycle(deps: TradingSchedulerDeps): Promise<TradingSchedulerSummary> {
  const { database, stopping = () => false } = deps;
  const now = deps.now?.() ?? new Date();
  const summary: TradingSchedulerSummary = {
    placed: 0,
    skipped: 0,
    failed: 0,
    retry: 0,
    settled: await settleSignalOrders(database.sql, now),
    daily_summary: false,
    protection: null,
  };
  if (summary.settled > 0) await notifyChange(database.sql, "signals");
  const claimed = await claimPendingSignals(database.sql, {
    now,
    leaseMs: claimLeaseMs(deps.config),
    limit: deps.batchSize ?? 20,
  });
  for (const signal of claimed) {
    if (stopping()) break;
    summary[await placeSignalOrder(deps, signal)]++;
  }
  // After the signals: an entry that just filled is protected in the same cycle. Runs whatever entries_enabled says.
  summary.protection = await runProtectionCycle(deps);
  summary.daily_summary = await runDailySummaryIfDue(deps);
  return summary;
}
