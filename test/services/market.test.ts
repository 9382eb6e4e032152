import { afterAll, describe, expect, test } from "bun:test";
import type { Timeframe } from "../../src/exchanges/types";
import { createMarketService } from "../../src/services/market";
import { API_TOKEN, createTestApp } from "../helpers/app";
import { createTestDatabase } from "../helpers/cluster";
import { json } from "../helpers/json";
import { override, testPaperExchange } from "../helpers/trading";

describe("GET /api/market/:symbol/candles", async () => {
  const database = await createTestDatabase();
  const paper = await testPaperExchange(database);
  const calls: string[] = [];
  const exchange = override(paper, {
    fetchCandles: (symbol: string, timeframe: Timeframe, limit: number) => {
      calls.push(`${symbol} ${timeframe} ${limit}`);
      return paper.fetchCandles(symbol, timeframe, limit);
    },
  });
  const { app, close } = createTestApp(database, { exchange, env: { API_TOKEN, MARKET_CANDLE_CACHE_MS: "60000" } });
  const bare = createTestApp(database, { env: { API_TOKEN } });
  afterAll(async () => {
    close();
    bare.close();
    await paper.close();
    await database.close();
  });

  test("the paper exchange's candles, oldest first, ISO times, at the asked timeframe and count", async () => {
    const res = await app.request("/api/market/BTC_USDT/candles?timeframe=1h&limit=50");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("application/json");
    const body = await json(res);
    expect(body.symbol).toBe("BTC_USDT");
    expect(body.timeframe).toBe("1h");
    expect(body.candles).toHaveLength(50);
    const times = body.candles.map((c: { time: string }) => Date.parse(c.time));
    for (let i = 1; i < times.length; i++) expect(times[i] - times[i - 1]).toBe(3_600_000);
    expect(body.candles[0].time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:00:00\.000Z$/);
    for (const c of body.candles) {
      expect(c.low).toBeLessThanOrEqual(Math.min(c.open, c.close));
      expect(c.high).toBeGreaterThanOrEqual(Math.max(c.open, c.close));
      expect(c.volume).toBeGreaterThan(0);
    }
    // Same closed candles as the exchange gives directly (the last one is still forming, its close moves).
    const direct = new Map((await paper.fetchCandles("BTC_USDT", "1h", 50)).map((c) => [c.time, c.close]));
    for (const c of body.candles.slice(0, -1)) {
      const close = direct.get(Date.parse(c.time));
      if (close !== undefined) expect(c.close).toBe(close);
    }
  });

  test("defaults: the signal timeframe and 100 candles", async () => {
    const body = await json(await app.request("/api/market/ETH_USDT/candles"));
    expect(body.timeframe).toBe("1h");
    expect(body.candles).toHaveLength(100);
  });

  test("a repeated request within the cache time asks the exchange once, concurrent ones too", async () => {
    calls.length = 0;
    const answers = await Promise.all(
      Array.from({ length: 5 }, () => app.request("/api/market/SOL_USDT/candles?timeframe=5m&limit=20")),
    );
    const bodies = await Promise.all(answers.map((r) => r.text()));
    expect(new Set(bodies).size).toBe(1);
    expect(JSON.parse(bodies[0] ?? "{}").candles).toHaveLength(20);
    await app.request("/api/market/SOL_USDT/candles?timeframe=5m&limit=20");
    expect(calls).toEqual(["SOL_USDT 5m 20"]);
    // A different timeframe or count is another answer.
    await app.request("/api/market/SOL_USDT/candles?timeframe=15m&limit=20");
    expect(calls).toEqual(["SOL_USDT 5m 20", "SOL_USDT 15m 20"]);
  });

  test("bad timeframe, limit or symbol is a 400 naming the field", async () => {
    const cases: [string, string][] = [
      ["/api/market/BTC_USDT/candles?timeframe=2h", "timeframe"],
      ["/api/market/BTC_USDT/candles?limit=0", "limit"],
      ["/api/market/BTC_USDT/candles?limit=1001", "limit"],
      ["/api/market/BTC_USDT/candles?limit=ten", "limit"],
      ["/api/market/BTC_USDT/candles?other=1", "other"],
      ["/api/market/btc-usdt/candles", "symbol"],
    ];
    for (const [path, field] of cases) {
      const res = await app.request(path);
      expect(res.status).toBe(400);
      const body = await json(res);
      expect(body.error.code).toBe("validation_failed");
      expect(body.error.details.map((d: { path: string }) => d.path)).toContain(field);
    }
  });

  test("a symbol the exchange does not list is a 400 unknown_symbol, and is not cached", async () => {
    calls.length = 0;
    for (let i = 0; i < 2; i++) {
      const res = await app.request("/api/market/FOO_USDT/candles");
      expect(res.status).toBe(400);
      expect((await json(res)).error).toEqual({
        code: "unknown_symbol",
        message: "FOO_USDT is not listed on the exchange",
      });
    }
    expect(calls).toHaveLength(2);
  });

  test("without an exchange the answer is 503", async () => {
    const res = await bare.app.request("/api/market/BTC_USDT/candles");
    expect(res.status).toBe(503);
    expect((await json(res)).error.code).toBe("exchange_unavailable");
  });

  test("an answer older than the cache time is fetched again", async () => {
    // lru-cache treats a start time of 0 as "no TTL": the clock starts later.
    let clock = 10_000;
    let fetched = 0;
    const market = createMarketService({
      exchange: override(paper, {
        fetchCandles: async (symbol: string, timeframe: Timeframe, limit: number) => {
          fetched++;
          return paper.fetchCandles(symbol, timeframe, limit);
        },
      }),
      candleCacheMs: 1000,
      now: () => clock,
    });
    const first = await market.candles("BTC_USDT", "1m", 10);
    expect(first.count).toBe(10);
    clock = 10_999;
    await market.candles("BTC_USDT", "1m", 10);
    expect(fetched).toBe(1);
    clock = 11_001;
    const again = await market.candles("BTC_USDT", "1m", 10);
    expect(again.json.length).toBeGreaterThan(0);
    expect(fetched).toBe(2);
  });
});
