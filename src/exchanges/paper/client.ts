/**
 * The paper exchange: a simulated account whose balances and orders live in PostgreSQL (so they survive
 * restarts and are shared by every process on the database), priced by the deterministic walk of prices.ts.
 *
 * Resting limit orders are matched lazily: every call that reads or changes the account first matches them
 * against the price path between the stored clock and now() (see fills.ts), then moves the clock. That is the
 * same whether the calls come every second or after a week, and needs no background timer.
 */
import type { Sql } from "../../db/client";
import {
  ExchangeError,
  InsufficientFundsError,
  InvalidOrderError,
  UnknownOrderError,
} from "../../domain/exchange-errors";
import { Big, formatDecimal } from "../../domain/money";
import { type Balance, type ExchangeOrder, isOpenStatus } from "../../domain/orders";
import type {
  Candle,
  CreateOrderRequest,
  ExchangeClient,
  Instrument,
  OrderHistoryPage,
  Ticker,
  Timeframe,
} from "../types";
import { type CheckPoint, checkPoints, feeAsset, fillFee, limitFill, marketFill, validateOrderRequest } from "./fills";
import { seedOrderHistory } from "./history";
import { findMarket, PAPER_MARKETS } from "./markets";
import { PRICE_GRID_MS, PricePath, TIMEFRAME_MS } from "./prices";
import {
  adjustBalance,
  advanceClock,
  createClock,
  insertOrder,
  lockAccount,
  type PaperOrderRow,
  readState,
  recordFill,
  selectBalances,
  selectFree,
  selectOpenOrders,
  selectOrder,
  selectOrderByClientOid,
  selectOrdersAfter,
  type Tx,
  toExchangeOrder,
  updateStatus,
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
}

const MAX_CANDLES = 1000;
const MAX_HISTORY_PAGE = 1000;
const HISTORY_SEEDED_KEY = "history_orders";

class PaperExchange implements ExchangeClient {
  readonly name = "paper";
  readonly live = false;
  private readonly paths = new Map<string, PricePath>();
  private readonly feeRate: Big;
  private readonly slippageRate: Big;
  /** The grid tick this instance last matched up to: within one tick there is nothing new to match. */
  private matchedTick = -1;

  constructor(
    private readonly sql: Sql,
    private readonly seed: string,
    feeRate: string,
    slippageRate: string,
    private readonly now: () => number,
  ) {
    this.feeRate = new Big(feeRate);
    this.slippageRate = new Big(slippageRate);
  }

  private path(symbol: string): PricePath | undefined {
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
    const now = this.now();
    const tick = Math.floor(now / PRICE_GRID_MS);
    if (tick === this.matchedTick) return;
    await this.sql.begin((tx) => this.matchInTransaction(tx, now));
    this.matchedTick = tick;
  }

  /** Locks the account and matches every resting order over (clock, now]. */
  private async matchInTransaction(tx: Tx, now: number): Promise<void> {
    const clock = await lockAccount(tx);
    if (now <= clock) return;
    for (const row of await selectOpenOrders(tx)) {
      if (row.order_type !== "LIMIT" || row.price === null) continue;
      const path = this.requirePath(row.symbol);
      await this.applyLimitFill(tx, row, checkPoints(path, Math.max(clock, row.created_ms), now));
    }
    await advanceClock(tx, now);
  }

  /** Fills as much of a resting order as the check points allow, moving the locked funds. */
  private async applyLimitFill(tx: Tx, row: PaperOrderRow, points: CheckPoint[]): Promise<PaperOrderRow> {
    const path = this.requirePath(row.symbol);
    const limit = new Big(row.price ?? "0");
    const quantity = new Big(row.quantity);
    const remaining = quantity.minus(row.filled_quantity);
    const fill = limitFill(path, row.side, limit, remaining, points);
    if (fill.quantity.eq(0) || fill.lastFillTime === null) return row;
    const value = fill.quantity.times(limit);
    const fee = fillFee(row.side, fill.quantity, value, this.feeRate);
    const { base, quote } = path.market;
    const time = fill.lastFillTime;
    if (row.side === "BUY") {
      await adjustBalance(tx, quote, { locked: value.neg().toFixed() }, time);
      await adjustBalance(tx, base, { free: fill.quantity.minus(fee).toFixed() }, time);
    } else {
      await adjustBalance(tx, base, { locked: fill.quantity.neg().toFixed() }, time);
      await adjustBalance(tx, quote, { free: value.minus(fee).toFixed() }, time);
    }
    const status = fill.quantity.eq(remaining) ? "FILLED" : "PARTIALLY_FILLED";
    return recordFill(tx, row.seq, {
      quantity: fill.quantity.toFixed(),
      value: value.toFixed(),
      fee: fee.toFixed(),
      status,
      time,
    });
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
        await seedOrderHistory(tx, { count: historyOrders, seed: this.seed, feeRate: this.feeRate.toFixed(), now });
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
      .map(({ symbol, base, quote }) => ({ symbol, base, quote }))
      .sort((a, b) => (a.symbol < b.symbol ? -1 : a.symbol > b.symbol ? 1 : 0));
  }

