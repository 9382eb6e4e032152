/**
 * The live adapter: any exchange ccxt supports (Crypto.com by default) behind the ExchangeClient interface.
 * connect.ts creates it; history.ts walks the order history; order-amount.ts sizes an order.
 */
import type * as Ccxt from "ccxt";
import type { Exchange, Order } from "ccxt";
import { InvalidOrderError, OrderRejectedError, UnknownOrderError } from "../../domain/exchange-errors";
import type { Balance, ExchangeOrder } from "../../domain/orders";
import type {
  Candle,
  CreateOrderRequest,
  ExchangeClient,
  Instrument,
  OrderHistoryPage,
  Ticker,
  Timeframe,
} from "../types";
import { mapCcxtError } from "./errors";
import {
  byCreateTime,
  DAY_MS,
  HISTORY_REQUEST_LIMIT,
  type HistoryWalkSettings,
  historyCursor,
  walkOrderHistory,
} from "./history";
import { fromCcxtSymbol, toBalances, toCandles, toCcxtSymbol, toExchangeOrder, toTicker } from "./mapping";
import { ccxtOrderType, orderAmount, positive } from "./order-amount";

/** The ccxt module, loaded lazily by connect.ts. */
export type CcxtModule = typeof Ccxt;

/** Options of the live adapter (normally from config: EXCHANGE_*). */
export interface CcxtExchangeOptions {
  /** ccxt exchange id, e.g. `cryptocom`. */
  exchangeId: string;
  apiKey?: string;
  secret?: string;
  /** Replaces the scheme, host and port of every API URL (keeping their paths), e.g. a local fake server. */
  apiUrl?: string;
  /** ccxt's own request throttling. */
  enableRateLimit: boolean;
  /** Timeout of one HTTP request, ms. */
  timeoutMs: number;
  /** Where a history walk with a null cursor starts, ms before now (default 30 days). */
  historyLookbackMs?: number;
  /** Width of one history time window (default one day, Crypto.com's maximum range). */
  historyWindowMs?: number;
  /** The newest part of the history not walked yet, so late-indexed orders are not skipped (default 5 s). */
  historySettleMs?: number;
  /** Time one fetchOrderHistory call may spend walking empty windows before it returns (default timeoutMs / 2). */
  historyBudgetMs?: number;
  now?: () => number;
}

/** How far back a createOrder retry looks for an order already placed with its clientOid. */
const IDEMPOTENCY_LOOKBACK_MS = DAY_MS;
// Exchanges whose create-order endpoint takes the client order id under their own name (ccxt drops the unified
// `clientOrderId` param for them).
const CLIENT_ORDER_ID_PARAM: Record<string, string> = { cryptocom: "client_oid" };

/** The live ExchangeClient over one configured ccxt exchange whose markets are loaded. */
export class CcxtExchange implements ExchangeClient {
  readonly live = true;
  readonly name: string;
  private readonly now: () => number;
  private readonly history: HistoryWalkSettings;

  constructor(
    private readonly ccxt: CcxtModule,
    private readonly exchange: Exchange,
    options: CcxtExchangeOptions,
  ) {
    this.name = options.exchangeId;
    this.now = options.now ?? Date.now;
    this.history = {
      lookbackMs: options.historyLookbackMs ?? 30 * DAY_MS,
      windowMs: options.historyWindowMs ?? DAY_MS,
      settleMs: options.historySettleMs ?? 5000,
      budgetMs: options.historyBudgetMs ?? options.timeoutMs / 2,
      now: this.now,
    };
  }

  /** Runs a ccxt call, mapping its errors onto the taxonomy. */
  private async call<T>(run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (error) {
      throw mapCcxtError(this.ccxt, error);
    }
  }

  /** The ccxt symbol of a listed `BASE_QUOTE` symbol, or undefined. */
  private market(symbol: string): string | undefined {
    const ccxtSymbol = toCcxtSymbol(symbol);
    return this.exchange.markets?.[ccxtSymbol] ? ccxtSymbol : undefined;
  }

  async fetchBalances(): Promise<Balance[]> {
    return toBalances(await this.call(() => this.exchange.fetchBalance()));
  }

  async fetchOpenOrders(): Promise<ExchangeOrder[]> {
    const orders = await this.call(() => this.exchange.fetchOpenOrders());
    return orders.map(toExchangeOrder).sort(byCreateTime);
  }

  async fetchOrder(exchangeOrderId: string, symbol: string): Promise<ExchangeOrder> {
    const ccxtSymbol = this.market(symbol);
    if (!ccxtSymbol) throw new UnknownOrderError(`unknown symbol ${JSON.stringify(symbol)}`);
    return toExchangeOrder(await this.call(() => this.exchange.fetchOrder(exchangeOrderId, ccxtSymbol)));
  }

  /** Orders created in [since, until), with no more than HISTORY_REQUEST_LIMIT per request. */
  private fetchWindow(since: number, until: number, limit: number): Promise<Order[]> {
    // `until` is the exchange's end_time, exclusive on Crypto.com, so consecutive windows neither overlap nor gap.
    return this.call(() => this.exchange.fetchOrders(undefined, since, limit, { until }));
  }

  /** Walks the history in time windows (see history.ts). */
  fetchOrderHistory(cursor: string | null, limit: number): Promise<OrderHistoryPage> {
    return walkOrderHistory((since, until, max) => this.fetchWindow(since, until, max), this.history, cursor, limit);
  }

