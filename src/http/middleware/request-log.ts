import type { MiddlewareHandler } from "hono";
import type { Logger } from "../../lib/logger";
import type { MetricsRegistry } from "../../lib/metrics";

export interface RequestLogOptions {
  log: Logger;
  metrics: MetricsRegistry;
  slowRequestMs?: number;
}

/**
 * Times every request: `X-Response-Time` header, the route's latency histogram, one `PERF` log line,
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
    c.res.headers.set("X-Response-Time", `${ms.toFixed(2)}ms`);
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
