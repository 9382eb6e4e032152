/**
 * A local stand-in for the Crypto.com Exchange v1 REST API (127.0.0.1, random port), answering in the API's own
 * envelope `{"id","method","code":0,"result":{…}}` for the endpoints ccxt's cryptocom class calls, backed by a
 * small in-memory account and order book. It can inject faults (429, slow answers, 401, 5xx, maintenance) so
 * the ccxt adapter and the retry policy are tested against real HTTP, without mocking ccxt.
 *
 * Formats follow ccxt's cryptocom.js parsers and the Crypto.com Exchange v1 docs: instruments
 * (`public/get-instruments`), tickers `{i,a,b,k,h,l,v,vv,c,t}`, candles `{o,h,l,c,v,t}`, balances
 * (`private/user-balance` → position_balances), orders (`order_id`, `client_oid`, `status` ACTIVE|FILLED|
 * CANCELED|REJECTED, cumulative_*), error codes 306 (insufficient balance), 40101 (auth), 40401 (not found),
 * 42901 (rate limit), 9010001 (maintenance).
 */
import Big from "big.js";
import { triggerCrossed } from "../../src/domain/orders";

/** A fault the next matching requests get instead of (or before) their answer. */
export type Fault =
  | { kind: "rate-limit"; retryAfterS?: number }
  | { kind: "rate-limit-text" }
  | { kind: "slow"; ms: number }
  /** Handled at once, but the answer is delayed: the "accepted, then the connection timed out" case. */
  | { kind: "late"; ms: number }
  | { kind: "auth" }
  | { kind: "server-error" }
  | { kind: "maintenance" }
  /** A 200 whose body is cut short: not JSON. */
  | { kind: "malformed" };

interface FakeOrder {
  order_id: string;
  client_oid: string | null;
  instrument_name: string;
  side: "BUY" | "SELL";
  order_type: "MARKET" | "LIMIT" | "STOP_LIMIT" | "TAKE_PROFIT_LIMIT";
  /** The trigger of a STOP_LIMIT / TAKE_PROFIT_LIMIT order ("0" for others), and whether it was reached. */
  ref_price: string;
  triggered: boolean;
  time_in_force: "GOOD_TILL_CANCEL";
  exec_inst: string[];
  quantity: string;
  limit_price: string;
  order_value: string;
  avg_price: string;
  cumulative_quantity: string;
  cumulative_value: string;
  cumulative_fee: string;
  status: "ACTIVE" | "FILLED" | "CANCELED";
  fee_instrument_name: string;
  create_time: number;
  update_time: number;
}

interface Instrument {
  symbol: string;
  base: string;
  quote: string;
  priceTick: string;
  qtyTick: string;
}

const INSTRUMENTS: Instrument[] = [
  { symbol: "BTC_USDT", base: "BTC", quote: "USDT", priceTick: "0.01", qtyTick: "0.00001" },
  { symbol: "ETH_USDT", base: "ETH", quote: "USDT", priceTick: "0.01", qtyTick: "0.0001" },
];
const FEE_RATE = new Big("0.001");
const TIMEFRAMES: Record<string, number> = {
  "1m": 60e3,
  "5m": 300e3,
  "15m": 900e3,
  "1h": 3_600e3,
  "4h": 14_400e3,
  "1D": 86_400e3,
};

/** Options of the fake server. */
export interface FakeCryptocomOptions {
  apiKey?: string;
  balances?: Record<string, string>;
  prices?: Record<string, string>;
}

