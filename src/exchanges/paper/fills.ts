/**
 * The paper exchange's matching rules, pure (no I/O):
 * - a MARKET order fills at once and in full at the current price moved against the taker by the slippage rate;
 * - a STOP_LIMIT / TAKE_PROFIT_LIMIT order rests unarmed until the price crosses its trigger (triggerCrossed),
 *   then works as a LIMIT order at its limit price;
 * - a LIMIT order fills at its limit price whenever the simulated price is at or through it, at most
 *   LIQUIDITY_PER_TICK (quote units) per 10 s grid point, so large orders fill in parts over time;
 * - every fill pays fee rate × what it receives, in the asset received (base for a BUY, quote for a SELL), so
 *   locked funds never have to cover a fee and a fee-rate change cannot leave a lock unbalanced.
 */
import { InvalidOrderError } from "../../domain/exchange-errors";
import { Big, decimalPlaces, parsePositiveDecimal, roundDown } from "../../domain/money";
import { type OrderSide, type OrderType, TRIGGER_ORDER_TYPES, triggerCrossed } from "../../domain/orders";
import type { CreateOrderRequest } from "../types";
import { findMarket, type PaperMarket } from "./markets";
import { PRICE_GRID_MS, type PricePath } from "./prices";

/** Quote value a resting limit order can fill per 10 s of the price being at or through its limit. */
export const LIQUIDITY_PER_TICK = new Big(2000);
/** Smallest order value accepted, in quote units. */
export const MIN_ORDER_VALUE = new Big(1);
// A resting order is checked at no more than this many grid points per evaluation (longer gaps are thinned,
// each point then standing for several ticks of liquidity).
const MAX_POINTS_PER_EVALUATION = 2000;

/** A request that passed validation, amounts parsed. */
export interface ValidatedOrder {
  market: PaperMarket;
  side: OrderSide;
  type: OrderType;
  /** Base quantity; null for a MARKET BUY by notional. */
  quantity: Big | null;
  notional: Big | null;
  price: Big | null;
  /** STOP_LIMIT / TAKE_PROFIT_LIMIT only. */
  triggerPrice: Big | null;
}

/** One execution; `fee` is in the asset the order receives. */
export interface Fill {
  quantity: Big;
  price: Big;
  value: Big;
  fee: Big;
}

/** The fee of a fill: a share of what the order receives (base for a BUY, quote for a SELL). */
export function fillFee(side: OrderSide, quantity: Big, value: Big, feeRate: Big): Big {
  return (side === "BUY" ? quantity : value).times(feeRate);
}

/** The asset a fill's fee is paid in. */
export function feeAsset(side: OrderSide, market: PaperMarket): string {
  return side === "BUY" ? market.base : market.quote;
}

function positiveAmount(name: string, value: string | undefined, maxDecimals: number): Big {
  const parsed = parsePositiveDecimal(value);
  if (!parsed) throw new InvalidOrderError(`${name} must be a positive decimal string (got ${JSON.stringify(value)})`);
  if (value !== undefined && decimalPlaces(value) > maxDecimals) {
    throw new InvalidOrderError(`${name} has more than ${maxDecimals} decimals (got ${value})`);
  }
  return parsed;
}

