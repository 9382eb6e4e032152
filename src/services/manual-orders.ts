import { notifyChange } from "../db/changes";
import type { Database } from "../db/client";
import {
  claimOrderRequest,
  findOrderRequest,
  type OrderRequestRow,
  settleOrderRequest,
} from "../db/queries/order-requests";
import { findOrderByClientOid, type OrderJson, recordOrder } from "../db/queries/orders";
import type { OrderRequestState } from "../db/schema/order-requests";
import { NotFound } from "../domain/errors";
import {
  InsufficientFundsError,
  InvalidOrderError,
  OrderRejectedError,
  UnknownOrderError,
} from "../domain/exchange-errors";
import {
  IdempotencyConflictError,
  IdempotencyInProgressError,
  normaliseOrderRequest,
  OrderPendingError,
  orderRequestHash,
} from "../domain/order-request";
import type { CreateOrderRequest } from "../exchanges/types";
import { type OrderClients, requireClients } from "./order-clients";
import type { OrderOutcome } from "./orders";
import { routeOrder } from "./trading-mode";

/** Bounds of one manual order placement. */
export interface PlacementLimits {
  /** Longest wait for the exchange inside the request; past it the caller gets OrderPendingError. */
  budgetMs: number;
  /** A claim still pending after this long belongs to a request that died: a retry may take it over. */
  staleAfterMs: number;
}

// Refusals prove nothing was placed: replayed as they were to every retry with the same key. By the stored name
// (NotFoundError is the unknown order's name before the taxonomy was reshaped).
const REFUSALS = {
  InsufficientFundsError,
  InvalidOrderError,
  UnknownOrderError,
  NotFoundError: UnknownOrderError,
} as const;

/**
 * Places a manual order exactly once per client order id. The id is claimed in the database (with the hash of the
 * normalised body) before the exchange is called, so of any number of concurrent or repeated requests one reaches
 * the exchange; the others replay its result, or learn it is in progress. The same id with another body is a
 * conflict. If the exchange does not answer within `budgetMs`, OrderPendingError says how to find the order.
 * Without an exchange the answer is Unavailable.
 */
export async function placeManualOrder(
  database: Database,
  available: OrderClients | undefined,
  request: CreateOrderRequest,
  limits: PlacementLimits,
): Promise<OrderOutcome> {
  const clients = requireClients(available);
  const { clientOid, ...body } = request;
  // The budget counts from here, the claim included: the request's own timeout must not answer first.
  let timer: ReturnType<typeof setTimeout> | undefined;
  const budget = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new OrderPendingError(clientOid, limits.budgetMs)), limits.budgetMs);
  });
  const work = (async () => {
    const claim = await claimOrderRequest(database.sql, {
      clientOid,
      bodyHash: orderRequestHash(body),
      body: normaliseOrderRequest(body),
      staleAfterMs: limits.staleAfterMs,
    });
    if (!claim.owned) return replay(database, claim.existing, orderRequestHash(body));
    return placeClaimed(database, clients, request);
  })();
  // If the budget runs out first the placement goes on and settles the claim; its error is recorded there.
  work.catch(() => {});
  try {
    return await Promise.race([work, budget]);
  } finally {
    clearTimeout(timer);
  }
}

/** The answer to a request whose client order id another request already claimed. */
async function replay(database: Database, existing: OrderRequestRow, bodyHash: string): Promise<OrderOutcome> {
  if (existing.body_hash !== bodyHash) throw new IdempotencyConflictError(existing.client_oid);
  if (existing.state === "placed") {
    const order = await findOrderByClientOid(database.sql, existing.client_oid);
    if (order) return { order, replayed: true, mode: null, note: null };
  }
  if (existing.state === "rejected" && existing.error) throw refusal(existing.client_oid, existing.error);
  throw new IdempotencyInProgressError(existing.client_oid);
}