/** Starts the fake API; `url` is its origin, to pass as EXCHANGE_API_URL. */
export function startFakeCryptocom({
  apiKey = "test-key",
  balances = { USDT: "10000", BTC: "0.5", ETH: "5" },
  prices = { BTC_USDT: "60000", ETH_USDT: "3000" },
}: FakeCryptocomOptions = {}) {
  const holdings = new Map(
    Object.entries(balances).map(([asset, amount]) => [asset, { total: new Big(amount), reserved: new Big(0) }]),
  );
  const last = new Map(Object.entries(prices).map(([symbol, price]) => [symbol, new Big(price)]));
  const orders: FakeOrder[] = [];
  const faults: { fault: Fault; method?: string }[] = [];
  /** Every API method received, in order (faulted ones included). */
  const requests: string[] = [];
  /** When each of them arrived (ms), in the same order. */
  const arrivals: number[] = [];
  let nextOrderId = 6_530_219_477_767_000_000n;

  const holding = (asset: string) => {
    let entry = holdings.get(asset);
    if (!entry) {
      entry = { total: new Big(0), reserved: new Big(0) };
      holdings.set(asset, entry);
    }
    return entry;
  };
  const instrument = (symbol: string) => INSTRUMENTS.find((i) => i.symbol === symbol);
  const priceOf = (symbol: string) => last.get(symbol) ?? new Big(0);
  const tick = (symbol: string) => new Big(instrument(symbol)?.priceTick ?? "0.01");

  /** Executes `quantity` of an order at `price`: fee in the asset received, as Crypto.com does. */
  function fill(order: FakeOrder, quantity: Big, price: Big, now: number): void {
    const info = instrument(order.instrument_name);
    if (!info) return;
    const value = quantity.times(price);
    if (order.side === "BUY") {
      const fee = quantity.times(FEE_RATE);
      holding(info.quote).total = holding(info.quote).total.minus(value);
      holding(info.base).total = holding(info.base).total.plus(quantity).minus(fee);
      order.cumulative_fee = new Big(order.cumulative_fee).plus(fee).toFixed();
    } else {
      const fee = value.times(FEE_RATE);
      holding(info.base).total = holding(info.base).total.minus(quantity);
      holding(info.quote).total = holding(info.quote).total.plus(value).minus(fee);
      order.cumulative_fee = new Big(order.cumulative_fee).plus(fee).toFixed();
    }
    const filled = new Big(order.cumulative_quantity).plus(quantity);
    order.cumulative_quantity = filled.toFixed();
    order.cumulative_value = new Big(order.cumulative_value).plus(value).toFixed();
    order.avg_price = new Big(order.cumulative_value).div(filled).toFixed();
    if (filled.eq(order.quantity)) order.status = "FILLED";
    order.update_time = now;
  }

  /** Releases what a resting order still reserves. */
  function release(order: FakeOrder): void {
    const info = instrument(order.instrument_name);
    if (!info || !order.triggered) return;
    const remaining = new Big(order.quantity).minus(order.cumulative_quantity);
    const [asset, amount] =
      order.side === "BUY" ? [info.quote, remaining.times(order.limit_price)] : [info.base, remaining];
    holding(asset).reserved = holding(asset).reserved.minus(amount);
  }

  /** Fills resting limit orders the price has crossed, at their limit price; arms trigger orders first. */
  function matchResting(symbol: string, now: number): void {
    const price = priceOf(symbol);
    for (const order of orders) {
      if (order.status !== "ACTIVE" || order.instrument_name !== symbol) continue;
      if (!order.triggered) {
        if (!triggerCrossed(order.order_type, order.side, order.ref_price, price.toFixed())) continue;
        // Armed: from now on it is a resting limit order, reserving what it may spend.
        order.triggered = true;
        const info = instrument(symbol);
        const remaining = new Big(order.quantity);
        if (info) {
          const [asset, amount] =
            order.side === "BUY" ? [info.quote, remaining.times(order.limit_price)] : [info.base, remaining];
          holding(asset).reserved = holding(asset).reserved.plus(amount);
        }
      }
      const crossed = order.side === "BUY" ? price.lte(order.limit_price) : price.gte(order.limit_price);
      if (!crossed) continue;
      release(order);
      fill(order, new Big(order.quantity).minus(order.cumulative_quantity), new Big(order.limit_price), now);
    }
  }

  class ApiError extends Error {
    constructor(
      readonly code: number,
      message: string,
      readonly status = 400,
    ) {
      super(message);
    }
  }

  function createOrder(params: Record<string, unknown>, now: number) {
    const symbol = String(params.instrument_name);
    const info = instrument(symbol);
    if (!info) throw new ApiError(30003, "INVALID_INSTRUMENT_NAME");
    const clientOid = params.client_oid === undefined ? null : String(params.client_oid);
    if (clientOid && orders.some((o) => o.client_oid === clientOid)) throw new ApiError(204, "DUPLICATE_CLORDID");
    const side = String(params.side) as "BUY" | "SELL";
    const type = String(params.type) as FakeOrder["order_type"];
    const trigger = type === "STOP_LIMIT" || type === "TAKE_PROFIT_LIMIT";
    if (trigger && !params.ref_price) throw new ApiError(40004, "MISSING_OR_INVALID_ARGUMENT: ref_price");
    const quantity = new Big(String(params.quantity ?? "0"));
    if (quantity.lte(0)) throw new ApiError(213, "Invalid quantity format");
    const market = priceOf(symbol);
    const ask = market.plus(tick(symbol));
    const bid = market.minus(tick(symbol));
    const limit = type === "MARKET" ? null : new Big(String(params.price));
    const marketable = !trigger && (!limit || (side === "BUY" ? limit.gte(ask) : limit.lte(bid)));
    const executionPrice = side === "BUY" ? ask : bid;
    const needed = side === "BUY" ? quantity.times(limit && !marketable ? limit : executionPrice) : quantity;
    const paying = holding(side === "BUY" ? info.quote : info.base);
    if (paying.total.minus(paying.reserved).lt(needed)) throw new ApiError(306, "INSUFFICIENT_AVAILABLE_BALANCE");
    nextOrderId += 1n;
    const order: FakeOrder = {
      order_id: nextOrderId.toString(),
      client_oid: clientOid,
      instrument_name: symbol,
      side,
      order_type: type,
      ref_price: trigger ? new Big(String(params.ref_price)).toFixed() : "0",
      triggered: !trigger,
      time_in_force: "GOOD_TILL_CANCEL",
      exec_inst: [],
      quantity: quantity.toFixed(),
      limit_price: limit ? limit.toFixed() : "0",
      order_value: limit ? quantity.times(limit).toFixed() : "0",
      avg_price: "0",
      cumulative_quantity: "0",
      cumulative_value: "0",
      cumulative_fee: "0",
      status: "ACTIVE",
      fee_instrument_name: side === "BUY" ? info.base : info.quote,
      create_time: now,
      update_time: now,
    };
    orders.push(order);
    if (marketable) {
      // A marketable order takes the best opposite price, which is at or better than its limit.
      fill(order, quantity, executionPrice, now);
    } else if (trigger) {
      // A trigger order reserves nothing until armed; the price may already be through its trigger.
      matchResting(symbol, now);
    } else {
      paying.reserved = paying.reserved.plus(needed);
    }
    return { order_id: order.order_id, client_oid: order.client_oid };
  }

  function findOrder(params: Record<string, unknown>): FakeOrder {
    const order = orders.find((o) => o.order_id === String(params.order_id));
    if (!order) throw new ApiError(40401, "NOT_FOUND", 200);
    return order;
  }

  function candles(params: URLSearchParams, now: number) {
    const symbol = params.get("instrument_name") ?? "";
    if (!instrument(symbol)) throw new ApiError(30003, "INVALID_INSTRUMENT_NAME");
    const timeframe = params.get("timeframe") ?? "1m";
    const length = TIMEFRAMES[timeframe] ?? 60e3;
    const count = Math.min(Number(params.get("count") ?? 25), 300);
    const current = Math.floor(now / length) * length;
    const base = priceOf(symbol).toNumber();
    const at = (t: number) => base * (1 + 0.01 * Math.sin(t / 3_600_000));
    return Array.from({ length: count }, (_, i) => {
      const t = current - (count - 1 - i) * length;
      const open = at(t);
      const close = at(t + length);
      return {
        o: open.toFixed(2),
        h: (Math.max(open, close) * 1.001).toFixed(2),
        l: (Math.min(open, close) * 0.999).toFixed(2),
        c: close.toFixed(2),
        v: "12.5",
        t,
      };
    });
  }

  function answer(method: string, params: Record<string, unknown>, query: URLSearchParams): unknown {
    const now = Date.now();
    switch (method) {
      case "public/get-instruments":
        return {
          data: INSTRUMENTS.map((i) => ({
            symbol: i.symbol,
            inst_type: "CCY_PAIR",
            display_name: `${i.base}/${i.quote}`,
            base_ccy: i.base,
            quote_ccy: i.quote,
            quote_decimals: 2,
            quantity_decimals: i.qtyTick.split(".")[1]?.length ?? 0,
            price_tick_size: i.priceTick,
            qty_tick_size: i.qtyTick,
            max_leverage: "1",
            tradable: true,
            expiry_timestamp_ms: 0,
            beta_product: false,
            margin_buy_enabled: false,
            margin_sell_enabled: false,
          })),
        };
      case "public/get-tickers": {
        const wanted = query.get("instrument_name");
        return {
          data: INSTRUMENTS.filter((i) => !wanted || i.symbol === wanted).map((i) => {
            const price = priceOf(i.symbol);
            return {
              i: i.symbol,
              h: price.times("1.02").toFixed(2),
              l: price.times("0.98").toFixed(2),
              a: price.toFixed(2),
              v: "100.5",
              vv: price.times("100.5").toFixed(2),
              c: "0.01",
              b: price.minus(tick(i.symbol)).toFixed(2),
              k: price.plus(tick(i.symbol)).toFixed(2),
              t: now,
            };
          }),
        };
      }
      case "public/get-candlestick":
        return {
          interval: query.get("timeframe"),
          instrument_name: query.get("instrument_name"),
          data: candles(query, now),
        };
      case "private/get-currency-networks":
        return { update_time: now, currency_map: {} };
      case "private/user-balance":
        return {
          data: [
            {
              instrument_name: "USD",
              total_available_balance: "0",
              position_balances: [...holdings.entries()].map(([asset, h]) => ({
                instrument_name: asset,
                quantity: h.total.toFixed(),
                reserved_qty: h.reserved.toFixed(),
                max_withdrawal_balance: h.total.minus(h.reserved).toFixed(),
              })),
            },
          ],
        };
      case "private/get-open-orders":
        return { data: orders.filter((o) => o.status === "ACTIVE") };
      case "private/get-order-detail":
        return findOrder(params);
      case "private/get-order-history": {
        const start = Number(params.start_time ?? 0);
        const end = Number(params.end_time ?? now + 1);
        const limit = Math.min(Number(params.limit ?? 100), 100);
        // Finished orders in [start_time, end_time), newest first, as the real endpoint pages.
        const data = orders
          .filter((o) => o.status !== "ACTIVE" && o.create_time >= start && o.create_time < end)
          .sort((a, b) => b.create_time - a.create_time)
          .slice(0, limit);
        return { data };
      }
      case "private/create-order":
        return createOrder(params, now);
      case "private/cancel-order": {
        const order = findOrder(params);
        if (order.status !== "ACTIVE") throw new ApiError(40401, "NOT_FOUND", 200);
        release(order);
        order.status = "CANCELED";
        order.update_time = now;
        return { order_id: order.order_id, client_oid: order.client_oid };
      }
      default:
        throw new ApiError(40001, `unsupported method ${method}`, 400);
    }
  }

  const json = (body: unknown, status = 200, headers: Record<string, string> = {}) =>
    new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json", ...headers } });

  const server = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    async fetch(request) {
      const url = new URL(request.url);
      const method = url.pathname.replace(/^\/exchange\/v1\//, "");
      requests.push(method);
      arrivals.push(Date.now());
      const body = request.method === "POST" ? ((await request.json()) as Record<string, unknown>) : {};
      const id = Number(body.id ?? -1);
      const index = faults.findIndex((f) => !f.method || f.method === method);
      let lateMs = 0;
      if (index >= 0) {
        const [{ fault }] = faults.splice(index, 1) as [{ fault: Fault }];
        switch (fault.kind) {
          case "late":
            lateMs = fault.ms;
            break;
          case "rate-limit":
            return json({ id, method, code: 42901, message: "TOO_MANY_REQUESTS" }, 429, {
              "retry-after": String(fault.retryAfterS ?? 0),
            });
          case "rate-limit-text":
            return new Response("Too Many Requests", { status: 429 });
          case "slow":
            await Bun.sleep(fault.ms);
            break;
          case "auth":
            return json({ id, method, code: 40101, message: "UNAUTHORIZED" }, 401);
          case "server-error":
            return new Response("<html><body>502 Bad Gateway</body></html>", { status: 502 });
          case "maintenance":
            return json({ code: 9010001, message: "SYSTEM_MAINTENANCE" }, 503);
          case "malformed":
            return new Response(`{"id":${id},"method":"${method}","code":0,"result":{"data":[{`, {
              headers: { "content-type": "application/json" },
            });
        }
      }
      if (method.startsWith("private/") && (body.api_key !== apiKey || typeof body.sig !== "string")) {
        return json({ id, method, code: 40101, message: "UNAUTHORIZED" }, 401);
      }
      let response: Response;
      try {
        const params = (body.params ?? {}) as Record<string, unknown>;
        response = json({ id, method, code: 0, result: answer(method, params, url.searchParams) });
      } catch (error) {
        if (!(error instanceof ApiError)) throw error;
        response = json({ id, method, code: error.code, message: error.message }, error.status);
      }
      if (lateMs > 0) await Bun.sleep(lateMs);
      return response;
    },
  });

  return {
    url: `http://127.0.0.1:${server.port}`,
    apiKey,
    /** Every API method received, in order. */
    requests,
    arrivals,
    /** How many requests reached a method. */
    count: (method: string) => requests.filter((m) => m === method).length,
    /** Sets the market price, filling resting orders it crosses. */
    setPrice(symbol: string, price: string) {
      last.set(symbol, new Big(price));
      matchResting(symbol, Date.now());
    },
    price: (symbol: string) => priceOf(symbol).toFixed(),
    /** Makes the next `times` requests (of `method`, if given) fail with `fault`. */
    inject(fault: Fault, { times = 1, method }: { times?: number; method?: string } = {}) {
      for (let i = 0; i < times; i++) faults.push({ fault, method });
    },
    stop: () => server.stop(true),
  };
}

/** A running fake Crypto.com API. */
export type FakeCryptocom = ReturnType<typeof startFakeCryptocom>;
