import { and, asc, eq, isNull, type SQLWrapper, sql } from "drizzle-orm";
import type { Db } from "../client";
import { marketData, watchlistItems } from "../schema";

export type WatchlistRow = typeof watchlistItems.$inferSelect;
export type MarketDataRow = typeof marketData.$inferSelect;
/** Fields an operator may set on a watchlist item. */
export type WatchlistFields = Partial<
  Pick<
    typeof watchlistItems.$inferInsert,
    | "alertEnabled"
    | "buyAlertEnabled"
    | "sellAlertEnabled"
    | "preset"
    | "strategyOverrides"
    | "tradeEnabled"
    | "tradeAmountUsd"
    | "buyTarget"
    | "takeProfitPct"
    | "stopLossPct"
    | "minPriceChangePct"
    | "cooldownSeconds"
  >
>;

const live = (symbol?: string) =>
  symbol === undefined
    ? isNull(watchlistItems.deletedAt)
    : and(eq(watchlistItems.symbol, symbol), isNull(watchlistItems.deletedAt));

/** Live (not deleted) watchlist items with their latest market data, by symbol. */
export async function listWatchlist(db: Db): Promise<{ item: WatchlistRow; market: MarketDataRow | null }[]> {
  return await db
    .select({ item: watchlistItems, market: marketData })
    .from(watchlistItems)
    .leftJoin(marketData, eq(marketData.symbol, watchlistItems.symbol))
    .where(live())
    .orderBy(asc(watchlistItems.symbol));
}

/** One live watchlist item with its latest market data, or null. */
export async function findWatchlistItem(
  db: Db,
  symbol: string,
): Promise<{ item: WatchlistRow; market: MarketDataRow | null } | null> {
  const [row] = await db
    .select({ item: watchlistItems, market: marketData })
    .from(watchlistItems)
    .leftJoin(marketData, eq(marketData.symbol, watchlistItems.symbol))
    .where(live(symbol));
  return row ?? null;
}

/** Live items, alerts on or off, at most `limit`: the signal monitor's work list (every item gets its state). */
export async function monitoredWatchlist(db: Db, limit: number): Promise<WatchlistRow[]> {
  return await db.select().from(watchlistItems).where(live()).orderBy(asc(watchlistItems.symbol)).limit(limit);
}

/** Live items without their market data, by symbol. */
export async function listWatchlistRows(db: Db): Promise<WatchlistRow[]> {
  return await db.select().from(watchlistItems).where(live()).orderBy(asc(watchlistItems.symbol));
}

/** How many live items the watchlist holds. */
export async function countWatchlist(db: Db): Promise<number> {
  const [row] = await db.select({ n: sql<number>`count(*)::int` }).from(watchlistItems).where(live());
  return row?.n ?? 0;
}

/** An item's buy and sell alert switches: a null side follows alert_enabled (see the schema). */
export function alertSides(item: Pick<WatchlistRow, "alertEnabled" | "buyAlertEnabled" | "sellAlertEnabled">) {
  return { buy: item.buyAlertEnabled ?? item.alertEnabled, sell: item.sellAlertEnabled ?? item.alertEnabled };
}

/**
 * The columns an update sets, with the alert switches resolved: `alert_enabled` (either side) sets both sides, an
 * explicit side wins over it, an untouched side keeps its effective value, and alert_enabled becomes buy OR sell.
 */
function alertColumns(fields: WatchlistFields) {
  const { alertEnabled, buyAlertEnabled, sellAlertEnabled, ...rest } = fields;
  const given = (value: boolean | null | undefined) => (value === undefined || value === null ? null : value);
  const side = (explicit: boolean | null | undefined, column: SQLWrapper) =>
    sql<boolean>`coalesce(${given(explicit)}::boolean, ${given(alertEnabled)}::boolean, ${column}, ${watchlistItems.alertEnabled})`;
  if (alertEnabled === undefined && buyAlertEnabled === undefined && sellAlertEnabled === undefined) return rest;
  const buy = side(buyAlertEnabled, watchlistItems.buyAlertEnabled);
  const sell = side(sellAlertEnabled, watchlistItems.sellAlertEnabled);
  return { ...rest, buyAlertEnabled: buy, sellAlertEnabled: sell, alertEnabled: sql<boolean>`(${buy} or ${sell})` };
}

/** Adds a symbol; null when a live item with that symbol already exists. */
export async function insertWatchlistItem(
  db: Db,
  symbol: string,
  fields: WatchlistFields,
): Promise<WatchlistRow | null> {
  const [row] = await db
    .insert(watchlistItems)
    .values({ symbol, ...fields, ...insertAlerts(fields) })
    .onConflictDoNothing({ target: watchlistItems.symbol, where: sql`${watchlistItems.deletedAt} is null` })
    .returning();
  return row ?? null;
}

/** Both sides stored explicitly on a new item: each its own value, else alert_enabled's, else off. */
function insertAlerts(fields: WatchlistFields) {
  const buy = fields.buyAlertEnabled ?? fields.alertEnabled ?? false;
  const sell = fields.sellAlertEnabled ?? fields.alertEnabled ?? false;
  return { buyAlertEnabled: buy, sellAlertEnabled: sell, alertEnabled: buy || sell };
}

/** Changes a live item; null when there is none. */
export async function updateWatchlistItem(
  db: Db,
  symbol: string,
  fields: WatchlistFields,
): Promise<WatchlistRow | null> {
  const [row] = await db.update(watchlistItems).set(alertColumns(fields)).where(live(symbol)).returning();
  return row ?? null;
}

/** Soft-deletes a live item (the row stays, with deleted_at); false when there is none. */
export async function softDeleteWatchlistItem(db: Db, symbol: string, at: Date): Promise<boolean> {
  const rows = await db
    .update(watchlistItems)
    .set({ deletedAt: at })
    .where(live(symbol))
    .returning({ id: watchlistItems.id });
  return rows.length > 0;
}

/** The symbol of the live item with this id, or null. */
export async function watchlistSymbolById(db: Db, id: number): Promise<string | null> {
  const [row] = await db
    .select({ symbol: watchlistItems.symbol })
    .from(watchlistItems)
    .where(and(eq(watchlistItems.id, id), isNull(watchlistItems.deletedAt)));
  return row?.symbol ?? null;
}

/** Changes every live item (the alert switches resolved as for one item); returns how many changed. */
export async function updateAllWatchlistItems(db: Db, fields: WatchlistFields): Promise<number> {
  const rows = await db
    .update(watchlistItems)
    .set(alertColumns(fields))
    .where(live())
    .returning({ id: watchlistItems.id });
  return rows.length;
}

/** A live item without its market data, or null. */
export async function findWatchlistRow(db: Db, symbol: string): Promise<WatchlistRow | null> {
  const [row] = await db.select().from(watchlistItems).where(live(symbol));
  return row ?? null;
}
