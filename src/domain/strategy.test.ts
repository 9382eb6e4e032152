import { describe, expect, test } from "bun:test";
import { computeIndicators, type IndicatorValues } from "./indicators";
import {
  applyOverrides,
  BUILTIN_PRESETS,
  exitLevels,
  itemRules,
  presetProblems,
  RULE_FIELDS,
  type StrategyRules,
} from "./strategy";
import { evaluateStrategy } from "./strategy-rules";

const range = (n: number, f: (i: number) => number) => Array.from({ length: n }, (_, i) => f(i));
/** Hourly candles from closes (high/low ±0.5) and volumes (100 unless given). */
const candles = (closes: number[], volumes: number[] = []) =>
  closes.map((close, i) => ({ high: close + 0.5, low: close - 0.5, close, volume: volumes[i] ?? 100 }));
/** An indicator or NaN (so a comparison with an unknown value is false). */
const n = (value: number | null) => value ?? Number.NaN;
const lastVolume = (n: number, v: number) => range(n, (i) => (i === n - 1 ? v : 100));

const rise = range(200, (i) => 100 + i * 0.5);
const flat = range(200, (i) => 100 + (i % 2));
/** Fixed series, each with the indicator facts that make it what it is (asserted below). */
const SERIES: Record<string, { candles: ReturnType<typeof candles>; facts: (v: IndicatorValues) => boolean }> = {
  // A sharp fall after a long rise: RSI ≈ 9, MA50 > EMA10, price above MA200, ordinary volume.
  dip: {
    candles: candles([...rise, ...range(20, (i) => 199.5 - (i + 1) * 1.5)]),
    facts: (v) => n(v.rsi) < 10 && n(v.ma50) > n(v.ema10) && v.price > n(v.ma200) && v.volumeRatio === 1,
  },
  // The same fall on a last candle of 2.5× volume.
  dip_on_volume: {
    candles: candles([...rise, ...range(20, (i) => 199.5 - (i + 1) * 1.5)], lastVolume(220, 250)),
    facts: (v) => n(v.rsi) < 10 && n(v.ma50) > n(v.ema10) && v.price > n(v.ma200) && v.volumeRatio === 2.5,
  },
  // A crash under a falling MA200 on volume: RSI 0, MA50 > EMA10, price below MA200.
  crash_on_volume: {
    candles: candles(
      [...range(200, (i) => 200 - i * 0.3), ...range(20, (i) => 140 - (i + 1) * 1.5)],
      lastVolume(220, 250),
    ),
    facts: (v) => v.rsi === 0 && n(v.ma50) > n(v.ema10) && v.price < n(v.ma200) && v.volumeRatio === 2.5,
  },
  // A gentle zigzag decline on volume: RSI ≈ 34.9 (between 30 and 35), MA50 just above EMA10.
  mild_dip_on_volume: {
    candles: candles([...rise, ...range(20, (i) => 199.5 - (i + 1) * 0.4 + (i % 2 ? 0.6 : 0))], lastVolume(220, 250)),
    facts: (v) =>
      n(v.rsi) > 34.5 && n(v.rsi) < 35 && n(v.ma50) > n(v.ema10) && v.price > n(v.ma200) && v.volumeRatio === 2.5,
  },
  // A slower zigzag decline: RSI ≈ 37 (between 35 and 40) but MA50 below EMA10.
  shallow_dip: {
    candles: candles([...rise, ...range(20, (i) => 199.5 - (i + 1) * 0.37 + (i % 2 ? 0.6 : 0))]),
    facts: (v) => n(v.rsi) > 36 && n(v.rsi) < 38 && n(v.ma50) < n(v.ema10) && v.volumeRatio === 1,
  },
  // A spike and a small pull-back: RSI ≈ 66 (between 65 and 70).
  warm_rally: {
    candles: candles([...flat, ...range(10, (i) => 101 + (i + 1) * 3), ...range(4, (i) => 131 - (i + 1) * 2)]),
    facts: (v) => n(v.rsi) > 65 && n(v.rsi) < 70,
  },
  // A steady rise: RSI 100.
  rally: { candles: candles(range(220, (i) => 100 + i)), facts: (v) => v.rsi === 100 },
  // Sideways: RSI ≈ 52.
  sideways: { candles: candles(range(220, (i) => 100 + (i % 2))), facts: (v) => n(v.rsi) > 45 && n(v.rsi) < 55 },
};

