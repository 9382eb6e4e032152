import { Hono, type MiddlewareHandler } from "hono";
import { bodyLimit } from "hono/body-limit";
import { cors } from "hono/cors";
import { HTTPException } from "hono/http-exception";
import { requestId } from "hono/request-id";
import { secureHeaders } from "hono/secure-headers";
import { timeout } from "hono/timeout";
import packageJson from "../package.json";
import type { Config } from "./config";
import type { Database } from "./db/client";
import type { ServiceControl } from "./domain/service-status";
import type { ExchangeClient } from "./exchanges/types";
import { ApiError, handleError, notFound } from "./http/errors";
import { requestLog } from "./http/middleware/request-log";
import { consoleRoutes } from "./http/routes/console";
import { dashboardRoutes } from "./http/routes/dashboard";
import { marketRoutes } from "./http/routes/market";
import { metricsRoutes } from "./http/routes/metrics";
import { servicesRoutes } from "./http/routes/services";
import { systemRoutes } from "./http/routes/system";
import { tradingApiRoutes } from "./http/routes/trading-api";
import { streamTickets } from "./http/stream-ticket";
import type { EventLoopLag } from "./lib/event-loop-lag";
import type { Logger } from "./lib/logger";
import type { MetricsRegistry } from "./lib/metrics";
import { createDashboard, type DashboardCache } from "./services/dashboard";
import { createMarketService } from "./services/market";

/** Everything the HTTP app needs, built by the composition root (or a test). */
export interface AppDeps {
  config: Config;
  log: Logger;
  database: Database;
  metrics: MetricsRegistry;
  lag: EventLoopLag;
  services: ServiceControl;
  /** The dashboard cache; main.ts passes one that a LISTEN connection invalidates. Default: one without. */
  dashboard?: DashboardCache;
  /** The account's exchange, for manual orders; without it placing and cancelling answer 503. */
  exchange?: ExchangeClient;
  /** Where orders go while live trading is off; required when `exchange` is live. */
  paperExchange?: ExchangeClient;
  startedAt?: number;
}

/** Paths that hold the connection open on purpose and so escape the request timeout. */
const LONG_LIVED = new Set(["/api/dashboard/stream"]);

/** Builds the Hono app: global middleware, every route, one error handler and a JSON 404. */
export function createApp(deps: AppDeps) {
  const { config, log, database, metrics, lag, services } = deps;
  const startedAt = deps.startedAt ?? Date.now();
  const dashboard = deps.dashboard ?? createDashboard({ config, sql: database.sql, services, log });
  const requestTimeout = timeout(
    config.REQUEST_TIMEOUT_MS,
    new HTTPException(504, { message: `request took longer than ${config.REQUEST_TIMEOUT_MS} ms` }),
  );

  const tickets = streamTickets({ apiToken: config.API_TOKEN, readToken: config.READ_TOKEN });

  const app = new Hono()
    .use(requestId())
    .use(requestLog({ log, metrics, slowRequestMs: config.SLOW_REQUEST_MS }))
    .use(secureHeaders())
    .use((c, next) => (LONG_LIVED.has(c.req.path) ? next() : requestTimeout(c, next)))
    .use(browserAccess(config.CORS_ORIGINS))
    .use(
      bodyLimit({
        maxSize: config.BODY_LIMIT_BYTES,
        onError: () => {
          throw new ApiError("payload_too_large", `request body exceeds ${config.BODY_LIMIT_BYTES} bytes`);
        },
      }),
    )
    .route(
      "/",
      systemRoutes({ sql: database.sql, healthDbTimeoutMs: config.HEALTH_DB_TIMEOUT_MS, services, startedAt }),
    )
    .route("/", metricsRoutes({ metrics, lag, database, services, gauges: () => dashboard.stats(), startedAt }))
    .route(
      "/",
      servicesRoutes({ sql: database.sql, services, apiToken: config.API_TOKEN, readToken: config.READ_TOKEN }),
    )
    .route(
      "/",
      dashboardRoutes({
        dashboard,
        heartbeatMs: config.DASHBOARD_STREAM_HEARTBEAT_MS,
        readToken: config.READ_TOKEN,
        apiToken: config.API_TOKEN,
        tickets,
        log,
      }),
    )
    .route("/", consoleRoutes({ version: packageJson.version }))
    .route("/", tradingApiRoutes({ config, database, exchange: deps.exchange, paperExchange: deps.paperExchange }))
    .route(
      "/api/market",
      marketRoutes({
        market: createMarketService({ exchange: deps.exchange, candleCacheMs: config.MARKET_CANDLE_CACHE_MS }),
        auth: { apiToken: config.API_TOKEN, readToken: config.READ_TOKEN },
        defaultTimeframe: config.SIGNAL_TIMEFRAME,
      }),
    );

  app.onError(handleError(log));
  app.notFound(notFound);
  return app;
}

export type App = ReturnType<typeof createApp>;

/**
 * Opt-in CORS for the listed origins: a preflight is answered here, before any auth (a browser sends no
 * token on it); `Authorization` may be sent and `ETag`/`X-Request-Id` read. No origins: a pass-through.
 */
function browserAccess(origins: readonly string[]): MiddlewareHandler {
  if (origins.length === 0) return (_c, next) => next();
  return cors({
    origin: [...origins],
    allowMethods: ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"],
    allowHeaders: ["Authorization", "Content-Type", "If-None-Match", "Idempotency-Key", "Last-Event-ID"],
    exposeHeaders: ["ETag", "X-Request-Id", "Retry-After"],
    maxAge: 600,
  });
}