/** Checks a create request against the paper markets; throws InvalidOrderError saying what is wrong. */
export function validateOrderRequest(request: CreateOrderRequest): ValidatedOrder {
  const market = findMarket(request.symbol);
  if (!market) throw new InvalidOrderError(`unknown symbol ${JSON.stringify(request.symbol)}`);
  if (request.side !== "BUY" && request.side !== "SELL") throw new InvalidOrderError("side must be BUY or SELL");
  if (!request.clientOid) throw new InvalidOrderError("clientOid is required");
  const { side, type } = request;
  const trigger = (TRIGGER_ORDER_TYPES as readonly string[]).includes(type);
  if (type === "LIMIT" || trigger) {
    if (request.notional !== undefined) throw new InvalidOrderError("notional is only for MARKET BUY orders");
    const quantity = positiveAmount("quantity", request.quantity, market.quantityDecimals);
    const price = positiveAmount("price", request.price, market.priceDecimals);
    if (quantity.times(price).lt(MIN_ORDER_VALUE)) throw new InvalidOrderError(`order value below ${MIN_ORDER_VALUE}`);
    const triggerPrice = trigger ? positiveAmount("triggerPrice", request.triggerPrice, market.priceDecimals) : null;
    if (!trigger && request.triggerPrice !== undefined) throw new InvalidOrderError("a LIMIT order takes no trigger");
    return { market, side, type, quantity, notional: null, price, triggerPrice };
  }
  if (type !== "MARKET") throw new InvalidOrderError("type must be MARKET, LIMIT, STOP_LIMIT or TAKE_PROFIT_LIMIT");
  if (request.triggerPrice !== undefined) throw new InvalidOrderError("a MARKET order takes no trigger");
  if (request.price !== undefined) throw new InvalidOrderError("a MARKET order takes no price");
  if (request.notional !== undefined) {
    if (side !== "BUY") throw new InvalidOrderError("notional is only for MARKET BUY orders");
    if (request.quantity !== undefined) throw new InvalidOrderError("give quantity or notional, not both");
    const notional = positiveAmount("notional", request.notional, 8);
    if (notional.lt(MIN_ORDER_VALUE)) throw new InvalidOrderError(`order value below ${MIN_ORDER_VALUE}`);
    return { market, side, type, quantity: null, notional, price: null, triggerPrice: null };
  }
  const quantity = positiveAmount("quantity", request.quantity, market.quantityDecimals);
  return { market, side, type, quantity, notional: null, price: null, triggerPrice: null };
}

/** Fills a MARKET order at `marketPrice` moved by slippage (up for a BUY, down for a SELL). */
export function marketFill(order: ValidatedOrder, marketPrice: Big, feeRate: Big, slippageRate: Big): Fill {
  const direction = order.side === "BUY" ? 1 : -1;
  const price = marketPrice.times(new Big(1).plus(slippageRate.times(direction))).round(order.market.priceDecimals);
  const quantity =
    order.quantity ?? roundDown((order.notional ?? new Big(0)).div(price), order.market.quantityDecimals);
  const value = quantity.times(price);
  if (quantity.eq(0) || value.lt(MIN_ORDER_VALUE)) throw new InvalidOrderError(`order value below ${MIN_ORDER_VALUE}`);
  return { quantity, price, value, fee: fillFee(order.side, quantity, value, feeRate) };
}

/** A point in time at which a resting order is checked, and how many ticks of liquidity it stands for. */
export interface CheckPoint {
  time: number;
  ticks: number;
}

/** The grid points in (from, to] at which resting orders are checked. */
export function checkPoints(path: PricePath, from: number, to: number): CheckPoint[] {
  const times = path.gridPoints(from, to, MAX_POINTS_PER_EVALUATION);
  const step = times.length > 1 ? ((times[1] ?? 0) - (times[0] ?? 0)) / PRICE_GRID_MS : 1;
  return times.map((time) => ({ time, ticks: step }));
}

/** The first check point at which a trigger order is armed, or null. */
export function firstTrigger(
  path: PricePath,
  type: OrderType,
  side: OrderSide,
  trigger: string,
  points: CheckPoint[],
): number | null {
  for (const { time } of points) {
    if (triggerCrossed(type, side, trigger, path.priceStringAt(time))) return time;
  }
  return null;
}

/** How much of a resting limit order fills over the given check points, and when its last fill happened. */
export function limitFill(
  path: PricePath,
  side: OrderSide,
  limit: Big,
  remaining: Big,
  points: CheckPoint[],
): { quantity: Big; lastFillTime: number | null } {
  const perTick = roundDown(LIQUIDITY_PER_TICK.div(limit), path.market.quantityDecimals);
  const step = new Big(1).div(10 ** path.market.quantityDecimals);
  const tickQuantity = perTick.gt(0) ? perTick : step;
  let filled = new Big(0);
  let lastFillTime: number | null = null;
  for (const { time, ticks } of points) {
    if (filled.gte(remaining)) break;
    const price = new Big(path.priceStringAt(time));
    const crossed = side === "BUY" ? price.lte(limit) : price.gte(limit);
    if (!crossed) continue;
    const available = tickQuantity.times(ticks);
    filled = filled.plus(available).gt(remaining) ? remaining : filled.plus(available);
    lastFillTime = time;
  }
  return { quantity: filled, lastFillTime };
}
