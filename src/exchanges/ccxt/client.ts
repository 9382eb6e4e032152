/**
 * The live adapter: any exchange ccxt supports (Crypto.com by default) behind the ExchangeClient interface.
 * ccxt is imported lazily (≈80 MB, ≈0.3 s), only when a live exchange is configured.
 */
import type * as Ccxt from "ccxt";
import type { Exchange, Order } from "ccxt";
import { ExchangeError, InvalidOrderError, OrderRejectedError, UnknownOrderError } from "../../domain/exchange-errors";
import { Big, formatDecimal, parsePositiveDecimal } from "../../domain/money";
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
import { errorForHttpStatus, mapCcxtError } from "./errors";
import { fromCcxtSymbol, toBalances, toCandles, toCcxtSymbol, toExchangeOrder, toTicker } from "./mapping";

type CcxtModule = typeof Ccxt;
type ExchangeConstructor = new (config: Record<string, unknown>) => Exchange;

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

const DAY_MS = 86_400_000;
/** Orders per history request; Crypto.com's maximum. */
const HISTORY_REQUEST_LIMIT = 100;
/** How far back a createOrder retry looks for an order already placed with its clientOid. */
const IDEMPOTENCY_LOOKBACK_MS = DAY_MS;
// Exchanges whose create-order endpoint takes the client order id under their own name (ccxt drops the unified
// `clientOrderId` param for them).
const CLIENT_ORDER_ID_PARAM: Record<string, string> = { cryptocom: "client_oid" };

interface HistoryCursor {
  since: number;
}

class CcxtExchange implements ExchangeClient {
  readonly live = true;
  readonly name: string;
  private readonly now: () => number;
  private readonly lookbackMs: number;
  private readonly windowMs: number;
  private readonly settleMs: number;
  private readonly budgetMs: number;

