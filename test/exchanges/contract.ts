/**
 * The contract every ExchangeClient implementation must pass (paper, and ccxt against the local fake server).
 * Each test gets a fresh subject (its own account), so tests do not depend on each other or on order.
 */
import { describe, expect, test } from "bun:test";
import Big from "big.js";
import { InsufficientFundsError, InvalidOrderError, UnknownOrderError } from "../../src/domain/exchange-errors";
import type { Balance, ExchangeOrder } from "../../src/domain/orders";
import type { ExchangeClient } from "../../src/exchanges/types";

/** One fresh account on the implementation under test. */
export interface ContractSubject {
  client: ExchangeClient;
  /** A liquid market quoted in `quote`, e.g. BTC_USDT; the account holds some of both assets. */
  symbol: string;
  base: string;
  quote: string;
  /** A BUY limit price below the market now, that the market reaches after `moveMarket()`. */
  restingBuyPrice(): Promise<string>;
  /** Moves the market (paper: the clock) so that the price from restingBuyPrice() is crossed. */
  moveMarket(): Promise<void>;
  /** Sets the market price (paper: a pinned price; the fake server: its last price), filling what it crosses. */
  setPrice(price: string): Promise<void>;
  /** Lets a little time pass (paper: moves the clock; a real exchange: a few milliseconds). */
  passTime(): Promise<void>;
  close(): Promise<void>;
}

const DECIMAL = /^-?\d+(\.\d+)?$/;
const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/;

function amountOf(balances: Balance[], asset: string): { free: Big; locked: Big; total: Big } {
  const balance = balances.find((b) => b.asset === asset);
  return {
    free: new Big(balance?.free ?? "0"),
    locked: new Big(balance?.locked ?? "0"),
    total: new Big(balance?.total ?? "0"),
  };
}

function expectOrderShape(order: ExchangeOrder): void {
  expect(order.exchangeOrderId).toBeString();
  expect(["BUY", "SELL"]).toContain(order.side);
  expect(order.quantity).toMatch(DECIMAL);
  expect(order.cumulativeQuantity).toMatch(DECIMAL);
  expect(order.cumulativeValue).toMatch(DECIMAL);
  expect(order.fee).toMatch(DECIMAL);
  expect(order.createTime).toMatch(ISO);
  expect(order.updateTime).toMatch(ISO);
  expect(order.updateTime >= order.createTime).toBe(true);
}

let sequence = 0;
/** A client order id unique in this run. */
const oid = (label: string) => `${label}-${Date.now().toString(36)}-${++sequence}`;

