import { notifyChange } from "../db/changes";
import type { Database } from "../db/client";
import {
  alertSides,
  countWatchlist,
  findWatchlistItem,
  findWatchlistRow,
  insertWatchlistItem,
  listWatchlist,
  type MarketDataRow,
  softDeleteWatchlistItem,
  updateAllWatchlistItems,
  updateWatchlistItem,
  type WatchlistFields,
  type WatchlistRow,
  watchlistSymbolById,
} from "../db/queries/watchlist";
import { CodedError, Conflict, NotFound } from "../domain/errors";
import { DEFAULT_PRESET, type StrategyRules } from "../domain/strategy";
import { UnknownSymbolError } from "../domain/symbol";
import { checkItemStrategy, presetCatalog, rulesOfItem } from "./strategy";

export type { WatchlistFields };

/** A watchlist item as the API shows it, with its effective rules and latest market data (and strategy state). */
export function watchlistItemJson(item: WatchlistRow, market: MarketDataRow | null, rules: StrategyRules) {
  return {
    id: item.id,
    symbol: item.symbol,
    alert_enabled: item.alertEnabled,
    buy_alert_enabled: alertSides(item).buy,
    sell_alert_enabled: alertSides(item).sell,
    trade_enabled: item.tradeEnabled,
    trade_amount_usd: item.tradeAmountUsd,
    buy_target: item.buyTarget,
    take_profit_pct: item.takeProfitPct,
    stop_loss_pct: item.stopLossPct,
    min_price_change_pct: item.minPriceChangePct,
    cooldown_seconds: item.cooldownSeconds,
    preset: item.preset,
    overrides: item.strategyOverrides,
    rules,
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
      strategy_state: market.strategyState,
      updated_at: market.updatedAt.toISOString(),
    },
  };
}
export type WatchlistItemJson = ReturnType<typeof watchlistItemJson>;

/** Every live watchlist item, by symbol. */
export async function listWatchlistItems(database: Database): Promise<WatchlistItemJson[]> {
  const [rows, catalog] = await Promise.all([listWatchlist(database.db), presetCatalog(database)]);
  return rows.map(({ item, market }) => watchlistItemJson(item, market, rulesOfItem(catalog, item)));
}

const notWatched = (symbol: string) => new NotFound(`${symbol} is not on the watchlist`);

/** One live item; NotFound when the symbol is not watched. */
export async function getWatchlistItem(database: Database, symbol: string): Promise<WatchlistItemJson> {
  const row = await findWatchlistItem(database.db, symbol);
  if (!row) throw notWatched(symbol);
  return watchlistItemJson(row.item, row.market, rulesOfItem(await presetCatalog(database), row.item));
}

/** What adding an item checks besides its own fields. */
export interface AddItemChecks {
  /** Whether the exchange lists a symbol; absent: not checked. */
  listed?: (symbol: string) => Promise<boolean>;
  /** Most live items (WATCHLIST_MAX_ITEMS); absent: no limit. */
  maxItems?: number;
}

/**
 * Adds a symbol (preset swing-conservative unless named; throttling from the preset unless given). Refused: a
 * symbol the exchange does not list (400 unknown_symbol), a full watchlist (409 watchlist_full), an unknown preset
 * or rules that can never or always fire (400); Conflict when it is already watched.
 */
export async function addWatchlistItem(
  database: Database,
  symbol: string,
  fields: WatchlistFields,
  { listed, maxItems }: AddItemChecks = {},
): Promise<WatchlistItemJson> {
  if (listed && !(await listed(symbol))) throw new UnknownSymbolError(symbol);
  const rules = await checkItemStrategy(database, strategyFields(fields, null), symbol);
  if (maxItems !== undefined && (await countWatchlist(database.db)) >= maxItems) {
    throw new CodedError("watchlist_full", `the watchlist holds its limit of ${maxItems} items (WATCHLIST_MAX_ITEMS)`);
  }
  const item = await insertWatchlistItem(database.db, symbol, fields);
  if (!item) throw new Conflict(`${symbol} is already on the watchlist`);
  await notifyChange(database.sql, "watchlist");
  return watchlistItemJson(item, null, rules);
}

/** Changes the given fields of a live item; NotFound when the symbol is not watched. */
export async function changeWatchlistItem(
  database: Database,
  symbol: string,
  fields: WatchlistFields,
): Promise<WatchlistItemJson> {
  const current = await findWatchlistRow(database.db, symbol);
  if (!current) throw notWatched(symbol);
  await checkItemStrategy(database, strategyFields(fields, current), symbol);
  const item = await updateWatchlistItem(database.db, symbol, fields);
  if (!item) throw notWatched(symbol);
  await notifyChange(database.sql, "watchlist");
  return getWatchlistItem(database, symbol);
}

/** The symbol of the live item with this id; NotFound when there is none. */
export async function watchlistSymbolOf(database: Database, id: number): Promise<string> {
  const symbol = await watchlistSymbolById(database.db, id);
  if (!symbol) throw new NotFound(`no watchlist item with id ${id}`);
  return symbol;
}

/** Which switches a change of every item may set: alerts and trading, nothing strategy-related. */
export type SwitchFields = Pick<
  WatchlistFields,
  "alertEnabled" | "buyAlertEnabled" | "sellAlertEnabled" | "tradeEnabled"
>;

/** Sets alert and trading switches on every live item at once; returns how many items changed and how many there are. */
export async function switchAllWatchlistItems(
  database: Database,
  fields: SwitchFields,
): Promise<{ updated: number; total: number }> {
  const updated = await updateAllWatchlistItems(database.db, fields);
  if (updated > 0) await notifyChange(database.sql, "watchlist");
  return { updated, total: await countWatchlist(database.db) };
}

/** Soft-deletes a live item; NotFound when the symbol is not watched. */
export async function removeWatchlistItem(database: Database, symbol: string, at: Date): Promise<void> {
  if (!(await softDeleteWatchlistItem(database.db, symbol, at))) throw notWatched(symbol);
  await notifyChange(database.sql, "watchlist");
}

/** The strategy fields an item will have after a write: the given ones over the current row's. */
function strategyFields(fields: WatchlistFields, current: WatchlistRow | null) {
  const pick = <T>(given: T | undefined, now: T | undefined, fallback: T): T =>
    given !== undefined ? given : now !== undefined ? now : fallback;
  return {
    preset: pick(fields.preset, current?.preset, DEFAULT_PRESET),
    strategyOverrides: pick(fields.strategyOverrides, current?.strategyOverrides, {}),
    cooldownSeconds: pick(fields.cooldownSeconds, current?.cooldownSeconds, null),
    minPriceChangePct: pick(fields.minPriceChangePct, current?.minPriceChangePct, null),
    takeProfitPct: pick(fields.takeProfitPct, current?.takeProfitPct, null),
    stopLossPct: pick(fields.stopLossPct, current?.stopLossPct, null),
  };
}
