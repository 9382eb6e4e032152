import type { Database } from "../../src/db/client";
import type { ServiceControl, ServiceStatus } from "../../src/domain/service-status";
import { createTestApp } from "../helpers/app";

/** Services as a supervisor would report them, without workers. */
export function fixedServices(statuses: ServiceStatus[] = []): ServiceControl {
  return {
    statuses: () => statuses,
    names: () => statuses.map((s) => s.name),
    start: () => {},
    stop: async () => {},
  };
}

/** The real app with the dashboard cache the test holds (to invalidate it as a LISTEN connection would). */
export function dashboardApp(
  database: Database,
  { env = {}, services = fixedServices() }: { env?: Record<string, string>; services?: ServiceControl } = {},
) {
  const { app, dashboard, logs, close } = createTestApp(database, { env, services });
  return { app, dashboard, logs, close };
}

/** Resolves when `check` returns true, polling every 10 ms; rejects after `timeoutMs`. */
export async function eventually(check: () => boolean | Promise<boolean>, timeoutMs = 5000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!(await check())) {
    if (performance.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await Bun.sleep(10);
  }
}
