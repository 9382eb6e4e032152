/**
 * ccxt's unified structures → the domain types.
 *
 * ccxt parses amounts into JavaScript numbers. They come from the exchange's decimal strings, and a number's
 * shortest round-trip form (what Big prints) gives that decimal string back, so amounts stay exact as long as
 * they have at most 15 significant digits — true of real balances and orders. Nothing here does arithmetic
 * on them except through big.js.
 */
import type { Balances, Ticker as CcxtTicker, OHLCV, Order } from "ccxt";
import { Big, formatDecimal } from "../../domain/money";
import type { Balance, ExchangeOrder, OrderStatus, OrderType } from "../../domain/orders";
import type { Candle, Ticker } from "../types";

/** `BTC_USDT` → `BTC/USDT`. */
export function toCcxtSymbol(symbol: string): string {
  return symbol.replace("_", "/");
}

/** A ccxt unified symbol (`BTC/USDT`, or `BTC/USDT:USDT` for a contract) → `BTC_USDT`. */
export function fromCcxtSymbol(symbol: string): string {
  return (symbol.split(":")[0] ?? symbol).replace("/", "_");
}

function decimal(value: number | string | undefined | null): string | null {
  if (value === undefined || value === null || value === "" || Number.isNaN(Number(value))) return null;
  return formatDecimal(value);
}

function orderStatus(order: Order, filled: string): OrderStatus {
  switch (order.status) {
    case "open":
      return filled === "0" ? "ACTIVE" : "PARTIALLY_FILLED";
    case "closed":
      return "FILLED";
    case "canceled":
    case "cancelled":
      return "CANCELLED";
    case "expired":
      return "EXPIRED";
    case "rejected":
      return "REJECTED";
    default:
      // Exchange-specific states ccxt passes through raw (e.g. Crypto.com's NEW, PENDING): accepted, not working yet.
      return "NEW";
  }
}

function orderType(order: Order): OrderType {
  switch ((order.type ?? "").toLowerCase()) {
    case "market":
      return "MARKET";
    case "limit":
      return "LIMIT";
    case "stop_limit":
    case "stop-limit":
    case "stop_loss_limit":
      return "STOP_LIMIT";
    case "take_profit_limit":
    case "take-profit-limit":
      return "TAKE_PROFIT_LIMIT";
    default:
      return order.price ? "LIMIT" : "MARKET";
  }
}

/** A ccxt order → ExchangeOrder. */
export function toExchangeOrder(order: Order): ExchangeOrder {
  const filled = decimal(order.filled) ?? "0";
  const average = decimal(order.average);
  const cost = decimal(order.cost) ?? (average ? formatDecimal(new Big(average).times(filled)) : "0");
  const type = orderType(order);
  // ccxt leaves Crypto.com's trigger (ref_price) in the raw order.
  const trigger = decimal(order.triggerPrice ?? (order.info as { ref_price?: string } | undefined)?.ref_price);
  const created = order.timestamp ?? Date.now();
  const updated = order.lastUpdateTimestamp ?? order.lastTradeTimestamp ?? created;
  return {
    exchangeOrderId: String(order.id),
    clientOid: order.clientOrderId ?? null,
    symbol: fromCcxtSymbol(order.symbol ?? ""),
    side: order.side === "sell" ? "SELL" : "BUY",
    type,
    status: orderStatus(order, filled),
    price: type === "MARKET" ? null : decimal(order.price),
    quantity: decimal(order.amount) ?? filled,
    cumulativeQuantity: filled,
    cumulativeValue: cost,
    avgPrice: filled === "0" ? null : (average ?? formatDecimal(new Big(cost).div(filled).round(12))),
    fee: decimal(order.fee?.cost) ?? "0",
    feeCurrency: order.fee?.currency ?? null,
    ...(trigger && trigger !== "0" ? { triggerPrice: trigger } : {}),
    createTime: new Date(created).toISOString(),
    updateTime: new Date(Math.max(created, updated)).toISOString(),
  };
}

/** ccxt balances → Balance[], non-zero assets only, by name. */
export function toBalances(balances: Balances): Balance[] {
  const totals = (balances.total ?? {}) as unknown as Record<string, number | undefined>;
  const result: Balance[] = [];
  for (const asset of Object.keys(totals).sort()) {
    const entry = balances[asset];
    const total = new Big(decimal(entry?.total) ?? "0");
    const locked = new Big(decimal(entry?.used) ?? "0");
    const free = decimal(entry?.free) ?? formatDecimal(total.minus(locked));
    if (total.eq(0) && locked.eq(0) && new Big(free).eq(0)) continue;
    result.push({ asset, free, locked: formatDecimal(locked), total: formatDecimal(total) });
  }
  return result;
}

/** A ccxt ticker → Ticker (null when it has no last price). */
export function toTicker(symbol: string, ticker: CcxtTicker, now: number): Ticker | null {
  const last = decimal(ticker.last ?? ticker.close);
  if (last === null) return null;
  return {
    symbol,
    last,
    bid: decimal(ticker.bid),
    ask: decimal(ticker.ask),
    time: new Date(ticker.timestamp ?? now).toISOString(),
  };
}

/** ccxt OHLCV rows → Candle[], oldest first. */
export function toCandles(rows: OHLCV[]): Candle[] {
  return rows
    .map(([time, open, high, low, close, volume]) => ({
      time: Number(time),
      open: Number(open),
      high: Number(high),
      low: Number(low),
      close: Number(close),
      volume: Number(volume ?? 0),
    }))
    .sort((a, b) => a.time - b.time);
}
