import { afterAll, describe, expect, test } from "bun:test";
import { upsertExchangeOrders } from "../../src/db/queries/exchange-orders";
import { Big } from "../../src/domain/money";
import type { ExchangeOrder } from "../../src/domain/orders";
import { createPaperExchange } from "../../src/exchanges/paper/client";
import { API_TOKEN, createTestApp } from "../helpers/app";
import { createTestDatabase } from "../helpers/cluster";
import { json } from "../helpers/json";

const DAY = 86_400_000;
const NOW = Date.parse("2026-05-20T12:00:00Z");

const filled = (id: string, over: Partial<ExchangeOrder> & Pick<ExchangeOrder, "side">): ExchangeOrder => ({
  exchangeOrderId: id,
  clientOid: null,
  symbol: "BTC_USDT",
  type: "MARKET",
  status: "FILLED",
  price: null,
  quantity: "1",
  cumulativeQuantity: "1",
  cumulativeValue: "100",
  avgPrice: null,
  fee: "0",
  feeCurrency: "USDT",
  createTime: new Date(NOW - 3 * DAY).toISOString(),
  updateTime: new Date(NOW - 3 * DAY).toISOString(),
  ...over,
});

describe("positions, trades and profit over the FIFO books", async () => {
  const database = await createTestDatabase();
  // The paper clock stands still, so every read sees one price.
  const paper = await createPaperExchange({
    sql: database.sql,
    seed: "positions-api",
    feeRate: "0.001",
    slippageRate: "0",
    startBalances: { USDT: "10000" },
    historyOrders: 0,
    now: () => NOW,
  });
  const { app, close } = createTestApp(database, {
    exchange: paper,
    env: { API_TOKEN, DAILY_SUMMARY_TZ: "Europe/Paris" },
    now: () => new Date(NOW),
  });
  afterAll(async () => {
    close();
    await database.close();
  });
  const at = (ms: number) => new Date(ms).toISOString();
  // Two days ago: bought 2 BTC at 100 (fee 0.2), sold 1 at 110 by take-profit (fee 0.11); today one at 95 by stop-loss.
  await upsertExchangeOrders(database.sql, "paper", [
    filled("b1", { side: "BUY", quantity: "2", cumulativeQuantity: "2", cumulativeValue: "200", fee: "0.2" }),
  ]);
  await upsertExchangeOrders(database.sql, "paper", [
    filled("t1", {
      side: "SELL",
      clientOid: "tp-b1",
      cumulativeValue: "110",
      fee: "0.11",
      updateTime: at(NOW - 2 * DAY),
    }),
  ]);
  await upsertExchangeOrders(database.sql, "paper", [
    filled("b2", {
      side: "BUY",
      quantity: "0.5",
      cumulativeQuantity: "0.5",
      cumulativeValue: "50",
      updateTime: at(NOW - DAY),
    }),
  ]);
  await upsertExchangeOrders(database.sql, "paper", [
    filled("s1", {
      side: "SELL",
      clientOid: "sl-b1",
      cumulativeValue: "95",
      fee: "0.095",
      updateTime: at(NOW - 3600_000),
    }),
  ]);

  test("GET /api/trades: the closed trade with entry and exit prices, fees, exact realised P&L and its exit", async () => {
    const body = await json(await app.request("/api/trades"));
    expect(body.account).toBe("paper");
    expect(body.next_cursor).toBeNull();
    // Entry cost 200 + 0.2; exits 110 − 0.11 and 95 − 0.095: realised 204.795 − 200.2 = 4.595.
    expect(body.trades).toEqual([
      expect.objectContaining({
        entry_order_id: "b1",
        quantity: "2",
        entry_price: "100.000000000000",
        exit_price: "102.500000000000",
        fees: "0.405",
        realised_pnl: "4.595",
        exit_reason: "stop_loss",
        duration_s: 3 * 86_400 - 3600,
      }),
    ]);
    const none = await json(await app.request("/api/trades?exit_reason=take_profit"));
    expect(none.trades).toEqual([]);
  });

  test("GET /api/profit: realised of every lot, win rate, profit factor, best and worst, unrealised at the price", async () => {
    const body = await json(await app.request("/api/profit"));
    expect(body).toMatchObject({
      account: "paper",
      realised_pnl: "4.595",
      trade_count: 1,
      wins: 1,
      losses: 0,
      win_rate_pct: "100",
      profit_factor: null,
      best_trade_pnl: "4.595",
      worst_trade_pnl: "4.595",
      average_duration_s: 3 * 86_400 - 3600,
      open_positions: 1,
    });
    const [position] = (await json(await app.request("/api/positions"))).positions;
    expect(body.unrealised_pnl).toBe(position.unrealised_pnl);
  });

  test("GET /api/positions: the open lot at the exchange's price, unrealised = mark value − cost, exactly", async () => {
    const body = await json(await app.request("/api/positions"));
    expect(body.positions).toHaveLength(1);
    const [p] = body.positions;
    expect(p).toMatchObject({ symbol: "BTC_USDT", open_qty: "0.5", open_cost: "50", average_entry: "100", lots: 1 });
    const [ticker] = await paper.fetchTickers(["BTC_USDT"]);
    expect(p.current_price).toBe(ticker?.last);
    expect(p.unrealised_pnl).toBe(
      new Big("0.5")
        .times(ticker?.last ?? "0")
        .minus(50)
        .toFixed(),
    );
    expect((await app.request("/api/positions?account=Bad!")).status).toBe(400);
  });

  test("GET /api/profit/daily: the last days in DAILY_SUMMARY_TZ, empty days as zero rows", async () => {
    const body = await json(await app.request("/api/profit/daily?count=4"));
    expect(body).toMatchObject({ account: "paper", unit: "day", time_zone: "Europe/Paris" });
    expect(body.periods).toEqual([
      { period_start: "2026-05-17", realised: "0", trades: 0, wins: 0, losses: 0 },
      { period_start: "2026-05-18", realised: "0", trades: 0, wins: 0, losses: 0 },
      { period_start: "2026-05-19", realised: "0", trades: 0, wins: 0, losses: 0 },
      { period_start: "2026-05-20", realised: "4.595", trades: 1, wins: 1, losses: 0 },
    ]);
    const monthly = await json(await app.request("/api/profit/monthly?count=2"));
    expect(monthly.periods.map((p: { period_start: string }) => p.period_start)).toEqual(["2026-04-01", "2026-05-01"]);
    expect((await app.request("/api/profit/yearly")).status).toBe(400);
    expect((await app.request("/api/profit/daily?count=0")).status).toBe(400);
  });

  test("the dashboard's positions and profit parts: the same figures, from the books", async () => {
    await database.sql`insert into market_data (symbol, price) values ('BTC_USDT', '104')`;
    const body = await json(await app.request("/api/dashboard/state"));
    expect(body.positions).toEqual([
      {
        account: "paper",
        symbol: "BTC_USDT",
        open_qty: "0.5",
        average_entry: "100.000000000000",
        open_cost: "50",
        current_price: "104",
        unrealised_pnl: "2.0",
        unrealised_pnl_pct: "4.0000",
        protection: [],
      },
    ]);
    expect(body.profit).toEqual([
      {
        account: "paper",
        realised_pnl: "4.595",
        trade_count: 1,
        wins: 1,
        losses: 0,
        gross_profit: "4.595",
        gross_loss: "0",
        win_rate_pct: "100.00",
      },
    ]);
  });
});