/** Registers the contract suite for one implementation. */
export function runExchangeContract(name: string, makeSubject: () => Promise<ContractSubject>): void {
  /** Runs a test body on a fresh subject and always closes it. */
  const withSubject = (body: (subject: ContractSubject) => Promise<void>) => async () => {
    const subject = await makeSubject();
    try {
      await body(subject);
    } finally {
      await subject.close();
    }
  };

  describe(`ExchangeClient contract: ${name}`, () => {
    test(
      "balances are decimal strings with total = free + locked",
      withSubject(async ({ client, quote, base }) => {
        const balances = await client.fetchBalances();
        expect(balances.length).toBeGreaterThan(0);
        for (const balance of balances) {
          expect(balance.asset).toMatch(/^[A-Z0-9]+$/);
          expect(balance.free).toMatch(DECIMAL);
          expect(balance.locked).toMatch(DECIMAL);
          expect(balance.total).toMatch(DECIMAL);
          expect(new Big(balance.free).plus(balance.locked).eq(balance.total)).toBe(true);
        }
        expect(amountOf(balances, quote).free.gt(0)).toBe(true);
        expect(amountOf(balances, base).free.gt(0)).toBe(true);
      }),
    );

    test(
      "instruments: the listed symbols as BASE_QUOTE, the subject's among them, by symbol",
      withSubject(async ({ client, symbol }) => {
        const instruments = await client.fetchInstruments();
        expect(instruments.length).toBeGreaterThan(0);
        const [base = "", quote = ""] = symbol.split("_");
        expect(instruments).toContainEqual(expect.objectContaining({ symbol, base, quote }));
        const symbols = instruments.map((i) => i.symbol);
        expect(symbols).toEqual([...symbols].sort());
        for (const i of instruments) expect(i.symbol).toBe(`${i.base}_${i.quote}`);
      }),
    );

    test(
      "trigger orders: a TAKE_PROFIT_LIMIT and a STOP_LIMIT SELL rest until the price crosses their trigger",
      withSubject(async (subject) => {
        const { client, symbol, base } = subject;
        const [ticker] = await client.fetchTickers([symbol]);
        const price = new Big(ticker?.last ?? "0");
        await subject.setPrice(price.toFixed(2));
        const level = (factor: string) => price.times(factor).round(2).toFixed();
        const quantity = "0.001";
        const tp = await client.createOrder({
          symbol,
          side: "SELL",
          type: "TAKE_PROFIT_LIMIT",
          quantity,
          triggerPrice: level("1.05"),
          price: level("1.05"),
          clientOid: oid("tp"),
        });
        const sl = await client.createOrder({
          symbol,
          side: "SELL",
          type: "STOP_LIMIT",
          quantity,
          triggerPrice: level("0.95"),
          price: level("0.945"),
          clientOid: oid("sl"),
        });
        expect(tp).toMatchObject({ type: "TAKE_PROFIT_LIMIT", status: "ACTIVE", cumulativeQuantity: "0" });
        expect(sl).toMatchObject({ type: "STOP_LIMIT", status: "ACTIVE", price: level("0.945") });
        const open = (await client.fetchOpenOrders()).map((o) => o.exchangeOrderId);
        expect(open).toEqual(expect.arrayContaining([tp.exchangeOrderId, sl.exchangeOrderId]));
        // Nearer the trigger but not through it: nothing fills.
        await subject.setPrice(level("1.04"));
        await subject.passTime();
        expect((await client.fetchOrder(tp.exchangeOrderId, symbol)).status).toBe("ACTIVE");
        await subject.setPrice(level("1.06"));
        await subject.passTime();
        const filled = await client.fetchOrder(tp.exchangeOrderId, symbol);
        expect(filled).toMatchObject({ status: "FILLED", cumulativeQuantity: quantity });
        expect(new Big(filled.cumulativeValue).eq(new Big(quantity).times(level("1.05")))).toBe(true);
        expect((await client.cancelOrder(sl.exchangeOrderId, symbol)).status).toBe("CANCELLED");
        expect(amountOf(await client.fetchBalances(), base).locked.eq(0)).toBe(true);
      }),
    );

    test(
      "tickers: listed symbols only, decimal prices, bid ≤ last ≤ ask",
      withSubject(async ({ client, symbol }) => {
        const tickers = await client.fetchTickers([symbol, "NOPE_USDT"]);
        expect(tickers).toHaveLength(1);
        const [ticker] = tickers;
        expect(ticker?.symbol).toBe(symbol);
        expect(ticker?.last).toMatch(DECIMAL);
        expect(new Big(ticker?.last ?? "0").gt(0)).toBe(true);
        expect(ticker?.time).toMatch(ISO);
        if (ticker?.bid) expect(new Big(ticker.bid).lte(ticker.last)).toBe(true);
        if (ticker?.ask) expect(new Big(ticker.ask).gte(ticker.last)).toBe(true);
      }),
    );

    test(
      "candles: the requested number, oldest first, evenly spaced, consistent numbers",
      withSubject(async ({ client, symbol }) => {
        for (const [timeframe, length] of [
          ["1m", 60_000],
          ["1h", 3_600_000],
        ] as const) {
          const candles = await client.fetchCandles(symbol, timeframe, 30);
          expect(candles).toHaveLength(30);
          candles.forEach((candle, i) => {
            for (const value of Object.values(candle)) expect(Number.isFinite(value)).toBe(true);
            expect(candle.high).toBeGreaterThanOrEqual(Math.max(candle.open, candle.close));
            expect(candle.low).toBeLessThanOrEqual(Math.min(candle.open, candle.close));
            expect(candle.low).toBeGreaterThan(0);
            expect(candle.volume).toBeGreaterThanOrEqual(0);
            if (i > 0) expect(candle.time - (candles[i - 1]?.time ?? 0)).toBe(length);
          });
        }
        await expect(client.fetchCandles("NOPE_USDT", "1m", 10)).rejects.toBeInstanceOf(UnknownOrderError);
      }),
    );

    test(
      "a market BUY fills at once and moves both balances by exactly the fill",
      withSubject(async ({ client, symbol, base, quote }) => {
        const before = await client.fetchBalances();
        const order = await client.createOrder({
          symbol,
          side: "BUY",
          type: "MARKET",
          quantity: "0.01",
          clientOid: oid("mkt-buy"),
        });
        expectOrderShape(order);
        expect(order).toMatchObject({
          symbol,
          side: "BUY",
          type: "MARKET",
          status: "FILLED",
          cumulativeQuantity: "0.01",
        });
        expect(new Big(order.avgPrice ?? "0").gt(0)).toBe(true);
        expect(new Big(order.cumulativeValue).eq(new Big(order.avgPrice ?? "0").times("0.01"))).toBe(true);
        const after = await client.fetchBalances();
        const quoteFee = order.feeCurrency === quote ? order.fee : "0";
        const baseFee = order.feeCurrency === base ? order.fee : "0";
        const spent = amountOf(before, quote).total.minus(amountOf(after, quote).total);
        const bought = amountOf(after, base).total.minus(amountOf(before, base).total);
        expect(spent.eq(new Big(order.cumulativeValue).plus(quoteFee))).toBe(true);
        expect(bought.eq(new Big("0.01").minus(baseFee))).toBe(true);
      }),
    );

    test(
      "a market SELL fills and credits the quote asset",
      withSubject(async ({ client, symbol, base, quote }) => {
        const before = await client.fetchBalances();
        const order = await client.createOrder({
          symbol,
          side: "SELL",
          type: "MARKET",
          quantity: "0.02",
          clientOid: oid("mkt-sell"),
        });
        expect(order).toMatchObject({ side: "SELL", status: "FILLED", cumulativeQuantity: "0.02" });
        const after = await client.fetchBalances();
        const quoteFee = order.feeCurrency === quote ? order.fee : "0";
        const baseFee = order.feeCurrency === base ? order.fee : "0";
        const received = amountOf(after, quote).total.minus(amountOf(before, quote).total);
        const sold = amountOf(before, base).total.minus(amountOf(after, base).total);
        expect(received.eq(new Big(order.cumulativeValue).minus(quoteFee))).toBe(true);
        expect(sold.eq(new Big("0.02").plus(baseFee))).toBe(true);
      }),
    );

    test(
      "a limit BUY below the market rests with its funds locked, then fills when the market crosses it",
      withSubject(async (subject) => {
        const { client, symbol, quote } = subject;
        const price = await subject.restingBuyPrice();
        const before = await client.fetchBalances();
        const order = await client.createOrder({
          symbol,
          side: "BUY",
          type: "LIMIT",
          quantity: "0.01",
          price,
          clientOid: oid("lmt"),
        });
        expectOrderShape(order);
        expect(order).toMatchObject({ type: "LIMIT", status: "ACTIVE", cumulativeQuantity: "0" });
        expect(new Big(order.price ?? "0").eq(price)).toBe(true);
        expect((await client.fetchOpenOrders()).map((o) => o.exchangeOrderId)).toContain(order.exchangeOrderId);
        const resting = await client.fetchBalances();
        const lockedValue = new Big(price).times("0.01");
        expect(amountOf(resting, quote).locked.minus(amountOf(before, quote).locked).gte(lockedValue)).toBe(true);

        await subject.moveMarket();
        const filled = await client.fetchOrder(order.exchangeOrderId, symbol);
        expect(filled).toMatchObject({ status: "FILLED", cumulativeQuantity: "0.01" });
        expect(new Big(filled.avgPrice ?? "0").lte(price)).toBe(true);
        expect((await client.fetchOpenOrders()).map((o) => o.exchangeOrderId)).not.toContain(order.exchangeOrderId);
        const after = await client.fetchBalances();
        expect(amountOf(after, quote).locked.eq(amountOf(before, quote).locked)).toBe(true);
      }),
    );

    test(
      "cancel releases the locked funds, and a repeat returns the cancelled order",
      withSubject(async (subject) => {
        const { client, symbol, quote } = subject;
        const before = await client.fetchBalances();
        const order = await client.createOrder({
          symbol,
          side: "BUY",
          type: "LIMIT",
          quantity: "0.01",
          price: await subject.restingBuyPrice(),
          clientOid: oid("cancel"),
        });
        const cancelled = await client.cancelOrder(order.exchangeOrderId, symbol);
        expect(cancelled).toMatchObject({ exchangeOrderId: order.exchangeOrderId, status: "CANCELLED" });
        expect((await client.fetchOrder(order.exchangeOrderId, symbol)).status).toBe("CANCELLED");
        expect((await client.fetchOpenOrders()).map((o) => o.exchangeOrderId)).not.toContain(order.exchangeOrderId);
        const after = await client.fetchBalances();
        expect(amountOf(after, quote).free.eq(amountOf(before, quote).free)).toBe(true);
        expect(amountOf(after, quote).locked.eq(amountOf(before, quote).locked)).toBe(true);
        expect((await client.cancelOrder(order.exchangeOrderId, symbol)).status).toBe("CANCELLED");
      }),
    );

    test(
      "a filled order cannot be cancelled",
      withSubject(async ({ client, symbol }) => {
        const order = await client.createOrder({
          symbol,
          side: "BUY",
          type: "MARKET",
          quantity: "0.01",
          clientOid: oid("filled"),
        });
        await expect(client.cancelOrder(order.exchangeOrderId, symbol)).rejects.toBeInstanceOf(InvalidOrderError);
      }),
    );

    test(
      "unknown orders are UnknownOrderError",
      withSubject(async ({ client, symbol }) => {
        await expect(client.fetchOrder("424242424242", symbol)).rejects.toBeInstanceOf(UnknownOrderError);
        await expect(client.cancelOrder("424242424242", symbol)).rejects.toBeInstanceOf(UnknownOrderError);
      }),
    );

    test(
      "createOrder is idempotent on clientOid: same order, balance moved once",
      withSubject(async ({ client, symbol, base }) => {
        const before = await client.fetchBalances();
        const request = {
          symbol,
          side: "BUY" as const,
          type: "MARKET" as const,
          quantity: "0.01",
          clientOid: oid("idem"),
        };
        const first = await client.createOrder(request);
        const second = await client.createOrder(request);
        expect(second.exchangeOrderId).toBe(first.exchangeOrderId);
        expect(second.clientOid).toBe(request.clientOid);
        const after = await client.fetchBalances();
        const baseFee = first.feeCurrency === base ? first.fee : "0";
        const bought = amountOf(after, base).total.minus(amountOf(before, base).total);
        expect(bought.eq(new Big("0.01").minus(baseFee))).toBe(true);
      }),
    );

    test(
      "history pages return every order exactly once, oldest first, and resume from the cursor",
      withSubject(async (subject) => {
        const { client, symbol } = subject;
        const created: string[] = [];
        for (let i = 0; i < 5; i++) {
          const order = await client.createOrder({
            symbol,
            side: i % 2 === 0 ? "BUY" : "SELL",
            type: "MARKET",
            quantity: "0.01",
            clientOid: oid(`hist${i}`),
          });
          created.push(order.exchangeOrderId);
        }
        const resting = await client.createOrder({
          symbol,
          side: "BUY",
          type: "LIMIT",
          quantity: "0.01",
          price: await subject.restingBuyPrice(),
          clientOid: oid("hist-cancel"),
        });
        await client.cancelOrder(resting.exchangeOrderId, symbol);
        created.push(resting.exchangeOrderId);

        await subject.passTime();
        const seen: ExchangeOrder[] = [];
        let cursor: string | null = null;
        for (let pages = 0; pages < 200; pages++) {
          const page = await client.fetchOrderHistory(cursor, 2);
          expect(page.orders.length).toBeLessThanOrEqual(2);
          expect(page.cursor).toBeString();
          seen.push(...page.orders);
          cursor = page.cursor;
          if (!page.hasMore) break;
        }
        const ids = seen.map((o) => o.exchangeOrderId);
        expect(new Set(ids).size).toBe(ids.length);
        expect(ids).toEqual(expect.arrayContaining(created));
        const times = seen.map((o) => o.createTime);
        expect(times).toEqual([...times].sort());

        const later = await client.createOrder({
          symbol,
          side: "BUY",
          type: "MARKET",
          quantity: "0.01",
          clientOid: oid("hist-later"),
        });
        await subject.passTime();
        const resumed: string[] = [];
        for (let pages = 0; pages < 200; pages++) {
          const page = await client.fetchOrderHistory(cursor, 2);
          resumed.push(...page.orders.map((o) => o.exchangeOrderId));
          cursor = page.cursor;
          if (!page.hasMore) break;
        }
        expect(resumed).toContain(later.exchangeOrderId);
        expect(resumed.filter((id) => created.includes(id))).toEqual([]);
      }),
    );

    test(
      "invalid orders are InvalidOrderError and move nothing",
      withSubject(async ({ client, symbol }) => {
        const before = await client.fetchBalances();
        const bad = [
          { symbol, side: "BUY", type: "MARKET", quantity: "0" },
          { symbol, side: "BUY", type: "MARKET", quantity: "-1" },
          { symbol, side: "BUY", type: "MARKET", quantity: "abc" },
          { symbol: "NOPE_USDT", side: "BUY", type: "MARKET", quantity: "1" },
          { symbol, side: "BUY", type: "LIMIT", quantity: "0.01" },
          { symbol, side: "SELL", type: "MARKET", notional: "100" },
        ] as const;
        for (const request of bad) {
          await expect(client.createOrder({ ...request, clientOid: oid("bad") })).rejects.toBeInstanceOf(
            InvalidOrderError,
          );
        }
        expect(await client.fetchBalances()).toEqual(before);
      }),
    );

    test(
      "an order the account cannot pay is InsufficientFundsError and moves nothing",
      withSubject(async ({ client, symbol }) => {
        const before = await client.fetchBalances();
        await expect(
          client.createOrder({ symbol, side: "BUY", type: "MARKET", quantity: "1000", clientOid: oid("poor") }),
        ).rejects.toBeInstanceOf(InsufficientFundsError);
        await expect(
          client.createOrder({ symbol, side: "SELL", type: "MARKET", quantity: "1000", clientOid: oid("poor") }),
        ).rejects.toBeInstanceOf(InsufficientFundsError);
        expect(await client.fetchBalances()).toEqual(before);
      }),
    );

    test(
      "a MARKET BUY by notional spends at most the notional",
      withSubject(async ({ client, symbol }) => {
        const order = await client.createOrder({
          symbol,
          side: "BUY",
          type: "MARKET",
          notional: "100",
          clientOid: oid("notional"),
        });
        expect(order.status).toBe("FILLED");
        expect(new Big(order.cumulativeQuantity).gt(0)).toBe(true);
        expect(new Big(order.cumulativeValue).lte("100.5")).toBe(true);
        expect(new Big(order.cumulativeValue).gt("90")).toBe(true);
      }),
    );
  });
}
