import type { Server as BunServer } from "bun";
import type { Logger } from "../lib/logger";
import type { MetricsRegistry } from "../lib/metrics";
import type { DashboardCache, DashboardSnapshot } from "../services/dashboard";
import { dashboardResponder, type Stamp } from "./dashboard-response";
import { legacyView } from "./routes/legacy/dashboard-view";
import { SECURE_HEADERS } from "./secure-headers";

type Server = BunServer<unknown>;

const DASHBOARD_STATE = "/api/dashboard/state";
// As hono/request-id accepts an incoming id.
const VALID_REQUEST_ID = /^[\w\-=]+$/;

export interface NativeRoutesDeps {
  dashboard: DashboardCache;
  metrics: MetricsRegistry;
  log: Logger;
  /** LOG_LEVEL is debug or info: each request writes its PERF line, as the Hono request log does. */
  logRequests: boolean;
  slowRequestMs: number;
  /** With READ_TOKEN set, reads need a token: those requests go through the Hono app's auth. */
  readToken?: string;
  /** CORS_ORIGINS: with any, a request carrying `Origin` goes through the Hono app's CORS middleware. */
  corsOrigins?: readonly string[];
  /** LEGACY_API_PREFIX: when set, its `/dashboard/state` (the same snapshot in the frontend's shape) is answered here too. */
  legacyPrefix?: string;
  /** DASHBOARD_CACHE is on: snapshots are kept, so their legacy renderings are worth compressed copies. */
  cached?: boolean;
  /** The Hono app: answers what the native route does not (any other method, a read needing a token, a build error). */
  fallback: (request: Request, server: Server) => Response | Promise<Response>;
}

/**
 * Routes Bun's own router answers before Hono (Bun.serve `routes`), for the hottest path: `GET
 * /api/dashboard/state` (and its legacy twin, the same snapshot in the replaced frontend's shape) served from the
 * cached snapshot with headers built once per snapshot. It keeps
 * the Hono path's contract: the same body, ETag/304, secure headers, request id, `Server-Timing` and
 * `X-Response-Time`, the route's metrics and PERF line. A profile of the Hono path under wrk put a third
 * of its CPU in reading `request.url` (Hono's getPath), which Bun's router does natively, and most of the
 * rest in the middleware chain (details in README Performance).
 */
export function nativeRoutes(deps: NativeRoutesDeps) {
  const { dashboard, metrics, log, logRequests, slowRequestMs, readToken, fallback } = deps;
  const cors = (deps.corsOrigins?.length ?? 0) > 0;
  const respond = dashboardResponder(SECURE_HEADERS);

  /**
   * The answer's own headers, metrics and log line, set on the representation's headers just before
   * `new Response` copies them: the time is the handler's, up to the answer's construction. One function per
   * route, not a closure per request: this runs at every answer of the hottest path.
   */
  const stamper = (path: string): Stamp => {
    const label = `GET ${path}`;
    return (target, status, request, start) => {
      const incoming = request.headers.get("x-request-id");
      const requestId =
        incoming && incoming.length <= 255 && VALID_REQUEST_ID.test(incoming) ? incoming : crypto.randomUUID();
      const ms = performance.now() - start;
      const { headers } = target;
      headers.set("X-Request-Id", requestId);
      // Warm answers take the same few hundredths of a millisecond: most answers keep the values already set.
      const hundredths = Math.round(ms * 100);
      if (hundredths !== target.timing) {
        const rounded = (hundredths / 100).toFixed(2);
        headers.set("X-Response-Time", `${rounded}ms`);
        headers.set("Server-Timing", `total;dur=${rounded}`);
        target.timing = hundredths;
      }
      metrics.record(label, status, ms);
      if (logRequests || ms > slowRequestMs) {
        const fields = {
          method: "GET",
          path,
          route: path,
          status,
          ms: Math.round(ms * 100) / 100,
          request_id: requestId,
        };
        if (logRequests) log.info("PERF", fields);
        if (ms > slowRequestMs) log.warn("SLOW REQUEST", { ...fields, threshold_ms: slowRequestMs });
      }
    };
  };

  /** The GET handler of one path answering `render(snapshot)`: from the cache when current, else after a build. */
  const route = (path: string, render: (snapshot: DashboardSnapshot) => DashboardSnapshot) => {
    const stamp = stamper(path);
    const slow = async (request: Request, server: Server, start: number): Promise<Response> => {
      try {
        const snapshot = render(await dashboard.current());
        return respond(snapshot, request, stamp, start);
      } catch {
        // The Hono route answers (and logs) the failure its usual way.
        return fallback(request, server);
      }
    };
    return {
      GET: (request: Request, server: Server): Response | Promise<Response> => {
        // A query string is Hono's to refuse (the route declares no parameters), as on every other route.
        if (readToken || (cors && request.headers.has("origin")) || request.url.includes("?")) {
          return fallback(request, server);
        }
        const start = performance.now();
        const snapshot = dashboard.peek();
        return snapshot ? respond(render(snapshot), request, stamp, start) : slow(request, server, start);
      },
    };
  };

  const routes: Record<string, ReturnType<typeof route>> = { [DASHBOARD_STATE]: route(DASHBOARD_STATE, (s) => s) };
  const legacyOptions = { compress: deps.cached ?? true };
  if (deps.legacyPrefix) {
    routes[`${deps.legacyPrefix}/dashboard/state`] = route(
      `${deps.legacyPrefix}/dashboard/state`,
      (s) => legacyView(s, legacyOptions).snapshot,
    );
  }
  return routes;
}
