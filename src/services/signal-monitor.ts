import type { Config } from "../config";
import { notifyChange } from "../db/changes";
import type { Database } from "../db/client";
import { upsertMarketData } from "../db/queries/market-data";
import { insertSignal, latestSignal } from "../db/queries/signals";
import { alertedWatchlist, type WatchlistRow } from "../db/queries/watchlist";
import { AuthenticationError } from "../domain/exchange-errors";
import { computeIndicators, indicatorToDecimal } from "../domain/indicators";
import { evaluateSignal, shouldTrade, throttleSignal } from "../domain/signal-rules";
import type { ExchangeClient } from "../exchanges/types";
import type { Logger } from "../lib/logger";
import type { Notifier } from "./notifier";

/** The strategy name stored on the signals of SPEC §6's rules. */
export const SIGNAL_STRATEGY = "rsi_ma";

export interface SignalMonitorDeps {
  database: Database;
  /** Where candles come from: the account's exchange. */
  exchange: ExchangeClient;
  log: Logger;
  notifier: Notifier;
  config: Pick<Config, "SIGNAL_TIMEFRAME" | "SIGNAL_CANDLE_LIMIT">;
  now?: () => Date;
  stopping?: () => boolean;
}

/** What one cycle did. */
export interface SignalMonitorSummary {
  symbols: number;
  signals: number;
  throttled: number;
  failed: number;
}

type Outcome = "none" | "signal" | "throttled";

/**
 * One signal_monitor cycle: for every watchlist item with alerts on, fetch candles, compute the indicators,
 * update market_data, apply the rules and the throttling, and record (and announce) any new signal.
 * A symbol whose candles cannot be fetched is skipped for this cycle; bad exchange credentials stop the cycle.
 */
export async function runSignalMonitorCycle(deps: SignalMonitorDeps): Promise<SignalMonitorSummary> {
  const { database, log, stopping = () => false } = deps;
  const items = await alertedWatchlist(database.db);
  const summary: SignalMonitorSummary = { symbols: 0, signals: 0, throttled: 0, failed: 0 };
  for (const item of items) {
    if (stopping()) break;
    try {
      const outcome = await monitorSymbol(deps, item);
      summary.symbols++;
      if (outcome === "signal") summary.signals++;
      if (outcome === "throttled") summary.throttled++;
    } catch (error) {
      if (error instanceof AuthenticationError) throw error;
      summary.failed++;
      log.warn("signal check failed", { symbol: item.symbol, error });
    }
  }
  if (summary.symbols > 0) await notifyChange(database.sql, "market_data");
  if (summary.signals > 0) {
    await notifyChange(database.sql, "signals");
    log.info("signals recorded", { ...summary });
  }
  return summary;
}

async function monitorSymbol(deps: SignalMonitorDeps, item: WatchlistRow): Promise<Outcome> {
  const { database, exchange, config, notifier, log } = deps;
  const now = deps.now?.() ?? new Date();
  const candles = await exchange.fetchCandles(item.symbol, config.SIGNAL_TIMEFRAME, config.SIGNAL_CANDLE_LIMIT);
  const values = computeIndicators(candles);
  if (!values) return "none";
  const decimals = {
    price: indicatorToDecimal(values.price) ?? "0",
    rsi: indicatorToDecimal(values.rsi),
    ma50: indicatorToDecimal(values.ma50),
    ma200: indicatorToDecimal(values.ma200),
    ema10: indicatorToDecimal(values.ema10),
    atr: indicatorToDecimal(values.atr),
    volumeRatio: indicatorToDecimal(values.volumeRatio),
  };
  await upsertMarketData(database.sql, { symbol: item.symbol, ...decimals }, now);

  const decision = evaluateSignal({ ...values, buyTarget: item.buyTarget });
  if (!decision) return "none";
  const throttle = throttleSignal({
    side: decision.side,
    price: values.price,
    now,
    previous: await latestSignal(database.sql, item.symbol),
    cooldownSeconds: item.cooldownSeconds,
    minPriceChangePct: item.minPriceChangePct,
  });
  if (!throttle.allowed) {
    log.debug("signal throttled", { symbol: item.symbol, side: decision.side, reason: throttle.reason });
    return "throttled";
  }
  const trade = shouldTrade(item.tradeEnabled, item.tradeAmountUsd);
  const signal = await insertSignal(database.sql, {
    symbol: item.symbol,
    side: decision.side,
    strategy: SIGNAL_STRATEGY,
    ...decimals,
    reason: decision.reason,
    shouldTrade: trade,
    tradeAmountUsd: item.tradeAmountUsd,
    createdAt: now,
  });
  notifier.notify({
    event: "signal",
    text: `${signal.side} ${signal.symbol} at ${signal.price}: ${signal.reason}${trade ? ` (trading ${signal.trade_amount_usd} USD)` : ""}`,
    data: { signal },
  });
  return "signal";
}