  async fetchTickers(symbols: string[]): Promise<Ticker[]> {
    const listed = symbols.filter((s) => this.market(s));
    if (listed.length === 0) return [];
    const now = this.now();
    // Some exchanges (Crypto.com) take at most one symbol per tickers request: ask for one, or for all.
    const tickers =
      listed.length === 1
        ? {
            [toCcxtSymbol(listed[0] ?? "")]: await this.call(() =>
              this.exchange.fetchTicker(toCcxtSymbol(listed[0] ?? "")),
            ),
          }
        : await this.call(() => this.exchange.fetchTickers());
    return listed.flatMap((symbol) => {
      const ticker = tickers[toCcxtSymbol(symbol)];
      const mapped = ticker ? toTicker(symbol, ticker, now) : null;
      return mapped ? [mapped] : [];
    });
  }

  async fetchInstruments(): Promise<Instrument[]> {
    const markets = await this.call(() => this.exchange.loadMarkets(true));
    return Object.values(markets)
      .filter((m) => m?.spot && m.active !== false && m.base && m.quote)
      .map((m) => ({ symbol: fromCcxtSymbol(m?.symbol ?? ""), base: m?.base ?? "", quote: m?.quote ?? "" }))
      .sort((a, b) => (a.symbol < b.symbol ? -1 : a.symbol > b.symbol ? 1 : 0));
  }

  async fetchCandles(symbol: string, timeframe: Timeframe, limit: number): Promise<Candle[]> {
    const ccxtSymbol = this.market(symbol);
    if (!ccxtSymbol) throw new UnknownOrderError(`unknown symbol ${JSON.stringify(symbol)}`);
    const rows = await this.call(() => this.exchange.fetchOHLCV(ccxtSymbol, timeframe, undefined, limit));
    return toCandles(rows).slice(-limit);
  }

  /** The order already placed with this client order id, among open orders and the last day's history. */
  private async findByClientOid(clientOid: string): Promise<ExchangeOrder | undefined> {
    const open = await this.fetchOpenOrders();
    const found = open.find((o) => o.clientOid === clientOid);
    if (found) return found;
    let cursor = historyCursor(this.now() - IDEMPOTENCY_LOOKBACK_MS);
    for (;;) {
      const page = await this.fetchOrderHistory(cursor, HISTORY_REQUEST_LIMIT);
      const match = page.orders.find((o) => o.clientOid === clientOid);
      if (match) return match;
      if (!page.hasMore) return undefined;
      cursor = page.cursor;
    }
  }

  /**
   * Idempotent on clientOid: looks the id up first (a retry after a timeout finds the order the first attempt
   * placed), and again if the exchange rejects the id as a duplicate. ccxt's createOrder answers with the id
   * only on some exchanges (Crypto.com), so the order is read back with fetchOrder.
   */
  async createOrder(request: CreateOrderRequest): Promise<ExchangeOrder> {
    const ccxtSymbol = this.market(request.symbol);
    if (!ccxtSymbol) throw new InvalidOrderError(`unknown symbol ${JSON.stringify(request.symbol)}`);
    const existing = await this.findByClientOid(request.clientOid);
    if (existing) return existing;
    const amount = await orderAmount(this.exchange, (run) => this.call(run), request, ccxtSymbol);
    const price = request.type === "MARKET" ? undefined : positive("price", request.price);
    const { type, params: triggerParams } = ccxtOrderType(request);
    const params: Record<string, string> = { clientOrderId: request.clientOid, ...triggerParams };
    const ownParam = CLIENT_ORDER_ID_PARAM[this.name];
    if (ownParam) params[ownParam] = request.clientOid;
    let created: Order;
    try {
      created = await this.call(() =>
        this.exchange.createOrder(
          ccxtSymbol,
          type,
          request.side.toLowerCase() as "buy" | "sell",
          Number(amount),
          price === undefined ? undefined : Number(price),
          params,
        ),
      );
    } catch (error) {
      if (error instanceof InvalidOrderError && error.cause instanceof this.ccxt.DuplicateOrderId) {
        const placed = await this.findByClientOid(request.clientOid);
        if (placed) return placed;
      }
      throw error;
    }
    return this.fetchOrder(String(created.id), request.symbol);
  }

  /** Cancels; a repeat (or an order the exchange already cancelled) returns the cancelled order. */
  async cancelOrder(exchangeOrderId: string, symbol: string): Promise<ExchangeOrder> {
    const ccxtSymbol = this.market(symbol);
    if (!ccxtSymbol) throw new UnknownOrderError(`unknown symbol ${JSON.stringify(symbol)}`);
    try {
      await this.call(() => this.exchange.cancelOrder(exchangeOrderId, ccxtSymbol));
    } catch (error) {
      if (!(error instanceof OrderRejectedError)) throw error;
      // The exchange refused: learn why from the order itself.
      const current = await this.fetchOrder(exchangeOrderId, symbol);
      if (current.status === "CANCELLED") return current;
      throw new InvalidOrderError(`order ${exchangeOrderId} is ${current.status} and cannot be cancelled`, {
        cause: error,
      });
    }
    // Some exchanges cancel asynchronously: the order may still read as open for a moment; the sync catches up.
    return this.fetchOrder(exchangeOrderId, symbol);
  }

  async close(): Promise<void> {
    await this.exchange.close();
  }
}