  constructor(
    private readonly ccxt: CcxtModule,
    private readonly exchange: Exchange,
    options: CcxtExchangeOptions,
  ) {
    this.name = options.exchangeId;
    this.now = options.now ?? Date.now;
    this.lookbackMs = options.historyLookbackMs ?? 30 * DAY_MS;
    this.windowMs = options.historyWindowMs ?? DAY_MS;
    this.settleMs = options.historySettleMs ?? 5000;
    this.budgetMs = options.historyBudgetMs ?? options.timeoutMs / 2;
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

  /**
   * Walks the history in time windows (ccxt's own paginate stops at the first empty window). A window holding
   * `limit` orders or more is halved until it holds fewer, so each page is one whole window and the cursor is
   * just the window's end. Empty windows are skipped within a time budget; then an empty page with hasMore.
   */
  async fetchOrderHistory(cursor: string | null, limit: number): Promise<OrderHistoryPage> {
    const started = this.now();
    const horizon = started - this.settleMs;
    const requestLimit = Math.max(2, Math.min(limit, HISTORY_REQUEST_LIMIT));
    let since = cursor === null ? horizon - this.lookbackMs : parseCursor(cursor).since;
    while (since < horizon) {
      let until = Math.min(since + this.windowMs, horizon);
      let orders = await this.fetchWindow(since, until, requestLimit);
      while (orders.length >= requestLimit && until - since > 1) {
        until = since + Math.floor((until - since) / 2);
        orders = await this.fetchWindow(since, until, requestLimit);
      }
      since = until;
      if (orders.length > 0 || this.now() - started >= this.budgetMs) {
        const page = orders.map(toExchangeOrder).sort(byCreateTime);
        return { orders: page, cursor: JSON.stringify({ since }), hasMore: since < horizon };
      }
    }
    return { orders: [], cursor: JSON.stringify({ since }), hasMore: false };
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
    let cursor = JSON.stringify({ since: this.now() - IDEMPOTENCY_LOOKBACK_MS });
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
    const amount = await this.orderAmount(request, ccxtSymbol);
    const price = request.type === "LIMIT" ? positive("price", request.price) : undefined;
    const params: Record<string, string> = { clientOrderId: request.clientOid };
    const ownParam = CLIENT_ORDER_ID_PARAM[this.name];
    if (ownParam) params[ownParam] = request.clientOid;
    let created: Order;
    try {
      created = await this.call(() =>
        this.exchange.createOrder(
          ccxtSymbol,
          request.type.toLowerCase(),
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

  /** The base quantity to send: as given, or for a MARKET BUY by notional, notional ÷ ask rounded down. */
  private async orderAmount(request: CreateOrderRequest, ccxtSymbol: string): Promise<string> {
    if (request.type !== "MARKET" && request.type !== "LIMIT")
      throw new InvalidOrderError("type must be MARKET or LIMIT");
    if (request.type === "LIMIT" && request.price === undefined)
      throw new InvalidOrderError("a LIMIT order needs a price");
    if (request.notional === undefined) return positive("quantity", request.quantity);
    if (request.type !== "MARKET" || request.side !== "BUY" || request.quantity !== undefined) {
      throw new InvalidOrderError("notional is only for a MARKET BUY without quantity");
    }
    const notional = new Big(positive("notional", request.notional));
    // Not every exchange takes a quote amount (Crypto.com's spot create-order does not), so buy the base
    // quantity the notional pays for at the current ask.
    const ticker = await this.call(() => this.exchange.fetchTicker(ccxtSymbol));
    const ask = ticker.ask ?? ticker.last;
    if (!ask) throw new InvalidOrderError(`no price for ${ccxtSymbol} to size the order`);
    const quantity = await this.call(async () =>
      this.exchange.amountToPrecision(ccxtSymbol, notional.div(ask).toNumber()),
    );
    if (!quantity || !parsePositiveDecimal(quantity))
      throw new InvalidOrderError(`notional ${request.notional} is below one lot`);
    return quantity;
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

function byCreateTime(a: ExchangeOrder, b: ExchangeOrder): number {
  return a.createTime < b.createTime ? -1 : a.createTime > b.createTime ? 1 : 0;
}

function positive(name: string, value: string | undefined): string {
  const parsed = parsePositiveDecimal(value);
  if (!parsed) throw new InvalidOrderError(`${name} must be a positive decimal string (got ${JSON.stringify(value)})`);
  return formatDecimal(parsed);
}

function parseCursor(cursor: string): HistoryCursor {
  try {
    const parsed = JSON.parse(cursor) as Partial<HistoryCursor>;
    if (typeof parsed.since === "number" && Number.isFinite(parsed.since)) return { since: parsed.since };
  } catch {
    // Falls through to the error below.
  }
  throw new ExchangeError(`invalid history cursor ${JSON.stringify(cursor)}`);
}

/** Rewrites every URL under `urls.api` to the override's origin and path prefix, keeping each URL's own path. */
function rebaseApiUrls(api: unknown, override: string): unknown {
  if (typeof api === "string") {
    const base = override.replace(/\/+$/, "");
    return `${base}${new URL(api).pathname.replace(/\/+$/, "")}`;
  }
  if (api && typeof api === "object") {
    return Object.fromEntries(Object.entries(api).map(([key, value]) => [key, rebaseApiUrls(value, override)]));
  }
  return api;
}

/** Creates the live adapter: loads ccxt, configures the exchange and loads its markets. */
export async function createCcxtExchange(options: CcxtExchangeOptions): Promise<ExchangeClient> {
  const ccxt = (await import("ccxt")) as CcxtModule;
  const Constructor = (ccxt as unknown as Record<string, ExchangeConstructor | undefined>)[options.exchangeId];
  if (!Object.hasOwn(ccxt.exchanges, options.exchangeId) || !Constructor) {
    throw new ExchangeError(`ccxt does not know the exchange ${JSON.stringify(options.exchangeId)}`);
  }
  const exchange = new Constructor({
    apiKey: options.apiKey,
    secret: options.secret,
    enableRateLimit: options.enableRateLimit,
    timeout: options.timeoutMs,
  });
  if (options.apiUrl) {
    exchange.urls.api = rebaseApiUrls(exchange.urls.api, options.apiUrl) as typeof exchange.urls.api;
  }
  const handleErrors = exchange.handleErrors.bind(exchange);
  exchange.handleErrors = (status, reason, url, method, headers, body, response, requestHeaders, requestBody) => {
    const error = errorForHttpStatus(
      status,
      headers ?? {},
      String(body ?? ""),
      `${options.exchangeId} ${method} ${url}`,
    );
    if (error) throw error;
    return handleErrors(status, reason, url, method, headers, body, response, requestHeaders, requestBody);
  };
  const client = new CcxtExchange(ccxt, exchange, options);
  try {
    await exchange.loadMarkets();
  } catch (error) {
    throw mapCcxtError(ccxt, error);
  }
  return client;
}
