import { healthReport } from "../../services/health";
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
      const { ok, body } = await healthReport(database.sql, services, {
        timeoutMs: config.HEALTH_DB_TIMEOUT_MS,
        startedAt,
      });
      return c.json(body, ok ? 200 : 503);
    });
}
