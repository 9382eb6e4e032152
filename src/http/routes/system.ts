import { Hono } from "hono";
import type { Sql } from "../../db/client";
import type { ServiceStatusSource } from "../../domain/service-status";
import { checkDatabase } from "../../services/health";

export interface SystemRoutesDeps {
  sql: Sql;
  healthDbTimeoutMs: number;
  services: ServiceStatusSource;
  startedAt: number;
}

const PONG = JSON.stringify({ pong: true });

/** Liveness and readiness: `/ping_fast` (no I/O) and `/health` (database and services). */
export function systemRoutes({ sql, healthDbTimeoutMs, services, startedAt }: SystemRoutesDeps) {
  return new Hono()
    .get("/ping_fast", (c) => c.body(PONG, 200, { "Content-Type": "application/json" }))
    .get("/health", async (c) => {
      const database = await checkDatabase(sql, healthDbTimeoutMs);
      const body = {
        status: database.ok ? "ok" : "unavailable",
        database,
        services: services.statuses(),
        uptime_s: Math.round((Date.now() - startedAt) / 1000),
      };
      return c.json(body, database.ok ? 200 : 503);
    });
}
