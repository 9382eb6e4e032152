import { Hono } from "hono";
import type { Database } from "../../db/client";
import type { ServiceStatusSource } from "../../domain/service-status";
import type { EventLoopLag } from "../../lib/event-loop-lag";
import { label, type MetricsRegistry } from "../../lib/metrics";

export interface MetricsRoutesDeps {
  metrics: MetricsRegistry;
  lag: EventLoopLag;
  database: Database;
  services: ServiceStatusSource;
  /** Extra named gauges contributed by other parts (e.g. the dashboard cache). */
  gauges?: () => Record<string, number>;
  startedAt: number;
}

/** `/metrics` as JSON, or Prometheus text with `Accept: text/plain` or at `/metrics/prometheus`. */
export function metricsRoutes(deps: MetricsRoutesDeps) {
  const prometheus = async () =>
    new Response(await prometheusText(deps), {
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

async function prometheusText({ metrics, lag, database, services, gauges }: MetricsRoutesDeps): Promise<string> {
  const loop = lag.current();
  const pool = await database.poolStats().catch(() => undefined);
  const lines = [
    ...metrics.prometheusLines(),
    "# TYPE atp_event_loop_lag_seconds gauge",
    `atp_event_loop_lag_seconds ${loop.last_ms / 1000}`,
    "# TYPE atp_event_loop_lag_max_seconds gauge",
    `atp_event_loop_lag_max_seconds ${loop.max_ms / 1000}`,
    "# TYPE atp_process_resident_memory_bytes gauge",
    `atp_process_resident_memory_bytes ${process.memoryUsage.rss()}`,
  ];
  if (pool) {
    lines.push(
      "# TYPE atp_db_pool_connections gauge",
      `atp_db_pool_connections{state="open"} ${pool.open}`,
      `atp_db_pool_connections{state="active"} ${pool.active}`,
      `atp_db_pool_connections{state="max"} ${pool.max}`,
    );
  }
  for (const [name, value] of Object.entries(gauges?.() ?? {})) {
    lines.push(`# TYPE atp_${name} gauge`, `atp_${name} ${value}`);
  }
  lines.push("# TYPE atp_service_up gauge");
  for (const s of services.statuses()) {
    lines.push(`atp_service_up{service=${label(s.name)},state=${label(s.state)}} ${s.state === "running" ? 1 : 0}`);
  }
  return `${lines.join("\n")}\n`;
}
