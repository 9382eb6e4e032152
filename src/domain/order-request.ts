import { createHash } from "node:crypto";
import { CodedError } from "./errors";
import { formatDecimal } from "./money";

/** The fields of a manual order that decide what it asks for (the client order id aside). */
export interface OrderRequestBody {
  symbol: string;
  side: string;
  type: string;
  quantity?: string;
  notional?: string;
  price?: string;
}

/** A manual order's body in one canonical form: fixed keys, amounts without trailing zeros, absent = null. */
export function normaliseOrderRequest(request: OrderRequestBody) {
  const amount = (value: string | undefined) => (value === undefined ? null : formatDecimal(value));
  return {
    symbol: request.symbol,
    side: request.side,
    type: request.type,
    quantity: amount(request.quantity),
    notional: amount(request.notional),
    price: amount(request.price),
  };
}

/** sha256 (hex) of the normalised body: two bodies hash alike exactly when they ask for the same order. */
export function orderRequestHash(request: OrderRequestBody): string {
  return createHash("sha256")
    .update(JSON.stringify(normaliseOrderRequest(request)))
    .digest("hex");
}

/** The client order id (idempotency key) was first used with a different request body. */
export class IdempotencyConflictError extends CodedError {
  override name = "IdempotencyConflictError";
  constructor(readonly clientOid: string) {
    super("idempotency_conflict", `Idempotency-Key ${clientOid} was already used with a different request body`);
  }
}

/** Another request with the same client order id is placing the order right now. */
export class IdempotencyInProgressError extends CodedError {
  override name = "IdempotencyInProgressError";
  override readonly retryAfterS = 1;
  constructor(readonly clientOid: string) {
    super(
      "idempotency_in_progress",
      `a request with Idempotency-Key ${clientOid} is still in progress; retry shortly`,
      {
        client_order_id: clientOid,
      },
    );
  }
}

/** The exchange did not confirm within the request's budget: the order may still be placed, look it up. */
export class OrderPendingError extends CodedError {
  override name = "OrderPendingError";
  constructor(
    readonly clientOid: string,
    budgetMs: number,
  ) {
    super(
      "order_pending",
      `the exchange did not confirm the order within ${budgetMs} ms; it may still be placed: look it up by its ` +
        `client order id ${clientOid}, or repeat the request with Idempotency-Key: ${clientOid}`,
      { client_order_id: clientOid, lookup: orderLookupPath(clientOid) },
    );
  }
}

/** Where a client finds an order by its client order id. */
export const orderLookupPath = (clientOid: string) => `/api/orders/by-client-id/${clientOid}`;
