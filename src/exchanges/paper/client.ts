/**
 * The paper exchange: a simulated account whose balances and orders live in PostgreSQL (so they survive
 * restarts and are shared by every process on the database), priced by the deterministic walk of prices.ts.
 *
 * Resting limit orders are matched lazily: every call that reads or changes the account first matches them
 * against the price path between the stored clock and now() (see fills.ts), then moves the clock. That is the
 * same whether the calls come every second or after a week, and needs no background timer. Placing and
 * cancelling are in placing.ts, the matching rules in fills.ts.
 */
import type { Sql } from "../../db/client";
import { ExchangeError, InvalidOrderError, UnknownOrderError } from "../../domain/exchange-errors";
import { Big, formatDecimal } from "../../domain/money";
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
import { validateOrderRequest } from "./fills";
import { seedOrderHistory } from "./history";
import { findMarket, PAPER_MARKETS } from "./markets";
import { matchInTransaction } from "./matching";
import { cancelInTransaction, type PaperRates, placeOrder } from "./placing";
import { PinnedPricePath, PRICE_GRID_MS, PricePath, TIMEFRAME_MS } from "./prices";
import {
  adjustBalance,
  createClock,
  lockAccount,
  readState,
  selectBalances,
  selectOpenOrders,
  selectOrder,
  selectOrderByClientOid,
  selectOrdersAfter,
  selectPinnedPrices,
  type Tx,
  toExchangeOrder,
  writeState,
} from "./store";

/** Options of the paper exchange (normally from config: PAPER_*). */
export interface PaperExchangeOptions {
  /** The postgres.js client of the database holding the paper_* tables; owned by the caller. */
  sql: Sql;
  /** PAPER_SEED: same seed, same prices. */
  seed: string;
  /** Share of what a fill receives paid as fee, decimal string. */
  feeRate: string;
  /** How far a market order's price moves against it, decimal string. */
  slippageRate: string;
  /** Balances of a fresh account, asset → decimal string. */
  startBalances: Record<string, string>;
  /** Orders of pre-made history to create once (0 = none). */
  historyOrders: number;
  /** Clock in epoch ms; tests move it. */
  now?: () => number;
  /** Honour prices pinned through the test endpoint (ENABLE_TEST_ENDPOINTS): one small read per call. */
  pinnedPrices?: boolean;
}

const MAX_CANDLES = 1000;
const MAX_HISTORY_PAGE = 1000;
const HISTORY_SEEDED_KEY = "history_orders";

class PaperExchange implements ExchangeClient {
  readonly name = "paper";
  readonly live = false;
  private readonly paths = new Map<string, PricePath>();
  private readonly rates: PaperRates;
  /** The grid tick this instance last matched up to: within one tick there is nothing new to match. */
  private matchedTick = -1;

  constructor(
    private readonly sql: Sql,
    private readonly seed: string,
    feeRate: string,
    slippageRate: string,
    private readonly now: () => number,
    private readonly pinnedPrices = false,
  ) {
    this.rates = { feeRate: new Big(feeRate), slippageRate: new Big(slippageRate) };
  }

  /** Paths of the symbols whose price is pinned, and the pins they were made from. */
  private pins = new Map<string, PricePath>();
  private pinsKey = "[]";

  /** Reads the pinned prices (when honoured); a change of pins is matched at once, within the tick too. */
  private async refreshPins(): Promise<void> {
    if (!this.pinnedPrices) return;
    const pins = await selectPinnedPrices(this.sql);
    const key = JSON.stringify(pins);
    if (key === this.pinsKey) return;
    this.pinsKey = key;
    this.pins = new Map();
    for (const pin of pins) {
      const market = findMarket(pin.symbol);
      if (market) this.pins.set(pin.symbol, new PinnedPricePath(this.seed, market, pin.price, pin.since));
    }
    this.matchedTick = -1;
  }

  private path(symbol: string): PricePath | undefined {
    const pinned = this.pins.get(symbol);
    if (pinned) return pinned;
    let path = this.paths.get(symbol);
    if (!path) {
      const market = findMarket(symbol);
      if (!market) return undefined;
      path = new PricePath(this.seed, market);
      this.paths.set(symbol, path);
    }
    return path;
  }

  private requirePath(symbol: string): PricePath {
    const path = this.path(symbol);
    if (!path) throw new UnknownOrderError(`unknown symbol ${JSON.stringify(symbol)}`);
    return path;
  }

  /** Matches resting orders up to now, unless this instance already did within the current grid tick. */
  private async matchRestingOrders(): Promise<void> {
    await this.refreshPins();
    const now = this.now();
    const tick = Math.floor(now / PRICE_GRID_MS);
    // A pinned price is checked at every call: a test pins it and expects the next call to see its fills.
    if (tick === this.matchedTick && this.pins.size === 0) return;
    await this.sql.begin((tx) => this.matchInTransaction(tx, now));
    this.matchedTick = tick;
  }

  /** Locks the account and matches every resting order over (clock, now]. */
  private matchInTransaction(tx: Tx, now: number): Promise<void> {
    return matchInTransaction(
      tx,
      now,
      (symbol) => this.requirePath(symbol),
      this.rates.feeRate,
      (symbol) => this.pins.has(symbol),
    );
  }

