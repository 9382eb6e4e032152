import { and, asc, eq, isNull, sql } from "drizzle-orm";
import type { Db } from "../client";
import { marketData, watchlistItems } from "../schema";

export type WatchlistRow = typeof watchlistItems.$inferSelect;
export type MarketDataRow = typeof marketData.$inferSelect;
/** Fields an operator may set on a watchlist item. */
export type WatchlistFields = Partial<
  Pick<
    typeof watchlistItems.$inferInsert,
    | "alertEnabled"
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

/** Live items with alerts on: the signal monitor's work list. */
export async function alertedWatchlist(db: Db): Promise<WatchlistRow[]> {
  return await db
    .select()
    .from(watchlistItems)
    .where(and(live(), eq(watchlistItems.alertEnabled, true)))
    .orderBy(asc(watchlistItems.symbol));
}

/** Adds a symbol; null when a live item with that symbol already exists. */
export async function insertWatchlistItem(
  db: Db,
  symbol: string,
  fields: WatchlistFields,
): Promise<WatchlistRow | null> {
  const [row] = await db
    .insert(watchlistItems)
    .values({ symbol, ...fields })
    .onConflictDoNothing({ target: watchlistItems.symbol, where: sql`${watchlistItems.deletedAt} is null` })
    .returning();
  return row ?? null;
}

/** Changes a live item; null when there is none. */
export async function updateWatchlistItem(
  db: Db,
  symbol: string,
  fields: WatchlistFields,
): Promise<WatchlistRow | null> {
  const [row] = await db.update(watchlistItems).set(fields).where(live(symbol)).returning();
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

/** The per-symbol cooldown of a live item, or null when the symbol is not watched. */
export async function watchlistCooldown(db: Db, symbol: string): Promise<number | null> {
  const [row] = await db
    .select({ cooldownSeconds: watchlistItems.cooldownSeconds })
    .from(watchlistItems)
    .where(live(symbol));
  return row?.cooldownSeconds ?? null;
}
