import { describe, expect, test } from "bun:test";
import type { IndicatorValues } from "./indicators";
import { shouldTrade } from "./signal-rules";
import { BUILTIN_PRESETS } from "./strategy";
import { evaluateStrategy, type PreviousSignal } from "./strategy-rules";

const swing = BUILTIN_PRESETS["swing-conservative"];
if (!swing) throw new Error("swing-conservative missing");
const values: IndicatorValues = {
  price: 100,
  rsi: 50,
  ma50: 105,
  ma200: null,
  ema10: 100,
  atr: null,
  volumeRatio: null,
};
const now = new Date("2025-01-01T12:00:00Z");

/** SPEC §6's fixed rule, as it was coded before presets: swing-conservative must decide exactly the same. */
describe("swing-conservative is SPEC §6's rule", () => {
  const cases: [string, Partial<IndicatorValues> & { buyTarget?: string }, "BUY" | "SELL" | null][] = [
    ["RSI < 40 and MA50 > EMA10, no buy target → BUY", { rsi: 35 }, "BUY"],
    ["RSI exactly 40 → nothing", { rsi: 40 }, null],
    ["RSI < 40 but MA50 = EMA10 → nothing", { rsi: 30, ma50: 100, ema10: 100 }, null],
    ["RSI < 40 but MA50 < EMA10 → nothing", { rsi: 30, ma50: 99, ema10: 100 }, null],
    ["RSI < 40, price below buy target → BUY", { rsi: 30, buyTarget: "101" }, "BUY"],
    ["RSI < 40, price equal to buy target → BUY", { rsi: 30, buyTarget: "100" }, "BUY"],
    ["RSI < 40, price above buy target → nothing", { rsi: 30, buyTarget: "99.99" }, null],
    ["RSI < 40 with MA50 unknown → nothing", { rsi: 30, ma50: null }, null],
    ["RSI < 40 with EMA10 unknown → nothing", { rsi: 30, ema10: null }, null],
    ["RSI < 40, volume and MA200 play no part", { rsi: 30, volumeRatio: 0.01, ma200: 1000 }, "BUY"],
    ["RSI > 70 → SELL", { rsi: 75 }, "SELL"],
    ["RSI > 70 whatever the averages → SELL", { rsi: 71, ma50: null, ema10: null }, "SELL"],
    ["RSI exactly 70 → nothing", { rsi: 70 }, null],
    ["RSI between the thresholds → nothing", { rsi: 55 }, null],
    ["RSI unknown → nothing", { rsi: null }, null],
  ];
  test.each(cases)("%s", (_name, { buyTarget = null, ...override }, expected) => {
    const outcome = evaluateStrategy({
      rules: swing,
      values: { ...values, ...override },
      buyTarget,
      alerts: { buy: true, sell: true },
      previous: null,
      now,
    });
    expect(outcome.signal?.side ?? null).toBe(expected);
  });

  test("the signal's reason states the values that fired it", () => {
    const outcome = evaluateStrategy({
      rules: swing,
      values: { ...values, rsi: 35.123456 },
      buyTarget: "100.5",
      alerts: { buy: true, sell: true },
      previous: null,
      now,
    });
    expect(outcome.signal?.reason).toBe("rsi 35.1235 < 40, ma50 105 > ema10 100, price 100 ≤ buy target 100.5");
  });
});

describe("throttling (swing-conservative: 300 s cooldown, 1 % minimum move)", () => {
  const ago = (s: number) => new Date(now.getTime() - s * 1000);
  const cases: [string, PreviousSignal | null, number, string | null][] = [
    ["no previous signal", null, 100, null],
    ["within the cooldown", { side: "BUY", price: "90", createdAt: ago(100) }, 100, "cooldown 200 s left"],
    ["within the cooldown, other side", { side: "SELL", price: "90", createdAt: ago(100) }, 100, "cooldown 200 s left"],
    ["after the cooldown, price moved enough", { side: "BUY", price: "98", createdAt: ago(600) }, 100, null],
    [
      "after the cooldown, price moved too little",
      { side: "BUY", price: "99.5", createdAt: ago(600) },
      100,
      "price moved 0.50% < 1% since the previous BUY",
    ],
    ["after the cooldown, exactly the minimum move", { side: "BUY", price: "99", createdAt: ago(600) }, 99.99, null],
    ["after the cooldown, side flip with no move", { side: "SELL", price: "100", createdAt: ago(600) }, 100, null],
    ["exactly at the end of the cooldown", { side: "BUY", price: "50", createdAt: ago(300) }, 100, null],
  ];
  test.each(cases)("%s", (_name, previous, price, heldBy) => {
    const outcome = evaluateStrategy({
      rules: swing,
      values: { ...values, price, rsi: 30 },
      buyTarget: null,
      alerts: { buy: true, sell: true },
      previous,
      now,
    });
    if (heldBy === null) {
      expect(outcome.state.buy.decision).toBe("fired");
      expect(outcome.signal?.side).toBe("BUY");
    } else {
      expect(outcome.state.buy).toEqual({
        decision: "blocked",
        reasons: [expect.any(String), expect.any(String), heldBy],
      });
      expect(outcome.signal).toBeNull();
    }
  });
});

describe("shouldTrade", () => {
  const cases: [boolean, string | null, boolean][] = [
    [true, "100", true],
    [true, "0.01", true],
    [true, "0", false],
    [true, null, false],
    [false, "100", false],
  ];
  test.each(cases)("trade_enabled=%p amount=%p → %p", (enabled, amount, expected) => {
    expect(shouldTrade(enabled, amount)).toBe(expected);
  });
});
