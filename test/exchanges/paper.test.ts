import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import Big from "big.js";
import type { Database } from "../../src/db/client";
import { InsufficientFundsError } from "../../src/domain/exchange-errors";
import { createPaperExchange, type PaperExchangeOptions } from "../../src/exchanges/paper/client";
import { LIQUIDITY_PER_TICK } from "../../src/exchanges/paper/fills";
import { findMarket } from "../../src/exchanges/paper/markets";
import { PRICE_GRID_MS, PricePath } from "../../src/exchanges/paper/prices";
import { pinPrice } from "../../src/exchanges/paper/store";
import { createTestDatabase } from "../helpers/cluster";
import { runExchangeContract } from "./contract";

const START = Date.UTC(2025, 0, 1, 12);
const SEED = "contract";
const BTC = findMarket("BTC_USDT");
if (!BTC) throw new Error("BTC_USDT must be a paper market");

let database: Database;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(() => database.close());

/** Empties the paper tables: the next exchange created on the database starts a fresh account. */
async function resetAccount(): Promise<void> {
  await database.sql`truncate paper_orders, paper_balances, paper_state, paper_prices restart identity`;
}

/** A paper exchange on the file's database, with a clock the test moves. */
async function paperExchange(options: Partial<PaperExchangeOptions> = {}) {
  const clock = { now: START };
  const client = await createPaperExchange({
    sql: database.sql,
    seed: SEED,
    feeRate: "0.001",
    slippageRate: "0.0005",
    startBalances: { USDT: "10000", BTC: "0.5", ETH: "5" },
    historyOrders: 0,
    now: () => clock.now,
    ...options,
  });
  return { client, clock };
}

/** The grid points of the next day where BTC_USDT is at or below `limit`, after `from`. */
function crossings(path: PricePath, from: number, limit: Big): number[] {
  return path.gridPoints(from, from + 86_400_000, 8640).filter((t) => new Big(path.priceStringAt(t)).lte(limit));
}

/** A BUY limit below the price at `from` that the walk reaches within a day (half-way to the day's low). */
function restingBuy(path: PricePath, from: number): { price: string; crossings: number[] } {
  const now = path.priceAt(from);
  const low = Math.min(...path.gridPoints(from, from + 86_400_000, 8640).map((t) => path.priceAt(t)));
  if (low >= now * 0.999) throw new Error("the walk does not fall within a day of this start; pick another START");
  const price = ((now + low) / 2).toFixed(BTC?.priceDecimals);
  return { price, crossings: crossings(path, from, new Big(price)) };
}

runExchangeContract("paper", async () => {
  await resetAccount();
  const { client, clock } = await paperExchange({ pinnedPrices: true });
  const path = new PricePath(SEED, BTC);
  let pending: number[] = [];
  return {
    client,
    symbol: "BTC_USDT",
    base: "BTC",
    quote: "USDT",
    restingBuyPrice: async () => {
      const { price, crossings } = restingBuy(path, clock.now);
      pending = crossings;
      return price;
    },
    moveMarket: async () => {
      clock.now = (pending[0] ?? clock.now) + PRICE_GRID_MS;
    },
    setPrice: async (price) => {
      clock.now += 1000;
      await pinPrice(database.sql, "BTC_USDT", price, clock.now);
    },
    passTime: async () => {
      clock.now += 1000;
    },
    close: () => client.close(),
  };
});

