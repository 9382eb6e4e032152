import { afterAll, describe, expect, test } from "bun:test";
import { createTestApp } from "../helpers/app";
import { createTestDatabase } from "../helpers/cluster";
import { json } from "../helpers/json";
import { insertDashboardFixture } from "../services/dashboard/fixture";

/**
 * The API and the dashboard render an order, a signal and a balance with the same SQL fragment
 * (db/queries/<aggregate>.ts), so the same row reads the same in both.
 */
describe("one rendering per aggregate: the API's JSON is the dashboard's", async () => {
  const database = await createTestDatabase();
  await insertDashboardFixture(database.sql);
  const { app, close } = createTestApp(database);
  const state = await json(await app.request("/api/dashboard/state"));
  afterAll(async () => {
    close();
    await database.close();
  });

  test("an order: open and executed lists against the order history", async () => {
    const history = (await json(await app.request("/api/orders/history?limit=500"))).orders;
    const byId = new Map(history.map((o: { id: number }) => [o.id, o]));
    expect(state.open_orders.length).toBeGreaterThan(0);
    for (const order of [...state.open_orders, ...state.executed_orders]) expect(byId.get(order.id)).toEqual(order);
    const open = (await json(await app.request("/api/orders/open?limit=500"))).orders;
    expect(open.slice(0, state.open_orders.length)).toEqual(state.open_orders);
  });

  test("a signal", async () => {
    const signals = (await json(await app.request("/api/signals?limit=500"))).signals;
    const byId = new Map(signals.map((s: { id: number }) => [s.id, s]));
    for (const signal of [...state.fast_signals, ...state.slow_signals]) expect(byId.get(signal.id)).toEqual(signal);
    expect(state.fast_signals.length).toBeGreaterThan(0);
  });

  test("a balance (the portfolio's assets add only their share)", async () => {
    const portfolio = await json(await app.request("/api/portfolio"));
    const assets = new Map(
      portfolio.assets.map(({ share: _, ...balance }: { asset: string; share: unknown }) => [balance.asset, balance]),
    );
    expect(state.balances.length).toBeGreaterThan(0);
    for (const balance of state.balances) expect(assets.get(balance.asset)).toEqual(balance);
  });
});
