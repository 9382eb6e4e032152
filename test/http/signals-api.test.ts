import { afterAll, describe, expect, test } from "bun:test";
import { API_TOKEN, bearer, createTestApp, jsonHeaders } from "../helpers/app";
import { createTestDatabase } from "../helpers/cluster";
import { json } from "../helpers/json";
import { countRows } from "../helpers/trading";

describe("signals API", async () => {
  const database = await createTestDatabase();
  const { app, close } = createTestApp(database, { env: { API_TOKEN, ENABLE_TEST_ENDPOINTS: "true" } });
  afterAll(async () => {
    close();
    await database.close();
  });
  // 60 signals over 20 seconds, three per second: BTC BUY tradable, ETH SELL, SOL BUY skipped.
  await database.sql`
    insert into trade_signals (symbol, side, price, reason, status, should_trade, created_at)
    select (array['BTC_USDT', 'ETH_USDT', 'SOL_USDT'])[g % 3 + 1], case when g % 3 = 1 then 'SELL' else 'BUY' end,
      100, 'seeded', case when g % 3 = 2 then 'skipped' else 'pending' end, g % 3 = 0,
      timestamptz '2025-01-01 00:00:00Z' + (g / 3) * interval '1 second'
    from generate_series(0, 59) as g`;

  async function walk(query: string, limit: number) {
    const ids: number[] = [];
    let cursor: string | null = null;
    do {
      const res = await app.request(`/api/signals?limit=${limit}${query}${cursor ? `&cursor=${cursor}` : ""}`);
      expect(res.status).toBe(200);
      const page = await json(res);
      ids.push(...page.signals.map((s: { id: number }) => s.id));
      cursor = page.next_cursor;
    } while (cursor);
    return ids;
  }
  const expectedIds = async (where: string) =>
    (await database.sql.unsafe(`select id from trade_signals ${where} order by created_at desc, id desc`)).map((r) =>
      Number(r.id),
    );

  const filters: [string, string, string][] = [
    ["no filter", "", ""],
    ["symbol", "&symbol=ETH_USDT", "where symbol = 'ETH_USDT'"],
    ["side", "&side=SELL", "where side = 'SELL'"],
    ["status", "&status=skipped", "where status = 'skipped'"],
    ["should_trade", "&should_trade=true", "where should_trade"],
    ["should_trade false and side", "&should_trade=false&side=BUY", "where not should_trade and side = 'BUY'"],
  ];
  test.each(filters)("filter %s, paged by 7: every match once, newest first", async (_name, query, where) => {
    const expected = await expectedIds(where);
    expect(expected.length).toBeGreaterThan(0);
    expect(await walk(query, 7)).toEqual(expected);
  });

  test("a signal carries its indicators, reason and status fields", async () => {
    const page = await json(await app.request("/api/signals?limit=1"));
    expect(Object.keys(page.signals[0]).sort()).toEqual(
      [
        "id",
        "symbol",
        "side",
        "strategy",
        "price",
        "rsi",
        "ma50",
        "ma200",
        "ema10",
        "atr",
        "volume_ratio",
        "reason",
        "status",
        "status_reason",
        "should_trade",
        "trade_amount_usd",
        "exchange_order_id",
        "last_update_at",
        "created_at",
      ].sort(),
    );
  });

  const invalid: [string, string][] = [
    ["limit 501", "limit=501"],
    ["unknown status", "status=done"],
    ["should_trade not a boolean", "should_trade=yes"],
    ["unknown parameter", "strategy=x"],
    ["garbage cursor", "cursor=%%%"],
  ];
  test.each(invalid)("%s is a 400", async (_name, query) => {
    expect((await app.request(`/api/signals?${query}`)).status).toBe(400);
  });

  test("simulate records a pending signal for the scheduler", async () => {
    const before = await countRows(database, "trade_signals");
    const res = await app.request("/api/signals/simulate", {
      method: "POST",
      headers: jsonHeaders(),
      body: JSON.stringify({ symbol: "BTC_USDT", side: "BUY", price: "60000", trade_amount_usd: "25" }),
    });
    expect(res.status).toBe(201);
    expect(await json(res)).toMatchObject({
      symbol: "BTC_USDT",
      strategy: "simulated",
      status: "pending",
      should_trade: true,
      trade_amount_usd: "25",
      reason: "simulated",
    });
    expect(await countRows(database, "trade_signals")).toBe(before + 1);
  });
});

describe("signals API without test endpoints", async () => {
  const database = await createTestDatabase();
  const { app, close } = createTestApp(database, { env: { API_TOKEN } });
  afterAll(async () => {
    close();
    await database.close();
  });

  test("POST /api/signals/simulate does not exist: 404 with a token (auth on /api/* comes first: 401 without)", async () => {
    const simulate = (headers: Record<string, string>) =>
      app.request("/api/signals/simulate", {
        method: "POST",
        headers,
        body: JSON.stringify({ symbol: "BTC_USDT", side: "BUY", price: "1" }),
      });
    expect((await simulate(jsonHeaders())).status).toBe(404);
    expect((await simulate({ "Content-Type": "application/json" })).status).toBe(401);
    expect(await countRows(database, "trade_signals")).toBe(0);
    expect((await app.request("/api/signals", { headers: bearer() })).status).toBe(200);
  });
});
