import { ATR, EMA, RSI, RVOL, SMA } from "trading-signals";
import { formatDecimal } from "./money";

/** The periods of the indicators the signal rules read. */
export const INDICATOR_PERIODS = { rsi: 14, ma50: 50, ma200: 200, ema10: 10, atr: 14, volume: 20 } as const;

/** What a candle must carry to feed the indicators (the exchange's Candle fits). */
export interface OhlcvInput {
  high: number;
  low: number;
  close: number;
  volume: number;
}

/** Latest price and indicator values of a symbol; an indicator is null until it has enough candles. */
export interface IndicatorValues {
  price: number;
  rsi: number | null;
  ma50: number | null;
  ma200: number | null;
  ema10: number | null;
  atr: number | null;
  /** Last candle's volume over the average volume of the candles before it. */
  volumeRatio: number | null;
}

/** Computes the indicators over candles (oldest first); null when there is no candle at all. */
export function computeIndicators(candles: readonly OhlcvInput[]): IndicatorValues | null {
  const last = candles.at(-1);
  if (!last) return null;
  const rsi = new RSI(INDICATOR_PERIODS.rsi);
  const ma50 = new SMA(INDICATOR_PERIODS.ma50);
  const ma200 = new SMA(INDICATOR_PERIODS.ma200);
  const ema10 = new EMA(INDICATOR_PERIODS.ema10);
  const atr = new ATR(INDICATOR_PERIODS.atr);
  const volume = new RVOL(INDICATOR_PERIODS.volume);
  for (const candle of candles) {
    rsi.add(candle.close);
    ma50.add(candle.close);
    ma200.add(candle.close);
    ema10.add(candle.close);
    atr.add(candle);
    volume.add(candle.volume);
  }
  return {
    price: last.close,
    rsi: finite(rsi.getResult()),
    ma50: finite(ma50.getResult()),
    ma200: finite(ma200.getResult()),
    ema10: finite(ema10.getResult()),
    atr: finite(atr.getResult()),
    volumeRatio: finite(volume.getResult()),
  };
}

/** An indicator value as a decimal string for the database: 12 significant digits, never exponent notation. */
export function indicatorToDecimal(value: number | null): string | null {
  if (value === null) return null;
  return formatDecimal(Number(value.toPrecision(12)));
}

function finite(value: number | null): number | null {
  return value !== null && Number.isFinite(value) ? value : null;
}
