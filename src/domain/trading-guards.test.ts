import { describe, expect, test } from "bun:test";
import { quantityDecimalsFor, sizeSignalOrder } from "./order-sizing";
import { checkGuards, type GuardInput } from "./trading-guards";

const now = new Date("2025-01-01T12:00:00Z");
const ago = (s: number) => new Date(now.getTime() - s * 1000);
const base: GuardInput = {
  side: "BUY",
  symbol: "BTC_USDT",
  tradeAmountUsd: "100",
  now,
  signalCreatedAt: ago(5),
  maxSignalAgeSeconds: 900,
  openPositions: 0,
  maxOpenPositions: 3,
  holdsPosition: false,
  lastOrderAt: null,
  cooldownSeconds: 300,
  quoteAsset: "USDT",
  quoteFree: "1000",
};

describe("checkGuards", () => {
  const cases: [string, Partial<GuardInput>, RegExp | null][] = [
    ["everything fine", {}, null],
    ["amount missing", { tradeAmountUsd: null }, /trade amount is not above zero/],
    ["amount zero", { tradeAmountUsd: "0" }, /trade amount is not above zero/],
    ["stale signal", { signalCreatedAt: ago(901) }, /signal is 901 s old/],
    ["last order within the cooldown", { lastOrderAt: ago(10) }, /cooldown: last order on BTC_USDT 10 s ago/],
    ["last order after the cooldown", { lastOrderAt: ago(301) }, null],
    ["max open positions reached", { openPositions: 3 }, /max open positions reached \(3\/3\)/],
    ["max reached but the symbol already holds a position", { openPositions: 3, holdsPosition: true }, null],
    ["quote below 1.1 × amount", { quoteFree: "109.99" }, /insufficient USDT: 109.99 free, 110 needed/],
    ["quote exactly 1.1 × amount", { quoteFree: "110" }, null],
    ["SELL ignores max positions and quote balance", { side: "SELL", openPositions: 9, quoteFree: "0" }, null],
    ["SELL still respects the cooldown", { side: "SELL", lastOrderAt: ago(1) }, /cooldown/],
  ];
  test.each(cases)("%s", (_name, override, reason) => {
    const result = checkGuards({ ...base, ...override });
    if (reason === null) {
      expect(result).toEqual({ ok: true });
    } else {
      expect(result.ok).toBe(false);
      if (!result.ok) expect(result.reason).toMatch(reason);
    }
  });
});

describe("sizeSignalOrder", () => {
  const sizing = {
    tradeAmountUsd: "100",
    price: "40000",
    baseAsset: "BTC",
    baseFree: "1",
    quantityDecimals: 6,
  };
  test("BUY spends the amount in quote currency", () => {
    expect(sizeSignalOrder({ ...sizing, side: "BUY", tradeAmountUsd: "100.50" })).toEqual({
      ok: true,
      order: { side: "BUY", notional: "100.5" },
    });
  });
  const sells: [string, string, string | null][] = [
    ["sells the amount's worth, rounded down to the step", "1", "0.0025"],
    ["caps at the free balance", "0.001", "0.001"],
    ["rounds the capped balance down", "0.0012345", "0.001234"],
    ["nothing to sell", "0", null],
    ["less than one step to sell", "0.0000001", null],
  ];
  test.each(sells)("SELL %s", (_name, baseFree, quantity) => {
    const result = sizeSignalOrder({ ...sizing, side: "SELL", baseFree });
    if (quantity === null) expect(result).toEqual({ ok: false, reason: `no BTC to sell (${baseFree} free)` });
    else expect(result).toEqual({ ok: true, order: { side: "SELL", quantity } });
  });
});

describe("quantityDecimalsFor", () => {
  const cases: [string, number][] = [
    ["60000", 5],
    ["3000", 4],
    ["150", 3],
    ["7", 1],
    ["1", 0],
    ["0.12", 0],
    ["0.000022", 0],
    ["1000000000000", 8],
  ];
  test.each(cases)("price %s → %d decimals", (price, decimals) => {
    expect(quantityDecimalsFor(price)).toBe(decimals);
  });
});
