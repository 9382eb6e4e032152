import { notifyChange } from "../db/changes";
import type { Database } from "../db/client";
import { CodedError, NotFound } from "../domain/errors";
import { decimalPlaces } from "../domain/money";
import { UnknownSymbolError } from "../domain/symbol";
import { findMarket } from "../exchanges/paper/markets";
import { pinPrice, unpinPrice } from "../exchanges/paper/store";

/**
 * Pins a paper symbol's price from `now` on, for every process on this database (test endpoints only): the paper
 * exchange then quotes, fills and triggers at it until unpinned, so a test can drive a take-profit or stop-loss.
 */
export async function pinPaperPrice(database: Database, symbol: string, price: string, now: Date) {
  const market = findMarket(symbol);
  if (!market) throw new UnknownSymbolError(symbol);
  if (decimalPlaces(price) > market.priceDecimals) {
    const message = `${symbol} prices have at most ${market.priceDecimals} decimals`;
    throw new CodedError("validation_failed", "invalid json", [{ path: "price", message }]);
  }
  await pinPrice(database.sql, symbol, price, now.getTime());
  await notifyChange(database.sql, "market_data");
  return { symbol, price, pinned_at: now.toISOString() };
}

/** Removes a pin: the symbol follows its seeded walk again. NotFound when it was not pinned. */
export async function unpinPaperPrice(database: Database, symbol: string) {
  if (!(await unpinPrice(database.sql, symbol))) throw new NotFound(`${symbol} has no pinned price`);
  await notifyChange(database.sql, "market_data");
  return { symbol, pinned: false };
}
