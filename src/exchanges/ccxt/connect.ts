/**
 * Creating the live adapter: loads ccxt lazily (≈80 MB, ≈0.3 s, only when a live exchange is configured),
 * points the exchange at its configured URLs, maps HTTP statuses ccxt leaves vague, and loads the markets.
 */
import type { Exchange } from "ccxt";
import { ExchangeError } from "../../domain/exchange-errors";
import type { ExchangeClient } from "../types";
import { CcxtExchange, type CcxtExchangeOptions, type CcxtModule } from "./client";
import { errorForHttpStatus, mapCcxtError } from "./errors";

type ExchangeConstructor = new (config: Record<string, unknown>) => Exchange;

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
