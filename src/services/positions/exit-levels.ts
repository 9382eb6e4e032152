import type { Database } from "../../db/client";
import { findWatchlistRow } from "../../db/queries/watchlist";
import { Big } from "../../domain/money";
import { quantityDecimalsFor } from "../../domain/order-sizing";
import { type ExitLevel, protectionLevels } from "../../domain/protection";
import type { Instrument } from "../../exchanges/types";
import { effectiveRules } from "../strategy";

/** An entry's exits and the steps its orders are sized in. */
export interface SymbolExits {
  takeProfit: ExitLevel | null;
  stopLoss: ExitLevel | null;
  quantityDecimals: number;
}

/** The decimals of a symbol's prices and quantities: the exchange's when it says, else derived from the price. */
function decimalsOf(instrument: Instrument | undefined, price: string) {
  return {
    priceDecimals: instrument?.priceDecimals ?? 8,
    quantityDecimals: instrument?.quantityDecimals ?? quantityDecimalsFor(price),
  };
}

/**
 * The exits of an entry at `entryPrice`: the watchlist item's absolute tp_price/sl_price when set, else its rules'
 * take_profit/stop_loss (the item's take_profit_pct/stop_loss_pct, or its preset's default; an ATR distance uses
 * market_data's ATR). Null when the symbol is not on the watchlist.
 */
export async function exitsFor(
  database: Database,
  instruments: readonly Instrument[],
  symbol: string,
  entryPrice: string,
): Promise<SymbolExits | null> {
  const [item, rules] = await Promise.all([findWatchlistRow(database.sql, symbol), effectiveRules(database, symbol)]);
  if (!item || !rules) return null;
  const [market] = await database.sql<{ atr: string | null }[]>`
    select atr::text as atr from market_data where symbol = ${symbol}`;
  const { priceDecimals, quantityDecimals } = decimalsOf(
    instruments.find((i) => i.symbol === symbol),
    entryPrice,
  );
  const levels = protectionLevels({
    entryPrice,
    rules,
    tpPrice: item.tpPrice,
    slPrice: item.slPrice,
    atr: market?.atr ?? null,
    priceDecimals,
  });
  return { ...levels, quantityDecimals };
}

/** The entry price of a lot: its entry value over the quantity it holds (a base fee changes neither price). */
export const entryPriceOf = (lot: { entry_value: string; quantity: string }) =>
  new Big(lot.entry_value).div(lot.quantity).round(12).toFixed();
