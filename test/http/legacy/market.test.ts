import { afterAll, describe, expect, test } from "bun:test";
import { upsertMarketData } from "../../../src/db/queries/market-data";
import { createTestApp, fixedServices } from "../../helpers/app";
import { createTestDatabase } from "../../helpers/cluster";
import { json } from "../../helpers/json";
import { testPaperExchange } from "../../helpers/trading";

const KEY = "legacy-key-0123456789";
const CLIENT = { "Content-Type": "application/json", "x-api-key": KEY };
const L = "/legacy/api";

describe("legacy market and signals", async () => {
  const database = await createTestDatabase();
  const paper = await testPaperExchange(database);
  const services = fixedServices([
    {
      name: "exchange_sync",
      state: "running",
      enabled: true,
      restarts: 0,
      last_run_at: "2025-03-01T00:00:00.000Z",
      last_success_at: "2025-03-01T00:00:00.000Z",
      last_error: null,
    },
  ]);
  const { app, close } = createTestApp(database, {
    env: { API_TOKEN: KEY, ENABLE_TEST_ENDPOINTS: "true" },
    exchange: paper,
    services,
  });
  afterAll(async () => {
    close();
    await paper.close();
    await database.close();
  });
  const call = (method: string, path: string, body?: unknown) =>
    app.request(`${L}${path}`, {
      method,
      headers: CLIENT,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  const ok = async (method: string, path: string, body?: unknown) => {
    const res = await call(method, path, body);
    expect(res.status, `${method} ${path}`).toBe(200);
    return json(res);
  };

  test("instruments: the exchange's symbols as an array of strings", async () => {
    const symbols = await ok("GET", "/instruments");
    expect(Array.isArray(symbols)).toBe(true);
    expect(symbols).toContain("BTC_USDT");
    expect(symbols.every((s: unknown) => typeof s === "string")).toBe(true);
  });

  test("custom top coins: add one to the watchlist (listed symbols only), remove it", async () => {
    expect(
      await ok("POST", "/market/top-coins/custom", {
        instrument_name: "ETH_USDT",
        base_currency: "ETH",
        quote_currency: "USDT",
      }),
    ).toEqual({
      ok: true,
      instrument_name: "ETH_USDT",
    });
    expect((await json(await app.request("/api/watchlist/ETH_USDT"))).symbol).toBe("ETH_USDT");
    const unlisted = await call("POST", "/market/top-coins/custom", { instrument_name: "NOPE_USDT" });
    expect(unlisted.status).toBe(400);
    expect(typeof (await json(unlisted)).detail).toBe("string");
    const mismatch = await call("POST", "/market/top-coins/custom", {
      instrument_name: "SOL_USDT",
      base_currency: "BTC",
    });
    expect(mismatch.status).toBe(400);
    expect(await ok("DELETE", "/market/top-coins/custom/ETH_USDT")).toEqual({ ok: true, instrument_name: "ETH_USDT" });
    expect((await call("DELETE", "/market/top-coins/custom/ETH_USDT")).status).toBe(404);
  });

  test("top-coins-data: the watched coins with indicators, levels and the strategy decision", async () => {
    await ok("POST", "/market/top-coins/custom", { instrument_name: "BTC_USDT" });
    await upsertMarketData(
      database.sql,
      {
        symbol: "BTC_USDT",
        price: "100",
        rsi: "35.5",
        ma50: "110",
        ma200: "90",
        ema10: "105",
        atr: "2",
        volumeRatio: "1.4",
        volume24h: "12345.6",
        levels: { resistance: [104, 108], support: [97, 95] },
        strategyState: {
          preset: "swing-conservative",
          evaluated_at: "2025-03-01T00:00:00.000Z",
          buy: { decision: "blocked", reasons: ["RSI 35.5 < 40", "alerts are off"] },
          sell: { decision: "no_signal", reasons: ["RSI 35.5 is not above 70"] },
        },
      },
      new Date("2025-03-01T00:00:00.000Z"),
    );
    const { coins, count } = await ok("GET", "/market/top-coins-data");
    expect(count).toBe(1);
    expect(coins[0]).toMatchObject({
      rank: 1,
      instrument_name: "BTC_USDT",
      base_currency: "BTC",
      quote_currency: "USDT",
      current_price: 100,
      volume_24h: 12345.6,
      rsi: 35.5,
      ma50: 110,
      ema10: 105,
      atr: 2,
      volume_ratio: 1.4,
      res_up: 104,
      res_down: 97,
      alert_enabled: false,
      is_custom: true,
    });
    expect(coins[0].strategy_state.decision).toBe("BUY");
    expect(coins[0].strategy_state.summary).toContain("alerts are off");
  });

  test("signals: indicators, signals{buy,sell,tp,sl}, exits per variant and the rationale", async () => {
    const s = await ok("GET", "/signals?exchange=CRYPTO_COM&symbol=BTC_USDT");
    expect(s).toMatchObject({ symbol: "BTC_USDT", exchange: "PAPER", price: 100, rsi: 35.5, method: "rsi_ma" });
    // swing-conservative: TP 5 %, SL 3 % of the price.
    expect(s.signals).toMatchObject({ buy: true, sell: false, tp: 105, sl: 97 });
    expect(s.stop_loss_take_profit.take_profit.conservative).toEqual({ value: 105, percentage: 5 });
    expect(typeof s.stop_loss_take_profit.stop_loss.aggressive.value).toBe("number");
    expect(s.rationale).toContain("BUY: RSI 35.5 < 40");
    expect(s.strategy.decision).toBe("BUY");
    // The frontend's saved signal config is accepted when it says what ATP computes, refused otherwise.
    expect(
      (await call("GET", "/signals?exchange=CRYPTO_COM&symbol=BTC_USDT&rsi_period=14&rsi_buy_threshold=40")).status,
    ).toBe(200);
    const other = await call("GET", "/signals?exchange=CRYPTO_COM&symbol=BTC_USDT&rsi_period=7");
    expect(other.status).toBe(400);
    expect((await json(other)).detail).toContain("rsi_period");
    // getCurrentPrice reads a non-2xx as "no price": an unwatched symbol is a 404 with a detail.
    const unwatched = await call("GET", "/signals?exchange=CRYPTO_COM&symbol=DOGE_USDT");
    expect(unwatched.status).toBe(404);
    expect((await json(unwatched)).detail).toContain("watchlist");
  });

  test("alert-ratio and data-sources/status", async () => {
    expect(await ok("GET", "/alert-ratio?symbol=BTC_USDT")).toEqual({ ratio: 100 });
    const sources = await ok("GET", "/data-sources/status");
    expect(Object.keys(sources)).toEqual(["paper"]);
    expect(sources.paper).toMatchObject({ available: true, priority: 1, last_check: "2025-03-01T00:00:00.000Z" });
  });

  test("simulate-alert records a pending signal at the last price", async () => {
    const res = await ok("POST", "/test/simulate-alert", {
      symbol: "BTC_USDT",
      signal_type: "BUY",
      force_order: true,
      trade_amount_usd: 25,
    });
    expect(res).toMatchObject({ ok: true, symbol: "BTC_USDT", signal_type: "BUY", price: 100, trade_amount_usd: 25 });
    const [signal] = await database.sql`select status, should_trade from trade_signals where id = ${res.signal.id}`;
    expect(signal).toMatchObject({ status: "pending", should_trade: true });
    const noAmount = await call("POST", "/test/simulate-alert", {
      symbol: "BTC_USDT",
      signal_type: "SELL",
      force_order: true,
    });
    expect(noAmount.status).toBe(400);
    expect((await json(noAmount)).detail).toContain("trade_amount_usd");
  });
});

describe("legacy test endpoints are off by default", async () => {
  const database = await createTestDatabase();
  const { app, close } = createTestApp(database, { env: { API_TOKEN: KEY } });
  afterAll(async () => {
    close();
    await database.close();
  });

  test("POST /test/simulate-alert is a 404", async () => {
    const res = await app.request(`${L}/test/simulate-alert`, {
      method: "POST",
      headers: CLIENT,
      body: JSON.stringify({ symbol: "BTC_USDT", signal_type: "BUY" }),
    });
    expect(res.status).toBe(404);
    expect(typeof (await json(res)).detail).toBe("string");
  });
});