/** The indicators at the end of a named series. */
function valuesOf(name: keyof typeof SERIES): IndicatorValues {
  const values = computeIndicators(SERIES[name]?.candles ?? []);
  if (!values) throw new Error(`no series ${name}`);
  return values;
}

type Fires = "BUY" | "SELL" | null;
/** Where each built-in fires: series × preset (swing-c, swing-a, intraday-c, intraday-a, scalp-c, scalp-a). */
const PRESETS = [
  "swing-conservative",
  "swing-aggressive",
  "intraday-conservative",
  "intraday-aggressive",
  "scalp-conservative",
  "scalp-aggressive",
] as const;
const EXPECTED: Record<keyof typeof SERIES, Fires[]> = {
  dip: ["BUY", "BUY", null, "BUY", null, null], // volume filters (1.2, 1.5, 1.2) hold the others back
  dip_on_volume: ["BUY", "BUY", "BUY", "BUY", "BUY", "BUY"],
  crash_on_volume: ["BUY", "BUY", null, "BUY", null, "BUY"], // the trend filters hold back the conservative ones
  mild_dip_on_volume: ["BUY", "BUY", "BUY", "BUY", null, "BUY"], // RSI ≥ 30: scalp-conservative waits
  shallow_dip: [null, null, null, "BUY", null, null], // only intraday-aggressive ignores MA50 vs EMA10 and has RSI 40
  warm_rally: [null, "SELL", null, "SELL", null, null], // only the sell-above-65 presets
  rally: ["SELL", "SELL", "SELL", "SELL", "SELL", "SELL"],
  sideways: [null, null, null, null, null, null],
};

const evaluate = (rules: StrategyRules, v: IndicatorValues, buyTarget: string | null = null) =>
  evaluateStrategy({ rules, values: v, buyTarget, alerts: { buy: true, sell: true }, previous: null, now: new Date() });

describe("built-in presets on fixed candle series", () => {
  test("every built-in is a valid preset with every field", () => {
    expect(Object.keys(BUILTIN_PRESETS).sort()).toEqual([...PRESETS].sort());
    for (const rules of Object.values(BUILTIN_PRESETS)) {
      expect(Object.keys(rules).sort()).toEqual([...RULE_FIELDS].sort());
      expect(presetProblems(rules)).toEqual([]);
    }
  });

  for (const [name, series] of Object.entries(SERIES)) {
    const values = computeIndicators(series.candles);
    if (!values) throw new Error(`no values for ${name}`);
    test(`${name}: the series is what it claims`, () => expect(series.facts(values)).toBe(true));
    test.each(PRESETS.map((preset, i) => [preset, EXPECTED[name]?.[i] ?? null] as const))(
      `${name}: %s → %p`,
      (preset, expected) => {
        const outcome = evaluate(BUILTIN_PRESETS[preset] as StrategyRules, values);
        expect(outcome.signal?.side ?? null).toBe(expected);
        // Whatever did not fire says why, with at least one reason.
        for (const side of ["buy", "sell"] as const) {
          const state = outcome.state[side];
          expect(state.reasons.length).toBeGreaterThan(0);
          expect(state.decision).toBe(expected === side.toUpperCase() ? "fired" : "no_signal");
        }
      },
    );
  }

  test("no_signal names each failing condition", () => {
    const values = valuesOf("dip");
    const outcome = evaluate(BUILTIN_PRESETS["scalp-conservative"] as StrategyRules, values, "150");
    expect(outcome.state.buy).toEqual({
      decision: "no_signal",
      reasons: ["price 169.5 > buy target 150", "volume ratio 1 < 1.5"],
    });
    expect(outcome.state.sell).toEqual({ decision: "no_signal", reasons: ["rsi 8.92273 ≤ 75"] });
  });
});

