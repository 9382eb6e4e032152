import { afterAll, describe, expect, test } from "bun:test";
import { API_TOKEN, bearer, createTestApp, READ_TOKEN } from "../helpers/app";
import { createTestDatabase } from "../helpers/cluster";
import { json } from "../helpers/json";
import { countRows } from "../helpers/trading";

describe("GET /api/orders/history", async () => {
  const database = await createTestDatabase();
  const { app, close } = createTestApp(database, { env: { API_TOKEN } });
  afterAll(async () => {
    close();
    await database.close();
  });

  // 100 orders; groups of three share a second and two of them the same microsecond, so ties are broken by id.
  await database.sql`
    insert into exchange_orders (exchange_order_id, symbol, side, order_type, status, quantity,
      exchange_create_time, exchange_update_time)
    select 'h-' || g, case when g % 3 = 0 then 'ETH_USDT' else 'BTC_USDT' end,
      case when g % 2 = 0 then 'BUY' else 'SELL' end, 'LIMIT',
      case when g % 4 = 0 then 'FILLED' else 'CANCELLED' end, 1,
      timestamptz '2025-01-01 00:00:00Z' + (g / 3) * interval '1 second' + (g % 2) * interval '1 microsecond',
      timestamptz '2025-01-02 00:00:00Z'
    from generate_series(1, 100) as g`;
  let arrivals = 0;
  const arrive = () => {
    arrivals++;
    return database.sql`
      insert into exchange_orders (exchange_order_id, symbol, side, order_type, status, quantity,
        exchange_create_time, exchange_update_time)
      values (${`new-${arrivals}`}, 'BTC_USDT', 'BUY', 'MARKET', 'FILLED', 1, now(), now())`;
  };

  async function walk(query: string, limit: number, during?: () => Promise<unknown>) {
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const res = await app.request(
        `/api/orders/history?limit=${limit}${query}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`,
      );
      expect(res.status).toBe(200);
      const page = await json(res);
      expect(page.orders.length).toBeLessThanOrEqual(limit);
      seen.push(...page.orders.map((o: { exchange_order_id: string }) => o.exchange_order_id));
      cursor = page.next_cursor;
      pages++;
      await during?.();
    } while (cursor);
    return { seen, pages };
  }

  test("every order exactly once across pages, newest first, while new orders arrive", async () => {
    const expected = (
      await database.sql<{ exchange_order_id: string }[]>`
        select exchange_order_id from exchange_orders order by exchange_create_time desc, id desc`
    ).map((r) => r.exchange_order_id);
    const { seen, pages } = await walk("", 7, () => Promise.all([arrive(), arrive()]));
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen).toEqual(expected);
    expect(pages).toBe(Math.ceil(expected.length / 7));
    expect(arrivals).toBeGreaterThan(0);
  });

  test("filters combine with paging", async () => {
    const expected = (
      await database.sql<{ exchange_order_id: string }[]>`
        select exchange_order_id from exchange_orders
        where symbol = 'ETH_USDT' and side = 'BUY' and status = 'FILLED'
        order by exchange_create_time desc, id desc`
    ).map((r) => r.exchange_order_id);
    expect(expected.length).toBeGreaterThan(3);
    const { seen } = await walk("&symbol=ETH_USDT&side=BUY&status=FILLED", 3);
    expect(seen).toEqual(expected);
  });

  test("the last page says next_cursor null; an exact fit does not announce an empty page", async () => {
    const total = await countRows(database, "exchange_orders");
    const page = await json(await app.request(`/api/orders/history?limit=${total}`));
    expect(page.orders).toHaveLength(total);
    expect(page.next_cursor).toBeNull();
  });

  const invalid: [string, string][] = [
    ["limit 0", "limit=0"],
    ["limit 501", "limit=501"],
    ["limit not a number", "limit=ten"],
    ["fractional limit", "limit=1.5"],
    ["unknown status", "status=OPEN"],
    ["unknown side", "side=HOLD"],
    ["bad symbol", "symbol=btc"],
    ["unknown parameter", "sort=asc"],
    ["cursor that is not base64 JSON", "cursor=abc"],
    ["cursor with a bad shape", `cursor=${Buffer.from(JSON.stringify(["x", 1])).toString("base64url")}`],
    [
      "cursor with a negative id",
      `cursor=${Buffer.from(JSON.stringify(["2025-01-01T00:00:00.000000Z", -1])).toString("base64url")}`,
    ],
  ];
  test.each(invalid)("%s is a 400", async (_name, query) => {
    const res = await app.request(`/api/orders/history?${query}`);
    expect(res.status).toBe(400);
    expect((await json(res)).error.code).toBe("validation_failed");
  });

  test("open orders list is bounded by limit 1–500", async () => {
    expect((await app.request("/api/orders/open?limit=501")).status).toBe(400);
    expect((await app.request("/api/orders/open?limit=0")).status).toBe(400);
    expect((await app.request("/api/orders/open?limit=5")).status).toBe(200);
  });
});

describe("order lists behind READ_TOKEN", async () => {
  const database = await createTestDatabase();
  const { app, close } = createTestApp(database, { env: { API_TOKEN, READ_TOKEN } });
  afterAll(async () => {
    close();
    await database.close();
  });

  test("need a token", async () => {
    expect((await app.request("/api/orders/history")).status).toBe(401);
    expect((await app.request("/api/orders/open", { headers: bearer(READ_TOKEN) })).status).toBe(200);
  });
});
