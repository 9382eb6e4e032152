import { healthReport } from "../../../services/health";
import { type AppDeps, createRouter } from "../../context";

/** `GET /health` (ATP's report: 200, or 503 when the database is unreachable). */
export function legacyMonitoringRoutes({
  database,
  config,
  services,
  startedAt,
}: Pick<AppDeps, "database" | "config" | "services" | "startedAt">) {
  return createRouter().get("/health", async (c) => {
    const { ok, body } = await healthReport(database.sql, services, {
      timeoutMs: config.HEALTH_DB_TIMEOUT_MS,
      startedAt,
    });
    return c.json(body, ok ? 200 : 503);
  });
}
