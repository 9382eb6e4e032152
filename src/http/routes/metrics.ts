import { publicMessage } from "../../lib/public-message";
import { poolStatsOrError } from "../../services/health";
import { type AppDeps, createRouter } from "../context";
import { prometheusText } from "../prometheus";

/** `/metrics` as JSON, or Prometheus text with `Accept: text/plain` or at `/metrics/prometheus`. */
export function metricsRoutes(
  deps: Pick<AppDeps, "metrics" | "lag" | "database" | "services" | "dashboard" | "startedAt">,
) {
  const gauges = () => deps.dashboard.stats();
  const prometheus = async () =>
    new Response(await prometheusText({ ...deps, dashboard: gauges }), {
      headers: { "Content-Type": "text/plain; version=0.0.4; charset=utf-8" },
    });
  return createRouter()
    .get("/", async (c) => {
      if (c.req.header("accept")?.includes("text/plain")) return prometheus();
      const { metrics, lag, database, services, startedAt } = deps;
      return c.json({
        uptime_s: Math.round((Date.now() - startedAt) / 1000),
        routes: metrics.summaries(),
        event_loop_lag: lag.current(),
        db_pool: await poolStatsOrError(database),
        memory: { rss_bytes: process.memoryUsage.rss() },
        gauges: gauges(),
        services: services.statuses().map((s) => ({ ...s, last_error: publicMessage(s.last_error) })),
      });
    })
    .get("/prometheus", prometheus);
}
