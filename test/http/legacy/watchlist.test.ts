import { afterAll, describe, expect, test } from "bun:test";
import { createTestApp } from "../../helpers/app";
import { createTestDatabase } from "../../helpers/cluster";
import { json } from "../../helpers/json";

const KEY = "legacy-key-0123456789";
const CLIENT = { "Content-Type": "application/json", "x-api-key": KEY };
const L = "/legacy/api";

describe("legacy watchlist: /dashboard, /dashboard/{id}, /dashboard/symbol/{s}, /watchlist/{s}/*", async () => {
  const database = await createTestDatabase();
  const { app, close } = createTestApp(database, { env: { API_TOKEN: KEY } });
  afterAll(async () => {
    close();
    await database.close();
  });
  const call = (method: string, path: string, body?: unknown) =>
    app.request(`${L}${path}`, {
      method,
      headers: CLIENT,
      body: body === undefined ? undefined : JSON.stringify(body),
    });

  test("saveCoinSettings on a new coin: GET /dashboard finds nothing, POST /dashboard creates it", async () => {
    const list = await call("GET", "/dashboard");
    expect(list.status).toBe(200);
    expect(await json(list)).toEqual([]);
    // As saveCoinSettings builds WatchlistInput (undefined fields are dropped by JSON.stringify).
    const res = await call("POST", "/dashboard", { symbol: "BTC_USDT", exchange: "CRYPTO_COM", trade_enabled: true });
    expect(res.status).toBe(201);
    const item = await json(res);
    expect(item).toMatchObject({
      symbol: "BTC_USDT",
      exchange: "PAPER",
      trade_enabled: true,
      trade_on_margin: false,
      alert_enabled: false,
      buy_alert_enabled: false,
      sell_alert_enabled: false,
      preset: "swing-conservative",
      sl_tp_mode: "conservative",
      trade_amount_usd: null,
      sl_percentage: null,
      tp_percentage: null,
      min_price_change_pct: null,
      alert_cooldown_minutes: null,
      buy_target: null,
    });
    expect(typeof item.id).toBe("number");
    const listed = await json(await call("GET", "/dashboard"));
    expect(listed.map((i: { id: number; symbol: string }) => [i.id, i.symbol])).toEqual([[item.id, "BTC_USDT"]]);
  });

  test("PUT /dashboard/symbol/{s} with the settings the frontend saves: numbers in, numbers out", async () => {
    const res = await call("PUT", "/dashboard/symbol/BTC_USDT", {
      sl_tp_mode: "aggressive",
      min_price_change_pct: 2.5,
      alert_cooldown_minutes: 10,
      trade_amount_usd: 150.5,
      sl_percentage: 3,
      tp_percentage: 7.25,
      buy_target: 0.00000125,
    });
    expect(res.status).toBe(200);
    const item = await json(res);
    expect(item).toMatchObject({
      preset: "swing-aggressive",
      sl_tp_mode: "aggressive",
      min_price_change_pct: 2.5,
      alert_cooldown_minutes: 10,
      trade_amount_usd: 150.5,
      sl_percentage: 3,
      tp_percentage: 7.25,
      buy_target: 0.00000125,
    });
    expect(item.message).toContain("BTC_USDT");
    // ATP's own view of the same item: exact decimals.
    const atp = await json(await app.request("/api/watchlist/BTC_USDT"));
    expect(atp).toMatchObject({ preset: "swing-aggressive", cooldown_seconds: 600, trade_amount_usd: "150.5" });
    expect(atp.buy_target).toBe("0.00000125");
    // Clearing a field with null, as saveCoinSettings does.
    expect((await json(await call("PUT", "/dashboard/symbol/BTC_USDT", { sl_percentage: null }))).sl_percentage).toBe(
      null,
    );
  });

  test("updateCoinConfig's preset family keeps the item's mode; a full name is taken as is", async () => {
    expect((await json(await call("PUT", "/dashboard/symbol/BTC_USDT", { preset: "Scalp" }))).preset).toBe(
      "scalp-aggressive",
    );
    expect(
      (await json(await call("PUT", "/dashboard/symbol/BTC_USDT", { preset: "intraday-conservative" }))).preset,
    ).toBe("intraday-conservative");
    const unknown = await call("PUT", "/dashboard/symbol/BTC_USDT", { preset: "no-such-preset" });
    expect(unknown.status).toBe(400);
    expect(typeof (await json(unknown)).detail).toBe("string");
  });

  test("tp_price/sl_price are ATP's absolute exits; without them the item shows its rules' levels at the price", async () => {
    await database.sql`insert into market_data (symbol, price, atr, updated_at) values ('BTC_USDT', '100', '2', now())
      on conflict (symbol) do update set price = excluded.price, atr = excluded.atr`;
    // intraday-conservative's own distances (a percentage or ATR multiples) at a price of 100.
    const ruled = await json(await call("GET", "/dashboard/symbol/BTC_USDT"));
    expect(ruled.price).toBe(100);
    expect(ruled.tp_price).toBeGreaterThan(100);
    expect(ruled.sl_price).toBeLessThan(100);
    const item = await json(await call("PUT", "/dashboard/symbol/BTC_USDT", { tp_price: 110, sl_price: 95 }));
    expect(item).toMatchObject({ tp_price: 110, sl_price: 95, price: 100 });
    const atp = await json(await app.request("/api/watchlist/BTC_USDT"));
    expect(atp).toMatchObject({ tp_price: "110", sl_price: "95" });
    expect((await json(await call("PUT", "/dashboard/symbol/BTC_USDT", { tp_price: null }))).tp_price).not.toBe(110);
  });

  test("the alert switches: /watchlist/{s}/alert, buy-alert, sell-alert", async () => {
    const all = await json(await call("PUT", "/watchlist/BTC_USDT/alert", { alert_enabled: true }));
    expect(all).toMatchObject({
      ok: true,
      symbol: "BTC_USDT",
      alert_enabled: true,
      buy_alert_enabled: true,
      sell_alert_enabled: true,
    });
    const buy = await json(await call("PUT", "/watchlist/BTC_USDT/buy-alert", { buy_alert_enabled: false }));
    expect(buy).toMatchObject({ ok: true, buy_alert_enabled: false, sell_alert_enabled: true, alert_enabled: true });
    const sell = await json(await call("PUT", "/watchlist/BTC_USDT/sell-alert", { sell_alert_enabled: false }));
    expect(sell).toMatchObject({ buy_alert_enabled: false, sell_alert_enabled: false, alert_enabled: false });
    const split = await json(
      await call("PUT", "/watchlist/BTC_USDT/alert", {
        alert_enabled: true,
        buy_alert_enabled: true,
        sell_alert_enabled: false,
      }),
    );
    expect(split).toMatchObject({ buy_alert_enabled: true, sell_alert_enabled: false });
  });

  test("bulk-update-alerts switches every item", async () => {
    await call("POST", "/dashboard", { symbol: "ETH_USDT", exchange: "CRYPTO_COM" });
    const res = await call("POST", "/dashboard/bulk-update-alerts", {
      buy_alerts: true,
      sell_alerts: false,
      trade_enabled: false,
    });
    expect(res.status).toBe(200);
    expect(await json(res)).toMatchObject({
      ok: true,
      updated_count: 2,
      total_items: 2,
      buy_alert_enabled: true,
      sell_alert_enabled: false,
      trade_enabled: false,
    });
    const items = await json(await call("GET", "/dashboard"));
    for (const i of items)
      expect(i).toMatchObject({ buy_alert_enabled: true, sell_alert_enabled: false, trade_enabled: false });
  });

  test("by id: PUT and DELETE /dashboard/{id}; by symbol: GET and DELETE", async () => {
    const eth = (await json(await call("GET", "/dashboard"))).find((i: { symbol: string }) => i.symbol === "ETH_USDT");
    expect((await json(await call("PUT", `/dashboard/${eth.id}`, { trade_amount_usd: 25 }))).trade_amount_usd).toBe(25);
    expect(await json(await call("DELETE", `/dashboard/${eth.id}`))).toEqual({ ok: true, symbol: "ETH_USDT" });
    const gone = await call("PUT", `/dashboard/${eth.id}`, { trade_amount_usd: 25 });
    expect(gone.status).toBe(404);
    expect((await json(gone)).detail).toContain(String(eth.id));
    expect((await json(await call("GET", "/dashboard/symbol/BTC_USDT"))).symbol).toBe("BTC_USDT");
    expect(await json(await call("DELETE", "/dashboard/symbol/BTC_USDT"))).toEqual({ ok: true, symbol: "BTC_USDT" });
    const missing = await call("GET", "/dashboard/symbol/BTC_USDT");
    expect(missing.status).toBe(404);
    expect(await json(missing)).toEqual({ detail: "BTC_USDT is not on the watchlist" });
  });

  test("bad input gets {detail} and a 4xx, never a 5xx; margin is refused", async () => {
    await call("POST", "/dashboard", { symbol: "SOL_USDT", exchange: "CRYPTO_COM" });
    const cases: [string, string, unknown][] = [
      ["PUT", "/dashboard/symbol/SOL_USDT", { trade_on_margin: true }],
      ["PUT", "/dashboard/symbol/SOL_USDT", { trade_amount_usd: "lots" }],
      ["PUT", "/dashboard/symbol/SOL_USDT", { sl_percentage: 150 }],
      ["PUT", "/dashboard/symbol/SOL_USDT", { unknown_field: 1 }],
      ["PUT", "/dashboard/symbol/SOL_USDT", { symbol: "ETH_USDT", trade_enabled: true }],
      ["PUT", "/dashboard/symbol/SOL_USDT", { exchange: "BINANCE" }],
      ["PUT", "/dashboard/symbol/sol-usdt", { trade_enabled: true }],
      ["PUT", "/dashboard/not-a-number", { trade_enabled: true }],
      ["POST", "/dashboard", { symbol: "SOL_USDT" }],
      ["POST", "/dashboard", { exchange: "CRYPTO_COM" }],
      ["POST", "/dashboard/bulk-update-alerts", { buy_alerts: "yes" }],
      ["PUT", "/watchlist/SOL_USDT/alert", {}],
      ["PUT", "/dashboard/symbol/SOL_USDT", { tp_price: -10 }],
    ];
    for (const [method, path, body] of cases) {
      const res = await call(method, path, body);
      expect(res.status, `${method} ${path} ${JSON.stringify(body)}`).toBeGreaterThanOrEqual(400);
      expect(res.status).toBeLessThan(500);
      const answer = await json(res);
      expect(typeof answer.detail, `${method} ${path}`).toBe("string");
    }
    const margin = await json(await call("PUT", "/dashboard/symbol/SOL_USDT", { trade_on_margin: true }));
    expect(margin.detail).toContain("spot only");
    const percent = await json(await call("PUT", "/dashboard/symbol/SOL_USDT", { sl_percentage: 150 }));
    expect(percent.detail).toContain("sl_percentage");
    const malformed = await app.request(`${L}/dashboard/symbol/SOL_USDT`, {
      method: "PUT",
      headers: CLIENT,
      body: "{oops",
    });
    expect(malformed.status).toBe(400);
    expect(typeof (await json(malformed)).detail).toBe("string");
  });
});
