import { sql } from "drizzle-orm";
import { check, jsonb, pgTable, text } from "drizzle-orm/pg-core";
import { inList, instant, timestamps } from "./columns";

/**
 * What became of a manual order request: `pending` while one request owns it (claimed before the exchange call),
 * `placed` once the exchange's order is recorded, `rejected` when the exchange refused it (nothing was placed),
 * `retryable` when the outcome is unknown (a retry with the same key asks the exchange again, by client order id).
 */
export const ORDER_REQUEST_STATES = ["pending", "placed", "rejected", "retryable"] as const;
export type OrderRequestState = (typeof ORDER_REQUEST_STATES)[number];

/** Idempotency of manual orders: one row per client order id, claimed durably before the exchange is called. */
export const orderRequests = pgTable(
  "order_requests",
  {
    clientOid: text("client_oid").primaryKey(),
    /** sha256 of the normalised request body: the same key with another body is a conflict. */
    bodyHash: text("body_hash").notNull(),
    body: jsonb("body").notNull(),
    state: text("state", { enum: ORDER_REQUEST_STATES }).notNull(),
    exchangeOrderId: text("exchange_order_id"),
    /** `{name, message}` of the exchange's refusal, or of the last unknown outcome. */
    error: jsonb("error").$type<{ name: string; message: string }>(),
    claimedAt: instant("claimed_at").notNull().defaultNow(),
    ...timestamps,
  },
  (t) => [check("order_requests_state_check", sql`${t.state} in (${inList(ORDER_REQUEST_STATES)})`)],
);
