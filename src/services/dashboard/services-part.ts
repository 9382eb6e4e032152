import { SERVICE_NAMES } from "../../config";
import type { ServiceLifecycle, ServiceStatus } from "../../domain/service-status";

/** A service_state row as the dashboard query renders it. */
export interface ServiceStateRow {
  service: string;
  last_run_at: string | null;
  last_success_at: string | null;
  last_error: string | null;
  last_error_at: string | null;
  counters: Record<string, number>;
}

/** One service on the dashboard: this process's view of it merged with the database's, shared by replicas. */
export interface DashboardService {
  name: string;
  /** Lifecycle state in this process; null when this process does not supervise it. */
  state: ServiceLifecycle | null;
  enabled: boolean;
  restarts: number;
  last_run_at: string | null;
  /** The last successful cycle, by whichever replica ran it. */
  last_sync: string | null;
  last_error: string | null;
  last_error_at: string | null;
  counters: Record<string, number>;
}

const later = (a: string | null | undefined, b: string | null | undefined): string | null => {
  if (!a) return b ?? null;
  if (!b) return a;
  return Date.parse(a) >= Date.parse(b) ? a : b;
};

/** Merges the supervisor's statuses with the persisted service_state rows: known services first, then any other. */
export function mergeServices(rows: ServiceStateRow[], statuses: ServiceStatus[]): DashboardService[] {
  const byRow = new Map(rows.map((row) => [row.service, row]));
  const byStatus = new Map(statuses.map((status) => [status.name, status]));
  const names = [...new Set<string>([...SERVICE_NAMES, ...byStatus.keys(), ...byRow.keys()])];
  return names.map((name) => {
    const row = byRow.get(name);
    const status = byStatus.get(name);
    return {
      name,
      state: status?.state ?? null,
      enabled: status?.enabled ?? false,
      restarts: status?.restarts ?? 0,
      last_run_at: later(row?.last_run_at, status?.last_run_at),
      last_sync: later(row?.last_success_at, status?.last_success_at),
      last_error: status?.last_error ?? row?.last_error ?? null,
      last_error_at: row?.last_error_at ?? null,
      counters: row?.counters ?? {},
    };
  });
}
