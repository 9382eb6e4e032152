import { Hono, type MiddlewareHandler } from "hono";
import { bodyLimit } from "hono/body-limit";
import { cors } from "hono/cors";
import { HTTPException } from "hono/http-exception";
import { requestId } from "hono/request-id";
import { timeout } from "hono/timeout";
import type { AppDeps, AppEnv } from "./http/context";
import { API_OPERATIONS } from "./http/docs";
import { ApiError, handleError, notFound } from "./http/errors";
import { apiAuth } from "./http/middleware/auth";
import { authFailures } from "./http/middleware/auth-failures";
import { declaredInput } from "./http/middleware/declared-input";
import { legacyErrors } from "./http/middleware/legacy-errors";
import { noStoreJson } from "./http/middleware/no-store";
import { requestLog } from "./http/middleware/request-log";
import { consoleRoutes } from "./http/routes/console";
import { dashboardRoutes, STREAM_PATH, STREAM_TICKET_PATH } from "./http/routes/dashboard";
import { legacyRoutes } from "./http/routes/legacy";
import { legacyInputs } from "./http/routes/legacy/inputs";
import { loansRoutes } from "./http/routes/loans";
import { marketRoutes } from "./http/routes/market";
import { metricsRoutes } from "./http/routes/metrics";
import { ordersRoutes } from "./http/routes/orders";
import { portfolioRoutes } from "./http/routes/portfolio";
import { positionsRoutes, profitRoutes, tradesRoutes } from "./http/routes/positions";
import { servicesRoutes } from "./http/routes/services";
import { signalsRoutes } from "./http/routes/signals";
import { strategyRoutes } from "./http/routes/strategy";
import { systemRoutes } from "./http/routes/system";
import { testControlRoutes } from "./http/routes/test-control";
import { tradingRoutes } from "./http/routes/trading";
import { watchlistRoutes } from "./http/routes/watchlist";
import { answerSecurity } from "./http/secure-headers";

export type { AppDeps, AppEnv } from "./http/context";

/** Paths that hold the connection open on purpose and so escape the request timeout. */
const LONG_LIVED = new Set([STREAM_PATH]);

/**
 * Builds the Hono app: global middleware, auth once on /api/* (and once, accepting x-api-key too, on the legacy
 * prefix), every router, one error handler and a JSON 404.
 */
export function createApp(deps: AppDeps) {
  const { config, log, metrics, tickets } = deps;
  const legacy = config.LEGACY_API_PREFIX;
  const requestTimeout = timeout(
    config.REQUEST_TIMEOUT_MS,
    new HTTPException(504, { message: `request took longer than ${config.REQUEST_TIMEOUT_MS} ms` }),
  );

  // Metrics name routes, services and their errors: a read like any other, unless configured public.
  const metricsAuth = apiAuth({
    apiToken: config.API_TOKEN,
    readToken: config.METRICS_PUBLIC ? undefined : config.READ_TOKEN,
  });

  const app = new Hono<AppEnv>()
    .use(requestId())
    .use(requestLog({ log, metrics, slowRequestMs: config.SLOW_REQUEST_MS }))
    // Outermost after the log: every error under the legacy prefix, whichever layer raised it, as `{"detail"}`.
    .use(legacyErrors(legacy))
    .use(answerSecurity())
    .use((c, next) => (LONG_LIVED.has(c.req.path) ? next() : requestTimeout(c, next)))
    .use(browserAccess(config.CORS_ORIGINS, legacy))
    .use(
      bodyLimit({
        maxSize: config.BODY_LIMIT_BYTES,
        onError: () => {
          throw new ApiError("payload_too_large", `request body exceeds ${config.BODY_LIMIT_BYTES} bytes`);
        },
      }),
    )
    .use(noStoreJson())
    .use(
      authFailures({
        limit: config.AUTH_FAILURE_LIMIT,
        windowMs: config.AUTH_FAILURE_WINDOW_MS,
        log,
        // Without READ_TOKEN no read checks a token: a client held back for failed writes still reads.
        unchecked: (c) => !config.READ_TOKEN && (c.req.method === "GET" || c.req.method === "HEAD"),
      }),
    )
    .use("/metrics", metricsAuth)
    .use("/metrics/*", metricsAuth)
    .use(
      "/api/*",
      apiAuth({
        apiToken: config.API_TOKEN,
        readToken: config.READ_TOKEN,
        tickets,
        readPosts: new Set([STREAM_TICKET_PATH]),
      }),
    )
    .use(declaredInput([...API_OPERATIONS, ...legacyInputs(legacy)]))
    .route("/", systemRoutes(deps))
    .route("/", consoleRoutes())
    .route("/metrics", metricsRoutes(deps))
    .route("/api/services", servicesRoutes(deps))
    .route("/api/dashboard", dashboardRoutes(deps))
    .route("/api/watchlist", watchlistRoutes(deps))
    .route("/api/orders", ordersRoutes(deps))
    .route("/api/signals", signalsRoutes(deps))
    .route("/api/portfolio", portfolioRoutes(deps))
    .route("/api/loans", loansRoutes(deps))
    .route("/api/trading", tradingRoutes(deps))
    .route("/api/market", marketRoutes(deps))
    .route("/api/strategy", strategyRoutes(deps))
    .route("/api/positions", positionsRoutes(deps))
    .route("/api/trades", tradesRoutes(deps))
    .route("/api/profit", profitRoutes(deps))
    .route("/api/test", testControlRoutes(deps));

  if (legacy) {
    // The replaced frontend sends `x-api-key`: accepted here only, by an instance of its own (/api/* never sees it).
    app
      .use(`${legacy}/*`, apiAuth({ apiToken: config.API_TOKEN, readToken: config.READ_TOKEN, apiKeyHeader: true }))
      .route(legacy, legacyRoutes(deps));
  }

  app.onError(handleError(log));
  app.notFound(notFound);
  return app;
}

export type App = ReturnType<typeof createApp>;

/**
 * Opt-in CORS for the listed origins: a preflight is answered here, before any auth (a browser sends no
 * token on it); `Authorization` may be sent and `ETag`/`X-Request-Id` read. Under the legacy prefix the
 * frontend's `x-api-key` may be sent too (and only there). No origins: a pass-through.
 */
function browserAccess(origins: readonly string[], legacyPrefix: string): MiddlewareHandler {
  if (origins.length === 0) return (_c, next) => next();
  const allowHeaders = ["Authorization", "Content-Type", "If-None-Match", "Idempotency-Key", "Last-Event-ID"];
  const options = (headers: string[]) =>
    cors({
      origin: [...origins],
      allowMethods: ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"],
      allowHeaders: headers,
      exposeHeaders: ["ETag", "X-Request-Id", "Retry-After", "Client-Order-Id", "Idempotent-Replayed"],
      maxAge: 600,
    });
  const api = options(allowHeaders);
  if (!legacyPrefix) return api;
  const legacy = options([...allowHeaders, "x-api-key"]);
  const under = `${legacyPrefix}/`;
  return (c, next) => (c.req.path.startsWith(under) ? legacy(c, next) : api(c, next));
}
