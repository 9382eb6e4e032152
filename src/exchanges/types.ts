/**
 * The one narrow interface every service uses to talk to an exchange (paper or live). The order vocabulary it
 * speaks (ExchangeOrder, Balance, sides, statuses) lives in src/domain/orders.ts.
 *
 * Conventions: amounts are decimal strings (use big.js for arithmetic, never floats); times are ISO-8601 UTC
 * strings; symbols are in the exchange's form `BASE_QUOTE` (e.g. `BTC_USDT`). Failures are thrown as the
 * classes of src/domain/exchange-errors.ts, whose class says how to react (retry, stop, reject).
 */
import type { Balance, CreatableOrderType, ExchangeOrder, OrderSide } from "../domain/orders";

/** Candle intervals every implementation supports. */
export type Timeframe = "1m" | "5m" | "15m" | "1h" | "4h" | "1d";

/** Latest price of a symbol. */
export interface Ticker {
  symbol: string;
  last: string;
  bid: string | null;
  ask: string | null;
  /** ISO time of the quote. */
  time: string;
}

/** A symbol the exchange lists. */
export interface Instrument {
  /** `BASE_QUOTE`. */
  symbol: string;
  base: string;
  quote: string;
  /** Decimals of a price and of a base quantity the exchange accepts, when it says. */
  priceDecimals?: number;
  quantityDecimals?: number;
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
  /** Limit price: LIMIT, STOP_LIMIT and TAKE_PROFIT_LIMIT. */
  price?: string;
  /** Trigger price: STOP_LIMIT and TAKE_PROFIT_LIMIT only (see triggerCrossed in domain/orders.ts). */
  triggerPrice?: string;
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
  /** One order by its exchange id; throws UnknownOrderError if the exchange does not know it. */
  fetchOrder(exchangeOrderId: string, symbol: string): Promise<ExchangeOrder>;
  /** A page of order history after `cursor` (null = from the beginning), oldest first, at most `limit` orders. */
  fetchOrderHistory(cursor: string | null, limit: number): Promise<OrderHistoryPage>;
  /** Latest prices for the given symbols (unknown symbols are left out). */
  fetchTickers(symbols: string[]): Promise<Ticker[]>;
  /** Every spot symbol the exchange lists for trading, by symbol (a live client asks the exchange again). */
  fetchInstruments(): Promise<Instrument[]>;
  /** The last `limit` candles of a symbol, oldest first (the last one may still be forming). */
  fetchCandles(symbol: string, timeframe: Timeframe, limit: number): Promise<Candle[]>;
  /** Places an order; idempotent on clientOid: a repeat returns the existing order, never a second one. */
  createOrder(request: CreateOrderRequest): Promise<ExchangeOrder>;
  /**
   * Cancels an open order and returns its new state. Safe to repeat: an already-cancelled order is returned as is.
   * UnknownOrderError if unknown; InvalidOrderError if it already filled, expired or was rejected.
   */
  cancelOrder(exchangeOrderId: string, symbol: string): Promise<ExchangeOrder>;
  /** Releases connections and timers. */
  close(): Promise<void>;
}
