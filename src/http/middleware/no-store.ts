import type { MiddlewareHandler } from "hono";

/**
 * `Cache-Control: no-store` on every JSON answer that set no policy of its own: account data (balances, orders,
 * errors naming them) must not be kept by browsers or proxies.
 */
export function noStoreJson(): MiddlewareHandler {
  return async function noStoreJsonMiddleware(c, next) {
    await next();
    const headers = c.res.headers;
    if (!headers.has("Cache-Control") && headers.get("Content-Type")?.startsWith("application/json")) {
      headers.set("Cache-Control", "no-store");
    }
  };
}
