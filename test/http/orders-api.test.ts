import { afterAll, describe, expect, test } from "bun:test";
import { API_TOKEN, bearer, createTestApp, jsonHeaders } from "../helpers/app";
import { createTestDatabase } from "../helpers/cluster";
import { json } from "../helpers/json";
import { countRows, testPaperExchange } from "../helpers/trading";

describe("orders API", async () => {
  const database = await createTestDatabase();
  const paper = await testPaperExchange(database);
  const { app, close } = createTestApp(database, { exchange: paper, env: { API_TOKEN } });
  afterAll(async () => {
    close();
    await paper.close();
    await database.close();
  });
  const placeOrder = (body: unknown, headers: Record<string, string> = {}) =>
    app.request("/api/orders", { method: "POST", headers: jsonHeaders(headers), body: JSON.stringify(body) });
  const paperOrders = async (clientOid: string) =>
    (await database.sql`select count(*)::int as n from paper_orders where client_oid = ${clientOid}`)[0]?.n;

  test("a manual MARKET BUY by notional fills on the paper exchange and is recorded", async () => {
    const res = await placeOrder(
      { symbol: "BTC_USDT", side: "BUY", type: "MARKET", notional: "100" },
      { "Idempotency-Key": "manual-1" },
    );
    expect(res.status).toBe(201);
    const body = await json(res);
    expect(body).toMatchObject({ replayed: false, mode: "DRY_RUN", note: null });
    expect(body.order).toMatchObject({ client_oid: "manual-1", symbol: "BTC_USDT", side: "BUY", status: "FILLED" });
    expect(body.order.exchange_create_time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(typeof body.order.id).toBe("number");
  });

  test("a request retried with the same Idempotency-Key returns the first order and places nothing", async () => {
    const request = { symbol: "ETH_USDT", side: "BUY", type: "MARKET", notional: "50" };
    const first = await json(await placeOrder(request, { "Idempotency-Key": "retry-me" }));
    const again = await placeOrder(request, { "Idempotency-Key": "retry-me" });
    expect(again.status).toBe(200);
    expect(again.headers.get("idempotent-replayed")).toBe("true");
    const second = await json(again);
    expect(second.replayed).toBe(true);
    expect(second.order).toEqual(first.order);
    expect(await paperOrders("retry-me")).toBe(1);
    expect(
      (await database.sql`select count(*)::int as n from exchange_orders where client_oid = 'retry-me'`)[0]?.n,
    ).toBe(1);
  });

  test("a retry after a crash between placing and recording records the exchange's order, not a second one", async () => {
    // The first attempt reached the exchange, then the process died before the INSERT.
    const placed = await paper.createOrder({
      symbol: "BTC_USDT",
      side: "BUY",
      type: "MARKET",
      notional: "20",
      clientOid: "crashed-1",
    });
    const res = await placeOrder(
      { symbol: "BTC_USDT", side: "BUY", type: "MARKET", notional: "20" },
      { "Idempotency-Key": "crashed-1" },
    );
    expect(res.status).toBe(201);
    expect((await json(res)).order.exchange_order_id).toBe(placed.exchangeOrderId);
    expect(await paperOrders("crashed-1")).toBe(1);
  });

  test("reusing a key for another order is a 409", async () => {
    await placeOrder(
      { symbol: "BTC_USDT", side: "BUY", type: "MARKET", notional: "10" },
      { "Idempotency-Key": "k-409" },
    );
    const other = await placeOrder(
      { symbol: "ETH_USDT", side: "BUY", type: "MARKET", notional: "10" },
      { "Idempotency-Key": "k-409" },
    );
    expect(other.status).toBe(409);
    expect(await paperOrders("k-409")).toBe(1);
  });

  test("without a key the server makes one", async () => {
    const res = await placeOrder({ symbol: "BTC_USDT", side: "SELL", type: "MARKET", quantity: "0.001" });
    expect(res.status).toBe(201);
    expect((await json(res)).order.client_oid).toMatch(/^api-[0-9a-f]{32}$/);
  });

  test("a LIMIT order rests, is listed as open, and can be cancelled (twice: the second returns it as is)", async () => {
    const res = await placeOrder(
      { symbol: "BTC_USDT", side: "BUY", type: "LIMIT", quantity: "0.001", price: "1000" },
      { "Idempotency-Key": "limit-1" },
    );
    expect(res.status).toBe(201);
    const { order } = await json(res);
    expect(order.status).toBe("ACTIVE");
    const open = await json(await app.request("/api/orders/open"));
    expect(open.orders.map((o: { client_oid: string }) => o.client_oid)).toContain("limit-1");

    const cancel = () =>
      app.request(`/api/orders/${order.exchange_order_id}/cancel`, { method: "POST", headers: bearer() });
    const cancelled = await cancel();
    expect(cancelled.status).toBe(200);
    expect((await json(cancelled)).order.status).toBe("CANCELLED");
    expect((await cancel()).status).toBe(200);
    const after = await json(await app.request("/api/orders/open"));
    expect(after.orders.map((o: { client_oid: string }) => o.client_oid)).not.toContain("limit-1");
  });

  test("cancelling a filled order is a 409, an unknown one a 404", async () => {
    const { order } = await json(
      await placeOrder(
        { symbol: "BTC_USDT", side: "BUY", type: "MARKET", notional: "10" },
        { "Idempotency-Key": "f-1" },
      ),
    );
    const filled = await app.request(`/api/orders/${order.exchange_order_id}/cancel`, {
      method: "POST",
      headers: bearer(),
    });
    expect(filled.status).toBe(409);
    const unknown = await app.request("/api/orders/no-such-order/cancel", { method: "POST", headers: bearer() });
    expect(unknown.status).toBe(404);
  });

  test("exchange refusals are 422 with the reason", async () => {
    const poor = await placeOrder({ symbol: "BTC_USDT", side: "BUY", type: "MARKET", notional: "99999999" });
    expect(poor.status).toBe(422);
    expect((await json(poor)).error.code).toBe("insufficient_funds");
    const unknown = await placeOrder({ symbol: "ZZZ_USDT", side: "BUY", type: "MARKET", notional: "10" });
    expect(unknown.status).toBe(422);
    expect((await json(unknown)).error.code).toBe("invalid_order");
  });

  const invalid: [string, unknown, Record<string, string>, string][] = [
    ["LIMIT without price", { symbol: "BTC_USDT", side: "BUY", type: "LIMIT", quantity: "1" }, {}, "price"],
    ["LIMIT without quantity", { symbol: "BTC_USDT", side: "BUY", type: "LIMIT", price: "1" }, {}, "quantity"],
    [
      "LIMIT with notional",
      { symbol: "BTC_USDT", side: "BUY", type: "LIMIT", quantity: "1", price: "1", notional: "1" },
      {},
      "notional",
    ],
    ["MARKET with price", { symbol: "BTC_USDT", side: "BUY", type: "MARKET", quantity: "1", price: "1" }, {}, "price"],
    ["MARKET SELL by notional", { symbol: "BTC_USDT", side: "SELL", type: "MARKET", notional: "10" }, {}, "notional"],
    ["MARKET with neither amount", { symbol: "BTC_USDT", side: "BUY", type: "MARKET" }, {}, "quantity"],
    [
      "MARKET with both amounts",
      { symbol: "BTC_USDT", side: "BUY", type: "MARKET", quantity: "1", notional: "1" },
      {},
      "quantity",
    ],
    ["quantity as a number", { symbol: "BTC_USDT", side: "SELL", type: "MARKET", quantity: 0.1 }, {}, "quantity"],
    ["zero quantity", { symbol: "BTC_USDT", side: "SELL", type: "MARKET", quantity: "0" }, {}, "quantity"],
    ["negative price", { symbol: "BTC_USDT", side: "BUY", type: "LIMIT", quantity: "1", price: "-1" }, {}, "price"],
    ["13 decimals", { symbol: "BTC_USDT", side: "SELL", type: "MARKET", quantity: "0.0000000000001" }, {}, "quantity"],
    ["unknown type", { symbol: "BTC_USDT", side: "BUY", type: "STOP_LIMIT", quantity: "1" }, {}, "type"],
    ["lower-case side", { symbol: "BTC_USDT", side: "buy", type: "MARKET", notional: "1" }, {}, "side"],
    ["unknown field", { symbol: "BTC_USDT", side: "BUY", type: "MARKET", notional: "1", leverage: 5 }, {}, "(root)"],
    ["bad symbol", { symbol: "BTC/USDT", side: "BUY", type: "MARKET", notional: "1" }, {}, "symbol"],
    [
      "key too long",
      { symbol: "BTC_USDT", side: "BUY", type: "MARKET", notional: "10" },
      { "Idempotency-Key": "k".repeat(37) },
      "idempotency-key",
    ],
    [
      "key with a space",
      { symbol: "BTC_USDT", side: "BUY", type: "MARKET", notional: "10" },
      { "Idempotency-Key": "a b" },
      "idempotency-key",
    ],
    [
      "reserved key prefix",
      { symbol: "BTC_USDT", side: "BUY", type: "MARKET", notional: "10" },
      { "Idempotency-Key": "sig-1" },
      "idempotency-key",
    ],
  ];
  test.each(invalid)("POST /api/orders rejects %s with 400 and places nothing", async (_name, body, headers, path) => {
    const before = [await countRows(database, "paper_orders"), await countRows(database, "exchange_orders")];
    const res = await placeOrder(body, headers);
    expect(res.status).toBe(400);
    expect((await json(res)).error.details.map((d: { path: string }) => d.path)).toContain(path);
    expect([await countRows(database, "paper_orders"), await countRows(database, "exchange_orders")]).toEqual(before);
  });

  const denied: [string, Record<string, string>, number][] = [
    ["no token", {}, 401],
    ["wrong token", bearer("not-the-token-at-all"), 401],
  ];
  test.each(denied)("POST /api/orders with %s is %d and places nothing", async (_name, headers, status) => {
    const before = await countRows(database, "paper_orders");
    const res = await app.request("/api/orders", {
      method: "POST",
      headers: { "Content-Type": "application/json", ...headers },
      body: JSON.stringify({ symbol: "BTC_USDT", side: "BUY", type: "MARKET", notional: "10" }),
    });
    expect(res.status).toBe(status);
    const cancel = await app.request("/api/orders/x/cancel", { method: "POST", headers });
    expect(cancel.status).toBe(status);
    expect(await countRows(database, "paper_orders")).toBe(before);
  });

  test("malformed JSON is a 400", async () => {
    const res = await app.request("/api/orders", { method: "POST", headers: jsonHeaders(), body: '{"symbol":' });
    expect(res.status).toBe(400);
  });
});

describe("orders API without an exchange", async () => {
  const database = await createTestDatabase();
  const { app, close } = createTestApp(database, { env: { API_TOKEN } });
  afterAll(async () => {
    close();
    await database.close();
  });

  test("placing answers 503; lists still work", async () => {
    const res = await app.request("/api/orders", {
      method: "POST",
      headers: jsonHeaders(),
      body: JSON.stringify({ symbol: "BTC_USDT", side: "BUY", type: "MARKET", notional: "10" }),
    });
    expect(res.status).toBe(503);
    expect((await app.request("/api/orders/open")).status).toBe(200);
  });
});
