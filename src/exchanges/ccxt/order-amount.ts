/** What the live adapter sends as an order's amount and price, checked before any request. */
import type { Exchange } from "ccxt";
import { InvalidOrderError } from "../../domain/exchange-errors";
import { Big, formatDecimal, parsePositiveDecimal } from "../../domain/money";
import type { CreateOrderRequest } from "../types";

/** Runs a ccxt call with its errors mapped onto the taxonomy. */
export type CcxtCall = <T>(run: () => Promise<T>) => Promise<T>;

/** The base quantity to send: as given, or for a MARKET BUY by notional, notional ÷ ask rounded down. */
export async function orderAmount(
  exchange: Exchange,
  call: CcxtCall,
  request: CreateOrderRequest,
  ccxtSymbol: string,
): Promise<string> {
  if (request.type !== "MARKET" && request.price === undefined)
    throw new InvalidOrderError(`a ${request.type} order needs a price`);
  if ((request.type === "STOP_LIMIT" || request.type === "TAKE_PROFIT_LIMIT") !== (request.triggerPrice !== undefined))
    throw new InvalidOrderError(
      "a trigger price goes with STOP_LIMIT and TAKE_PROFIT_LIMIT orders, and only with them",
    );
  if (request.notional === undefined) return positive("quantity", request.quantity);
  if (request.type !== "MARKET" || request.side !== "BUY" || request.quantity !== undefined) {
    throw new InvalidOrderError("notional is only for a MARKET BUY without quantity");
  }
  const notional = new Big(positive("notional", request.notional));
  // Not every exchange takes a quote amount (Crypto.com's spot create-order does not), so buy the base
  // quantity the notional pays for at the current ask.
  const ticker = await call(() => exchange.fetchTicker(ccxtSymbol));
  const ask = ticker.ask ?? ticker.last;
  if (!ask) throw new InvalidOrderError(`no price for ${ccxtSymbol} to size the order`);
  const quantity = await call(async () => exchange.amountToPrecision(ccxtSymbol, notional.div(ask).toNumber()));
  if (!quantity || !parsePositiveDecimal(quantity))
    throw new InvalidOrderError(`notional ${request.notional} is below one lot`);
  return quantity;
}

/** The value as a canonical positive decimal string, or an InvalidOrderError naming the field. */
export function positive(name: string, value: string | undefined): string {
  const parsed = parsePositiveDecimal(value);
  if (!parsed) throw new InvalidOrderError(`${name} must be a positive decimal string (got ${JSON.stringify(value)})`);
  return formatDecimal(parsed);
}

/**
 * A trigger order in ccxt's unified terms: a `limit` order carrying `stopLossPrice` (a STOP_LIMIT SELL) or
 * `takeProfitPrice` (a TAKE_PROFIT_LIMIT SELL), which ccxt sends to Crypto.com as STOP_LIMIT / TAKE_PROFIT_LIMIT with
 * `ref_price`; a trigger BUY carries the generic `triggerPrice`. Any other order: its own type, no trigger.
 */
export function ccxtOrderType(request: CreateOrderRequest): { type: string; params: Record<string, string> } {
  if (request.type !== "STOP_LIMIT" && request.type !== "TAKE_PROFIT_LIMIT") {
    return { type: request.type.toLowerCase(), params: {} };
  }
  const trigger = positive("triggerPrice", request.triggerPrice);
  if (request.side === "BUY") return { type: "limit", params: { triggerPrice: trigger } };
  return {
    type: "limit",
    params: request.type === "STOP_LIMIT" ? { stopLossPrice: trigger } : { takeProfitPrice: trigger },
  };
}
