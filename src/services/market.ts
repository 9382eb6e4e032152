import { LRUCache } from "lru-cache";
import type { Database } from "../db/client";
import { type CoinRow, coinRows } from "../db/queries/market-data";
import { CodedError, NotFound } from "../domain/errors";
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
  /** How often the exchange's list of symbols is asked again (served from memory meanwhile). */
  instrumentsRefreshMs?: number;
  /** Cache clock in ms (tests). */
  now?: () => number;
}

/** A candles answer, serialised once: the body and how many candles it holds. */
export interface CandlesBody {
  json: string;
  count: number;
}

/** The exchange's listed symbols, serialised once, and as a set for look-ups. */
export interface InstrumentsBody {
  json: string;
  symbols: ReadonlySet<string>;
  fetchedAt: string;
}

/**
 * Market reads of the exchange for the API: candles (cached briefly, so a chart polled by many consoles asks the
 * exchange once per interval; concurrent misses share one call) and the listed symbols (refreshed hourly; while a
 * refresh runs or fails, the previous list is served).
 */
export interface MarketService {
  /** The last `limit` candles of a symbol as JSON `{symbol, timeframe, candles: [{time, open, …}]}`. */
  candles(symbol: string, timeframe: Timeframe, limit: number): Promise<CandlesBody>;
  /** Every symbol the exchange lists, as JSON `{exchange, fetched_at, instruments: [{symbol, base, quote}]}`. */
  instruments(): Promise<InstrumentsBody>;
  /** Whether the exchange lists a symbol. */
  isListed(symbol: string): Promise<boolean>;
}

/** Builds the market service over the account's exchange. */
export function createMarketService({
  exchange,
  candleCacheMs,
  maxEntries = 500,
  instrumentsRefreshMs = 3_600_000,
  now = () => performance.now(),
}: MarketServiceOptions): MarketService {
  const instruments = new LRUCache<"instruments", InstrumentsBody>({
    max: 1,
    ttl: Math.max(1, instrumentsRefreshMs),
    ttlResolution: 0,
    perf: { now },
    allowStale: true,
    allowStaleOnFetchRejection: true,
    noDeleteOnFetchRejection: true,
    fetchMethod: async () => {
      const client = requireExchange(exchange);
      const list = await client.fetchInstruments();
      const fetchedAt = new Date().toISOString();
      const json = JSON.stringify({ exchange: client.name, fetched_at: fetchedAt, instruments: list });
      return { json, symbols: new Set(list.map((i) => i.symbol)), fetchedAt };
    },
  });
  const currentInstruments = async () => {
    const body = await instruments.fetch("instruments");
    if (!body) throw new Error("no instruments fetched");
    return body;
  };
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
    instruments: currentInstruments,
    isListed: async (symbol) => (await currentInstruments()).symbols.has(symbol),
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

/**
 * The coins view: every watchlist item (alerts on or off) with the price, 24 h volume, indicators, swing levels and
 * strategy state the signal monitor last stored. A watchlist holding more than `maxItems` (the limit was lowered
 * after items were added) is refused with 409 watchlist_full: the monitor evaluates only the first `maxItems`.
 */
export async function coinsView(database: Database, maxItems: number) {
  const rows = await coinRows(database.sql, maxItems + 1);
  if (rows.length > maxItems) {
    throw new CodedError(
      "watchlist_full",
      `the watchlist holds more than WATCHLIST_MAX_ITEMS (${maxItems}) items; the signal monitor evaluates only the ` +
        `first ${maxItems}: remove items or raise the limit`,
    );
  }
  return { coins: rows.map(coinJson), limit: maxItems };
}

/** One watched coin of the coins view; NotFound when the symbol is not watched. */
export async function coinOf(database: Database, symbol: string) {
  const [row] = await coinRows(database.sql, 1, symbol);
  if (!row) throw new NotFound(`${symbol} is not on the watchlist: ATP computes indicators for watched symbols`);
  return coinJson(row);
}

function coinJson(r: CoinRow) {
  return {
    symbol: r.symbol,
    price: r.price,
    volume_24h: r.volume_24h,
    rsi: r.rsi,
    ma50: r.ma50,
    ma200: r.ma200,
    ema10: r.ema10,
    atr: r.atr,
    volume_ratio: r.volume_ratio,
    resistance_levels: r.levels,
    alerts: { any: r.alert_enabled, buy: r.buy_alert_enabled, sell: r.sell_alert_enabled },
    trade_enabled: r.trade_enabled,
    preset: r.preset,
    strategy_state: r.strategy_state,
    updated_at: r.updated_at,
  };
}
export type CoinJson = ReturnType<typeof coinJson>;
