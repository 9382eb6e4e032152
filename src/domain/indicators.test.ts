import { describe, expect, test } from "bun:test";
import { computeIndicators, indicatorToDecimal } from "./indicators";

const candle = (close: number, volume = 10) => ({ high: close + 1, low: close - 1, close, volume });

describe("computeIndicators", () => {
  test("no candles → null", () => {
    expect(computeIndicators([])).toBeNull();
  });

  test("too few candles → indicators stay null, the price is the last close", () => {
    const values = computeIndicators([candle(1), candle(2), candle(3)]);
    expect(values).toEqual({ price: 3, rsi: null, ma50: null, ma200: null, ema10: null, atr: null, volumeRatio: null });
  });

  test("a rising series of 200 closes: known SMA values, RSI 100, ATR = range, volume ratio", () => {
    const candles = Array.from({ length: 200 }, (_, i) => candle(i + 1, i === 199 ? 30 : 10));
    const values = computeIndicators(candles);
    expect(values?.price).toBe(200);
    expect(values?.ma50).toBeCloseTo(175.5, 10); // mean of 151..200
    expect(values?.ma200).toBeCloseTo(100.5, 10); // mean of 1..200
    expect(values?.ema10).toBeCloseTo(195.5, 6); // a linear series lags by (10 − 1) / 2
    expect(values?.rsi).toBe(100);
    expect(values?.atr).toBeCloseTo(2, 6);
    expect(values?.volumeRatio).toBeCloseTo(3, 10);
  });

  test("199 candles are not enough for SMA 200", () => {
    const values = computeIndicators(Array.from({ length: 199 }, (_, i) => candle(i + 1)));
    expect(values?.ma200).toBeNull();
    expect(values?.ma50).not.toBeNull();
  });
});

describe("indicatorToDecimal", () => {
  const cases: [number | null, string | null][] = [
    [null, null],
    [35.1234567891234, "35.1234567891"],
    [0.000022, "0.000022"],
    [1.5e-9, "0.0000000015"],
    [60000, "60000"],
  ];
  test.each(cases)("%p → %p", (value, expected) => {
    expect(indicatorToDecimal(value)).toBe(expected);
  });
});
