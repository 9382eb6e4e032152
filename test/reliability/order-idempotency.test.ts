import { afterAll, describe, expect, test } from "bun:test";
import { writeLiveTrading } from "../../src/db/queries/settings";
import { createCcxtExchange } from "../../src/exchanges/ccxt/connect";
import type { CreateOrderRequest, ExchangeClient } from "../../src/exchanges/types";
import { API_TOKEN, createTestApp, jsonHeaders } from "../helpers/app";
import { createTestDatabase } from "../helpers/cluster";
import { startFakeCryptocom } from "../helpers/fake-cryptocom";
import { json } from "../helpers/json";
import { override, testPaperExchange } from "../helpers/trading";

/** The paper exchange with every createOrder counted (and optionally delayed). */
function countingExchange(client: ExchangeClient, delayMs = 0) {
  const calls: CreateOrderRequest[] = [];
  const counted = override(client, {
    createOrder: async (request) => {
      calls.push(request);
      if (delayMs > 0) await Bun.sleep(delayMs);
      return client.createOrder(request);
    },
  });
  return { counted, calls };
}

const order = (extra: Record<string, string> = {}) => ({
  symbol: "BTC_USDT",
  side: "BUY",
  type: "MARKET",
  notional: "25",
  ...extra,
});

/** Fires `n` identical POSTs at once and tallies the statuses (and error codes). */
async function burst(
  app: { request: (path: string, init: RequestInit) => Response | Promise<Response> },
  n: number,
  key: string,
) {
  const answers = await Promise.all(
    Array.from({ length: n }, () =>
      Promise.resolve(
        app.request("/api/orders", {
          method: "POST",
          headers: jsonHeaders({ "Idempotency-Key": key }),
          body: JSON.stringify(order()),
        }),
      ),
    ),
  );
  const tally: Record<string, number> = {};
  for (const res of answers) {
    const body = await json(res);
    const label = res.status >= 400 ? `${res.status} ${body.error.code}` : String(res.status);
    tally[label] = (tally[label] ?? 0) + 1;
  }
  return tally;
}

describe("manual orders: idempotency keys with a body hash", async () => {
  const database = await createTestDatabase();
  const paper = await testPaperExchange(database, { USDT: "100000", BTC: "1" });
  const { counted, calls } = countingExchange(paper, 40);
  const { app, close } = createTestApp(database, { exchange: counted, env: { API_TOKEN } });
  afterAll(async () => {
    close();
    await paper.close();
    await database.close();
  });
  const post = (body: unknown, key?: string) =>
    app.request("/api/orders", {
      method: "POST",
      headers: jsonHeaders(key ? { "Idempotency-Key": key } : {}),
      body: JSON.stringify(body),
    });

  test("the same key with another amount, price, or quantity instead of notional is 409 idempotency_conflict", async () => {
    expect((await post(order(), "hash-1")).status).toBe(201);
    const variants = [
      order({ notional: "26" }),
      { symbol: "BTC_USDT", side: "BUY", type: "MARKET", quantity: "0.001" },
      { symbol: "BTC_USDT", side: "BUY", type: "LIMIT", quantity: "0.001", price: "100" },
      order({ symbol: "ETH_USDT" }),
    ];
    for (const variant of variants) {
      const res = await post(variant, "hash-1");
      expect(res.status).toBe(409);
      expect((await json(res)).error.code).toBe("idempotency_conflict");
    }
    expect(calls.filter((c) => c.clientOid === "hash-1")).toHaveLength(1);
  });

  test("the same order written differently (trailing zeros) is a replay, not a conflict", async () => {
    expect((await post(order({ notional: "30" }), "hash-2")).status).toBe(201);
    const again = await post(order({ notional: "30.000" }), "hash-2");
    expect(again.status).toBe(200);
    expect((await json(again)).replayed).toBe(true);
  });

  test("twenty concurrent requests with one key: one create-order, one 201, the rest 200 or 409 in progress", async () => {
    const before = calls.length;
    const tally = await burst(app, 20, "burst-paper");
    expect(calls.length - before).toBe(1);
    expect(tally["201"]).toBe(1);
    expect((tally["200"] ?? 0) + (tally["409 idempotency_in_progress"] ?? 0)).toBe(19);
    const [row] = await database.sql`select count(*)::int as n from paper_orders where client_oid = 'burst-paper'`;
    expect(row?.n).toBe(1);
    console.log(`paper burst: ${JSON.stringify(tally)}, create-order calls ${calls.length - before}`);
  });

  test("every answer names the client order id, server-made ones too; the order can be looked up by it", async () => {
    const res = await post(order());
    expect(res.status).toBe(201);
    const id = res.headers.get("client-order-id");
    expect(id).toMatch(/^api-[0-9a-f]{32}$/);
    expect((await json(res)).client_order_id).toBe(id);
    const found = await app.request(`/api/orders/by-client-id/${id}`, { headers: jsonHeaders() });
    expect(found.status).toBe(200);
    expect(await json(found)).toMatchObject({ client_order_id: id, state: "placed", order: { client_oid: id } });
    expect((await app.request("/api/orders/by-client-id/never-used", { headers: jsonHeaders() })).status).toBe(404);
    expect((await app.request("/api/orders/by-client-id/bad%20id", { headers: jsonHeaders() })).status).toBe(400);
  });

  test("an exchange refusal is stored and replayed to a retry without asking the exchange again", async () => {
    const before = calls.length;
    const poor = order({ notional: "99999999" });
    const first = await post(poor, "too-big");
    expect(first.status).toBe(422);
    const again = await post(poor, "too-big");
    expect(again.status).toBe(422);
    expect((await json(again)).error.code).toBe((await json(first)).error.code);
    expect(calls.length - before).toBe(1);
  });
});

