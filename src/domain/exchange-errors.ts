/**
 * The exchange error taxonomy. As in Freqtrade, the class says how to react:
 * - TemporaryExchangeError, RateLimitedError: retry with backoff (see src/exchanges/retry.ts);
 * - AuthenticationError: stop and report (retrying cannot help and may get the key banned);
 * - InsufficientFundsError, InvalidOrderError: reject this order, carry on with others;
 * - NotFoundError: the exchange does not know the order or symbol;
 * - ExchangeError itself: an unclassified exchange failure, not retried.
 * Adapters map their library's errors onto these classes in one place.
 */

/** Any failure reported by (or while talking to) an exchange. */
export class ExchangeError extends Error {
  override name = "ExchangeError";
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** Network failure, timeout, 5xx or maintenance: the same call may succeed later. */
export class TemporaryExchangeError extends ExchangeError {
  override name = "TemporaryExchangeError";
}

/** The exchange throttled us; wait (at least `retryAfterMs` when known) and retry. */
export class RateLimitedError extends ExchangeError {
  override name = "RateLimitedError";
  constructor(
    message: string,
    readonly retryAfterMs?: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** Bad or missing API keys, or a permission the key lacks. */
export class AuthenticationError extends ExchangeError {
  override name = "AuthenticationError";
}

/** The account cannot pay for the order. */
export class InsufficientFundsError extends ExchangeError {
  override name = "InsufficientFundsError";
}

/** The exchange refuses the order as given (bad quantity, price, symbol, or state for a cancel). */
export class InvalidOrderError extends ExchangeError {
  override name = "InvalidOrderError";
}

/** The exchange does not know this order (or symbol). */
export class NotFoundError extends ExchangeError {
  override name = "NotFoundError";
}

/** True for errors worth retrying with backoff: temporary failures and rate limiting. */
export function isRetryable(error: unknown): error is TemporaryExchangeError | RateLimitedError {
  return error instanceof TemporaryExchangeError || error instanceof RateLimitedError;
}
