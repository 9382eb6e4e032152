import { afterAll, describe, expect, test } from "bun:test";
import { Big } from "../../src/domain/money";
import { createPaperExchange } from "../../src/exchanges/paper/client";
import { pinPrice, unpinPrice } from "../../src/exchanges/paper/store";
import { createTestDatabase } from "../helpers/cluster";

const START = Date.UTC(2025, 3, 1, 12);

describe("paper trigger orders: STOP_LIMIT and TAKE_PROFIT_LIMIT, driven by a pinned price", async () => {
  const database = await createTestDatabase();
  afterAll(() => database.close());
  const clock = { now: START };
  const paper = await createPaperExchange({
    sql: database.sql,
    seed: "triggers",
    feeRate: "0.001",
    slippageRate: "0",
    startBalances: { USDT: "100000", BTC: "1", ETH: "10" },
    historyOrders: 0,
    now: () => clock.now,
    pinnedPrices: true,
  });
  const pin = async (symbol: string, price: string) => {
    clock.now += 1000;
    await pinPrice(database.sql, symbol, price, clock.now);
    clock.now += 1000;
  };
  const free = async (asset: string) => (await paper.fetchBalances()).find((b) => b.asset === asset);

  test("a take-profit rests unarmed reserving nothing, then fills at its limit once the price reaches the trigger", async () => {
    await pin("BTC_USDT", "50000");
    const tp = await paper.createOrder({
      symbol: "BTC_USDT",
      side: "SELL",
      type: "TAKE_PROFIT_LIMIT",
      quantity: "0.01",
      triggerPrice: "55000",
      price: "54900",
      clientOid: "tp-test-1",
    });
    expect(tp).toMatchObject({ status: "ACTIVE", type: "TAKE_PROFIT_LIMIT", price: "54900", triggerPrice: "55000" });
    expect(await free("BTC")).toMatchObject({ locked: "0", free: "1" });
    await pin("BTC_USDT", "54999");
    expect((await paper.fetchOrder(tp.exchangeOrderId, "BTC_USDT")).status).toBe("ACTIVE");
    await pin("BTC_USDT", "55000");
    const filled = await paper.fetchOrder(tp.exchangeOrderId, "BTC_USDT");
    // At the limit price: 0.01 × 54900 = 549, fee 0.1 % of what it receives.
    expect(filled).toMatchObject({
      status: "FILLED",
      cumulativeQuantity: "0.01",
      cumulativeValue: "549",
      fee: "0.549",
    });
    expect(await free("BTC")).toMatchObject({ locked: "0" });
  });

  test("a stop-loss arms when the price falls to its trigger; a repeat of its client order id is the same order", async () => {
    await pin("ETH_USDT", "3000");
    const request = {
      symbol: "ETH_USDT",
      side: "SELL" as const,
      type: "STOP_LIMIT" as const,
      quantity: "0.1",
      triggerPrice: "2800",
      price: "2790",
      clientOid: "sl-test-1",
    };
    const sl = await paper.createOrder(request);
    expect((await paper.createOrder(request)).exchangeOrderId).toBe(sl.exchangeOrderId);
    await pin("ETH_USDT", "2850");
    expect((await paper.fetchOrder(sl.exchangeOrderId, "ETH_USDT")).status).toBe("ACTIVE");
    await pin("ETH_USDT", "2795");
    expect(await paper.fetchOrder(sl.exchangeOrderId, "ETH_USDT")).toMatchObject({
      status: "FILLED",
      cumulativeValue: "279",
    });
  });

  test("a large take-profit fills in parts, as a limit order does; cancelling releases what is left", async () => {
    await pin("ETH_USDT", "3000");
    const tp = await paper.createOrder({
      symbol: "ETH_USDT",
      side: "SELL",
      type: "TAKE_PROFIT_LIMIT",
      quantity: "2",
      triggerPrice: "3100",
      price: "3100",
      clientOid: "tp-test-2",
    });
    await pin("ETH_USDT", "3100");
    const part = await paper.fetchOrder(tp.exchangeOrderId, "ETH_USDT");
    expect(part.status).toBe("PARTIALLY_FILLED");
    const filled = new Big(part.cumulativeQuantity);
    expect(filled.gt(0) && filled.lt(2)).toBe(true);
    const cancelled = await paper.cancelOrder(tp.exchangeOrderId, "ETH_USDT");
    expect(cancelled.status).toBe("CANCELLED");
    expect((await free("ETH"))?.locked).toBe("0");
  });

  test("an OCO pair covers the same coins: after the take-profit sold them, the armed stop-loss is rejected", async () => {
    await pin("SOL_USDT", "150");
    await paper.createOrder({ symbol: "SOL_USDT", side: "BUY", type: "MARKET", quantity: "2", clientOid: "sol-entry" });
    const held = (await free("SOL"))?.free ?? "0";
    const leg = (type: "STOP_LIMIT" | "TAKE_PROFIT_LIMIT", trigger: string, clientOid: string) =>
      paper.createOrder({
        symbol: "SOL_USDT",
        side: "SELL",
        type,
        quantity: held,
        triggerPrice: trigger,
        price: trigger,
        clientOid,
      });
    const tp = await leg("TAKE_PROFIT_LIMIT", "160", "tp-sol");
    const sl = await leg("STOP_LIMIT", "140", "sl-sol");
    await pin("SOL_USDT", "161");
    expect((await paper.fetchOrder(tp.exchangeOrderId, "SOL_USDT")).status).toBe("FILLED");
    await pin("SOL_USDT", "139");
    expect((await paper.fetchOrder(sl.exchangeOrderId, "SOL_USDT")).status).toBe("REJECTED");
    expect((await free("SOL"))?.free ?? "0").toBe("0");
  });

  test("an unpinned symbol follows its walk again; a trigger order needs its trigger price", async () => {
    expect(await unpinPrice(database.sql, "ETH_USDT")).toBe(true);
    clock.now += 1000;
    const [ticker] = await paper.fetchTickers(["ETH_USDT"]);
    expect(ticker?.last).not.toBe("3100");
    await expect(
      paper.createOrder({
        symbol: "BTC_USDT",
        side: "SELL",
        type: "STOP_LIMIT",
        quantity: "0.01",
        price: "40000",
        clientOid: "x",
      }),
    ).rejects.toThrow(/triggerPrice/);
  });
});
