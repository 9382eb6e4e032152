import type { Server } from "bun";
import { createApp } from "./app";
import { type Config, ConfigError, loadConfig, workerEnvironment } from "./config";
import { listenForChanges } from "./db/changes";
import { createDatabase } from "./db/client";
import { locateDatabase } from "./db/connect";
import { consoleAssets } from "./http/console-bundle";
import { nativeRoutes } from "./http/native-routes";
import { streamTickets } from "./http/stream-ticket";
import { monitorEventLoopLag } from "./lib/event-loop-lag";
import { createLogger, type Logger } from "./lib/logger";
import { MetricsRegistry } from "./lib/metrics";
import { createDashboard } from "./services/dashboard";
import { createMarketService } from "./services/market";
import { closeOrderClients, deferredOrderClients } from "./services/order-clients";
import { SERVICE_DEFINITIONS } from "./workers/registry";
import { Supervisor } from "./workers/supervisor";

/** The composition root, the only place that wires: config → database → services → app → server → shutdown. */
async function main(): Promise<void> {
  const config = readConfigOrExit();
  const log = createLogger({ level: config.LOG_LEVEL, format: config.LOG_FORMAT, base: { app: "atp" } });
  const startedAt = Date.now();

  const location = await locateDatabase(config, log).catch((error) => fail(log, "database unavailable", error));
  const database = createDatabase({
    url: location.url,
    max: config.DB_POOL_MAX,
    statementTimeoutMs: config.DB_STATEMENT_TIMEOUT_MS,
    connectTimeoutS: config.DB_CONNECT_TIMEOUT_S,
    applicationName: `atp-${process.pid}-main`,
  });
  const lag = monitorEventLoopLag();
  let invalidateDashboard = (_topic?: string) => {};
  const services = new Supervisor({
    definitions: [...SERVICE_DEFINITIONS],
    environment: workerEnvironment(config),
    databaseUrl: location.url,
    log,
    onStateChange: () => invalidateDashboard("services"),
  });
  const dashboard = createDashboard({ config, sql: database.sql, services, log });
  invalidateDashboard = (topic) => dashboard.invalidate(topic);
  // One LISTEN connection: a change committed by any process (workers, other replicas) invalidates the parts its
  // topic names, and every (re)subscription all of them, as notifications may have been missed while disconnected.
  let closing = false;
  void listenForChanges(database.sql, invalidateDashboard, () => invalidateDashboard()).catch((error: Error) => {
    if (!closing) log.error("LISTEN failed; the dashboard is refreshed by age only", { error: error.message });
  });
  // Manual orders: the account's exchange and its paper twin, created in the background so the server is ready at once.
  const clients = deferredOrderClients(config, { sql: database.sql, log });
  const metrics = new MetricsRegistry();
  const app = createApp({
    config,
    log,
    database,
    metrics,
    lag,
    services,
    dashboard,
    market: createMarketService({
      exchange: clients.exchange,
      candleCacheMs: config.MARKET_CANDLE_CACHE_MS,
      instrumentsRefreshMs: config.MARKET_INSTRUMENTS_REFRESH_MS,
    }),
    clients,
    tickets: streamTickets({ apiToken: config.API_TOKEN, readToken: config.READ_TOKEN }),
    startedAt,
    now: () => new Date(),
  });

  // The hottest path, answered by Bun's router before Hono, with the same headers, metrics and log line.
  const routes = nativeRoutes({
    dashboard,
    metrics,
    log,
    logRequests: config.LOG_LEVEL === "debug" || config.LOG_LEVEL === "info",
    slowRequestMs: config.SLOW_REQUEST_MS,
    readToken: config.READ_TOKEN,
    corsOrigins: config.CORS_ORIGINS,
    legacyPrefix: config.LEGACY_API_PREFIX,
    cached: config.DASHBOARD_CACHE === "on",
    fallback: (request, bunServer) => app.fetch(request, bunServer),
  });
  const server = await listenOrStop(config, { routes, fetch: app.fetch }, log, async () => {
    closing = true;
    lag.stop();
    dashboard.close();
    await database.close(1);
    await location.stop();
  });
  const url = `http://${publicHost(config.HOST)}:${server.port}/`;
  log.info(`ATP ready: ${url}`, {
    url,
    console: url,
    docs: `${url}docs`,
    database: location.embedded ? "embedded" : "external",
    ready_ms: Date.now() - startedAt,
  });
  // The console's bundle is built now, in the background, so the first page view does not wait for it.
  void consoleAssets().catch((error: Error) => log.error("the console failed to build", { error: error.message }));
  if (!config.API_TOKEN) {
    log.warn("writes are disabled: set API_TOKEN (16+ characters) to change the watchlist, orders or services");
  }
  for (const name of config.SERVICES) services.start(name);

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info("shutting down", { signal });
    const deadline = setTimeout(() => {
      log.error("shutdown took too long; exiting", { timeout_ms: config.SHUTDOWN_TIMEOUT_MS });
      log.flush();
      process.exit(1);
    }, config.SHUTDOWN_TIMEOUT_MS);
    dashboard.close(); // ends the dashboard streams, which would otherwise hold the drain below
    // Stop accepting and let in-flight requests finish; then close what is left open (idle keep-alive, streams).
    const drained = server.stop(false);
    await Promise.all([Promise.race([drained, Bun.sleep(config.SHUTDOWN_TIMEOUT_MS / 2)]), services.stopAll()]);
    await server.stop(true);
    lag.stop();
    await closeOrderClients(clients);
    await database.close(Math.max(1, Math.floor(config.SHUTDOWN_TIMEOUT_MS / 4000)));
    await location.stop();
    clearTimeout(deadline);
    log.info("stopped");
    log.flush();
    process.exit(0);
  };
  process.on("SIGINT", () => void shutdown("SIGINT"));
  process.on("SIGTERM", () => void shutdown("SIGTERM"));
}

/** Starts the HTTP server; a taken port ends the start-up with one clear line, after releasing what was started. */
async function listenOrStop(
  config: Config,
  handlers: {
    routes: ReturnType<typeof nativeRoutes>;
    fetch: (request: Request, server: Server<undefined>) => Response | Promise<Response>;
  },
  log: Logger,
  release: () => Promise<void>,
): Promise<Server<undefined>> {
  try {
    return Bun.serve({ port: config.PORT, hostname: config.HOST, development: false, ...handlers });
  } catch (error) {
    const inUse = (error as { code?: string }).code === "EADDRINUSE";
    const msg = inUse
      ? `port ${config.PORT} on ${config.HOST} is already in use: stop the other server or set PORT`
      : `cannot listen on ${config.HOST}:${config.PORT}: ${(error as Error).message}`;
    log.error(msg);
    await release().catch(() => {});
    log.flush();
    process.exit(1);
  }
}

/** The host a person can open: a wildcard address means this machine. */
const publicHost = (host: string) => (host === "0.0.0.0" || host === "::" ? "localhost" : host);

function readConfigOrExit(): Config {
  try {
    return loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(1);
    }
    throw error;
  }
}

function fail(log: Logger, msg: string, error: unknown): never {
  log.error(msg, { error: error instanceof Error ? error.message : String(error) });
  log.flush();
  process.exit(1);
}

await main();
