/**
 * The order vocabulary: sides, types, statuses and the shapes an exchange reports. Every layer (schema, queries,
 * exchanges, http) takes these words from here. Amounts are decimal strings (big.js for arithmetic, never floats);
 * times are ISO-8601 UTC strings; symbols are `BASE_QUOTE` (e.g. `BTC_USDT`).
 */

import { Big } from "./money";

export const ORDER_SIDES = ["BUY", "SELL"] as const;
export const ORDER_TYPES = ["MARKET", "LIMIT", "STOP_LIMIT", "TAKE_PROFIT_LIMIT"] as const;
export const ORDER_STATUSES = [
  "NEW",
  "ACTIVE",
  "PARTIALLY_FILLED",
  "FILLED",
  "CANCELLED",
  "REJECTED",
  "EXPIRED",
] as const;

export type OrderSide = (typeof ORDER_SIDES)[number];
export type OrderType = (typeof ORDER_TYPES)[number];
export type OrderStatus = (typeof ORDER_STATUSES)[number];
/** Order types a client may create: STOP_LIMIT and TAKE_PROFIT_LIMIT carry a trigger price and a limit price. */
export type CreatableOrderType = OrderType;

/** Trigger order types: armed when the price crosses the trigger, then working as a limit order. */
export const TRIGGER_ORDER_TYPES = ["STOP_LIMIT", "TAKE_PROFIT_LIMIT"] as const satisfies readonly OrderType[];

/**
 * Whether a trigger order is armed at `price`. A STOP_LIMIT SELL (stop-loss) and a TAKE_PROFIT_LIMIT BUY arm when
 * the price falls to the trigger; a TAKE_PROFIT_LIMIT SELL and a STOP_LIMIT BUY when it rises to it.
 */
export function triggerCrossed(type: OrderType, side: OrderSide, trigger: string, price: string): boolean {
  const falling = (type === "STOP_LIMIT") === (side === "SELL");
  const p = new Big(price);
  return falling ? p.lte(trigger) : p.gte(trigger);
}

/** Statuses of an order still working on the exchange. */
export const OPEN_ORDER_STATUSES = ["NEW", "ACTIVE", "PARTIALLY_FILLED"] as const satisfies readonly OrderStatus[];
/** Statuses of an order that will not change any more. */
export const FINAL_ORDER_STATUSES = [
  "FILLED",
  "CANCELLED",
  "REJECTED",
  "EXPIRED",
] as const satisfies readonly OrderStatus[];

export type OpenOrderStatus = (typeof OPEN_ORDER_STATUSES)[number];

/** True while the order can still fill or be cancelled. */
export function isOpenStatus(status: OrderStatus): status is OpenOrderStatus {
  return (OPEN_ORDER_STATUSES as readonly OrderStatus[]).includes(status);
}

/** One asset of the account. */
export interface Balance {
  /** Asset code, e.g. `USDT`. */
  asset: string;
  /** Available for new orders. */
  free: string;
  /** Held by open orders. */
  locked: string;
  /** free + locked; negative when the asset is borrowed (a loan). */
  total: string;
}

/** An order as the exchange reports it. */
export interface ExchangeOrder {
  /** The exchange's id of the order. */
  exchangeOrderId: string;
  /** The client order id given at creation, if any. */
  clientOid: string | null;
  /** `BASE_QUOTE`. */
  symbol: string;
  side: OrderSide;
  type: OrderType;
  status: OrderStatus;
  /** Limit price; null for market orders. */
  price: string | null;
  /** Ordered base quantity (for a MARKET BUY by notional: the quantity it bought, once filled). */
  quantity: string;
  /** Base quantity filled so far. */
  cumulativeQuantity: string;
  /** Quote value filled so far. */
  cumulativeValue: string;
  /** Average fill price; null while nothing is filled. */
  avgPrice: string | null;
  /** Fee paid so far, in feeCurrency. */
  fee: string;
  feeCurrency: string | null;
  /** The trigger price of a STOP_LIMIT / TAKE_PROFIT_LIMIT order (informative; not mirrored). */
  triggerPrice?: string | null;
  /** ISO time the exchange created the order. */
  createTime: string;
  /** ISO time of the order's last change. */
  updateTime: string;
}
