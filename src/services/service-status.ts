import type { Database } from "../db/client";
import { listServiceState } from "../db/queries/service-state";
import { NotFound } from "../domain/errors";
import type { ServiceControl, ServiceStatus } from "../domain/service-status";

/** A service's status as `/api/services/status` shows it: the supervisor's view plus what the service persisted. */
export type ServiceReport = ServiceStatus & { last_error_at: string | null; counters: Record<string, number> };

/** Every service, live state and persisted counters together. */
export async function describeServices(database: Database, services: ServiceControl): Promise<ServiceReport[]> {
  const byName = new Map((await listServiceState(database.sql)).map((row) => [row.service, row]));
  return services.statuses().map((s) => ({
    ...s,
    last_error_at: byName.get(s.name)?.last_error_at ?? null,
    counters: byName.get(s.name)?.counters ?? {},
  }));
}

/**
 * Starts or stops one service; NotFound for a name the supervisor does not know. The database is asked first:
 * while it is away the request fails (503) and changes nothing, rather than acting and failing to report it.
 */
export async function controlService(
  database: Database,
  services: ServiceControl,
  name: string,
  action: "start" | "stop",
): Promise<void> {
  if (!services.names().includes(name)) {
    throw new NotFound(`unknown service ${name}; known: ${services.names().join(", ")}`);
  }
  await database.sql`select 1`;
  if (action === "start") services.start(name);
  else await services.stop(name);
}
