import { afterAll, describe, expect, test } from "bun:test";
import { API_TOKEN, bearer, createTestApp, jsonHeaders } from "../helpers/app";
import { createTestDatabase } from "../helpers/cluster";
import { json } from "../helpers/json";
import { testPaperExchange } from "../helpers/trading";

/**
 * Every mutating route of the trading API, fed bad input and bad credentials: each answer is the right 4xx and
 * the database is byte-for-byte unchanged.
 */
describe("every trading route rejects bad input and bad tokens, writing nothing", async () => {
  const database = await createTestDatabase();
  const paper = await testPaperExchange(database);
  const { app, close } = createTestApp(database, {
    exchange: paper,
    env: { API_TOKEN, ENABLE_TEST_ENDPOINTS: "true" },
  });
  afterAll(async () => {
    close();
    await paper.close();
    await database.close();
  });

  // Rows for the routes that change an existing thing.
  await app.request("/api/watchlist", {
    method: "POST",
    headers: jsonHeaders(),
    body: JSON.stringify({ symbol: "BTC_USDT" }),
  });
  const loan = await json(
    await app.request("/api/loans", {
      method: "POST",
      headers: jsonHeaders(),
      body: JSON.stringify({ currency: "USDT", borrowed_amount: "100" }),
    }),
  );
  const order = await json(
    await app.request("/api/orders", {
      method: "POST",
      headers: jsonHeaders(),
      body: JSON.stringify({ symbol: "BTC_USDT", side: "BUY", type: "LIMIT", quantity: "0.001", price: "1000" }),
    }),
  );

  const TABLES = [
    "watchlist_items",
    "exchange_orders",
    "trade_signals",
    "portfolio_loans",
    "trading_settings",
    "paper_orders",
    "paper_balances",
  ];
  const fingerprint = async () =>
    Promise.all(
      TABLES.map(async (table) => {
        const [row] = await database.sql`select md5(coalesce(string_agg(t::text, '|' order by t::text), '')) as h
          from ${database.sql(table)} t`;
        return `${table}:${row?.h}`;
      }),
    );

  interface Route {
    method: string;
    path: string;
    /** Bad bodies: [what, body, field named in the details]. Empty for routes without a body. */
    bad: [string, unknown, string][];
  }
  const routes: Route[] = [
    {
      method: "POST",
      path: "/api/watchlist",
      bad: [
        ["wrong type", { symbol: 42 }, "symbol"],
        ["unknown field", { symbol: "ETH_USDT", colour: "red" }, "(root)"],
        ["out of range", { symbol: "ETH_USDT", take_profit_pct: "1000.5" }, "take_profit_pct"],
      ],
    },
    {
      method: "PATCH",
      path: "/api/watchlist/BTC_USDT",
      bad: [
        ["wrong type", { alert_enabled: 1 }, "alert_enabled"],
        ["unknown field", { deleted_at: null }, "(root)"],
        ["out of range", { cooldown_seconds: 10_000_000 }, "cooldown_seconds"],
      ],
    },
    {
      method: "PUT",
      path: "/api/watchlist/BTC_USDT",
      bad: [
        ["wrong type", { trade_amount_usd: true }, "trade_amount_usd"],
        ["unknown field", { symbol: "ETH_USDT" }, "(root)"],
        ["out of range", { min_price_change_pct: "100.01" }, "min_price_change_pct"],
      ],
    },
    { method: "DELETE", path: "/api/watchlist/BTC_USDT", bad: [] },
    {
      method: "POST",
      path: "/api/orders",
      bad: [
        ["wrong type", { symbol: "BTC_USDT", side: "BUY", type: "MARKET", notional: 10 }, "notional"],
        ["unknown field", { symbol: "BTC_USDT", side: "BUY", type: "MARKET", notional: "10", tif: "GTC" }, "(root)"],
        ["out of range", { symbol: "BTC_USDT", side: "BUY", type: "MARKET", notional: "1234567890123456" }, "notional"],
      ],
    },
    { method: "POST", path: `/api/orders/${order.order.exchange_order_id}/cancel`, bad: [] },
    {
      method: "POST",
      path: "/api/signals/simulate",
      bad: [
        ["wrong type", { symbol: "BTC_USDT", side: "BUY", price: 60000 }, "price"],
        ["unknown field", { symbol: "BTC_USDT", side: "BUY", price: "1", rsi: "30" }, "(root)"],
        ["out of range", { symbol: "BTC_USDT", side: "BUY", price: "1", reason: "x".repeat(201) }, "reason"],
      ],
    },
    {
      method: "POST",
      path: "/api/loans",
      bad: [
        ["wrong type", { currency: "BTC", borrowed_amount: 1 }, "borrowed_amount"],
        ["unknown field", { currency: "BTC", borrowed_amount: "1", apr: "5" }, "(root)"],
        ["out of range", { currency: "BTC", borrowed_amount: "1", interest_rate: "1000.1" }, "interest_rate"],
      ],
    },
    {
      method: "PATCH",
      path: `/api/loans/${loan.id}`,
      bad: [
        ["wrong type", { is_active: "no" }, "is_active"],
        ["unknown field", { currency: "EUR" }, "(root)"],
        ["out of range", { borrowed_amount: "-1" }, "borrowed_amount"],
      ],
    },
    {
      method: "PUT",
      path: `/api/loans/${loan.id}`,
      bad: [
        ["wrong type", { notes: 5 }, "notes"],
        ["unknown field", { auto_detected: true }, "(root)"],
        ["out of range", { notes: "n".repeat(501) }, "notes"],
      ],
    },
    { method: "DELETE", path: `/api/loans/${loan.id}`, bad: [] },
    {
      method: "PUT",
      path: "/api/trading/mode",
      bad: [
        ["wrong type", { live_trading: "true" }, "live_trading"],
        ["unknown field", { live_trading: false, force: true }, "(root)"],
        ["out of range", { live_trading: null }, "live_trading"],
      ],
    },
  ];

  type Case = [string, string, string, Record<string, string>, string | undefined, number, string | null];
  const cases: Case[] = routes.flatMap(({ method, path, bad }) => {
    const body = bad.length > 0 ? "{}" : undefined;
    const route = `${method} ${path}`;
    const rows: Case[] = [
      [`${route}, no token`, method, path, { "Content-Type": "application/json" }, body, 401, null],
      [
        `${route}, wrong token`,
        method,
        path,
        { ...jsonHeaders(), ...bearer("not-the-api-token-at-all") },
        body,
        401,
        null,
      ],
    ];
    if (bad.length > 0) {
      rows.push([`${route}, malformed JSON`, method, path, jsonHeaders(), '{"unterminated": ', 400, null]);
      rows.push([`${route}, not JSON`, method, path, { ...bearer(), "Content-Type": "text/plain" }, "{}", 415, null]);
      for (const [what, badBody, field] of bad) {
        rows.push([`${route}, ${what}`, method, path, jsonHeaders(), JSON.stringify(badBody), 400, field]);
      }
    }
    return rows;
  });

  test.each(cases)("%s", async (_name, method, path, headers, body, status, field) => {
    const before = await fingerprint();
    const res = await app.request(path, { method, headers, body });
    expect(res.status).toBe(status);
    const error = (await json(res)).error;
    expect(typeof error.code).toBe("string");
    expect(error.message.length).toBeGreaterThan(0);
    if (field) expect(error.details.map((d: { path: string }) => d.path)).toContain(field);
    expect(await fingerprint()).toEqual(before);
  });

  test("a body above BODY_LIMIT_BYTES is a 413 and writes nothing", async () => {
    const before = await fingerprint();
    const res = await app.request("/api/watchlist", {
      method: "POST",
      headers: jsonHeaders(),
      body: JSON.stringify({ symbol: "ETH_USDT", pad: "x".repeat(70 * 1024) }),
    });
    expect(res.status).toBe(413);
    expect(await fingerprint()).toEqual(before);
  });
});
