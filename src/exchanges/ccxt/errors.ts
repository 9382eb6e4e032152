/**
 * The one place where ccxt's errors (and raw HTTP statuses) become the exchange error taxonomy.
 */
import type * as Ccxt from "ccxt";
import {
  AuthenticationError,
  ExchangeError,
  ExchangeNetworkError,
  ExchangeTimeoutError,
  InsufficientFundsError,
  InvalidOrderError,
  RateLimitedError,
  TemporaryExchangeError,
  UnknownOrderError,
} from "../../domain/exchange-errors";

type CcxtModule = typeof Ccxt;

/** Maps an error thrown by ccxt onto the taxonomy; errors already in it, and non-ccxt errors (bugs), pass through. */
export function mapCcxtError(ccxt: CcxtModule, error: unknown): unknown {
  if (error instanceof ExchangeError || !(error instanceof ccxt.BaseError)) return error;
  const message = error.message;
  const options = { cause: error };
  // Most specific first: ccxt's classes form a hierarchy (OrderNotFound is an InvalidOrder, and so on).
  if (error instanceof ccxt.OrderNotFound) return new UnknownOrderError(message, options);
  if (error instanceof ccxt.InsufficientFunds) return new InsufficientFundsError(message, options);
  if (error instanceof ccxt.InvalidOrder || error instanceof ccxt.BadSymbol) {
    return new InvalidOrderError(message, options);
  }
  if (error instanceof ccxt.AuthenticationError) return new AuthenticationError(message, options);
  if (error instanceof ccxt.RateLimitExceeded || error instanceof ccxt.DDoSProtection) {
    return new RateLimitedError(message, undefined, options);
  }
  if (error instanceof ccxt.RequestTimeout) return new ExchangeTimeoutError(message, options);
  // A plain NetworkError is a failed connection; its other subclasses (ExchangeNotAvailable, OnMaintenance,
  // InvalidNonce) and BadResponse (a garbled answer) are temporary too: all may succeed on a later attempt.
  if (error.constructor === ccxt.NetworkError) return new ExchangeNetworkError(message, options);
  if (error instanceof ccxt.NetworkError || error instanceof ccxt.BadResponse) {
    return new TemporaryExchangeError(message, options);
  }
  return new ExchangeError(message, options);
}

/**
 * Classifies a response by its HTTP status before the exchange's own error handler sees it. Needed because some
 * exchanges' handlers (Crypto.com's among them) turn any body without a success code — a 429 with a text
 * body, an HTML 502 page — into a plain ExchangeError that would not be retried. Returns undefined for
 * statuses the exchange's handler should judge from the body.
 */
export function errorForHttpStatus(
  status: number,
  headers: Record<string, string | undefined>,
  body: string,
  label: string,
): ExchangeError | undefined {
  const detail = `${label}: HTTP ${status} ${body.slice(0, 200)}`;
  if (status === 429) return new RateLimitedError(detail, retryAfterMs(headers["Retry-After"]));
  if (status === 401) return new AuthenticationError(detail);
  if (status === 408) return new ExchangeTimeoutError(detail);
  // A 503 may say when to come back (maintenance): the hint is the floor of every retry's wait.
  if (status >= 500) return new TemporaryExchangeError(detail, { retryAfterMs: retryAfterMs(headers["Retry-After"]) });
  return undefined;
}

/** Parses a Retry-After header (seconds, or an HTTP date) into milliseconds. */
function retryAfterMs(value: string | undefined): number | undefined {
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}
