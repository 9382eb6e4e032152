import { checkDatabase } from "../../services/health";
import { type AppDeps, createRouter } from "../context";

const PONG = JSON.stringify({ pong: true });

/** Liveness and readiness: `/ping_fast` (no I/O) and `/health` (database and services). */
export function systemRoutes({
  database,
  config,
  services,
  startedAt,
}: Pick<AppDeps, "database" | "config" | "services" | "startedAt">) {
  return createRouter()
    .get("/ping_fast", (c) => c.body(PONG, 200, { "Content-Type": "application/json" }))
    .get("/health", async (c) => {
      const check = await checkDatabase(database.sql, config.HEALTH_DB_TIMEOUT_MS);
      const body = {
        status: check.ok ? "ok" : "unavailable",
        database: check,
        services: services.statuses(),
        uptime_s: Math.round((Date.now() - startedAt) / 1000),
      };
      return c.json(body, check.ok ? 200 : 503);
    });
}
