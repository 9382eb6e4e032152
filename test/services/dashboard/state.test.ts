import { afterAll, describe, expect, test } from "bun:test";
import { notifyChange } from "../../../src/db/changes";
import { createTestApp, fixedServices } from "../../helpers/app";
import { createTestDatabase } from "../../helpers/cluster";
import { json } from "../../helpers/json";
import { at, insertDashboardFixture } from "./fixture";

const range = (from: number, to: number) => {
  const step = from <= to ? 1 : -1;
  return Array.from({ length: Math.abs(to - from) + 1 }, (_, i) => from + i * step);
};

describe("GET /api/dashboard/state", async () => {
  const database = await createTestDatabase();
  const { specialSignalId } = await insertDashboardFixture(database.sql);
  const services = fixedServices([
    {
      name: "exchange_sync",
      state: "running",
      enabled: true,
      last_run_at: null,
      last_success_at: null,
      last_error: null,
      restarts: 0,
    },
    {
      name: "trading_scheduler",
      state: "crashed",
      enabled: true,
      last_run_at: at(295),
      last_success_at: null,
      last_error: "worker exited",
      restarts: 2,
    },
  ]);
  // A zero stale window: the answer after a change is the changed dashboard.
  const { app, dashboard, close } = createTestApp(database, { services, env: { DASHBOARD_STALE_MS: "0" } });
  afterAll(async () => {
    close();
    await database.close();
  });

  test("has exactly the legacy and the new top-level keys", async () => {
    const res = await app.request("/api/dashboard/state");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toStartWith("application/json");
    const body = await json(res);
    expect(Object.keys(body).sort()).toEqual(
      [
        "total_usd_value",
        "balances",
        "fast_signals",
        "slow_signals",
        "open_orders",
        "last_sync",
        "portfolio_last_updated",
        "portfolio",
        "bot_status",
        "partial",
        "errors",
        "executed_orders",
        "watchlist",
        "services",
        "positions",
        "profit",
        "generated_at",
      ].sort(),
    );
    expect(body.partial).toBe(false);
    expect(body.errors).toEqual([]);
    expect(Date.now() - Date.parse(body.generated_at)).toBeLessThan(60_000);
  });

  test("portfolio: held assets as balances with their share, active loans as the loans API renders them, netted", async () => {
    const body = await json(await app.request("/api/dashboard/state"));
    expect(body.total_usd_value).toBe("50000.000000000");
    expect(body.portfolio_last_updated).toBe(at(180));
    const balance = (asset: string, free: string, locked: string, total: string, usd: string, share: string) => ({
      asset,
      free,
      locked,
      total,
      usd_value: usd,
      updated_at: at(300),
      share_pct: share,
    });
    expect(body.portfolio).toMatchObject({
      assets: [
        balance("BTC", "0.40000000", "0.10000000", "0.50000000", "30000.00", "60.00"),
        balance("USDT", "14000.876543211", "999", "14999.876543211", "14999.876543211", "30.00"),
        balance("ETH", "2.5", "0", "2.5", "5000.123456789", "10.00"),
      ],
      loans: [
        {
          currency: "SOL",
          borrowed_amount: "3",
          borrowed_usd: "450",
          interest_rate: "0.0001",
          is_active: true,
          auto_detected: true,
          notes: null,
        },
      ],
      total_assets_usd: "50000.000000000",
      total_borrowed_usd: "450",
      net_usd: "49550.000000000",
      valued_at: at(180),
    });
    expect(body.portfolio.assets[0]).toEqual(
      balance("BTC", "0.40000000", "0.10000000", "0.50000000", "30000.00", "60.00"),
    );
  });

  test("balances: every non-zero asset, largest value first, amounts as stored", async () => {
    const body = await json(await app.request("/api/dashboard/state"));
    expect(body.balances).toEqual([
      {
        asset: "BTC",
        free: "0.40000000",
        locked: "0.10000000",
        total: "0.50000000",
        usd_value: "30000.00",
        updated_at: at(300),
      },
      {
        asset: "USDT",
        free: "14000.876543211",
        locked: "999",
        total: "14999.876543211",
        usd_value: "14999.876543211",
        updated_at: at(300),
      },
      { asset: "ETH", free: "2.5", locked: "0", total: "2.5", usd_value: "5000.123456789", updated_at: at(300) },
      { asset: "SOL", free: "-3", locked: "0", total: "-3", usd_value: "-450", updated_at: at(300) },
    ]);
  });

  test("open orders: the newest 50 open ones by create time, every field exact", async () => {
    const body = await json(await app.request("/api/dashboard/state"));
    expect(body.open_orders.map((o: { exchange_order_id: string }) => o.exchange_order_id)).toEqual(
      range(60, 11).map((i) => `open-${i}`),
    );
    const [newest] = body.open_orders;
    expect(newest).toEqual({
      id: expect.any(Number),
      exchange_order_id: "open-60",
      account: "paper",
      client_oid: "sig-7",
      symbol: "ETH_USDT",
      side: "BUY",
      order_type: "LIMIT",
      status: "PARTIALLY_FILLED",
      price: "43210.12345678",
      quantity: "0.00100000",
      cumulative_quantity: "0.00050000",
      cumulative_value: "21.60506173",
      avg_price: "43210.12346",
      fee: "0.00000050",
      fee_currency: "BTC",
      exchange_create_time: at(60),
      exchange_update_time: at(61),
      trade_signal_id: specialSignalId,
    });
    expect(body.open_orders[1]).toMatchObject({ price: "2000.59", quantity: "0.059", avg_price: null });
    expect(body.open_orders.slice(1, 4).map((o: { status: string }) => o.status)).toEqual([
      "PARTIALLY_FILLED",
      "ACTIVE",
      "NEW",
    ]);
  });

  test("executed orders: the newest 20 filled ones by update time", async () => {
    const body = await json(await app.request("/api/dashboard/state"));
    expect(body.executed_orders.map((o: { exchange_order_id: string }) => o.exchange_order_id)).toEqual(
      range(1, 20).map((i) => `filled-${i}`),
    );
    expect(body.executed_orders[0]).toMatchObject({
      status: "FILLED",
      order_type: "MARKET",
      price: null,
      quantity: "0.001",
      cumulative_quantity: "0.001",
      exchange_create_time: at(1),
      exchange_update_time: at(24 * 60 - 1),
    });
  });

  test("signals: 20 actionable and 20 others, newest first, indicators exact", async () => {
    const body = await json(await app.request("/api/dashboard/state"));
    expect(body.fast_signals.map((s: { created_at: string }) => s.created_at)).toEqual(
      range(30, 11).map((i) => at(2 * i)),
    );
    expect(body.slow_signals.map((s: { created_at: string }) => s.created_at)).toEqual(
      range(30, 11).map((i) => at(2 * i + 1)),
    );
    expect(body.fast_signals.every((s: { should_trade: boolean }) => s.should_trade)).toBe(true);
    expect(body.slow_signals.every((s: { should_trade: boolean }) => !s.should_trade)).toBe(true);
    expect(body.fast_signals[0]).toEqual({
      id: specialSignalId,
      symbol: "BTC_USDT",
      side: "BUY",
      strategy: "swing",
      price: "130.5",
      rsi: "28.123",
      ma50: "101.5",
      ma200: "99.25",
      ema10: "100.75",
      atr: "1.2345",
      volume_ratio: "1.8",
      reason: "rule 30",
      status: "order_placed",
      status_reason: "placed as open-60",
      should_trade: true,
      trade_amount_usd: "100.00",
      exchange_order_id: "open-60",
      created_at: at(60),
      last_update_at: at(500),
    });
  });

  test("watchlist: live rows with their latest indicators and current signal", async () => {
    const body = await json(await app.request("/api/dashboard/state"));
    expect(body.watchlist).toEqual([
      {
        id: expect.any(Number),
        symbol: "BTC_USDT",
        alert_enabled: true,
        // Rows written with alert_enabled only: both sides follow it.
        buy_alert_enabled: true,
        sell_alert_enabled: true,
        preset: "swing-conservative",
        overrides: {},
        trade_enabled: true,
        trade_amount_usd: "100.00",
        buy_target: "45000.5",
        take_profit_pct: "5.5",
        stop_loss_pct: "2.25",
        tp_price: null,
        sl_price: null,
        min_price_change_pct: "1.5",
        cooldown_seconds: 600,
        created_at: expect.any(String),
        updated_at: expect.any(String),
        market: {
          price: "43210.5",
          rsi: "38.25",
          ma50: "43000",
          ma200: "41000.125",
          ema10: "43100.75",
          atr: "350.5",
          volume_ratio: "1.25",
          strategy_state: null,
          updated_at: at(400),
        },
        signal: {
          id: expect.any(Number),
          side: "SELL",
          status: "skipped",
          price: "130.5",
          should_trade: false,
          reason: "rule 30",
          created_at: at(61),
        },
      },
      {
        id: expect.any(Number),
        symbol: "ETH_USDT",
        alert_enabled: false,
        buy_alert_enabled: false,
        sell_alert_enabled: false,
        preset: "swing-conservative",
        overrides: {},
        trade_enabled: false,
        trade_amount_usd: null,
        buy_target: null,
        take_profit_pct: null,
        stop_loss_pct: null,
        tp_price: null,
        sl_price: null,
        min_price_change_pct: "1",
        cooldown_seconds: 300,
        created_at: expect.any(String),
        updated_at: expect.any(String),
        market: null,
        signal: null,
      },
    ]);
  });

  test("services: this process's states merged with the persisted last runs; last_sync from exchange_sync", async () => {
    const body = await json(await app.request("/api/dashboard/state"));
    expect(body.last_sync).toBe(at(290));
    expect(body.services).toEqual([
      {
        name: "exchange_sync",
        state: "running",
        enabled: true,
        restarts: 0,
        last_run_at: at(290),
        last_sync: at(290),
        last_error: null,
        last_error_at: null,
        counters: { orders_imported: 95 },
      },
      {
        name: "signal_monitor",
        state: null,
        enabled: false,
        restarts: 0,
        last_run_at: at(240),
        last_sync: null,
        last_error: "candles timed out",
        last_error_at: at(240),
        counters: {},
      },
      {
        name: "trading_scheduler",
        state: "crashed",
        enabled: true,
        restarts: 2,
        last_run_at: at(295),
        last_sync: null,
        last_error: "worker exited",
        last_error_at: null,
        counters: {},
      },
    ]);
  });

  test("bot status: DRY_RUN by default; with live_trading on a paper exchange still DRY_RUN, and it says why", async () => {
    expect((await json(await app.request("/api/dashboard/state"))).bot_status).toEqual({
      mode: "DRY_RUN",
      live_trading: false,
      account: "paper",
      exchange: "paper",
      entries_enabled: true,
      note: null,
    });
    await database.sql`insert into trading_settings (key, value) values ('live_trading', 'true'::jsonb)`;
    dashboard.invalidate();
    expect((await json(await app.request("/api/dashboard/state"))).bot_status).toMatchObject({
      mode: "DRY_RUN",
      live_trading: true,
      account: "paper",
      note: expect.stringContaining("not live"),
    });
    await database.sql`update trading_settings set value = 'false'::jsonb where key = 'live_trading'`;
    await notifyChange(database.sql, "settings");
    dashboard.invalidate();
    expect((await json(await app.request("/api/dashboard/state"))).bot_status.mode).toBe("DRY_RUN");
  });

  test("ETag: If-None-Match answers 304 until the dashboard changes", async () => {
    const first = await app.request("/api/dashboard/state");
    const etag = first.headers.get("etag");
    expect(etag).toMatch(/^W\/"[0-9a-z]+"$/);
    expect(first.headers.get("cache-control")).toBe("no-store");

    const unchanged = await app.request("/api/dashboard/state", { headers: { "If-None-Match": etag as string } });
    expect(unchanged.status).toBe(304);
    expect(await unchanged.text()).toBe("");
    expect(unchanged.headers.get("etag")).toBe(etag);

    // A rebuild with the same content keeps the tag (it ignores generated_at).
    dashboard.invalidate();
    const rebuilt = await app.request("/api/dashboard/state", { headers: { "If-None-Match": etag as string } });
    expect(rebuilt.status).toBe(304);

    await database.sql`update exchange_balances set usd_value = '30000.01' where asset = 'BTC'`;
    dashboard.invalidate();
    const changed = await app.request("/api/dashboard/state", { headers: { "If-None-Match": etag as string } });
    expect(changed.status).toBe(200);
    expect(changed.headers.get("etag")).not.toBe(etag);
    expect((await json(changed)).total_usd_value).toBe("50000.010000000");

    await database.sql`update exchange_balances set usd_value = '30000.00' where asset = 'BTC'`;
    dashboard.invalidate();
    const restored = await app.request("/api/dashboard/state", { headers: { "If-None-Match": etag as string } });
    expect(restored.status).toBe(304);
  });

  test("If-None-Match: a list, a strong form of the tag, and * match; another tag does not", async () => {
    const etag = (await app.request("/api/dashboard/state")).headers.get("etag") as string;
    const strong = etag.replace(/^W\//, "");
    const status = async (ifNoneMatch: string) =>
      (await app.request("/api/dashboard/state", { headers: { "If-None-Match": ifNoneMatch } })).status;
    expect(await status(`"stale-tag", ${etag}`)).toBe(304);
    expect(await status(strong)).toBe(304);
    expect(await status("*")).toBe(304);
    expect(await status('"stale-tag"')).toBe(200);
  });

  test("the body is served as cached bytes: equal bodies until a change; hits counted in /metrics", async () => {
    const a = await (await app.request("/api/dashboard/state")).text();
    const b = await (await app.request("/api/dashboard/state")).text();
    expect(b).toBe(a);
    expect(a.length).toBeGreaterThan(1000);
    const metrics = await json(await app.request("/metrics"));
    expect(metrics.gauges.dashboard_cache_hits).toBeGreaterThan(0);
    expect(metrics.gauges.dashboard_builds).toBeGreaterThan(0);
    expect(metrics.gauges.dashboard_cache_hit_ratio).toBeGreaterThan(0);
    const prometheus = await (await app.request("/metrics/prometheus")).text();
    expect(prometheus).toMatch(/^atp_dashboard_cache_requests_total\{result="hit"\} [1-9]\d*$/m);
  });
});

describe("GET /api/dashboard/state with READ_TOKEN", async () => {
  const database = await createTestDatabase(2);
  const token = "read-token-0123456789";
  const { app, close } = createTestApp(database, { env: { READ_TOKEN: token } });
  afterAll(async () => {
    close();
    await database.close();
  });

  test("needs the token", async () => {
    expect((await app.request("/api/dashboard/state")).status).toBe(401);
    expect((await app.request("/api/dashboard/stream")).status).toBe(401);
    const res = await app.request("/api/dashboard/state", { headers: { Authorization: `Bearer ${token}` } });
    expect(res.status).toBe(200);
    expect((await json(res)).open_orders).toEqual([]);
  });
});
