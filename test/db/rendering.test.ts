import { afterAll, describe, expect, test } from "bun:test";
import { createTestApp } from "../helpers/app";
import { createTestDatabase } from "../helpers/cluster";
import { json } from "../helpers/json";
import { insertDashboardFixture } from "../services/dashboard/fixture";

/**
 * The API and the dashboard render an order, a signal, a balance, a watchlist item and the portfolio with the same
 * SQL fragment (db/queries/<aggregate>.ts), so the same row reads the same in both.
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

  test("a balance: the portfolio's held assets are the dashboard's balances, adding only their share", async () => {
    const portfolio = await json(await app.request("/api/portfolio"));
    const byAsset = new Map(state.balances.map((b: { asset: string }) => [b.asset, b]));
    expect(portfolio.assets.length).toBeGreaterThan(0);
    for (const { share_pct: _, ...balance } of portfolio.assets) expect(byAsset.get(balance.asset)).toEqual(balance);
  });

  test("a watchlist item: the API's item is the dashboard's plus its effective rules", async () => {
    const items = (await json(await app.request("/api/watchlist"))).watchlist;
    expect(state.watchlist.length).toBeGreaterThan(0);
    expect(items.map(({ rules: _, ...item }: { rules: unknown }) => item)).toEqual(state.watchlist);
    const one = await json(await app.request(`/api/watchlist/${state.watchlist[0].symbol}`));
    expect(one).toEqual(items[0]);
    expect(one.rules).toBeDefined();
  });

  test("the portfolio", async () => {
    expect(await json(await app.request("/api/portfolio"))).toEqual(state.portfolio);
    expect(state.portfolio.loans.length).toBeGreaterThan(0);
    const loans = (await json(await app.request("/api/loans?active=true"))).loans;
    expect(loans).toEqual(expect.arrayContaining(state.portfolio.loans));
  });
});
