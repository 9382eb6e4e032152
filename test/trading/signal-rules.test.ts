import { describe, expect, test } from "bun:test";
import { evaluateSignal, type RuleInput, shouldTrade, throttleSignal } from "../../src/domain/signal-rules";

const base: RuleInput = { price: 100, rsi: 50, ma50: 105, ema10: 100, buyTarget: null };

describe("evaluateSignal (SPEC §6)", () => {
  const cases: [string, Partial<RuleInput>, "BUY" | "SELL" | null][] = [
    ["RSI < 40 and MA50 > EMA10, no buy target → BUY", { rsi: 35 }, "BUY"],
    ["RSI exactly 40 → nothing", { rsi: 40 }, null],
    ["RSI < 40 but MA50 = EMA10 → nothing", { rsi: 30, ma50: 100, ema10: 100 }, null],
    ["RSI < 40 but MA50 < EMA10 → nothing", { rsi: 30, ma50: 99, ema10: 100 }, null],
    ["RSI < 40, price below buy target → BUY", { rsi: 30, buyTarget: "101" }, "BUY"],
    ["RSI < 40, price equal to buy target → BUY", { rsi: 30, buyTarget: "100" }, "BUY"],
    ["RSI < 40, price above buy target → nothing", { rsi: 30, buyTarget: "99.99" }, null],
    ["RSI < 40 with MA50 unknown → nothing", { rsi: 30, ma50: null }, null],
    ["RSI < 40 with EMA10 unknown → nothing", { rsi: 30, ema10: null }, null],
    ["RSI > 70 → SELL", { rsi: 75 }, "SELL"],
    ["RSI > 70 whatever the averages → SELL", { rsi: 71, ma50: null, ema10: null }, "SELL"],
    ["RSI exactly 70 → nothing", { rsi: 70 }, null],
    ["RSI between the thresholds → nothing", { rsi: 55 }, null],
    ["RSI unknown → nothing", { rsi: null }, null],
  ];
  test.each(cases)("%s", (_name, override, expected) => {
    const decision = evaluateSignal({ ...base, ...override });
    expect(decision?.side ?? null).toBe(expected);
    if (decision) expect(decision.reason).toMatch(/RSI/);
  });

  test("the reason states the values that fired the signal", () => {
    expect(evaluateSignal({ ...base, rsi: 35.123456, buyTarget: "100.5" })?.reason).toBe(
      "RSI 35.1235 < 40, MA50 105 > EMA10 100, price 100 <= buy target 100.5",
    );
  });
});

describe("throttleSignal", () => {
  const now = new Date("2025-01-01T12:00:00Z");
  const ago = (s: number) => new Date(now.getTime() - s * 1000);
  const cases: [string, Parameters<typeof throttleSignal>[0]["previous"], number, boolean, RegExp | null][] = [
    ["no previous signal", null, 100, true, null],
    ["within the cooldown", { side: "BUY", price: "90", createdAt: ago(100) }, 100, false, /cooldown/],
    ["within the cooldown, other side", { side: "SELL", price: "90", createdAt: ago(100) }, 100, false, /cooldown/],
    ["after the cooldown, price moved enough", { side: "BUY", price: "98", createdAt: ago(600) }, 100, true, null],
    [
      "after the cooldown, price moved too little",
      { side: "BUY", price: "99.5", createdAt: ago(600) },
      100,
      false,
      /0\.50% since/,
    ],
    [
      "after the cooldown, exactly the minimum move",
      { side: "BUY", price: "99", createdAt: ago(600) },
      99.99,
      true,
      null,
    ],
    [
      "after the cooldown, side flip with no move",
      { side: "SELL", price: "100", createdAt: ago(600) },
      100,
      true,
      null,
    ],
    ["exactly at the end of the cooldown", { side: "BUY", price: "50", createdAt: ago(300) }, 100, true, null],
  ];
  test.each(cases)("%s", (_name, previous, price, allowed, reason) => {
    const result = throttleSignal({ side: "BUY", price, now, previous, cooldownSeconds: 300, minPriceChangePct: "1" });
    expect(result.allowed).toBe(allowed);
    if (!result.allowed && reason) expect(result.reason).toMatch(reason);
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
