import { afterAll, describe, expect, test } from "bun:test";
import { upsertExchangeOrders } from "../../../src/db/queries/exchange-orders";
import type { ExchangeOrder } from "../../../src/domain/orders";
import { createPaperExchange } from "../../../src/exchanges/paper/client";
import { createTestApp } from "../../helpers/app";
import { createTestDatabase } from "../../helpers/cluster";
import { json } from "../../helpers/json";

const CLIENT = { "Content-Type": "application/json", "x-api-key": "demo-key" };
const L = "/legacy/api";
const NOW = Date.parse("2026-05-20T12:00:00Z");

const order = (id: string, over: Partial<ExchangeOrder>): ExchangeOrder => ({
  exchangeOrderId: id,
  clientOid: null,
  symbol: "BTC_USDT",
  side: "BUY",
  type: "MARKET",
  status: "FILLED",
  price: null,
  quantity: "2",
  cumulativeQuantity: "2",
  cumulativeValue: "200",
  avgPrice: "100",
  fee: "0",
  feeCurrency: "USDT",
  createTime: new Date(NOW - 86_400_000).toISOString(),
  updateTime: new Date(NOW - 86_400_000).toISOString(),
  ...over,
});

describe("legacy endpoints over ATP's positions: tp-sl-values, expected take-profit, open-orders summary", async () => {
  const database = await createTestDatabase();
  const paper = await createPaperExchange({
    sql: database.sql,
    seed: "legacy-positions",
    feeRate: "0",
    slippageRate: "0",
    startBalances: { USDT: "10000" },
    historyOrders: 0,
    now: () => NOW,
  });
  const { app, close } = createTestApp(database, { exchange: paper, now: () => new Date(NOW) });
  afterAll(async () => {
    close();
    await paper.close();
    await database.close();
  });
  // Bought 2 BTC at 100; a take-profit for 1.5 at 120 (0.5 of it filled) and a stop-loss for 2 at 90 are working.
  await upsertExchangeOrders(database.sql, "paper", [order("b1", {})]);
  await upsertExchangeOrders(database.sql, "paper", [
    order("tp-open", {
      side: "SELL",
      type: "LIMIT",
      status: "ACTIVE",
      price: "120",
      quantity: "1.5",
      cumulativeQuantity: "0",
      cumulativeValue: "0",
      avgPrice: null,
      clientOid: "tp-b1",
    }),
  ]);
  await database.sql`insert into protection_orders (account, symbol, entry_order_id, kind, generation, client_oid,
      exchange_order_id, state, quantity, trigger_price, limit_price)
    values ('paper', 'BTC_USDT', 'b1', 'take_profit', 1, 'tp-b1', 'tp-open', 'open', '1.5', '120', '120'),
      ('paper', 'BTC_USDT', 'b1', 'stop_loss', 1, 'sl-b1', null, 'open', '2', '90', '90')`;

  test("tp-sl-values: per base currency, what the working TP and SL are worth at their limit price", async () => {
    const res = await app.request(`${L}/orders/tp-sl-values`, { headers: CLIENT });
    expect(res.status).toBe(200);
    expect(await json(res)).toEqual({ BTC: { tp_value_usd: 180, sl_value_usd: 180 } });
  });

  test("expected-take-profit: the summary per position", async () => {
    const body = await json(await app.request(`${L}/dashboard/expected-take-profit`, { headers: CLIENT }));
    expect(body.total_symbols).toBe(1);
    expect(body.summary[0]).toMatchObject({
      symbol: "BTC_USDT",
      net_qty: 2,
      actual_position_value: 200,
      covered_qty: 1.5,
      uncovered_qty: 0.5,
      // 1.5 × (120 − 100).
      total_expected_profit: 30,
      coverage_ratio: 0.75,
    });
    expect(typeof body.summary[0].current_price).toBe("number");
    expect(body.summary[0].position_value).toBeCloseTo(2 * body.summary[0].current_price, 8);
  });

  test("expected-take-profit/{s}: the matched take-profits and what is uncovered", async () => {
    const d = await json(await app.request(`${L}/dashboard/expected-take-profit/BTC_USDT`, { headers: CLIENT }));
    expect(d).toMatchObject({ symbol: "BTC_USDT", net_qty: 2, covered_qty: 1.5, has_uncovered: true });
    expect(d.matched_lots).toEqual([
      expect.objectContaining({
        buy_order_id: "b1",
        buy_price: 100,
        tp_order_id: "tp-open",
        tp_price: 120,
        tp_qty: 1.5,
        tp_status: "open",
        match_origin: "OCO",
        expected_profit: 30,
        expected_profit_pct: 20,
      }),
    ]);
    expect(d.uncovered_entry).toMatchObject({ symbol: "BTC_USDT", uncovered_qty: 0.5, is_uncovered: true });
    const none = await app.request(`${L}/dashboard/expected-take-profit/ETH_USDT`, { headers: CLIENT });
    expect(none.status).toBe(404);
    expect(typeof (await json(none)).detail).toBe("string");
    expect((await app.request(`${L}/dashboard/expected-take-profit/eth`, { headers: CLIENT })).status).toBe(400);
  });

  test("open-orders-summary: every open order in the unified shape", async () => {
    const body = await json(await app.request(`${L}/dashboard/open-orders-summary`, { headers: CLIENT }));
    expect(body.orders).toEqual([
      expect.objectContaining({
        order_id: "tp-open",
        symbol: "BTC_USDT",
        base_symbol: "BTC",
        side: "SELL",
        status: "ACTIVE",
        price: 120,
        quantity: 1.5,
        client_oid: "tp-b1",
      }),
    ]);
    expect("last_updated" in body).toBe(true);
  });
});
