import type { createApp } from "../../src/app";
import type { Config } from "../../src/config";
import { bearer, jsonHeaders } from "../helpers/app";
import { json } from "../helpers/json";

type App = ReturnType<typeof createApp>;

/** A valid body for each route that takes one: the reliability suites send them (or variants of them). */
export const BODIES: Record<string, Record<string, unknown>> = {
  "PUT /api/trading/mode": { live_trading: false },
  "POST /api/watchlist": { symbol: "ETH_USDT", trade_amount_usd: "10", cooldown_seconds: 60 },
  "PUT /api/watchlist/:symbol": { alert_enabled: true, stop_loss_pct: "5" },
  "PATCH /api/watchlist/:symbol": { alert_enabled: true, stop_loss_pct: "5" },
  "POST /api/orders": { symbol: "BTC_USDT", side: "BUY", type: "LIMIT", quantity: "0.001", price: "1000" },
  "POST /api/signals/simulate": { symbol: "BTC_USDT", side: "BUY", price: "100", reason: "why" },
  "POST /api/test/paper/prices": { symbol: "BTC_USDT", price: "50000" },
  "DELETE /api/test/paper/prices": { symbol: "BTC_USDT" },
  "POST /api/loans": { currency: "USDT", borrowed_amount: "100", notes: "n" },
  "PUT /api/loans/:id": { notes: "n", borrowed_amount: "5" },
  "PATCH /api/loans/:id": { notes: "n", borrowed_amount: "5" },
};

/** Headers a route needs besides auth (the reliability suites add them to its valid request). */
export const HEADERS: Record<string, Record<string, string>> = {
  "POST /api/positions/:symbol/exit": { "Idempotency-Key": "sample-exit" },
};

/** Every route the app registers, as `METHOD /path/:param`, in registration order. */
export function registeredRoutes(app: App): string[] {
  const methods = new Set(["GET", "POST", "PUT", "PATCH", "DELETE"]);
  return [...new Set(app.routes.filter((r) => methods.has(r.method)).map((r) => `${r.method} ${r.path}`))];
}

/**
 * Rows the samples point at (a watchlist item, two loans, a placed order) and a valid value for each path
 * parameter, by `"/path/:p p"` or by the parameter's name alone. A route with a parameter missing here fails
 * the suites that walk every route, so a new route must add its value.
 */
export async function seedSamples(app: App, config: Config) {
  const post = async (path: string, body: unknown, headers = jsonHeaders()) =>
    json(await app.request(path, { method: "POST", headers, body: JSON.stringify(body) }));
  await post("/api/watchlist", { symbol: "BTC_USDT" });
  await post("/api/loans", { currency: "USDT", borrowed_amount: "100" });
  const loan = await post("/api/loans", { currency: "BTC", borrowed_amount: "1" });
  const placed = await post(
    "/api/orders",
    { symbol: "BTC_USDT", side: "BUY", type: "LIMIT", quantity: "0.001", price: "1000" },
    jsonHeaders({ "Idempotency-Key": "sample-order" }),
  );
  const presets = await json(await app.request("/api/strategy/presets", { headers: bearer() }));
  const page = await (await app.request("/")).text();
  const params: Record<string, string | undefined> = {
    "/api/loans/:id id": String(loan.id),
    "/api/orders/:id/cancel id": placed.order?.exchange_order_id,
    "/api/orders/by-client-id/:id id": "sample-order",
    "/api/services/:name/:action name": "exchange_sync",
    "/api/services/:name/:action action": "stop",
    "/api/profit/:period period": "daily",
    "/assets/:file file": /\/assets\/([^"'?]+)/.exec(page)?.[1],
    "/docs/assets/:file file": "swagger-ui.css",
    symbol: "BTC_USDT",
    s: "BTC_USDT",
  };
  // A saved preset of one's own (a built-in one cannot be replaced), with a built-in's rules.
  const builtin = await json(await app.request(`/api/strategy/presets/${presets.presets?.[0]?.name}`));
  const rules = builtin.rules;
  await app.request("/api/strategy/presets/sample-preset", {
    method: "PUT",
    headers: jsonHeaders(),
    body: JSON.stringify(rules),
  });
  params["/api/strategy/presets/:name name"] = "sample-preset";
  const bodies: Record<string, Record<string, unknown>> = { ...BODIES, "PUT /api/strategy/presets/:name": rules };
  const L = config.LEGACY_API_PREFIX;
  if (L) {
    const { watchlist } = await json(await app.request("/api/watchlist", { headers: bearer() }));
    params[`${L}/dashboard/:id id`] = String(watchlist[0]?.id);
    Object.assign(bodies, {
      [`POST ${L}/dashboard`]: { symbol: "SOL_USDT", alert_enabled: true },
      [`PUT ${L}/dashboard/:id`]: { alert_enabled: true },
      [`PUT ${L}/dashboard/symbol/:s`]: { alert_enabled: true },
      [`POST ${L}/dashboard/bulk-update-alerts`]: { buy_alerts: true, sell_alerts: true, trade_enabled: false },
      [`PUT ${L}/watchlist/:s/alert`]: { alert_enabled: true },
      [`PUT ${L}/watchlist/:s/buy-alert`]: { buy_alert_enabled: true },
      [`PUT ${L}/watchlist/:s/sell-alert`]: { sell_alert_enabled: true },
      [`POST ${L}/orders/quick`]: { symbol: "BTC_USDT", side: "BUY", price: 60000, amount_usd: 100 },
      [`POST ${L}/trading/live-toggle`]: { enabled: false },
    });
  }
  return { loan, params, bodies };
}

/** The valid value of each parameter of a route template; throws naming any the samples lack. */
export function paramValues(params: Record<string, string | undefined>, route: string): Record<string, string> {
  const template = route.split(" ")[1] as string;
  const names = [...template.matchAll(/:([A-Za-z0-9_]+)/g)].map((m) => m[1] as string);
  const values = Object.fromEntries(names.map((n) => [n, params[`${template} ${n}`] ?? params[n]]));
  const missing = names.filter((n) => values[n] === undefined);
  if (missing.length > 0) throw new Error(`${route}: no valid value for :${missing.join(", :")} in the samples`);
  return values as Record<string, string>;
}

/** The route's template with the given values in place of its parameters (already encoded). */
export function fillPath(template: string, values: Record<string, string>): string {
  return template.replace(/:([A-Za-z0-9_]+)/g, (_m, n: string) => values[n] as string);
}
