/**
 * The exchange error taxonomy. As in Freqtrade, the parent class is the reaction, and callers decide with
 * `reactionTo` (or by catching the parent), never by listing siblings:
 * - OrderRejectedError (insufficient funds, invalid order, unknown order): reject this order, carry on;
 * - TemporaryExchangeError (rate limited, timeout, network): retry with backoff (see src/exchanges/retry.ts);
 * - OperationalError (authentication): stop and report; retrying cannot help and may get the key banned;
 * - ExchangeError itself: an unclassified exchange failure, not retried (rejected).
 * Adapters map their library's errors onto these classes in one place.
 */
import { CodedError, type ErrorCode } from "./errors";

/** Any failure reported by (or while talking to) an exchange. */
export class ExchangeError extends CodedError {
  override name = "ExchangeError";
  constructor(message: string, options?: { cause?: unknown }, code: ErrorCode = "exchange_error") {
    super(code, message, undefined, options);
  }
}

/** The exchange refuses this order (or cancel) as given; others may still go through. */
export class OrderRejectedError extends ExchangeError {
  override name = "OrderRejectedError";
  constructor(message: string, options?: { cause?: unknown }, code: ErrorCode = "invalid_order") {
    super(message, options, code);
  }
}

/** The account cannot pay for the order. */
export class InsufficientFundsError extends OrderRejectedError {
  override name = "InsufficientFundsError";
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options, "insufficient_funds");
  }
}

/** Bad quantity, price or symbol, or an order in a state that forbids the request (e.g. cancelling a filled one). */
export class InvalidOrderError extends OrderRejectedError {
  override name = "InvalidOrderError";
}

/** The exchange does not know this order (or symbol). */
export class UnknownOrderError extends OrderRejectedError {
  override name = "UnknownOrderError";
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options, "not_found");
  }
}

/**
 * Network failure, timeout, 5xx or maintenance: the same call may succeed later. `retryAfterMs`, when the exchange
 * said how long to wait (a 429's or 503's Retry-After), is the shortest wait before trying again: every retry
 * (exchanges/retry.ts, the worker loop) honours it as a floor of its backoff. Read it with `retryAfterOf`.
 */
export class TemporaryExchangeError extends ExchangeError {
  override name = "TemporaryExchangeError";
  readonly retryAfterMs?: number;
  constructor(message: string, options?: { cause?: unknown; retryAfterMs?: number }) {
    super(message, options, "exchange_unavailable");
    if (options?.retryAfterMs !== undefined) this.retryAfterMs = options.retryAfterMs;
  }

  override get publicMessage(): string {
    return `exchange unavailable: ${this.message}`;
  }
}

/** The exchange throttled us; wait (at least `retryAfterMs` when known) and retry. */
export class RateLimitedError extends TemporaryExchangeError {
  override name = "RateLimitedError";
  constructor(message: string, retryAfterMs?: number, options?: { cause?: unknown }) {
    super(message, { ...options, retryAfterMs });
  }
}

/** The call did not answer in time. */
export class ExchangeTimeoutError extends TemporaryExchangeError {
  override name = "ExchangeTimeoutError";
}

/** The connection failed (refused, reset, DNS). */
export class ExchangeNetworkError extends TemporaryExchangeError {
  override name = "ExchangeNetworkError";
}

/** A failure a human must fix (keys, permissions): stop and report. */
export class OperationalError extends ExchangeError {
  override name = "OperationalError";
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options, "exchange_unavailable");
  }
}

/** Bad or missing API keys, or a permission the key lacks. */
export class AuthenticationError extends OperationalError {
  override name = "AuthenticationError";

  override get publicMessage(): string {
    return "the exchange refused the server's API keys";
  }
}

/** How to react to a failure. */
export type Reaction = "retry" | "reject" | "stop";

/**
 * The one decision over the taxonomy: stop for operational errors, retry temporary ones, reject the order (or the
 * request) for the rest of the exchange's and the other coded errors. Anything else (a database hiccup, a bug)
 * retries: the next cycle may succeed, and the failure is reported meanwhile.
 */
export function reactionTo(error: unknown): Reaction {
  if (error instanceof OperationalError) return "stop";
  if (error instanceof TemporaryExchangeError) return "retry";
  if (error instanceof CodedError) return "reject";
  return "retry";
}

/** The shortest wait before retrying, in ms, when a temporary error carries one; undefined otherwise. */
export function retryAfterOf(error: unknown): number | undefined {
  return error instanceof TemporaryExchangeError ? error.retryAfterMs : undefined;
}
