import { notifyChange } from "../db/changes";
import type { Database } from "../db/client";
import {
  countWatchlist,
  findWatchlistJson,
  findWatchlistRow,
  insertWatchlistItem,
  listWatchlistJson,
  softDeleteWatchlistItem,
  updateAllWatchlistItems,
  updateWatchlistItem,
  type WatchlistFields,
  type WatchlistJson,
  type WatchlistRow,
  watchlistSymbolById,
} from "../db/queries/watchlist";
import { CodedError, Conflict, NotFound } from "../domain/errors";
import { DEFAULT_PRESET, type StrategyRules } from "../domain/strategy";
import { UnknownSymbolError } from "../domain/symbol";
import { checkItemStrategy, presetCatalog, rulesOfItem } from "./strategy";

export type { WatchlistFields };

/** A watchlist item as the API shows it: the item as rendered in SQL (as on the dashboard) and its effective rules. */
export type WatchlistItemJson = WatchlistJson & { rules: StrategyRules };

/** The rendered item with the rules it runs from this catalog. */
function withRules(item: WatchlistJson, catalog: ReadonlyMap<string, StrategyRules>): WatchlistItemJson {
  const rules = rulesOfItem(catalog, {
    preset: item.preset,
    strategyOverrides: item.overrides,
    cooldownSeconds: item.cooldown_seconds,
    minPriceChangePct: item.min_price_change_pct,
    takeProfitPct: item.take_profit_pct,
    stopLossPct: item.stop_loss_pct,
  });
  return { ...item, rules };
}

/** Every live watchlist item, by symbol. */
export async function listWatchlistItems(database: Database): Promise<WatchlistItemJson[]> {
  const [items, catalog] = await Promise.all([listWatchlistJson(database.sql), presetCatalog(database)]);
  return items.map((item) => withRules(item, catalog));
}

const notWatched = (symbol: string) => new NotFound(`${symbol} is not on the watchlist`);

/** One live item; NotFound when the symbol is not watched. */
export async function getWatchlistItem(database: Database, symbol: string): Promise<WatchlistItemJson> {
  const [item, catalog] = await Promise.all([findWatchlistJson(database.sql, symbol), presetCatalog(database)]);
  if (!item) throw notWatched(symbol);
  return withRules(item, catalog);
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
  await checkItemStrategy(database, strategyFields(fields, null), symbol);
  if (maxItems !== undefined && (await countWatchlist(database.sql)) >= maxItems) {
    throw new CodedError("watchlist_full", `the watchlist holds its limit of ${maxItems} items (WATCHLIST_MAX_ITEMS)`);
  }
  const item = await insertWatchlistItem(database.sql, symbol, fields);
  if (!item) throw new Conflict(`${symbol} is already on the watchlist`);
  await notifyChange(database.sql, "watchlist");
  return getWatchlistItem(database, symbol);
}

/** Changes the given fields of a live item; NotFound when the symbol is not watched. */
export async function changeWatchlistItem(
  database: Database,
  symbol: string,
  fields: WatchlistFields,
): Promise<WatchlistItemJson> {
  const current = await findWatchlistRow(database.sql, symbol);
  if (!current) throw notWatched(symbol);
  await checkItemStrategy(database, strategyFields(fields, current), symbol);
  const item = await updateWatchlistItem(database.sql, symbol, fields);
  if (!item) throw notWatched(symbol);
  await notifyChange(database.sql, "watchlist");
  return getWatchlistItem(database, symbol);
}

/** The symbol of the live item with this id; NotFound when there is none. */
export async function watchlistSymbolOf(database: Database, id: number): Promise<string> {
  const symbol = await watchlistSymbolById(database.sql, id);
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
  const updated = await updateAllWatchlistItems(database.sql, fields);
  if (updated > 0) await notifyChange(database.sql, "watchlist");
  return { updated, total: await countWatchlist(database.sql) };
}

/** Soft-deletes a live item; NotFound when the symbol is not watched. */
export async function removeWatchlistItem(database: Database, symbol: string, at: Date): Promise<void> {
  if (!(await softDeleteWatchlistItem(database.sql, symbol, at))) throw notWatched(symbol);
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
