import type { ExchangeClient } from "./types";

/**
 * An ExchangeClient usable at once whose real client is still being created (the paper exchange may
 * seed its history on first start; ccxt loads markets): every call waits for it. `name` and `live`
 * are known from configuration up front, because order routing reads them synchronously.
 */
export function deferredExchangeClient(
  identity: { name: string; live: boolean },
  create: () => Promise<ExchangeClient>,
): ExchangeClient {
  let pending: Promise<ExchangeClient> | undefined;
  const client = () => {
    pending ??= create();
    return pending;
  };
  // Start now, but let a failure surface on the first call rather than as an unhandled rejection.
  client().catch(() => {});
  return {
    ...identity,
    fetchBalances: async () => (await client()).fetchBalances(),
    fetchOpenOrders: async () => (await client()).fetchOpenOrders(),
    fetchOrder: async (id, symbol) => (await client()).fetchOrder(id, symbol),
    fetchOrderHistory: async (cursor, limit) => (await client()).fetchOrderHistory(cursor, limit),
    fetchTickers: async (symbols) => (await client()).fetchTickers(symbols),
    fetchInstruments: async () => (await client()).fetchInstruments(),
    fetchCandles: async (symbol, timeframe, limit) => (await client()).fetchCandles(symbol, timeframe, limit),
    createOrder: async (request) => (await client()).createOrder(request),
    cancelOrder: async (id, symbol) => (await client()).cancelOrder(id, symbol),
    close: async () => {
      if (pending) await (await pending.catch(() => undefined))?.close();
    },
  };
}