describe("manual orders: a timeout never hides an order", async () => {
  const database = await createTestDatabase();
  const paper = await testPaperExchange(database, { USDT: "100000", BTC: "1" });
  const { counted, calls } = countingExchange(paper, 1000);
  const { app, close } = createTestApp(database, { exchange: counted, env: { API_TOKEN, REQUEST_TIMEOUT_MS: "600" } });
  afterAll(async () => {
    close();
    await paper.close();
    await database.close();
  });

  test("past the budget the answer is 504 order_pending with the id and where to look; retrying places nothing new", async () => {
    const res = await app.request("/api/orders", {
      method: "POST",
      headers: jsonHeaders(),
      body: JSON.stringify(order()),
    });
    expect(res.status).toBe(504);
    const id = res.headers.get("client-order-id") ?? "";
    const body = await json(res);
    expect(body.error.code).toBe("order_pending");
    expect(body.error.details).toEqual({ client_order_id: id, lookup: `/api/orders/by-client-id/${id}` });
    const pending = await json(await app.request(body.error.details.lookup, { headers: jsonHeaders() }));
    expect(pending).toMatchObject({ state: "pending", order: null });
    // The placement goes on after the answer; under load it may take a while to settle.
    let placed = pending;
    for (let i = 0; i < 100 && placed.state === "pending"; i++) {
      await Bun.sleep(100);
      placed = await json(await app.request(body.error.details.lookup, { headers: jsonHeaders() }));
    }
    expect(placed).toMatchObject({ state: "placed", order: { client_oid: id } });
    const retry = await app.request("/api/orders", {
      method: "POST",
      headers: jsonHeaders({ "Idempotency-Key": id }),
      body: JSON.stringify(order()),
    });
    expect(retry.status).toBe(200);
    expect(calls.filter((c) => c.clientOid === id)).toHaveLength(1);
  });
});

describe("manual orders through the ccxt adapter, counted at the fake exchange", async () => {
  const database = await createTestDatabase();
  const fake = startFakeCryptocom({ balances: { USDT: "100000", BTC: "1" } });
  const live = await createCcxtExchange({
    exchangeId: "cryptocom",
    apiKey: fake.apiKey,
    secret: "test-secret",
    apiUrl: fake.url,
    enableRateLimit: false,
    timeoutMs: 3000,
    historyLookbackMs: 86_400_000,
    historySettleMs: 0,
  });
  const paper = await testPaperExchange(database);
  const { app, close } = createTestApp(database, { exchange: live, paperExchange: paper, env: { API_TOKEN } });
  await writeLiveTrading(database.sql, true);
  afterAll(async () => {
    close();
    await live.close();
    await paper.close();
    fake.stop();
    await database.close();
  });

  test("twenty concurrent requests with one key reach create-order once", async () => {
    // The first create-order is handled at once but answered late, so the others arrive while it is in flight.
    fake.inject({ kind: "late", ms: 300 }, { method: "private/create-order" });
    const before = fake.count("private/create-order");
    const tally = await burst(app, 20, "burst-ccxt");
    const created = fake.count("private/create-order") - before;
    expect(created).toBe(1);
    expect(tally["201"]).toBe(1);
    expect((tally["200"] ?? 0) + (tally["409 idempotency_in_progress"] ?? 0)).toBe(19);
    console.log(`ccxt burst: ${JSON.stringify(tally)}, create-order calls at the fake ${created}`);
    const again = await burst(app, 5, "burst-ccxt");
    expect(again).toEqual({ "200": 5 });
    expect(fake.count("private/create-order") - before).toBe(1);
  });
});
