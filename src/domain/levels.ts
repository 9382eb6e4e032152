/** Recent swing highs and lows of a candle series: where the price turned. Pure. */

/** What a candle must carry to find its turns. */
export interface LevelInput {
  time: number;
  high: number;
  low: number;
  volume: number;
}

/** Resistance levels above the price and support levels below it, nearest first. */
export interface Levels {
  resistance: number[];
  support: number[];
}

/**
 * Swing highs (a high no candle within `span` on either side exceeds) above the last price are resistance; swing
 * lows below it are support. At most `count` of each, nearest to the price first.
 */
export function swingLevels(candles: readonly LevelInput[], price: number, span = 2, count = 3): Levels {
  const highs: number[] = [];
  const lows: number[] = [];
  for (let i = span; i < candles.length - span; i++) {
    const c = candles[i] as LevelInput;
    let isHigh = true;
    let isLow = true;
    for (let j = i - span; j <= i + span && (isHigh || isLow); j++) {
      if (j === i) continue;
      const other = candles[j] as LevelInput;
      if (other.high > c.high) isHigh = false;
      if (other.low < c.low) isLow = false;
    }
    if (isHigh) highs.push(c.high);
    if (isLow) lows.push(c.low);
  }
  const unique = (values: number[]) => [...new Set(values)];
  return {
    resistance: unique(highs.filter((h) => h > price))
      .sort((a, b) => a - b)
      .slice(0, count),
    support: unique(lows.filter((l) => l < price))
      .sort((a, b) => b - a)
      .slice(0, count),
  };
}

/** Volume traded in the 24 hours up to the last candle's open (the candles whose open lies within). */
export function volume24h(candles: readonly LevelInput[]): number | null {
  const last = candles.at(-1);
  if (!last) return null;
  const from = last.time - 24 * 3_600_000;
  let total = 0;
  for (const c of candles) if (c.time > from) total += c.volume;
  return total;
}
