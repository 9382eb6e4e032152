import type { Queryable } from "../client";
import type { OrderRequestState } from "../schema/order-requests";

/** A manual order request as stored for idempotency. */
export interface OrderRequestRow {
  client_oid: string;
  body_hash: string;
  state: OrderRequestState;
  exchange_order_id: string | null;
  error: { name: string; message: string } | null;
}

/**
 * Claims a client order id for one request: inserts it as `pending`, or takes over a row with the same body hash
 * that is `retryable` or `pending` for longer than `staleAfterMs` (its owner died). Exactly one of any number of
 * concurrent callers gets `owned: true`; the others get the row as it stands.
 */
export async function claimOrderRequest(
  sql: Queryable,
  claim: { clientOid: string; bodyHash: string; body: unknown; staleAfterMs: number },
): Promise<{ owned: true } | { owned: false; existing: OrderRequestRow }> {
  const [taken] = await sql<{ client_oid: string }[]>`
    insert into order_requests as r (client_oid, body_hash, body, state)
    values (${claim.clientOid}, ${claim.bodyHash}, ${JSON.stringify(claim.body)}::jsonb, 'pending')
    on conflict (client_oid) do update set state = 'pending', claimed_at = now(), updated_at = now()
      where r.body_hash = excluded.body_hash
        and (r.state = 'retryable'
          or (r.state = 'pending' and r.claimed_at < now() - make_interval(secs => ${claim.staleAfterMs / 1000})))
    returning client_oid`;
  if (taken) return { owned: true };
  const existing = await findOrderRequest(sql, claim.clientOid);
  if (!existing) throw new Error(`order request ${claim.clientOid} vanished while being claimed`);
  return { owned: false, existing };
}

/** The stored request of a client order id, or null. */
export async function findOrderRequest(sql: Queryable, clientOid: string): Promise<OrderRequestRow | null> {
  const [row] = await sql<OrderRequestRow[]>`
    select client_oid, body_hash, state, exchange_order_id, error from order_requests where client_oid = ${clientOid}`;
  return row ?? null;
}

/** Settles an owned request: placed (with the exchange's order id), rejected or retryable (with the error). */
export async function settleOrderRequest(
  sql: Queryable,
  clientOid: string,
  outcome:
    | { state: "placed"; exchangeOrderId: string }
    | { state: "rejected" | "retryable"; error: { name: string; message: string } },
): Promise<void> {
  const exchangeOrderId = outcome.state === "placed" ? outcome.exchangeOrderId : null;
  const error = outcome.state === "placed" ? null : outcome.error;
  await sql`
    update order_requests set state = ${outcome.state}, exchange_order_id = ${exchangeOrderId},
      error = ${error === null ? null : JSON.stringify(error)}::jsonb, updated_at = now()
    where client_oid = ${clientOid}`;
}
