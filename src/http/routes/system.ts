import { publicMessage } from "../../lib/public-message";
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
        database: { ...check, ...(check.error === undefined ? {} : { error: publicMessage(check.error) }) },
        // Messages only: a worker's error may carry a stack or the install's paths.
        services: services.statuses().map((s) => ({ ...s, last_error: publicMessage(s.last_error) })),
        uptime_s: Math.round((Date.now() - startedAt) / 1000),
      };
      return c.json(body, check.ok ? 200 : 503);
    });
}
