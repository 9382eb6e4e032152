import type { Database } from "../db/client";
import { listBalances } from "../db/queries/portfolio";
import { readTradingGauges } from "../db/queries/trading-gauges";
import type { ServiceControl } from "../domain/service-status";
import { publicMessage } from "../lib/public-message";
import { checkDatabase } from "./health";
import { describeServices } from "./service-status";

/** A problem worth an operator's look: a service's last error, or the database out of reach. */
export interface MonitoringAlert {
  type: "service_error" | "service_down" | "database";
  source: string;
  message: string;
  at: string | null;
}

/**
 * The account's and the services' state in one read: database reachability, each service with its last error, the
 * open-order and balance counts, and the alerts those imply (a service crashed or failed, or erring, or no database).
 */
export async function monitoringSummary(
  database: Database,
  services: ServiceControl,
  { timeoutMs }: { timeoutMs: number },
) {
  const check = await checkDatabase(database.sql, timeoutMs);
  const [reports, gauges, balances] = check.ok
    ? await Promise.all([
        describeServices(database, services),
        readTradingGauges(database.sql),
        listBalances(database.sql),
      ])
    : [services.statuses().map((s) => ({ ...s, last_error_at: null, counters: {} })), null, null];
  const alerts: MonitoringAlert[] = [];
  if (!check.ok)
    alerts.push({ type: "database", source: "database", message: publicMessage(check.error) ?? "", at: null });
  for (const s of reports) {
    if (s.state === "crashed" || s.state === "failed") {
      alerts.push({ type: "service_down", source: s.name, message: `${s.name} is ${s.state}`, at: s.last_run_at });
    }
    if (s.last_error) {
      alerts.push({
        type: "service_error",
        source: s.name,
        message: publicMessage(s.last_error) ?? "",
        at: s.last_error_at,
      });
    }
  }
  return {
    database: check,
    services: reports,
    open_orders: gauges?.open_orders ?? null,
    balances: balances?.length ?? null,
    alerts,
    health: !check.ok ? ("unhealthy" as const) : alerts.length > 0 ? ("degraded" as const) : ("healthy" as const),
  };
}