describe("paper exchange", () => {
  test("prices and candles are a pure function of seed, symbol and time", async () => {
    await resetAccount();
    const { client: a } = await paperExchange();
    const { client: b } = await paperExchange();
    const { client: other } = await paperExchange({ seed: "another seed" });
    const symbols = ["BTC_USDT", "ETH_USDT", "SHIB_USDT"];
    expect(await a.fetchTickers(symbols)).toEqual(await b.fetchTickers(symbols));
    expect(await a.fetchCandles("ETH_USDT", "15m", 100)).toEqual(await b.fetchCandles("ETH_USDT", "15m", 100));
    expect((await other.fetchTickers(symbols)).map((t) => t.last)).not.toEqual(
      (await a.fetchTickers(symbols)).map((t) => t.last),
    );
    expect(await other.fetchCandles("ETH_USDT", "15m", 100)).not.toEqual(await a.fetchCandles("ETH_USDT", "15m", 100));
    // Different symbols walk independently.
    const [btc, eth] = await Promise.all(["BTC_USDT", "ETH_USDT"].map((s) => a.fetchCandles(s, "1h", 48)));
    const moves = (candles: typeof btc = []) => candles.map((c) => Math.sign(c.close - c.open));
    expect(moves(btc)).not.toEqual(moves(eth));
  });

  test("candles kept from an earlier call are those a fresh path computes, the forming one included", () => {
    const path = new PricePath(SEED, BTC);
    for (const [timeframe, limit] of [
      ["1h", 250],
      ["5m", 12],
      ["1h", 40],
    ] as const) {
      for (const later of [0, 1_000, 3_600_000, 3_601_000, 250 * 3_600_000]) {
        const now = START + 1234 + later;
        expect(path.candles(timeframe, limit, now)).toEqual(new PricePath(SEED, BTC).candles(timeframe, limit, now));
      }
    }
  });

  test("price(t) needs no replay and moves like a market: small steps, bounded range", () => {
    const path = new PricePath(SEED, BTC);
    const far = Date.UTC(2031, 5, 1);
    expect(new PricePath(SEED, BTC).priceAt(far)).toBe(path.priceAt(far));
    const daily = Array.from({ length: 365 }, (_, d) =>
      Math.log(path.priceAt(far + (d + 1) * 864e5) / path.priceAt(far + d * 864e5)),
    );
    const deviation = Math.sqrt(daily.reduce((sum, r) => sum + r * r, 0) / daily.length);
    expect(deviation).toBeGreaterThan(BTC.dailyVolatility * 0.5);
    expect(deviation).toBeLessThan(BTC.dailyVolatility * 2);
    for (let d = 0; d < 365; d++) {
      const price = path.priceAt(far + d * 864e5);
      expect(price).toBeGreaterThan(BTC.basePrice / 3);
      expect(price).toBeLessThan(BTC.basePrice * 3);
    }
  });

  test("candles agree with the ticker: the forming candle closes at the last price", async () => {
    await resetAccount();
    const { client, clock } = await paperExchange();
    clock.now = START + 123_456;
    const [ticker] = await client.fetchTickers(["BTC_USDT"]);
    const candles = await client.fetchCandles("BTC_USDT", "5m", 12);
    expect(candles.at(-1)?.close).toBe(Number(ticker?.last));
    expect(candles.at(-1)?.time).toBe(Math.floor(clock.now / 300_000) * 300_000);
    for (let i = 1; i < candles.length; i++) expect(candles[i]?.open).toBe(candles[i - 1]?.close ?? Number.NaN);
  });

  test("a market order fills at the price moved by slippage, with the fee in the asset received", async () => {
    await resetAccount();
    const { client, clock } = await paperExchange();
    const price = new Big(new PricePath(SEED, BTC).priceStringAt(clock.now));
    const buy = await client.createOrder({
      symbol: "BTC_USDT",
      side: "BUY",
      type: "MARKET",
      quantity: "0.1",
      clientOid: "slip-buy",
    });
    expect(buy.avgPrice).toBe(price.times("1.0005").round(2).toFixed());
    expect(buy).toMatchObject({ fee: "0.0001", feeCurrency: "BTC" });
    const sell = await client.createOrder({
      symbol: "BTC_USDT",
      side: "SELL",
      type: "MARKET",
      quantity: "0.1",
      clientOid: "slip-sell",
    });
    expect(sell.avgPrice).toBe(price.times("0.9995").round(2).toFixed());
    expect(sell.feeCurrency).toBe("USDT");
    expect(sell.fee).toBe(new Big(sell.cumulativeValue).times("0.001").toFixed());
  });

  test("a large limit order fills in parts as the market stays through its price", async () => {
    await resetAccount();
    const { client, clock } = await paperExchange();
    const path = new PricePath(SEED, BTC);
    const { price, crossings: points } = restingBuy(path, clock.now);
    const perTick = LIQUIDITY_PER_TICK.div(price).round(BTC.quantityDecimals, Big.roundDown);
    const quantity = perTick.times(3).plus("0.000001").toFixed();
    expect(points.length).toBeGreaterThanOrEqual(4);

    const order = await client.createOrder({
      symbol: "BTC_USDT",
      side: "BUY",
      type: "LIMIT",
      quantity,
      price,
      clientOid: "big",
    });
    expect(order.status).toBe("ACTIVE");

    clock.now = (points[0] ?? 0) + 1;
    const first = await client.fetchOrder(order.exchangeOrderId, "BTC_USDT");
    expect(first).toMatchObject({ status: "PARTIALLY_FILLED", cumulativeQuantity: perTick.toFixed() });
    expect(first.updateTime).toBe(new Date(points[0] ?? 0).toISOString());
    const balances = await client.fetchBalances();
    const usdt = balances.find((b) => b.asset === "USDT");
    expect(usdt?.locked).toBe(new Big(quantity).minus(perTick).times(price).toFixed());
    expect((await client.fetchOpenOrders()).map((o) => o.status)).toEqual(["PARTIALLY_FILLED"]);

    clock.now = (points[3] ?? 0) + 1;
    const done = await client.fetchOrder(order.exchangeOrderId, "BTC_USDT");
    expect(done).toMatchObject({ status: "FILLED", cumulativeQuantity: quantity, avgPrice: price });
    expect((await client.fetchBalances()).find((b) => b.asset === "USDT")?.locked).toBe("0");
    expect(await client.fetchOpenOrders()).toEqual([]);
  });

  test("a partly filled order keeps its fills when cancelled and unlocks only the rest", async () => {
    await resetAccount();
    const { client, clock } = await paperExchange();
    const path = new PricePath(SEED, BTC);
    const { price, crossings: points } = restingBuy(path, clock.now);
    const perTick = LIQUIDITY_PER_TICK.div(price).round(BTC.quantityDecimals, Big.roundDown);
    const order = await client.createOrder({
      symbol: "BTC_USDT",
      side: "BUY",
      type: "LIMIT",
      quantity: perTick.times(2).toFixed(),
      price,
      clientOid: "partial-cancel",
    });
    clock.now = (points[0] ?? 0) + 1;
    const cancelled = await client.cancelOrder(order.exchangeOrderId, "BTC_USDT");
    expect(cancelled).toMatchObject({ status: "CANCELLED", cumulativeQuantity: perTick.toFixed() });
    const usdt = (await client.fetchBalances()).find((b) => b.asset === "USDT");
    expect(usdt).toMatchObject({ locked: "0", total: new Big(10000).minus(perTick.times(price)).toFixed() });
  });

  test("open orders come oldest first by placement, past the ninth (seq 10 after seq 9)", async () => {
    await resetAccount();
    const { client } = await paperExchange();
    const [ticker] = await client.fetchTickers(["BTC_USDT"]);
    const price = (Number(ticker?.last) * 0.5).toFixed(BTC.priceDecimals);
    const placed: string[] = [];
    for (let i = 0; i < 11; i++) {
      const order = await client.createOrder({
        symbol: "BTC_USDT",
        side: "BUY",
        type: "LIMIT",
        quantity: "0.001",
        price,
        clientOid: `oldest-first-${i}`,
      });
      placed.push(order.exchangeOrderId);
    }
    expect((await client.fetchOpenOrders()).map((o) => o.exchangeOrderId)).toEqual(placed);
  });

  test("a restart (new instance on the same database) keeps balances and orders, and does not reseed", async () => {
    await resetAccount();
    const first = await paperExchange();
    const placed = await first.client.createOrder({
      symbol: "ETH_USDT",
      side: "SELL",
      type: "MARKET",
      quantity: "1",
      clientOid: "before-restart",
    });
    const balances = await first.client.fetchBalances();
    await first.client.close();

    const second = await paperExchange({ startBalances: { USDT: "1" } });
    expect(await second.client.fetchBalances()).toEqual(balances);
    expect(await second.client.fetchOrder(placed.exchangeOrderId, "ETH_USDT")).toEqual(placed);
    const again = await second.client.createOrder({
      symbol: "ETH_USDT",
      side: "SELL",
      type: "MARKET",
      quantity: "1",
      clientOid: "before-restart",
    });
    expect(again).toEqual(placed);
  });

  test("concurrent orders cannot spend the same funds, nor duplicate a clientOid", async () => {
    await resetAccount();
    const { client } = await paperExchange({ startBalances: { USDT: "1000" } });
    const path = new PricePath(SEED, BTC);
    // Each order locks ~600 USDT: only one of two fits in 1000.
    const price = (path.priceAt(START) * 0.9).toFixed(2);
    const quantity = new Big(600).div(price).round(6).toFixed();
    const results = await Promise.allSettled(
      ["x", "y"].map((id) =>
        client.createOrder({ symbol: "BTC_USDT", side: "BUY", type: "LIMIT", quantity, price, clientOid: id }),
      ),
    );
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    const rejected = results.find((r) => r.status === "rejected");
    expect(rejected?.status === "rejected" && rejected.reason).toBeInstanceOf(InsufficientFundsError);

    const same = await Promise.all(
      [1, 2, 3].map(() =>
        client.createOrder({ symbol: "BTC_USDT", side: "BUY", type: "MARKET", quantity: "0.001", clientOid: "dup" }),
      ),
    );
    expect(new Set(same.map((o) => o.exchangeOrderId)).size).toBe(1);
    const [row] = await database.sql<{ count: number }[]>`
      select count(*)::int as count from paper_orders where client_oid = 'dup'`;
    expect(row?.count).toBe(1);
  });

  test("PAPER_HISTORY_ORDERS=100000 seeds the history once, oldest first, in a few seconds", async () => {
    await resetAccount();
    const started = performance.now();
    const { client, clock } = await paperExchange({ historyOrders: 100_000 });
    const seconds = (performance.now() - started) / 1000;
    console.log(`seeded 100000 paper orders in ${seconds.toFixed(2)} s`);
    // A guard against per-row round trips (minutes), not a benchmark: the machine may be busy.
    expect(seconds).toBeLessThan(15);

    const count = async () =>
      (await database.sql<{ count: number }[]>`select count(*)::int as count from paper_orders`)[0]?.count;
    expect(await count()).toBe(100_000);
    await paperExchange({ historyOrders: 100_000 });
    expect(await count()).toBe(100_000);

    const first = await client.fetchOrderHistory(null, 500);
    expect(first.orders).toHaveLength(500);
    expect(first.hasMore).toBe(true);
    const times = first.orders.map((o) => o.createTime);
    expect(times).toEqual([...times].sort());
    expect(new Set(first.orders.map((o) => o.status))).toEqual(new Set(["FILLED", "CANCELLED"]));
    for (const order of first.orders) {
      expect(order.createTime < new Date(clock.now).toISOString()).toBe(true);
      if (order.status === "FILLED") expect(order.cumulativeQuantity).toBe(order.quantity);
    }
    const next = await client.fetchOrderHistory(first.cursor, 500);
    expect(next.orders[0]?.createTime && next.orders[0].createTime >= (times.at(-1) ?? "")).toBe(true);

    // A new order comes after the whole history.
    const placed = await client.createOrder({
      symbol: "BTC_USDT",
      side: "BUY",
      type: "MARKET",
      quantity: "0.001",
      clientOid: "after-history",
    });
    const [row] = await database.sql<{ seq: string }[]>`
      select seq::text from paper_orders where order_id = ${placed.exchangeOrderId}`;
    expect(row?.seq).toBe("100001");
  });
});
