import type { Config } from "../config";
import { notifyChange } from "../db/changes";
import type { Database } from "../db/client";
import { upsertMarketData } from "../db/queries/market-data";
import { insertSignal, latestSignal } from "../db/queries/signals";
import { alertSides, listWatchlistRows, type WatchlistRow } from "../db/queries/watchlist";
import { AuthenticationError } from "../domain/exchange-errors";
import { computeIndicators, indicatorToDecimal } from "../domain/indicators";
import { swingLevels, volume24h } from "../domain/levels";
import { shouldTrade } from "../domain/signal-rules";
import type { StrategyRules } from "../domain/strategy";
import { evaluateStrategy } from "../domain/strategy-rules";
import type { ExchangeClient } from "../exchanges/types";
import type { Logger } from "../lib/logger";
import type { Notifier } from "./notifier";
import { presetCatalog, rulesOfItem } from "./strategy";

/** The strategy name stored on the signals of the preset rules. */
export const SIGNAL_STRATEGY = "rsi_ma";

export interface SignalMonitorDeps {
  database: Database;
  /** Where candles come from: the account's exchange. */
  exchange: ExchangeClient;
  log: Logger;
  notifier: Notifier;
  config: Pick<
    Config,
    "SIGNAL_TIMEFRAME" | "SIGNAL_CANDLE_LIMIT" | "SIGNAL_MONITOR_CONCURRENCY" | "WATCHLIST_MAX_ITEMS"
  >;
  now?: () => Date;
  stopping?: () => boolean;
}

/** What one cycle did. */
export interface SignalMonitorSummary {
  symbols: number;
  signals: number;
  blocked: number;
  failed: number;
}

type Outcome = "none" | "signal" | "blocked";

/**
 * One signal_monitor cycle: for every watchlist item (alerts on or off, at most WATCHLIST_MAX_ITEMS), fetch
 * candles — SIGNAL_MONITOR_CONCURRENCY at a time; a live client also spaces its calls by the exchange's rate
 * limit — compute the indicators, evaluate the item's rules, store market_data with the strategy state, and
 * record (and announce) a signal a side with alerts on fired. A symbol whose candles cannot be fetched is skipped
 * for this cycle; bad exchange credentials stop the cycle.
 */
export async function runSignalMonitorCycle(deps: SignalMonitorDeps): Promise<SignalMonitorSummary> {
  const { database, log, config, stopping = () => false } = deps;
  const [items, catalog] = await Promise.all([
    listWatchlistRows(database.sql, config.WATCHLIST_MAX_ITEMS),
    presetCatalog(database),
  ]);
  const summary: SignalMonitorSummary = { symbols: 0, signals: 0, blocked: 0, failed: 0 };
  let fatal: unknown;
  let next = 0;
  const lane = async () => {
    while (next < items.length && !stopping() && fatal === undefined) {
      const item = items[next++] as WatchlistRow;
      try {
        const outcome = await monitorSymbol(deps, item, rulesOfItem(catalog, item));
        summary.symbols++;
        if (outcome === "signal") summary.signals++;
        if (outcome === "blocked") summary.blocked++;
      } catch (error) {
        if (error instanceof AuthenticationError) fatal = error;
        else {
          summary.failed++;
          log.warn("signal check failed", { symbol: item.symbol, error });
        }
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, config.SIGNAL_MONITOR_CONCURRENCY) }, lane));
  if (fatal !== undefined) throw fatal;
  if (summary.symbols > 0) await notifyChange(database.sql, "market_data");
  if (summary.signals > 0) {
    await notifyChange(database.sql, "signals");
    log.info("signals recorded", { ...summary });
  }
  return summary;
}

async function monitorSymbol(deps: SignalMonitorDeps, item: WatchlistRow, rules: StrategyRules): Promise<Outcome> {
  const { database, exchange, config, notifier } = deps;
  const candles = await exchange.fetchCandles(item.symbol, config.SIGNAL_TIMEFRAME, config.SIGNAL_CANDLE_LIMIT);
  const now = deps.now?.() ?? new Date();
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
  const { state, signal: fired } = evaluateStrategy({
    rules,
    values,
    buyTarget: item.buyTarget,
    alerts: alertSides(item),
    previous: await latestSignal(database.sql, item.symbol),
    now,
  });
  const strategyState = { preset: item.preset, evaluated_at: now.toISOString(), ...state };
  const levels = swingLevels(candles, values.price);
  const volume = indicatorToDecimal(volume24h(candles));
  await upsertMarketData(
    database.sql,
    { symbol: item.symbol, ...decimals, volume24h: volume, levels, strategyState },
    now,
  );
  if (!fired) return state.buy.decision === "blocked" || state.sell.decision === "blocked" ? "blocked" : "none";

  const trade = shouldTrade(item.tradeEnabled, item.tradeAmountUsd);
  const signal = await insertSignal(database.sql, {
    symbol: item.symbol,
    side: fired.side,
    strategy: SIGNAL_STRATEGY,
    ...decimals,
    reason: `${item.preset}: ${fired.reason}`,
    shouldTrade: trade,
    tradeAmountUsd: item.tradeAmountUsd,
    createdAt: now,
  });
  notifier.notify({
    event: "signal",
    symbol: signal.symbol,
    text: `${signal.side} ${signal.symbol} at ${signal.price}: ${signal.reason}${trade ? ` (trading ${signal.trade_amount_usd} USD)` : ""}`,
    data: { signal },
  });
  return "signal";
}
