import { notifyChange } from "../db/changes";
import type { Database } from "../db/client";
import {
  findWatchlistItem,
  insertWatchlistItem,
  listWatchlist,
  type MarketDataRow,
  softDeleteWatchlistItem,
  updateWatchlistItem,
  type WatchlistFields,
  type WatchlistRow,
} from "../db/queries/watchlist";
import { Conflict, NotFound } from "../domain/errors";

export type { WatchlistFields };

/** A watchlist item as the API shows it, with its latest market data. */
export function watchlistItemJson(item: WatchlistRow, market: MarketDataRow | null) {
  return {
    symbol: item.symbol,
    alert_enabled: item.alertEnabled,
    trade_enabled: item.tradeEnabled,
    trade_amount_usd: item.tradeAmountUsd,
    buy_target: item.buyTarget,
    take_profit_pct: item.takeProfitPct,
    stop_loss_pct: item.stopLossPct,
    min_price_change_pct: item.minPriceChangePct,
    cooldown_seconds: item.cooldownSeconds,
    created_at: item.createdAt.toISOString(),
    updated_at: item.updatedAt.toISOString(),
    market: market && {
      price: market.price,
      rsi: market.rsi,
      ma50: market.ma50,
      ma200: market.ma200,
      ema10: market.ema10,
      atr: market.atr,
      volume_ratio: market.volumeRatio,
      updated_at: market.updatedAt.toISOString(),
    },
  };
}
export type WatchlistItemJson = ReturnType<typeof watchlistItemJson>;

/** Every live watchlist item, by symbol. */
export async function listWatchlistItems({ db }: Database): Promise<WatchlistItemJson[]> {
  return (await listWatchlist(db)).map(({ item, market }) => watchlistItemJson(item, market));
}

const notWatched = (symbol: string) => new NotFound(`${symbol} is not on the watchlist`);

/** One live item; NotFound when the symbol is not watched. */
export async function getWatchlistItem({ db }: Database, symbol: string): Promise<WatchlistItemJson> {
  const row = await findWatchlistItem(db, symbol);
  if (!row) throw notWatched(symbol);
  return watchlistItemJson(row.item, row.market);
}

/** Adds a symbol with the configured throttling defaults; Conflict when it is already watched. */
export async function addWatchlistItem(
  database: Database,
  symbol: string,
  fields: WatchlistFields,
  defaults: { cooldownSeconds: number; minPriceChangePct: string },
): Promise<WatchlistItemJson> {
  const item = await insertWatchlistItem(database.db, symbol, { ...defaults, ...fields });
  if (!item) throw new Conflict(`${symbol} is already on the watchlist`);
  await notifyChange(database.sql, "watchlist");
  return watchlistItemJson(item, null);
}

/** Changes the given fields of a live item; NotFound when the symbol is not watched. */
export async function changeWatchlistItem(
  database: Database,
  symbol: string,
  fields: WatchlistFields,
): Promise<WatchlistItemJson> {
  const item = await updateWatchlistItem(database.db, symbol, fields);
  if (!item) throw notWatched(symbol);
  await notifyChange(database.sql, "watchlist");
  return getWatchlistItem(database, symbol);
}

/** Soft-deletes a live item; NotFound when the symbol is not watched. */
export async function removeWatchlistItem(database: Database, symbol: string, at: Date): Promise<void> {
  if (!(await softDeleteWatchlistItem(database.db, symbol, at))) throw notWatched(symbol);
  await notifyChange(database.sql, "watchlist");
}
