import { afterAll, describe, expect, test } from "bun:test";
import type { Candle } from "../../src/exchanges/types";
import { runSignalMonitorCycle } from "../../src/services/signal-monitor";
import { throttleView } from "../../src/services/strategy";
import { API_TOKEN, createTestApp, jsonHeaders, testConfig } from "../helpers/app";
import { createTestDatabase } from "../helpers/cluster";
import { json } from "../helpers/json";
import {
  buyCandles,
  capturingLogger,
  override,
  quietCandles,
  recordingNotifier,
  sellCandles,
  testPaperExchange,
} from "../helpers/trading";

describe("strategies end to end: paper exchange, real PostgreSQL", async () => {
  const database = await createTestDatabase();
  const paper = await testPaperExchange(database);
  const feeds = new Map<string, () => Candle[]>();
  const exchange = override(paper, {
    fetchCandles: async (symbol: string) => (feeds.get(symbol) ?? quietCandles)(),
  });
  const { app, close } = createTestApp(database, { exchange, env: { API_TOKEN, WATCHLIST_MAX_ITEMS: "6" } });
  const { log } = capturingLogger();
  const notifier = recordingNotifier();
  let clock = new Date("2026-01-01T00:00:00Z");
  const monitor = () =>
    runSignalMonitorCycle({ database, exchange, log, notifier, config: testConfig(), now: () => clock });
  afterAll(async () => {
    close();
    await paper.close();
    await database.close();
  });
  const post = (body: unknown) =>
    app.request("/api/watchlist", { method: "POST", headers: jsonHeaders(), body: JSON.stringify(body) });
  const patch = (symbol: string, body: unknown) =>
    app.request(`/api/watchlist/${symbol}`, { method: "PATCH", headers: jsonHeaders(), body: JSON.stringify(body) });
  const signals = async (symbol: string) =>
    (await database.sql`select side, reason from trade_signals where symbol = ${symbol} order by id`).map((r) => ({
      side: r.side,
      reason: r.reason,
    }));

  test("a symbol the exchange does not list is refused with 400 unknown_symbol", async () => {
    const res = await post({ symbol: "FOO_USDT", alert_enabled: true });
    expect(res.status).toBe(400);
    expect((await json(res)).error).toEqual({
      code: "unknown_symbol",
      message: "FOO_USDT is not listed on the exchange",
    });
    expect((await database.sql`select count(*)::int as n from watchlist_items`)[0]?.n).toBe(0);
    const instruments = await json(await app.request("/api/market/instruments"));
    expect(instruments.exchange).toBe("paper");
    expect(instruments.instruments).toHaveLength(20);
    expect(instruments.instruments).toContainEqual({
      symbol: "BTC_USDT",
      base: "BTC",
      quote: "USDT",
      priceDecimals: 2,
      quantityDecimals: 6,
    });
  });

  test("a coin with buy alerts only never records a SELL; the SELL it would have fired shows as blocked", async () => {
    const created = await post({ symbol: "SOL_USDT", buy_alert_enabled: true });
    expect(await json(created)).toMatchObject({
      alert_enabled: true,
      buy_alert_enabled: true,
      sell_alert_enabled: false,
    });
    feeds.set("SOL_USDT", sellCandles);
    for (let i = 0; i < 3; i++) {
      clock = new Date(clock.getTime() + 3600_000);
      await monitor();
    }
    expect(await signals("SOL_USDT")).toEqual([]);
    const item = await json(await app.request("/api/watchlist/SOL_USDT"));
    expect(item.market.strategy_state).toEqual({
      preset: "swing-conservative",
      evaluated_at: clock.toISOString(),
      buy: { decision: "no_signal", reasons: ["rsi 100 ≥ 40", "ma50 294.5 ≤ ema10 314.5"] },
      sell: { decision: "blocked", reasons: ["rsi 100 > 70", "sell alerts off"] },
    });
    // The same coin with its BUY conditions met does signal.
    feeds.set("SOL_USDT", buyCandles);
    clock = new Date(clock.getTime() + 3600_000);
    await monitor();
    expect((await signals("SOL_USDT")).map((s) => s.side)).toEqual(["BUY"]);
  });

  test("a blocked signal's reason is visible over HTTP: cooldown, then the minimum move", async () => {
    await post({ symbol: "BTC_USDT", alert_enabled: true });
    feeds.set("BTC_USDT", buyCandles);
    clock = new Date(clock.getTime() + 3600_000);
    await monitor();
    const fired = await signals("BTC_USDT");
    expect(fired).toHaveLength(1);
    expect(fired[0]?.reason).toMatch(/^swing-conservative: rsi [\d.]+ < 40, ma50 [\d.]+ > ema10 [\d.]+$/);

    clock = new Date(clock.getTime() + 88_000);
    await monitor();
    const item = await json(await app.request("/api/watchlist/BTC_USDT"));
    expect(item.market.strategy_state.buy).toEqual({
      decision: "blocked",
      reasons: [expect.stringMatching(/^rsi /), expect.stringMatching(/^ma50 /), "cooldown 212 s left"],
    });
    const dashboard = await json(await app.request("/api/dashboard/state"));
    const row = dashboard.watchlist.find((w: { symbol: string }) => w.symbol === "BTC_USDT");
    expect(row.market.strategy_state.buy.reasons).toContain("cooldown 212 s left");

    const lastSignal = {
      side: "BUY" as const,
      price: "170",
      created_at: new Date(clock.getTime() - 88_000).toISOString(),
    };
    const expected = {
      preset: "swing-conservative",
      last_signal: lastSignal,
      cooldown_seconds: 300,
      min_price_change_pct: "1",
    };
    // Over HTTP the clock is the real one (long past this test's signal); at the monitor's clock, 212 s are left.
    const throttle = await json(await app.request("/api/signals/throttle"));
    expect(throttle.throttle.find((t: { symbol: string }) => t.symbol === "BTC_USDT")).toEqual({
      symbol: "BTC_USDT",
      ...expected,
      seconds_until_allowed: 0,
    });
    expect((await throttleView(database, clock)).find((t) => t.symbol === "BTC_USDT")).toEqual({
      symbol: "BTC_USDT",
      ...expected,
      seconds_until_allowed: 212,
    });

    // After the cooldown the same candles (same price) are held back by the minimum move.
    clock = new Date(clock.getTime() + 300_000);
    await monitor();
    const later = await json(await app.request("/api/watchlist/BTC_USDT"));
    expect(later.market.strategy_state.buy.reasons.at(-1)).toBe("price moved 0.00% < 1% since the previous BUY");
    expect(await signals("BTC_USDT")).toHaveLength(1);
  });

  test("per-coin overrides change the rules it runs; refused overrides and unknown presets are 400", async () => {
    await post({ symbol: "ETH_USDT", alert_enabled: true, preset: "intraday-aggressive" });
    feeds.set("ETH_USDT", buyCandles);
    const refused = await patch("ETH_USDT", { overrides: { rsi_buy_below: 75 } });
    expect(refused.status).toBe(400);
    expect((await json(refused)).error.code).toBe("preset_refused");
    const unknown = await patch("ETH_USDT", { preset: "no-such-preset" });
    expect(unknown.status).toBe(400);
    expect((await json(unknown)).error.code).toBe("unknown_preset");
    // buyCandles' RSI is about 9: an RSI threshold of 5 keeps the BUY from firing.
    const changed = await patch("ETH_USDT", { overrides: { rsi_buy_below: 5, cooldown_seconds: 60 } });
    expect(await json(changed)).toMatchObject({
      preset: "intraday-aggressive",
      overrides: { rsi_buy_below: 5, cooldown_seconds: 60 },
      rules: { rsi_buy_below: 5, cooldown_seconds: 60, rsi_sell_above: 65 },
    });
    clock = new Date(clock.getTime() + 3600_000);
    await monitor();
    expect(await signals("ETH_USDT")).toEqual([]);
    const state = (await json(await app.request("/api/watchlist/ETH_USDT"))).market.strategy_state;
    expect(state.preset).toBe("intraday-aggressive");
    expect(state.buy.decision).toBe("no_signal");
    expect(state.buy.reasons[0]).toMatch(/^rsi [\d.]+ ≥ 5$/);
  });

  test("the coins view holds every item, alerts on or off, with indicators, levels and state", async () => {
    await post({ symbol: "XRP_USDT", alert_enabled: false });
    clock = new Date(clock.getTime() + 3600_000);
    await monitor();
    const body = await json(await app.request("/api/market/coins"));
    expect(body.limit).toBe(6);
    expect(body.coins.map((c: { symbol: string }) => c.symbol)).toEqual([
      "BTC_USDT",
      "ETH_USDT",
      "SOL_USDT",
      "XRP_USDT",
    ]);
    const xrp = body.coins.find((c: { symbol: string }) => c.symbol === "XRP_USDT");
    expect(xrp).toMatchObject({
      alerts: { any: false, buy: false, sell: false },
      preset: "swing-conservative",
      strategy_state: { buy: { decision: "no_signal" }, sell: { decision: "no_signal" } },
    });
    for (const field of ["price", "volume_24h", "rsi", "ma50", "ma200", "ema10", "atr", "volume_ratio"]) {
      expect(xrp[field]).toMatch(/^\d+(\.\d+)?$/);
    }
    // Sideways candles turn at every other candle: swing highs above the price, lows below.
    expect(xrp.resistance_levels).toEqual({ resistance: [102], support: [99] });
  });

  test("the watchlist is bounded by WATCHLIST_MAX_ITEMS with a clear error", async () => {
    expect((await post({ symbol: "ADA_USDT" })).status).toBe(201);
    expect((await post({ symbol: "DOT_USDT" })).status).toBe(201);
    const full = await post({ symbol: "LINK_USDT" });
    expect(full.status).toBe(409);
    expect((await json(full)).error).toEqual({
      code: "watchlist_full",
      message: "the watchlist holds its limit of 6 items (WATCHLIST_MAX_ITEMS)",
    });
  });
});
