import { afterAll, describe, expect, test } from "bun:test";
import { createTestApp } from "../../helpers/app";
import { createTestDatabase } from "../../helpers/cluster";
import { json } from "../../helpers/json";
import { testPaperExchange } from "../../helpers/trading";
import { insertDashboardFixture } from "../../services/dashboard/fixture";

const KEY = "legacy-key-0123456789";
const CLIENT = { "Content-Type": "application/json", "x-api-key": KEY };
const L = "/legacy/api";

describe("legacy orders: /orders/open, /orders/history, /orders/quick", async () => {
  const database = await createTestDatabase();
  await insertDashboardFixture(database.sql);
  const paper = await testPaperExchange(database);
  const { app, close } = createTestApp(database, { env: { API_TOKEN: KEY }, exchange: paper });
  afterAll(async () => {
    close();
    await paper.close();
    await database.close();
  });
  const get = (path: string) => app.request(`${L}${path}`, { headers: CLIENT });
  const quick = (body: unknown, headers: Record<string, string> = {}) =>
    app.request(`${L}/orders/quick`, {
      method: "POST",
      headers: { ...CLIENT, ...headers },
      body: JSON.stringify(body),
    });

  test("open orders: the OpenOrder fields, create_time in ms, and count", async () => {
    const res = await get("/orders/open");
    expect(res.status).toBe(200);
    const body = await json(res);
    expect(body.count).toBe(60);
    expect(body.orders).toHaveLength(60);
    expect(body.orders[0]).toMatchObject({
      order_id: "open-60",
      instrument_name: "ETH_USDT",
      side: "BUY",
      order_type: "LIMIT",
      status: "PARTIALLY_FILLED",
      quantity: "0.00100000",
      price: "43210.12345678",
      cumulative_quantity: "0.00050000",
      create_time: Date.parse("2025-03-01T01:00:00.000Z"),
      update_time: Date.parse("2025-03-01T01:01:00.000Z"),
    });
    // The frontend's own arithmetic on them.
    expect(Number.parseFloat(body.orders[0].price) * Number.parseFloat(body.orders[0].quantity)).toBeCloseTo(43.21, 2);
  });

  test("history by limit and offset: pages, total, has_more", async () => {
    const first = await json(await get("/orders/history?limit=40&offset=0"));
    expect(first).toMatchObject({ count: 40, total: 95, has_more: true });
    const last = await json(await get("/orders/history?limit=40&offset=80"));
    expect(last).toMatchObject({ count: 15, total: 95, has_more: false });
    const ids = new Set([...first.orders, ...last.orders].map((o: { order_id: string }) => o.order_id));
    expect(ids.size).toBe(55);
    // Newest first, as ATP's own history.
    const atp = await json(await app.request("/api/orders/history?limit=40"));
    expect(first.orders.map((o: { order_id: string }) => o.order_id)).toEqual(
      atp.orders.map((o: { exchange_order_id: string }) => o.exchange_order_id),
    );
    expect(typeof first.orders[0].create_time).toBe("number");
  });

  test("history's offset is bounded; bad paging is a 400 with a detail", async () => {
    for (const query of ["limit=0", "limit=501", "offset=-1", "offset=10001", "limit=abc", "page=2"]) {
      const res = await get(`/orders/history?${query}`);
      expect(res.status, query).toBe(400);
      expect(typeof (await json(res)).detail).toBe("string");
    }
  });

  test("a quick BUY spends amount_usd on paper (DRY_RUN) and answers QuickOrderResponse", async () => {
    const res = await quick({ symbol: "BTC_USDT", side: "BUY", price: 60000, amount_usd: 100, use_margin: false });
    expect(res.status).toBe(200);
    const body = await json(res);
    expect(body).toMatchObject({
      ok: true,
      dry_run: true,
      exchange: "PAPER",
      symbol: "BTC_USDT",
      side: "BUY",
      type: "MARKET",
    });
    expect(typeof body.order_id).toBe("string");
    expect(body.qty).toBeGreaterThan(0);
    expect(body.price).toBeGreaterThan(0);
    expect(body.result.order.status).toBe("FILLED");
    const recorded = await database.sql`select symbol from exchange_orders where exchange_order_id = ${body.order_id}`;
    expect(recorded).toHaveLength(1);
  });

  test("a quick SELL sells amount_usd's worth at the given price", async () => {
    const body = await json(
      await quick({ symbol: "BTC_USDT", side: "SELL", price: 50000, amount_usd: 50, use_margin: false }),
    );
    expect(body.side).toBe("SELL");
    expect(body.result.order.quantity).toBe("0.001");
  });

  test("quick orders are idempotent like POST /api/orders under an Idempotency-Key", async () => {
    const order = { symbol: "ETH_USDT", side: "BUY", price: 3000, amount_usd: 30, use_margin: false };
    const first = await json(await quick(order, { "Idempotency-Key": "quick-1" }));
    const again = await json(await quick(order, { "Idempotency-Key": "quick-1" }));
    expect(again.order_id).toBe(first.order_id);
    expect(again.result.replayed).toBe(true);
    const placed = await database.sql`select count(*)::int as n from paper_orders where client_oid = 'quick-1'`;
    expect(placed[0]?.n).toBe(1);
    const conflict = await quick({ ...order, side: "SELL" }, { "Idempotency-Key": "quick-1" });
    expect(conflict.status).toBe(409);
    expect(typeof (await json(conflict)).detail).toBe("string");
  });

  test("bad quick orders: {detail}, 4xx; margin refused; no key, 401", async () => {
    const good = { symbol: "BTC_USDT", side: "BUY", price: 60000, amount_usd: 100, use_margin: false };
    for (const body of [
      { ...good, use_margin: true },
      { ...good, price: 0 },
      { ...good, amount_usd: -5 },
      { ...good, side: "HOLD" },
      { ...good, symbol: "btc" },
      { ...good, extra: 1 },
      { ...good, amount_usd: 1e20 },
    ]) {
      const res = await quick(body);
      expect(res.status, JSON.stringify(body)).toBeGreaterThanOrEqual(400);
      expect(res.status).toBeLessThan(500);
      expect(typeof (await json(res)).detail).toBe("string");
    }
    expect((await json(await quick({ ...good, use_margin: true }))).detail).toContain("spot only");
    const anonymous = await app.request(`${L}/orders/quick`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(good),
    });
    expect(anonymous.status).toBe(401);
  });
});
