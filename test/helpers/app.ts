import { createApp } from "../../src/app";
import { type Config, loadConfig } from "../../src/config";
import type { Database } from "../../src/db/client";
import type { ServiceControl, ServiceStatus, ServiceStatusSource } from "../../src/domain/service-status";
import type { ExchangeClient } from "../../src/exchanges/types";
import { streamTickets } from "../../src/http/stream-ticket";
import { monitorEventLoopLag } from "../../src/lib/event-loop-lag";
import { createLogger, type LogLevel } from "../../src/lib/logger";
import { MetricsRegistry } from "../../src/lib/metrics";
import { createDashboard } from "../../src/services/dashboard";
import { createMarketService } from "../../src/services/market";
import { orderClients } from "../../src/services/order-clients";

/** The API token of test apps that pass `env: { API_TOKEN }`. */
export const API_TOKEN = "test-api-token-0123456789";
/** The read-only token of test apps that pass `env: { READ_TOKEN }`. */
export const READ_TOKEN = "test-read-token-0123456789";

/** The Authorization header for a token (API_TOKEN by default). */
export const bearer = (token: string = API_TOKEN) => ({ Authorization: `Bearer ${token}` });

/** Headers of an authorised JSON request. */
export const jsonHeaders = (extra: Record<string, string> = {}) => ({
  ...bearer(),
  "Content-Type": "application/json",
  ...extra,
});

/** Services as a supervisor would report them, without workers. */
export function fixedServices(statuses: ServiceStatus[] = []): ServiceControl {
  return {
    statuses: () => statuses,
    names: () => statuses.map((s) => s.name),
    start: () => {},
    stop: async () => {},
  };
}

/** Log lines captured from a test app, parsed. */
export type CapturedLog = { level: LogLevel; msg: string; [field: string]: unknown }[];

/** The environment of a test config: defaults, no services, JSON logs, plus overrides. */
export function testEnvironment(env: Record<string, string> = {}): Record<string, string> {
  return { NODE_ENV: "test", SERVICES: "", LOG_FORMAT: "json", ...env };
}

/** A config for tests: loadConfig over testEnvironment(env). */
export function testConfig(env: Record<string, string> = {}): Config {
  return loadConfig(testEnvironment(env));
}

/**
 * The one test-app factory: the real app wired to a test database as main.ts wires it (dashboard, market,
 * order clients, stream tickets), with its log lines captured. `close()` ends the dashboard and the lag monitor.
 */
export function createTestApp(
  database: Database,
  {
    env = {},
    services = { statuses: () => [] },
    exchange,
    paperExchange,
    now = () => new Date(),
  }: {
    env?: Record<string, string>;
    services?: ServiceStatusSource | ServiceControl;
    exchange?: ExchangeClient;
    paperExchange?: ExchangeClient;
    now?: () => Date;
  } = {},
) {
  const config = testConfig(env);
  const logs: CapturedLog = [];
  const log = createLogger({ level: "debug", format: "json", write: (line) => logs.push(JSON.parse(line)) });
  const metrics = new MetricsRegistry();
  const lag = monitorEventLoopLag();
  const control = asControl(services);
  const dashboard = createDashboard({
    config,
    sql: database.sql,
    services: control,
    log,
    exchange: exchange && { name: exchange.name, live: exchange.live },
  });
  const app = createApp({
    config,
    log,
    database,
    metrics,
    lag,
    services: control,
    dashboard,
    market: createMarketService({
      exchange,
      candleCacheMs: config.MARKET_CANDLE_CACHE_MS,
      instrumentsRefreshMs: config.MARKET_INSTRUMENTS_REFRESH_MS,
    }),
    clients: orderClients(exchange, paperExchange),
    tickets: streamTickets({ apiToken: config.API_TOKEN, readToken: config.READ_TOKEN }),
    startedAt: Date.now(),
    now,
  });
  const close = () => {
    dashboard.close();
    lag.stop();
  };
  return { app, config, logs, metrics, lag, dashboard, close };
}

/** A status source with no controllable services (the app's tests that do not run workers). */
function asControl(services: ServiceStatusSource | ServiceControl): ServiceControl {
  if ("start" in services) return services;
  return {
    statuses: () => services.statuses(),
    names: () => [],
    start: (name) => {
      throw new Error(`no service ${name} in this test app`);
    },
    stop: async () => {},
  };
}
