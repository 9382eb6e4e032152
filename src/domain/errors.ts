/**
 * Errors that carry a stable code. Services throw them; the HTTP layer maps each code to a status in one table
 * (src/http/errors.ts) and renders every error the same way. The exchange taxonomy (exchange-errors.ts) builds on
 * this base, so an exchange failure reaches the API with its own code too.
 */

/** Every code an error can carry: the API's `error.code`. */
export type ErrorCode =
  | "bad_request"
  | "validation_failed"
  | "unknown_symbol"
  | "unknown_preset"
  | "preset_refused"
  | "unauthorized"
  | "forbidden"
  | "not_found"
  | "method_not_allowed"
  | "conflict"
  | "idempotency_conflict"
  | "idempotency_in_progress"
  | "watchlist_full"
  | "payload_too_large"
  | "unsupported_media_type"
  | "unprocessable"
  | "insufficient_funds"
  | "invalid_order"
  | "rate_limited"
  | "internal"
  | "exchange_error"
  | "unavailable"
  | "exchange_unavailable"
  | "database_unavailable"
  | "timeout"
  | "order_pending";

/** A failure with a stable code and a message fit for the client. */
export class CodedError extends Error {
  override name = "CodedError";
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }

  /** Seconds after which a retry may succeed, when the failure is known to pass (sent as Retry-After). */
  readonly retryAfterS?: number;

  /** What a client is told (subclasses may hide internals). */
  get publicMessage(): string {
    return this.message;
  }
}

/** The thing asked for does not exist. */
export class NotFound extends CodedError {
  override name = "NotFound";
  constructor(message: string) {
    super("not_found", message);
  }
}

/** The request contradicts the current state (a duplicate, a reused key, an order already final). */
export class Conflict extends CodedError {
  override name = "Conflict";
  constructor(message: string, options?: { cause?: unknown }) {
    super("conflict", message, undefined, options);
  }
}

/** What the request needs is not available on this server (e.g. no exchange is configured). */
export class Unavailable extends CodedError {
  override name = "Unavailable";
  constructor(message: string) {
    super("unavailable", message);
  }
}
