import type { Database } from "../db/client";
import { readTradingGauges } from "../db/queries/trading-gauges";
import type { ServiceStatusSource } from "../domain/service-status";
import type { EventLoopLag } from "../lib/event-loop-lag";
import { Exposition } from "../lib/exposition";
import type { MetricsRegistry } from "../lib/metrics";
import type { DashboardCacheStats } from "../services/dashboard";

export interface PrometheusSources {
  metrics: MetricsRegistry;
  lag: EventLoopLag;
  database: Database;
  services: ServiceStatusSource;
  dashboard?: () => DashboardCacheStats;
  now?: () => number;
}

/**
 * `/metrics` in Prometheus text: every family with HELP and TYPE, base units (seconds, bytes), counters
 * as `_total` (what `promtool check metrics` accepts without a warning), then the trading gauges.
 */
export async function prometheusText(sources: PrometheusSources): Promise<string> {
  const { metrics, lag, database, services, dashboard, now = Date.now } = sources;
  const out = metrics.writeTo(new Exposition());
  const loop = lag.current();
  out
    .single("atp_event_loop_lag_seconds", "gauge", "Delay of the latest event-loop timer tick.", loop.last_ms / 1000)
    .single(
      "atp_event_loop_lag_max_seconds",
      "gauge",
      "Largest event-loop timer delay over the recent window.",
      loop.max_ms / 1000,
    )
    .single(
      "atp_process_resident_memory_bytes",
      "gauge",
      "Resident set size of the process.",
      process.memoryUsage.rss(),
    );

  const [pool, trading] = await Promise.all([
    database.poolStats().catch(() => undefined),
    readTradingGauges(database.sql).catch(() => undefined),
  ]);
  if (pool) {
    out
      .family("atp_db_pool_connections", "gauge", "Connections of the HTTP pool, by state (max is the pool's size).")
      .sample("atp_db_pool_connections", pool.open, { state: "open" })
      .sample("atp_db_pool_connections", pool.active, { state: "active" })
      .sample("atp_db_pool_connections", pool.max, { state: "max" });
  }
  if (dashboard) writeDashboard(out, dashboard());

  out.family("atp_service_up", "gauge", "1 when the background service is running, by service and state.");
  const statuses = services.statuses();
  for (const s of statuses) {
    out.sample("atp_service_up", s.state === "running" ? 1 : 0, { service: s.name, state: s.state });
  }
  out.family(
    "atp_service_failed_cycles_total",
    "counter",
    "Cycles of the background service that failed (each retried with backoff), by service.",
  );
  for (const s of statuses) out.sample("atp_service_failed_cycles_total", s.failed_cycles ?? 0, { service: s.name });
  out.family(
    "atp_service_last_success_age_seconds",
    "gauge",
    "Seconds since the service's last successful cycle (absent before its first).",
  );
  for (const s of statuses) {
    if (s.last_success_at) {
      const age = Math.max(0, (now() - Date.parse(s.last_success_at)) / 1000);
      out.sample("atp_service_last_success_age_seconds", age, { service: s.name });
    }
  }

  if (trading) {
    out
      .single("atp_portfolio_net_usd", "gauge", "Assets minus active loans, in USD.", trading.net_usd)
      .single("atp_portfolio_assets_usd", "gauge", "Value of the account's balances, in USD.", trading.assets_usd)
      .single("atp_portfolio_loans_usd", "gauge", "Active borrowed amounts, in USD.", trading.loans_usd)
      .single(
        "atp_open_orders",
        "gauge",
        "Orders open on the exchange (NEW, ACTIVE, PARTIALLY_FILLED).",
        trading.open_orders,
      )
      .single("atp_signals_last_hour", "gauge", "Trade signals created in the last hour.", trading.signals_last_hour)
      .single("atp_orders_last_hour", "gauge", "Exchange orders created in the last hour.", trading.orders_last_hour);
  }
  return out.text();
}

function writeDashboard(out: Exposition, s: DashboardCacheStats): void {
  out
    .family("atp_dashboard_cache_requests_total", "counter", "Dashboard reads, by how the cache answered them.")
    .sample("atp_dashboard_cache_requests_total", s.dashboard_cache_hits, { result: "hit" })
    .sample("atp_dashboard_cache_requests_total", s.dashboard_cache_stale_hits, { result: "stale" })
    .sample("atp_dashboard_cache_requests_total", s.dashboard_cache_misses, { result: "miss" })
    .single("atp_dashboard_builds_total", "counter", "Dashboard states built.", s.dashboard_builds)
    .single(
      "atp_dashboard_partial_builds_total",
      "counter",
      "Dashboard states built with a failed or late part.",
      s.dashboard_partial_builds,
    )
    .single(
      "atp_dashboard_part_reads_total",
      "counter",
      "Dashboard parts read from the database; a change re-reads only the parts its topic names.",
      s.dashboard_part_reads,
    )
    .single(
      "atp_dashboard_last_build_duration_seconds",
      "gauge",
      "Time the latest dashboard build took.",
      s.dashboard_last_build_ms / 1000,
    )
    .single("atp_dashboard_stream_clients", "gauge", "Open dashboard event streams.", s.dashboard_stream_clients);
}
