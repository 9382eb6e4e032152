import { LRUCache } from "lru-cache";
import { TemporaryExchangeError, UnknownOrderError } from "../domain/exchange-errors";
import { UnknownSymbolError } from "../domain/symbol";
import type { ExchangeClient, Timeframe } from "../exchanges/types";

/** Candle intervals the market API accepts (every ExchangeClient supports them). */
export const TIMEFRAMES = ["1m", "5m", "15m", "1h", "4h", "1d"] as const satisfies readonly Timeframe[];
/** Most candles one request may ask for. */
export const MAX_CANDLES = 1000;

export interface MarketServiceOptions {
  /** The account's exchange: candles and listed symbols come from it (paper's own for paper). */
  exchange?: ExchangeClient;
  /** How long a symbol's candles are served from memory before the exchange is asked again. */
  candleCacheMs: number;
  /** Most distinct (symbol, timeframe, limit) answers kept. */
  maxEntries?: number;
  /** Cache clock in ms (tests). */
  now?: () => number;
}

/** A candles answer, serialised once: the body and how many candles it holds. */
export interface CandlesBody {
  json: string;
  count: number;
}

/**
 * Market reads of the exchange for the API: candles (cached briefly, so a chart polled by many consoles asks the
 * exchange once per interval; concurrent misses share one call).
 */
export interface MarketService {
  /** The last `limit` candles of a symbol as JSON `{symbol, timeframe, candles: [{time, open, …}]}`. */
  candles(symbol: string, timeframe: Timeframe, limit: number): Promise<CandlesBody>;
}

/** Builds the market service over the account's exchange. */
export function createMarketService({
  exchange,
  candleCacheMs,
  maxEntries = 500,
  now = () => performance.now(),
}: MarketServiceOptions): MarketService {
  const candles = new LRUCache<string, CandlesBody>({
    max: maxEntries,
    ttl: Math.max(1, candleCacheMs),
    ttlResolution: 0,
    perf: { now },
    fetchMethod: async (key) => {
      const [symbol = "", timeframe, limit] = key.split("|");
      const rows = await requireExchange(exchange)
        .fetchCandles(symbol, timeframe as Timeframe, Number(limit))
        .catch((error: unknown) => {
          if (error instanceof UnknownOrderError) throw new UnknownSymbolError(symbol);
          throw error;
        });
      const body = {
        symbol,
        timeframe,
        candles: rows.map((c) => ({
          time: new Date(c.time).toISOString(),
          open: c.open,
          high: c.high,
          low: c.low,
          close: c.close,
          volume: c.volume,
        })),
      };
      return { json: JSON.stringify(body), count: rows.length };
    },
  });
  return {
    async candles(symbol, timeframe, limit) {
      const body = await candles.fetch(`${symbol}|${timeframe}|${limit}`);
      if (!body) throw new Error(`no candles fetched for ${symbol}`);
      return body;
    },
  };
}

function requireExchange(exchange: ExchangeClient | undefined): ExchangeClient {
  if (!exchange) throw new TemporaryExchangeError("no exchange is configured for market data");
  return exchange;
}
