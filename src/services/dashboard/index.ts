import type { Config } from "../../config";
import type { Sql } from "../../db/client";
import type { ServiceStatusSource } from "../../domain/service-status";
import type { Logger } from "../../lib/logger";
import { exchangeIdentity } from "../order-clients";
import { createDashboardBuilder } from "./builder";
import { DashboardCache } from "./cache";

export type { DashboardCacheStats, DashboardSnapshot } from "./cache";
export { DashboardCache };

export interface DashboardDeps {
  config: Config;
  sql: Sql;
  services: ServiceStatusSource;
  log: Logger;
  /** The exchange orders go to when live (bot_status's mode); the configured one when not given. */
  exchange?: { name: string; live: boolean };
}

/** The dashboard cache and its builder, configured from DASHBOARD_*; call `invalidate()` on every change notification. */
export function createDashboard({ config, sql, services, log, exchange }: DashboardDeps): DashboardCache {
  const build = createDashboardBuilder({
    sql,
    services,
    partTimeoutMs: config.DASHBOARD_PART_TIMEOUT_MS,
    log,
    exchange: exchange ?? exchangeIdentity(config),
  });
  return new DashboardCache({
    build,
    enabled: config.DASHBOARD_CACHE === "on",
    staleMs: config.DASHBOARD_STALE_MS,
    maxAgeMs: config.DASHBOARD_MAX_AGE_MS,
    minRebuildIntervalMs: config.DASHBOARD_MIN_REBUILD_MS,
    log,
  });
}
