import type { MiddlewareHandler } from "hono";
import type { Logger } from "../../lib/logger";
import type { MetricsRegistry } from "../../lib/metrics";

export interface RequestLogOptions {
  log: Logger;
  metrics: MetricsRegistry;
  slowRequestMs?: number;
}

/**
 * Times every request: `Server-Timing` and `X-Response-Time` headers (one measurement for both, instead of
 * a second timing layer: each middleware layer costs measurable CPU on the cached-dashboard path), the route's latency histogram, one `PERF` log line,
 * and a `SLOW REQUEST` warning above `slowRequestMs`.
 */
export function requestLog({ log, metrics, slowRequestMs = 1000 }: RequestLogOptions): MiddlewareHandler {
  return async function requestLogMiddleware(c, next) {
    const start = performance.now();
    await next();
    const ms = performance.now() - start;
    const status = c.res.status;
    // routePath is the matched pattern; an unmatched request reports the catch-all.
    const route = `${c.req.method} ${status === 404 && c.req.routePath === "/*" ? "(unmatched)" : c.req.routePath}`;
    const rounded = ms.toFixed(2);
    c.res.headers.set("X-Response-Time", `${rounded}ms`);
    c.res.headers.set("Server-Timing", `total;dur=${rounded}`);
    metrics.record(route, status, ms);
    const fields = {
      method: c.req.method,
      path: c.req.path,
      route: c.req.routePath,
      status,
      ms: Math.round(ms * 100) / 100,
      request_id: c.get("requestId"),
    };
    log.info("PERF", fields);
    if (ms > slowRequestMs) log.warn("SLOW REQUEST", { ...fields, threshold_ms: slowRequestMs });
  };
}
