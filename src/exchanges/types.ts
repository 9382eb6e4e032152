/**
 * The one narrow interface every service uses to talk to an exchange (paper or live), and its domain types.
 *
 * Conventions: amounts are decimal strings (use big.js for arithmetic, never floats); times are ISO-8601 UTC
 * strings; symbols are in the exchange's form `BASE_QUOTE` (e.g. `BTC_USDT`). Failures are thrown as the
 * classes of src/domain/exchange-errors.ts, whose class says how to react (retry, stop, reject).
 */
import type { ORDER_SIDES, ORDER_STATUSES, ORDER_TYPES } from "../db/schema/orders";

export type OrderSide = (typeof ORDER_SIDES)[number];
export type OrderType = (typeof ORDER_TYPES)[number];
export type OrderStatus = (typeof ORDER_STATUSES)[number];
/** Order types a client may create (the others only appear in history imported from a live account). */
export type CreatableOrderType = Extract<OrderType, "MARKET" | "LIMIT">;
/** Candle intervals every implementation supports. */
export type Timeframe = "1m" | "5m" | "15m" | "1h" | "4h" | "1d";

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
  /** ISO time the exchange created the order. */
  createTime: string;
  /** ISO time of the order's last change. */
  updateTime: string;
}

/** Latest price of a symbol. */
export interface Ticker {
  symbol: string;
  last: string;
  bid: string | null;
  ask: string | null;
  /** ISO time of the quote. */
  time: string;
}

/** One OHLCV candle. Numbers on purpose: indicator input only, never accounting. */
export interface Candle {
  /** Open time, epoch milliseconds. */
  time: number;
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
}

/** One page of the account's order history, oldest first. */
export interface OrderHistoryPage {
  orders: ExchangeOrder[];
  /** Opaque position AFTER this page; always set, so a caught-up sync can store it and resume later. */
  cursor: string;
  /** True when more may be available right now past `cursor`; a page can be empty and still have more (live exchanges walk time windows). */
  hasMore: boolean;
}

/** A new order. A MARKET BUY gives either `quantity` (base) or `notional` (quote); every other order gives `quantity`. */
export interface CreateOrderRequest {
  symbol: string;
  side: OrderSide;
  type: CreatableOrderType;
  /** Base quantity, decimal string. */
  quantity?: string;
  /** Quote amount to spend, MARKET BUY only. */
  notional?: string;
  /** Limit price, LIMIT only. */
  price?: string;
  /** Client order id: the idempotency key (a repeat returns the existing order). */
  clientOid: string;
}

/** The narrow exchange interface every service uses. */
export interface ExchangeClient {
  /** Implementation name (`paper`, or the ccxt exchange id). */
  readonly name: string;
  /** True when orders move real money. */
  readonly live: boolean;
  /** Every asset of the account with a non-zero amount (assets missing here are zero). */
  fetchBalances(): Promise<Balance[]>;
  /** Orders still working (NEW, ACTIVE, PARTIALLY_FILLED), oldest first. */
  fetchOpenOrders(): Promise<ExchangeOrder[]>;
  /** One order by its exchange id; throws NotFoundError if the exchange does not know it. */
  fetchOrder(exchangeOrderId: string, symbol: string): Promise<ExchangeOrder>;
  /** A page of order history after `cursor` (null = from the beginning), oldest first, at most `limit` orders. */
  fetchOrderHistory(cursor: string | null, limit: number): Promise<OrderHistoryPage>;
  /** Latest prices for the given symbols (unknown symbols are left out). */
  fetchTickers(symbols: string[]): Promise<Ticker[]>;
  /** The last `limit` candles of a symbol, oldest first (the last one may still be forming). */
  fetchCandles(symbol: string, timeframe: Timeframe, limit: number): Promise<Candle[]>;
  /** Places an order; idempotent on clientOid: a repeat returns the existing order, never a second one. */
  createOrder(request: CreateOrderRequest): Promise<ExchangeOrder>;
  /**
   * Cancels an open order and returns its new state. Safe to repeat: an already-cancelled order is returned as is.
   * NotFoundError if unknown; InvalidOrderError if it already filled, expired or was rejected.
   */
  cancelOrder(exchangeOrderId: string, symbol: string): Promise<ExchangeOrder>;
  /** Releases connections and timers. */
  close(): Promise<void>;
}

/** Statuses of an order that will not change any more. */
export const FINAL_ORDER_STATUSES: readonly OrderStatus[] = ["FILLED", "CANCELLED", "REJECTED", "EXPIRED"];