/** The owner's work: an order already recorded under this id (placed before idempotency was stored) is replayed. */
async function placeClaimed(database: Database, clients: OrderClients, request: CreateOrderRequest) {
  const recorded = await findOrderByClientOid(database.sql, request.clientOid);
  if (recorded) {
    if (!sameOrder({ ...recorded, type: recorded.order_type }, request)) {
      await settleOrderRequest(database.sql, request.clientOid, {
        state: "rejected",
        error: { name: "IdempotencyConflictError", message: "the client order id belongs to another order" },
      });
      throw new IdempotencyConflictError(request.clientOid);
    }
    await settleOrderRequest(database.sql, request.clientOid, {
      state: "placed",
      exchangeOrderId: recorded.exchange_order_id,
    });
    return { order: recorded, replayed: true, mode: null, note: null } satisfies OrderOutcome;
  }
  try {
    const route = await routeOrder(database, clients);
    const placed = await route.client.createOrder(request);
    if (!sameOrder(placed, request)) throw new IdempotencyConflictError(request.clientOid);
    // One transaction: whoever sees the order recorded also sees its request settled (a retry then replays).
    const order = await database.sql.begin(async (tx) => {
      const recorded = await recordOrder(tx, route.account, placed);
      await settleOrderRequest(tx, request.clientOid, { state: "placed", exchangeOrderId: placed.exchangeOrderId });
      return recorded;
    });
    await notifyChange(database.sql, "orders");
    return { order, replayed: false, mode: route.live ? "LIVE" : "DRY_RUN", note: route.note } satisfies OrderOutcome;
  } catch (error) {
    const refused = error instanceof OrderRejectedError;
    const state = refused || error instanceof IdempotencyConflictError ? "rejected" : "retryable";
    const stored = { name: error instanceof Error ? error.name : "Error", message: String((error as Error)?.message) };
    // If the database is what failed, the claim stays pending until it is stale; a retry then takes it over.
    await settleOrderRequest(database.sql, request.clientOid, { state, error: stored }).catch(() => {});
    throw error;
  }
}

function sameOrder(known: { symbol: string; side: string; type: string }, request: CreateOrderRequest): boolean {
  return known.symbol === request.symbol && known.side === request.side && known.type === request.type;
}

function refusal(clientOid: string, error: { name: string; message: string }): Error {
  if (error.name === "IdempotencyConflictError") return new IdempotencyConflictError(clientOid);
  const Refusal = REFUSALS[error.name as keyof typeof REFUSALS] ?? InvalidOrderError;
  return new Refusal(error.message);
}

/** What is known about a client order id: the recorded order, or the state of its request. */
export interface OrderLookup {
  client_order_id: string;
  state: OrderRequestState;
  order: OrderJson | null;
  error: { name: string; message: string } | null;
}

/**
 * Finds an order by client order id (manual, signal or synced), or the state of a request still unsettled;
 * NotFound when neither exists.
 */
export async function findByClientOrderId(database: Database, clientOid: string): Promise<OrderLookup> {
  // The request first: the order row is written before its request is settled as placed, so a request read
  // as placed always finds its order (read together, a placement landing between the two was "placed", no order).
  const request = await findOrderRequest(database.sql, clientOid);
  const order = await findOrderByClientOid(database.sql, clientOid);
  if (order) return { client_order_id: clientOid, state: "placed", order, error: null };
  if (!request) throw new NotFound(`no order or order request with client order id ${clientOid}`);
  return { client_order_id: clientOid, state: request.state, order: null, error: request.error };
}

/** The placement bounds for a configuration: inside the request timeout; stale after the exchange's longest try. */
export function placementLimits(config: {
  REQUEST_TIMEOUT_MS: number;
  EXCHANGE_TIMEOUT_MS: number;
  EXCHANGE_RETRY_ATTEMPTS: number;
  EXCHANGE_RETRY_MAX_MS: number;
}): PlacementLimits {
  // Room for auth, validation and the answer itself before the request's own timeout.
  const margin = Math.min(1000, Math.max(100, Math.floor(config.REQUEST_TIMEOUT_MS / 4)));
  return {
    budgetMs: Math.max(50, config.REQUEST_TIMEOUT_MS - margin),
    staleAfterMs:
      config.EXCHANGE_RETRY_ATTEMPTS * (config.EXCHANGE_TIMEOUT_MS + config.EXCHANGE_RETRY_MAX_MS) +
      config.REQUEST_TIMEOUT_MS,
  };
}