  /** Prepares a fresh database: clock, starting balances and the pre-made history, each exactly once. */
  async initialise(startBalances: Record<string, string>, historyOrders: number): Promise<void> {
    const now = this.now();
    await this.sql.begin(async (tx) => {
      // Serialises concurrent first starts (several workers and replicas build their client at once).
      await tx`select pg_advisory_xact_lock(hashtext('atp.paper_exchange.init'))`;
      if (await createClock(tx, now)) {
        for (const [asset, amount] of Object.entries(startBalances)) {
          await adjustBalance(tx, asset, { free: amount }, now);
        }
      }
      await lockAccount(tx);
      if (historyOrders > 0 && (await readState(tx, HISTORY_SEEDED_KEY)) === undefined) {
        await seedOrderHistory(tx, {
          count: historyOrders,
          seed: this.seed,
          feeRate: this.rates.feeRate.toFixed(),
          now,
        });
        await writeState(tx, HISTORY_SEEDED_KEY, String(historyOrders), now);
      }
    });
  }

  async fetchBalances(): Promise<Balance[]> {
    await this.matchRestingOrders();
    return selectBalances(this.sql);
  }

  async fetchOpenOrders(): Promise<ExchangeOrder[]> {
    await this.matchRestingOrders();
    return (await selectOpenOrders(this.sql)).map(toExchangeOrder);
  }

  async fetchOrder(exchangeOrderId: string, _symbol: string): Promise<ExchangeOrder> {
    await this.matchRestingOrders();
    const row = await selectOrder(this.sql, exchangeOrderId);
    if (!row) throw new UnknownOrderError(`order ${exchangeOrderId} not found`);
    return toExchangeOrder(row);
  }

  /** Every order ever placed, in placement order, with its current state; the cursor is the last seq. */
  async fetchOrderHistory(cursor: string | null, limit: number): Promise<OrderHistoryPage> {
    const after = cursor ?? "0";
    if (!/^\d{1,18}$/.test(after)) throw new ExchangeError(`invalid paper history cursor ${JSON.stringify(cursor)}`);
    const size = Math.min(Math.max(1, Math.floor(limit)), MAX_HISTORY_PAGE);
    await this.matchRestingOrders();
    const rows = await selectOrdersAfter(this.sql, after, size + 1);
    const page = rows.slice(0, size);
    return {
      orders: page.map(toExchangeOrder),
      cursor: page.at(-1)?.seq ?? after,
      hasMore: rows.length > size,
    };
  }

  async fetchTickers(symbols: string[]): Promise<Ticker[]> {
    await this.refreshPins();
    const now = this.now();
    const time = new Date(now).toISOString();
    const tickers: Ticker[] = [];
    for (const symbol of symbols) {
      const path = this.path(symbol);
      if (!path) continue;
      const last = new Big(path.priceStringAt(now));
      const tick = new Big(1).div(10 ** path.market.priceDecimals);
      tickers.push({
        symbol,
        last: formatDecimal(last),
        bid: formatDecimal(last.minus(tick)),
        ask: formatDecimal(last.plus(tick)),
        time,
      });
    }
    return tickers;
  }

  async fetchInstruments(): Promise<Instrument[]> {
    return [...PAPER_MARKETS.values()]
      .map(({ symbol, base, quote, priceDecimals, quantityDecimals }) => ({
        symbol,
        base,
        quote,
        priceDecimals,
        quantityDecimals,
      }))
      .sort((a, b) => (a.symbol < b.symbol ? -1 : a.symbol > b.symbol ? 1 : 0));
  }

  async fetchCandles(symbol: string, timeframe: Timeframe, limit: number): Promise<Candle[]> {
    const path = this.requirePath(symbol);
    if (!(timeframe in TIMEFRAME_MS)) throw new InvalidOrderError(`unsupported timeframe ${timeframe}`);
    return path.candles(timeframe, Math.min(Math.max(0, Math.floor(limit)), MAX_CANDLES), this.now());
  }

  async createOrder(request: CreateOrderRequest): Promise<ExchangeOrder> {
    await this.refreshPins();
    const order = validateOrderRequest(request);
    const path = this.requirePath(order.market.symbol);
    const now = this.now();
    const row = await this.sql.begin(async (tx) => {
      await this.matchInTransaction(tx, now);
      const existing = await selectOrderByClientOid(tx, request.clientOid);
      if (existing) return existing;
      return placeOrder(tx, request.clientOid, order, path, this.rates, now);
    });
    return toExchangeOrder(row);
  }

  async cancelOrder(exchangeOrderId: string, _symbol: string): Promise<ExchangeOrder> {
    await this.refreshPins();
    const now = this.now();
    const row = await this.sql.begin(async (tx) => {
      await this.matchInTransaction(tx, now);
      return cancelInTransaction(tx, exchangeOrderId, (symbol) => this.requirePath(symbol), now);
    });
    return toExchangeOrder(row);
  }

  async close(): Promise<void> {
    // Nothing to release: the database client belongs to the caller.
  }
}

/** Creates the paper exchange on a migrated database, initialising the account on first use. */
export async function createPaperExchange(options: PaperExchangeOptions): Promise<ExchangeClient> {
  const exchange = new PaperExchange(
    options.sql,
    options.seed,
    options.feeRate,
    options.slippageRate,
    options.now ?? Date.now,
    options.pinnedPrices,
  );
  await exchange.initialise(options.startBalances, options.historyOrders);
  return exchange;
}
