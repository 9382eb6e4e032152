import { afterAll, describe, expect, test } from "bun:test";
import type { ExchangeClient } from "../../src/exchanges/types";
import { createLogger } from "../../src/lib/logger";
import { runExchangeSyncCycle } from "../../src/services/exchange-sync";
import { API_TOKEN, createTestApp, jsonHeaders } from "../helpers/app";
import { createTestDatabase } from "../helpers/cluster";
import { json } from "../helpers/json";
import { override, testPaperExchange } from "../helpers/trading";

const log = createLogger({ level: "error", write: () => {} });

describe("two accounts, never mixed: a live exchange with live trading off, and its paper twin", async () => {
  const database = await createTestDatabase();
  const paper = await testPaperExchange(database);
  const asked: string[] = [];
  // A live account with no orders of its own; every look-up it gets is recorded.
  const live: ExchangeClient = override(paper, {
    name: "fake-live",
    live: true,
    fetchOpenOrders: async () => [],
    fetchOrder: async (id) => {
      asked.push(id);
      throw new Error(`the live exchange was asked for ${id}`);
    },
    fetchOrderHistory: async (cursor) => ({ orders: [], cursor: cursor ?? "0", hasMore: false }),
    cancelOrder: async (id) => {
      asked.push(id);
      throw new Error(`the live exchange was asked to cancel ${id}`);
    },
  });
  const { app, close } = createTestApp(database, { exchange: live, paperExchange: paper, env: { API_TOKEN } });
  afterAll(async () => {
    close();
    await database.close();
  });

  test("a paper LIMIT order is tagged paper, reconciled and cancelled on the paper exchange only", async () => {
    const res = await app.request("/api/orders", {
      method: "POST",
      headers: { ...jsonHeaders(), "Idempotency-Key": "acct-limit-1" },
      body: JSON.stringify({ symbol: "BTC_USDT", side: "BUY", type: "LIMIT", quantity: "0.001", price: "1000" }),
    });
    expect(res.status).toBe(201);
    const placed = (await json(res)).order;
    expect(placed).toMatchObject({ account: "paper", status: "ACTIVE" });

    const cycle = await runExchangeSyncCycle({
      sql: database.sql,
      exchange: live,
      paperTwin: paper,
      log,
      pageSize: 50,
    });
    expect(cycle.history_fetched).toBe(0);
    expect(asked).toEqual([]);

    const cancel = await app.request(`/api/orders/${placed.exchange_order_id}/cancel`, {
      method: "POST",
      headers: jsonHeaders(),
    });
    expect(cancel.status).toBe(200);
    expect((await json(cancel)).order).toMatchObject({ account: "paper", status: "CANCELLED" });
    expect(asked).toEqual([]);
  });
});
