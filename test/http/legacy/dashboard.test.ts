import { afterAll, describe, expect, test } from "bun:test";
import { nativeRoutes } from "../../../src/http/native-routes";
import { createLogger } from "../../../src/lib/logger";
import { createTestApp, fixedServices } from "../../helpers/app";
import { createTestDatabase } from "../../helpers/cluster";
import { json } from "../../helpers/json";
import { insertDashboardFixture } from "../../services/dashboard/fixture";

const STATE = "/legacy/api/dashboard/state";
const CLIENT = { "Content-Type": "application/json", "x-api-key": "demo-key" };

const RUNNING = fixedServices([
  {
    name: "trading_scheduler",
    state: "running",
    enabled: true,
    restarts: 0,
    last_run_at: null,
    last_success_at: null,
    last_error: null,
  },
]);

describe("legacy /dashboard/state and /dashboard/snapshot", async () => {
  const database = await createTestDatabase();
  await insertDashboardFixture(database.sql);
  const t = createTestApp(database, { env: { LOG_LEVEL: "warn" }, services: RUNNING });
  const stopped = createTestApp(database, { env: { LOG_LEVEL: "warn" } });
  // As main.ts serves it: Bun's router first, the Hono app for the rest.
  const server = Bun.serve({
    port: 0,
    hostname: "127.0.0.1",
    development: false,
    routes: nativeRoutes({
      dashboard: t.dashboard,
      metrics: t.metrics,
      log: createLogger({ level: "warn", format: "json", write: () => {} }),
      logRequests: false,
      slowRequestMs: t.config.SLOW_REQUEST_MS,
      legacyPrefix: t.config.LEGACY_API_PREFIX,
      fallback: (request, bunServer) => t.app.fetch(request, bunServer),
    }),
    fetch: t.app.fetch,
  });
  const url = (path: string) => `http://127.0.0.1:${server.port}${path}`;
  afterAll(async () => {
    server.stop(true);
    t.close();
    stopped.close();
    await database.close();
  });

  test("the fields the frontend reads: bot status, portfolio, orders' times, summary, errors as strings", async () => {
    const res = await t.app.request(STATE, { headers: CLIENT });
    expect(res.status).toBe(200);
    const state = await json(res);
    expect(state.bot_status).toEqual({
      is_running: true,
      status: "running",
      reason: null,
      live_trading_enabled: false,
      mode: "DRY_RUN",
    });
    expect(state.portfolio.total_value_usd).toBeCloseTo(49999.999, 2);
    expect(state.total_usd_value).toBeCloseTo(49999.999, 2);
    const btc = state.portfolio.assets.find((a: { coin: string }) => a.coin === "BTC");
    expect(btc).toMatchObject({ coin: "BTC", balance: 0.5, value_usd: 30000, available_qty: 0.4, reserved_qty: 0.1 });
    expect(typeof btc.value_usd.toFixed).toBe("function");
    expect(state.balances.find((b: { asset: string }) => b.asset === "ETH")).toMatchObject({
      balance: 2.5,
      free: 2.5,
      total: 2.5,
      usd_value: 5000.123456789,
    });
    expect(state.open_orders).toHaveLength(50);
    const newest = state.open_orders[0];
    expect(newest).toMatchObject({
      exchange_order_id: "open-60",
      created_at: "2025-03-01T01:00:00.000Z",
      updated_at: "2025-03-01T01:01:00.000Z",
      create_time: Date.parse("2025-03-01T01:00:00.000Z"),
      price: 43210.12345678,
      quantity: 0.001,
      cumulative_quantity: 0.0005,
    });
    expect(state.open_orders_summary).toHaveLength(50);
    expect(state.open_orders_summary[0]).toMatchObject({
      order_id: "open-60",
      symbol: "ETH_USDT",
      base_symbol: "ETH",
      side: "BUY",
      status: "PARTIALLY_FILLED",
      price: 43210.12345678,
      quantity: 0.001,
      is_trigger: false,
      created_at: "2025-03-01T01:00:00.000Z",
    });
    expect(state.fast_signals[0]).toMatchObject({ symbol: "BTC_USDT", should_trade: true, refresh_hint: "fast" });
    expect(typeof state.fast_signals[0].price).toBe("number");
    expect(state.errors).toEqual([]);
    // The rest as ATP's state.
    expect(state.watchlist.map((w: { symbol: string }) => w.symbol)).toEqual(["BTC_USDT", "ETH_USDT"]);
    expect(state.services.map((s: { name: string }) => s.name)).toContain("exchange_sync");
    expect(typeof state.generated_at).toBe("string");
  });

  test("the badge reads stopped, with a reason, when the trading scheduler is not running", async () => {
    const state = await json(await stopped.app.request(STATE, { headers: CLIENT }));
    expect(state.bot_status).toMatchObject({ is_running: false, status: "stopped", mode: "DRY_RUN" });
    expect(state.bot_status.reason).toContain("trading_scheduler");
  });

  test("served from the dashboard cache: one build for both prefixes, an ETag of its own, 304", async () => {
    const builds = t.dashboard.stats().dashboard_builds;
    const first = await t.app.request(STATE, { headers: CLIENT });
    const atp = await t.app.request("/api/dashboard/state");
    expect(t.dashboard.stats().dashboard_builds).toBe(builds);
    const etag = first.headers.get("etag") as string;
    expect(etag).toMatch(/^W\/".+-legacy"$/);
    expect(etag).not.toBe(atp.headers.get("etag"));
    const again = await t.app.request(STATE, { headers: { ...CLIENT, "If-None-Match": etag } });
    expect(again.status).toBe(304);
  });

  test("Bun's router answers it with the Hono route's body and headers", async () => {
    const viaHono = await t.app.request(STATE, { headers: { ...CLIENT, "Accept-Encoding": "identity" } });
    const before = t.metrics.summaries().find((r) => r.route === `GET ${STATE}`)?.count ?? 0;
    const native = await fetch(url(STATE), { headers: { ...CLIENT, "Accept-Encoding": "identity" } });
    expect(native.status).toBe(200);
    expect(native.headers.get("etag")).toBe(viaHono.headers.get("etag"));
    expect(native.headers.get("x-response-time")).toMatch(/ms$/);
    const [a, b] = [await json(viaHono), await json(native)];
    expect(b).toEqual(a);
    expect(t.metrics.summaries().find((r) => r.route === `GET ${STATE}`)?.count).toBe(before + 1);
    const gz = await fetch(url(STATE), { headers: { ...CLIENT, "Accept-Encoding": "gzip" }, decompress: false });
    await gz.arrayBuffer();
    expect(["gzip", null]).toContain(gz.headers.get("content-encoding"));
  });

  test("snapshot: the state with its age, stale and empty flags", async () => {
    const snap = await json(await t.app.request("/legacy/api/dashboard/snapshot", { headers: CLIENT }));
    expect(Object.keys(snap)).toEqual(["data", "last_updated_at", "stale_seconds", "stale", "empty"]);
    expect(snap.data.bot_status.is_running).toBe(true);
    expect(snap.data.balances.length).toBeGreaterThan(0);
    expect(Date.parse(snap.last_updated_at)).toBe(Date.parse(snap.data.generated_at));
    expect(snap.stale_seconds).toBeGreaterThanOrEqual(0);
    expect(snap).toMatchObject({ stale: false, empty: false });
  });

  test("with DASHBOARD_CACHE=off each answer is a build of its own, never compressed", async () => {
    const off = createTestApp(database, { env: { LOG_LEVEL: "warn", DASHBOARD_CACHE: "off" }, services: RUNNING });
    try {
      for (let i = 0; i < 2; i++) {
        const res = await off.app.request(STATE, { headers: { ...CLIENT, "Accept-Encoding": "gzip, br" } });
        expect(res.status).toBe(200);
        expect(res.headers.get("content-encoding")).toBeNull();
        expect((await json(res)).bot_status.is_running).toBe(true);
        await Bun.sleep(50);
      }
      expect(off.dashboard.stats().dashboard_builds).toBe(2);
    } finally {
      off.close();
    }
  });

  test("an empty account is an empty snapshot", async () => {
    const empty = await createTestDatabase();
    const e = createTestApp(empty, { env: { LOG_LEVEL: "warn" } });
    try {
      const snap = await json(await e.app.request("/legacy/api/dashboard/snapshot", { headers: CLIENT }));
      expect(snap.empty).toBe(true);
      expect(snap.data.open_orders).toEqual([]);
      expect(snap.data.portfolio).toMatchObject({ assets: [], total_value_usd: 0 });
    } finally {
      e.close();
      await empty.close();
    }
  });
});
