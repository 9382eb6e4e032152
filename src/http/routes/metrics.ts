import { Hono } from "hono";
import type { Database } from "../../db/client";
import type { ServiceStatusSource } from "../../domain/service-status";
import type { EventLoopLag } from "../../lib/event-loop-lag";
import type { MetricsRegistry } from "../../lib/metrics";
import type { DashboardCacheStats } from "../../services/dashboard";
import { prometheusText } from "../prometheus";

export interface MetricsRoutesDeps {
  metrics: MetricsRegistry;
  lag: EventLoopLag;
  database: Database;
  services: ServiceStatusSource;
  /** The dashboard cache's counters. */
  gauges?: () => DashboardCacheStats;
  startedAt: number;
}

/** `/metrics` as JSON, or Prometheus text with `Accept: text/plain` or at `/metrics/prometheus`. */
export function metricsRoutes(deps: MetricsRoutesDeps) {
  const prometheus = async () =>
    new Response(await prometheusText({ ...deps, dashboard: deps.gauges }), {
      headers: { "Content-Type": "text/plain; version=0.0.4; charset=utf-8" },
    });
  return new Hono()
    .get("/metrics", async (c) => {
      if (c.req.header("accept")?.includes("text/plain")) return prometheus();
      const { metrics, lag, database, services, gauges, startedAt } = deps;
      return c.json({
        uptime_s: Math.round((Date.now() - startedAt) / 1000),
        routes: metrics.summaries(),
        event_loop_lag: lag.current(),
        db_pool: await database.poolStats().catch((error: Error) => ({ error: error.message })),
        memory: { rss_bytes: process.memoryUsage.rss() },
        gauges: gauges?.() ?? {},
        services: services.statuses(),
      });
    })
    .get("/metrics/prometheus", prometheus);
}
