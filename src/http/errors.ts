import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { asDatabaseUnavailable } from "../db/errors";
import { CodedError, type ErrorCode } from "../domain/errors";
import type { Logger } from "../lib/logger";

/** An error raised by the HTTP layer itself (auth, validation, body limits), coded like every other. */
export class ApiError extends CodedError {
  override name = "ApiError";
}

/**
 * The one code → status table. An order's own problems are 4xx (the caller can fix them); the exchange's are
 * 502/503 (the caller can only retry later). For an HTTPException the first code with its status names it.
 */
export const STATUS_OF_CODE: Record<ErrorCode, ContentfulStatusCode> = {
  bad_request: 400,
  validation_failed: 400,
  unknown_symbol: 400,
  unknown_preset: 400,
  preset_refused: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  method_not_allowed: 405,
  conflict: 409,
  idempotency_conflict: 409,
  idempotency_in_progress: 409,
  watchlist_full: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  unprocessable: 422,
  insufficient_funds: 422,
  invalid_order: 422,
  rate_limited: 429,
  internal: 500,
  exchange_error: 502,
  unavailable: 503,
  exchange_unavailable: 503,
  database_unavailable: 503,
  timeout: 504,
  order_pending: 504,
};

const CODE_OF_STATUS = new Map<number, ErrorCode>();
for (const [code, status] of Object.entries(STATUS_OF_CODE) as [ErrorCode, ContentfulStatusCode][]) {
  if (!CODE_OF_STATUS.has(status)) CODE_OF_STATUS.set(status, code);
}

/** The JSON error body every route answers with. */
export function errorBody(code: string, message: string, details?: unknown) {
  return { error: { code, message, ...(details === undefined ? {} : { details }) } };
}

/**
 * The app's one error handler: coded errors get their table status (a lost or refused database connection is
 * coded here, once, as 503 database_unavailable), anything else is a logged 500.
 */
export function handleError(log: Logger) {
  return function onError(thrown: Error, c: Context) {
    const err = asDatabaseUnavailable(thrown) ?? thrown;
    if (err instanceof CodedError) {
      const headers = err.retryAfterS === undefined ? undefined : { "Retry-After": String(err.retryAfterS) };
      return c.json(errorBody(err.code, err.publicMessage, err.details), STATUS_OF_CODE[err.code], headers);
    }
    if (err instanceof HTTPException) {
      const status = err.status as ContentfulStatusCode;
      return c.json(errorBody(CODE_OF_STATUS.get(status) ?? "error", err.message || "request failed"), status);
    }
    log.error("unhandled error", { path: c.req.path, method: c.req.method, error: err, stack: err.stack });
    return c.json(errorBody("internal", "internal server error"), 500);
  };
}

/** JSON 404 for any unmatched path. */
export function notFound(c: Context) {
  return c.json(errorBody("not_found", `no route for ${c.req.method} ${c.req.path}`), 404);
}
