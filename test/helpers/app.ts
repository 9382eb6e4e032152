import { createApp } from "../../src/app";
import { type Config, loadConfig } from "../../src/config";
import type { Database } from "../../src/db/client";
import type { ServiceControl, ServiceStatusSource } from "../../src/domain/service-status";
import type { ExchangeClient } from "../../src/exchanges/types";
import { monitorEventLoopLag } from "../../src/lib/event-loop-lag";
import { createLogger, type LogLevel } from "../../src/lib/logger";
import { MetricsRegistry } from "../../src/lib/metrics";

/** Log lines captured from a test app, parsed. */
export type CapturedLog = { level: LogLevel; msg: string; [field: string]: unknown }[];

/** A config for tests: defaults, no services, plus overrides. */
export function testConfig(env: Record<string, string> = {}): Config {
  return loadConfig({ NODE_ENV: "test", SERVICES: "", LOG_FORMAT: "json", ...env });
}

/** The real app wired to a test database, with its log lines captured. */
export function createTestApp(
  database: Database,
  {
    env = {},
    services = { statuses: () => [] },
    exchange,
    paperExchange,
  }: {
    env?: Record<string, string>;
    services?: ServiceStatusSource | ServiceControl;
    exchange?: ExchangeClient;
    paperExchange?: ExchangeClient;
  } = {},
) {
  const config = testConfig(env);
  const logs: CapturedLog = [];
  const log = createLogger({ level: "debug", format: "json", write: (line) => logs.push(JSON.parse(line)) });
  const metrics = new MetricsRegistry();
  const lag = monitorEventLoopLag();
  const app = createApp({
    config,
    log,
    database,
    metrics,
    lag,
    services: asControl(services),
    exchange,
    paperExchange,
  });
  return { app, config, logs, metrics, lag };
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
