/**
 * Deterministic simulated prices: the same seed, symbol and time always give the same price, and price(t) is
 * computed directly (no replay from the beginning).
 *
 * The log price is a sum of value-noise layers: for each period P (10 s … 64 days) every multiple of P gets a
 * hashed random value in [-1, 1], linearly interpolated in between, weighted by √(P / 1 day) × the market's daily
 * volatility — the √P scaling is what makes the sum move like a random walk at every zoom level, while staying
 * bounded around the market's base price. Every period is a multiple of the 10 s one, so the path is linear
 * between 10 s grid points and its extremes over any interval lie on that grid (used for fills and candles).
 */
import type { Candle, Timeframe } from "../types";
import type { PaperMarket } from "./markets";

/** Spacing of the finest price grid, in ms. */
export const PRICE_GRID_MS = 10_000;

const DAY_MS = 86_400_000;
const PERIODS_MS = [10e3, 60e3, 300e3, 1_800e3, 7_200e3, 28_800e3, DAY_MS, 4 * DAY_MS, 16 * DAY_MS, 64 * DAY_MS];
// With these weights the daily log return's standard deviation comes out close to the market's dailyVolatility.
const LAYERS = PERIODS_MS.map((period, layer) => ({ period, layer, weight: Math.sqrt(period / DAY_MS) }));

/** Timeframe lengths in ms. */
export const TIMEFRAME_MS: Record<Timeframe, number> = {
  "1m": 60e3,
  "5m": 300e3,
  "15m": 900e3,
  "1h": 3_600e3,
  "4h": 14_400e3,
  "1d": DAY_MS,
};

// High/low of a long candle are taken from at most this many points of the 10 s grid (exact up to 10 minutes).
const MAX_SAMPLES_PER_CANDLE = 60;
// Closed candles kept per timeframe and symbol (the client's own cap on a request).
const MAX_KEPT_CANDLES = 1000;

/** 32-bit FNV-1a hash of a string. */
export function hashString(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/** Mixes two 32-bit integers into a well-distributed 32-bit hash (MurmurHash3's finaliser). */
function mix(a: number, b: number): number {
  let h = (a ^ Math.imul(b | 0, 0x9e3779b1)) >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Uniform in [0, 1), a pure function of its three integer inputs. */
function unit(key: number, layer: number, index: number): number {
  return mix(mix(key, layer), index) / 4_294_967_296;
}

/** The price source of one market under one seed. */
export class PricePath {
  private readonly key: number;
  private readonly scale: number;

  constructor(
    seed: string,
    readonly market: PaperMarket,
  ) {
    this.key = hashString(`${seed}\u0000${market.symbol}`);
    this.scale = 10 ** market.priceDecimals;
  }

  /** The price at epoch-ms `time`, rounded to the market's tick size. */
  priceAt(time: number): number {
    let logPrice = 0;
    for (const { period, layer, weight } of LAYERS) {
      const index = Math.floor(time / period);
      const fraction = (time - index * period) / period;
      const from = unit(this.key, layer, index) * 2 - 1;
      const to = unit(this.key, layer, index + 1) * 2 - 1;
      logPrice += weight * (from + (to - from) * fraction);
    }
    const raw = this.market.basePrice * Math.exp(this.market.dailyVolatility * logPrice);
    return Math.max(1, Math.round(raw * this.scale)) / this.scale;
  }

  /** The price at `time` as a decimal string with the market's decimals. */
  priceStringAt(time: number): string {
    return this.priceAt(time).toFixed(this.market.priceDecimals);
  }

  /** The 10 s grid points in (from, to], at most `maxPoints` of them (evenly thinned beyond that). */
  gridPoints(from: number, to: number, maxPoints: number): number[] {
    const first = Math.floor(from / PRICE_GRID_MS) * PRICE_GRID_MS + PRICE_GRID_MS;
    if (first > to) return [];
    const count = Math.floor((to - first) / PRICE_GRID_MS) + 1;
    const stride = Math.ceil(count / maxPoints);
    const points: number[] = [];
    for (let i = 0; i < count; i += stride) points.push(first + i * PRICE_GRID_MS);
    return points;
  }

  /**
   * The last `limit` candles up to `now`, oldest first; the last one is still forming and closes at price(now). A
   * closed candle is a pure function of its start, so it is computed once and kept (the newest MAX_KEPT_CANDLES per
   * timeframe): a signal check asks for the same 250 hourly candles every cycle, and each takes 60 price points.
   */
  candles(timeframe: Timeframe, limit: number, now: number): Candle[] {
    const length = TIMEFRAME_MS[timeframe];
    const current = Math.floor(now / length) * length;
    const first = current - (limit - 1) * length;
    const kept = this.closedCandles(timeframe, current);
    const candles: Candle[] = [];
    for (let start = first; start <= current; start += length) {
      const closed = start + length <= now;
      let candle = closed ? kept.get(start) : undefined;
      if (!candle) {
        candle = this.candle(start, length, Math.min(start + length, now));
        if (closed) kept.set(start, candle);
      }
      candles.push({ ...candle });
    }
    return candles;
  }

  private readonly kept = new Map<Timeframe, Map<number, Candle>>();

  /** The closed candles kept for `timeframe`, those older than the newest MAX_KEPT_CANDLES dropped first. */
  private closedCandles(timeframe: Timeframe, current: number): Map<number, Candle> {
    let kept = this.kept.get(timeframe);
    if (!kept) {
      kept = new Map();
      this.kept.set(timeframe, kept);
    }
    if (kept.size > MAX_KEPT_CANDLES) {
      const oldest = current - MAX_KEPT_CANDLES * TIMEFRAME_MS[timeframe];
      for (const start of kept.keys()) if (start < oldest) kept.delete(start);
    }
    return kept;
  }

  /** The candle of [start, start + length), up to `end` (now, for the forming one). */
  private candle(start: number, length: number, end: number): Candle {
    const open = this.priceAt(start);
    const close = this.priceAt(end);
    let high = Math.max(open, close);
    let low = Math.min(open, close);
    for (const t of this.gridPoints(start, end, MAX_SAMPLES_PER_CANDLE)) {
      const price = this.priceAt(t);
      if (price > high) high = price;
      if (price < low) low = price;
    }
    const minutes = (end - start) / 60e3;
    const activity = 0.5 + unit(this.key, 1000 + length / 60e3, start / length);
    const volume = Math.round(this.market.volumePerMinute * minutes * activity * 1e6) / 1e6;
    return { time: start, open, high, low, close, volume };
  }
}

/** A market's path with its price pinned from `since` on (the test endpoint's pin): earlier times keep the walk. */
export class PinnedPricePath extends PricePath {
  constructor(
    seed: string,
    market: PaperMarket,
    private readonly pinned: string,
    private readonly since: number,
  ) {
    super(seed, market);
  }

  override priceAt(time: number): number {
    return time >= this.since ? Number(this.pinned) : super.priceAt(time);
  }

  override priceStringAt(time: number): string {
    return time >= this.since ? this.pinned : super.priceStringAt(time);
  }
}
