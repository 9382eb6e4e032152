import { createApp } from "../../src/app";
import type { Database } from "../../src/db/client";
import type { ServiceControl, ServiceStatus } from "../../src/domain/service-status";
import { monitorEventLoopLag } from "../../src/lib/event-loop-lag";
import { createLogger } from "../../src/lib/logger";
import { MetricsRegistry } from "../../src/lib/metrics";
import { createDashboard } from "../../src/services/dashboard";
import type { CapturedLog } from "../helpers/app";
import { testConfig } from "../helpers/app";

/** Services as a supervisor would report them, without workers. */
export function fixedServices(statuses: ServiceStatus[] = []): ServiceControl {
  return {
    statuses: () => statuses,
    names: () => statuses.map((s) => s.name),
    start: () => {},
    stop: async () => {},
  };
}

/** The real app with a dashboard cache the test holds (to invalidate it as a LISTEN connection would). */
export function dashboardApp(
  database: Database,
  { env = {}, services = fixedServices() }: { env?: Record<string, string>; services?: ServiceControl } = {},
) {
  const config = testConfig(env);
  const logs: CapturedLog = [];
  const log = createLogger({ level: "debug", format: "json", write: (line) => logs.push(JSON.parse(line)) });
  const dashboard = createDashboard({ config, sql: database.sql, services, log });
  const lag = monitorEventLoopLag();
  const app = createApp({ config, log, database, metrics: new MetricsRegistry(), lag, services, dashboard });
  return {
    app,
    dashboard,
    logs,
    close: () => {
      dashboard.close();
      lag.stop();
    },
  };
}

/** Resolves when `check` returns true, polling every 10 ms; rejects after `timeoutMs`. */
export async function eventually(check: () => boolean | Promise<boolean>, timeoutMs = 5000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!(await check())) {
    if (performance.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await Bun.sleep(10);
  }
}