describe("overrides", () => {
  const swing = BUILTIN_PRESETS["swing-conservative"] as StrategyRules;
  const dip = valuesOf("dip");
  const shallow = valuesOf("shallow_dip");
  const sideways = valuesOf("sideways");

  const cases: [string, Partial<StrategyRules>, IndicatorValues, Fires][] = [
    ["none: swing-conservative buys the dip", {}, dip, "BUY"],
    ["a volume minimum the dip lacks", { min_volume_ratio: 1.2 }, dip, null],
    ["the trend filter (the dip is above MA200)", { trend_filter: true }, dip, "BUY"],
    ["a stricter RSI than the dip's 8.9", { rsi_buy_below: 8 }, dip, null],
    ["MA50 > EMA10 dropped: the shallow dip buys", { require_ma50_above_ema10: false }, shallow, "BUY"],
    ["a sell threshold of 50 makes sideways (RSI 52) a SELL", { rsi_sell_above: 50 }, sideways, "SELL"],
    ["sideways is nothing without it", {}, sideways, null],
  ];
  test.each(cases)("%s", (_name, overrides, values, expected) => {
    expect(evaluate(applyOverrides(swing, overrides), values).signal?.side ?? null).toBe(expected);
  });

  test("an override changes only its field; the item's own columns win over both", () => {
    const rules = itemRules(
      swing,
      { cooldown_seconds: 60, take_profit: { unit: "atr", value: "2" } },
      { cooldownSeconds: null, minPriceChangePct: "2.5", takeProfitPct: null, stopLossPct: "7" },
    );
    expect(rules).toEqual({
      ...swing,
      cooldown_seconds: 60,
      min_price_change_pct: "2.5",
      take_profit: { unit: "atr", value: "2" },
      stop_loss: { unit: "pct", value: "7" },
    });
    expect(swing.cooldown_seconds).toBe(300);
  });

  test("the buy target is honoured only while the rule requires it", () => {
    expect(evaluate(swing, dip, "150").signal).toBeNull();
    expect(evaluate(applyOverrides(swing, { require_price_below_buy_target: false }), dip, "150").signal?.side).toBe(
      "BUY",
    );
  });
});

describe("refused presets: never or always fire", () => {
  const swing = BUILTIN_PRESETS["swing-conservative"] as StrategyRules;
  const cases: [string, Partial<StrategyRules>, RegExp][] = [
    [
      "buy-below equal to sell-above",
      { rsi_buy_below: 60, rsi_sell_above: 60 },
      /rsi_buy_below 60 ≥ rsi_sell_above 60/,
    ],
    ["buy-below above sell-above", { rsi_buy_below: 80, rsi_sell_above: 70 }, /fire BUY and SELL at once/],
    ["BUY can never fire", { rsi_buy_below: 0 }, /BUY could never fire/],
    ["SELL can never fire", { rsi_sell_above: 100 }, /SELL could never fire/],
    ["SELL always fires", { rsi_sell_above: 0, rsi_buy_below: 0 }, /SELL would always fire/],
    ["BUY's RSI condition always holds", { rsi_buy_below: 100, rsi_sell_above: 100 }, /always below it/],
    ["a stop loss of 100 %", { stop_loss: { unit: "pct", value: "100" } }, /can never trigger/],
  ];
  test.each(cases)("%s", (_name, change, message) => {
    const problems = presetProblems(applyOverrides(swing, change));
    expect(problems.join("\n")).toMatch(message);
  });
});

describe("exit levels of an entry", () => {
  test("percentages of the entry, ATR multiples, none without an ATR, never at or below zero", () => {
    const pct = { take_profit: { unit: "pct", value: "5" }, stop_loss: { unit: "pct", value: "2.5" } } as const;
    expect(exitLevels("100", pct, null)).toEqual({ takeProfit: "105", stopLoss: "97.5" });
    const atr = { take_profit: { unit: "atr", value: "3" }, stop_loss: { unit: "atr", value: "1.5" } } as const;
    expect(exitLevels("0.1234", atr, "0.01")).toEqual({ takeProfit: "0.1534", stopLoss: "0.1084" });
    expect(exitLevels("100", atr, null)).toEqual({ takeProfit: null, stopLoss: null });
    expect(exitLevels("1", { ...pct, stop_loss: { unit: "pct", value: "100" } }, null).stopLoss).toBeNull();
  });
});
