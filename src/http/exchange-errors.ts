import {
  AuthenticationError,
  ExchangeError,
  InsufficientFundsError,
  InvalidOrderError,
  isRetryable,
  NotFoundError,
} from "../domain/exchange-errors";
import { IdempotencyConflictError, IdempotencyInProgressError, OrderPendingError } from "../domain/order-request";
import { ApiError } from "./errors";

/** Where a client finds an order by its client order id. */
export const orderLookupPath = (clientOid: string) => `/api/orders/by-client-id/${clientOid}`;

/**
 * The API's answer to an exchange failure: the order's own problems are 4xx (the caller can fix them), the
 * exchange's are 502/503 (the caller can only retry later). Anything else is not an exchange error: rethrown.
 */
export function exchangeApiError(error: unknown): ApiError {
  if (error instanceof IdempotencyConflictError) return new ApiError(409, error.code, error.message);
  if (error instanceof IdempotencyInProgressError) {
    return new ApiError(409, error.code, error.message, { client_order_id: error.clientOid }, { "Retry-After": "1" });
  }
  if (error instanceof OrderPendingError) {
    const details = { client_order_id: error.clientOid, lookup: orderLookupPath(error.clientOid) };
    return new ApiError(504, error.code, error.message, details);
  }
  if (error instanceof InsufficientFundsError) return new ApiError(422, "insufficient_funds", error.message);
  if (error instanceof InvalidOrderError) return new ApiError(422, "invalid_order", error.message);
  if (error instanceof NotFoundError) return new ApiError(404, "not_found", error.message);
  if (isRetryable(error)) return new ApiError(503, "exchange_unavailable", `exchange unavailable: ${error.message}`);
  if (error instanceof AuthenticationError) {
    return new ApiError(503, "exchange_unavailable", "the exchange refused the server's API keys");
  }
  if (error instanceof ExchangeError) return new ApiError(502, "exchange_error", error.message);
  throw error;
}

/** Runs an exchange call, turning exchange failures into API errors. */
export async function withExchangeErrors<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw exchangeApiError(error);
  }
}