  async fetchCandles(symbol: string, timeframe: Timeframe, limit: number): Promise<Candle[]> {
    const path = this.requirePath(symbol);
    if (!(timeframe in TIMEFRAME_MS)) throw new InvalidOrderError(`unsupported timeframe ${timeframe}`);
    return path.candles(timeframe, Math.min(Math.max(0, Math.floor(limit)), MAX_CANDLES), this.now());
  }

  async createOrder(request: CreateOrderRequest): Promise<ExchangeOrder> {
    const order = validateOrderRequest(request);
    const path = this.requirePath(order.market.symbol);
    const now = this.now();
    const row = await this.sql.begin(async (tx) => {
      await this.matchInTransaction(tx, now);
      const existing = await selectOrderByClientOid(tx, request.clientOid);
      if (existing) return existing;
      const { base, quote } = order.market;
      const common = { clientOid: request.clientOid, symbol: order.market.symbol, side: order.side, time: now };
      const feeCurrency = feeAsset(order.side, order.market);

      if (order.type === "MARKET") {
        const fill = marketFill(order, new Big(path.priceStringAt(now)), this.feeRate, this.slippageRate);
        if (order.side === "BUY") {
          await this.requireFree(tx, quote, fill.value);
          await adjustBalance(tx, quote, { free: fill.value.neg().toFixed() }, now);
          await adjustBalance(tx, base, { free: fill.quantity.minus(fill.fee).toFixed() }, now);
        } else {
          await this.requireFree(tx, base, fill.quantity);
          await adjustBalance(tx, base, { free: fill.quantity.neg().toFixed() }, now);
          await adjustBalance(tx, quote, { free: fill.value.minus(fill.fee).toFixed() }, now);
        }
        return insertOrder(tx, {
          ...common,
          type: "MARKET",
          status: "FILLED",
          price: null,
          quantity: fill.quantity.toFixed(),
          filledQuantity: fill.quantity.toFixed(),
          filledValue: fill.value.toFixed(),
          fee: fill.fee.toFixed(),
          feeCurrency,
        });
      }

      const quantity = order.quantity ?? new Big(0);
      const price = order.price ?? new Big(0);
      // Funds of a resting order are locked: the quote value for a BUY, the base quantity for a SELL.
      const [lockAsset, lockAmount] = order.side === "BUY" ? [quote, quantity.times(price)] : [base, quantity];
      await this.requireFree(tx, lockAsset, lockAmount);
      await adjustBalance(tx, lockAsset, { free: lockAmount.neg().toFixed(), locked: lockAmount.toFixed() }, now);
      const resting = await insertOrder(tx, {
        ...common,
        type: "LIMIT",
        status: "ACTIVE",
        price: price.toFixed(),
        quantity: quantity.toFixed(),
        filledQuantity: "0",
        filledValue: "0",
        fee: "0",
        feeCurrency,
      });
      // A limit order already through the market fills its first part at once.
      return this.applyLimitFill(tx, resting, [{ time: now, ticks: 1 }]);
    });
    return toExchangeOrder(row);
  }

  private async requireFree(tx: Tx, asset: string, amount: Big): Promise<void> {
    const free = await selectFree(tx, asset);
    if (new Big(free).lt(amount)) {
      throw new InsufficientFundsError(
        `insufficient ${asset}: need ${formatDecimal(amount)}, free ${formatDecimal(free)}`,
      );
    }
  }

  async cancelOrder(exchangeOrderId: string, _symbol: string): Promise<ExchangeOrder> {
    const now = this.now();
    const row = await this.sql.begin(async (tx) => {
      await this.matchInTransaction(tx, now);
      const current = await selectOrder(tx, exchangeOrderId);
      if (!current) throw new UnknownOrderError(`order ${exchangeOrderId} not found`);
      if (current.status === "CANCELLED") return current;
      if (!isOpenStatus(current.status)) {
        throw new InvalidOrderError(`order ${exchangeOrderId} is ${current.status} and cannot be cancelled`);
      }
      const market = this.requirePath(current.symbol).market;
      const remaining = new Big(current.quantity).minus(current.filled_quantity);
      const [asset, amount] =
        current.side === "BUY" ? [market.quote, remaining.times(current.price ?? "0")] : [market.base, remaining];
      await adjustBalance(tx, asset, { free: amount.toFixed(), locked: amount.neg().toFixed() }, now);
      return updateStatus(tx, current.seq, "CANCELLED", now);
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
  );
  await exchange.initialise(options.startBalances, options.historyOrders);
  return exchange;
}
