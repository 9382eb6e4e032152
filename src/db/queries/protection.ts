/** protection_orders: the take-profit and stop-loss rows of entries, written before and after each exchange call. */
import type { ProtectionKind, ProtectionState } from "../../domain/protection";
import type { Queryable } from "../client";
import { type LotRow, lotFields } from "./position-lots";

/** A stored protection row. */
export interface ProtectionOrderRow {
  id: string;
  account: string;
  symbol: string;
  entry_order_id: string;
  kind: ProtectionKind;
  generation: number;
  client_oid: string;
  exchange_order_id: string | null;
  state: ProtectionState;
  quantity: string;
  trigger_price: string;
  limit_price: string;
}

const fields = (sql: Queryable) => sql`id::text as id, account, symbol, entry_order_id, kind, generation, client_oid,
  exchange_order_id, state, quantity::text as quantity, trigger_price::text as trigger_price,
  limit_price::text as limit_price`;

/** The open lots of signal entries (client order id `sig-…`): the lots protection covers. */
export async function protectableLots(sql: Queryable, account: string): Promise<LotRow[]> {
  return await sql<LotRow[]>`
    select ${lotFields(sql)} from position_lots l
    where l.account = ${account} and l.remaining > 0 and l.closed_at is null and l.entry_client_oid like 'sig-%'
    order by l.opened_at, l.id`;
}

/** Every protection row of these entries, and of every entry with a working one (the entry may be closed). */
export async function protectionRows(
  sql: Queryable,
  account: string,
  entryOrderIds: readonly string[],
): Promise<ProtectionOrderRow[]> {
  return await sql<ProtectionOrderRow[]>`
    select ${fields(sql)} from protection_orders
    where account = ${account} and entry_order_id in (
      select entry_order_id from protection_orders
      where account = ${account} and (entry_order_id = any(${[...entryOrderIds]}::text[]) or state in ('placing', 'open')))
    order by entry_order_id, kind, generation`;
}

/** Working protection rows of one symbol (a force exit cancels them). */
export async function workingProtection(
  sql: Queryable,
  account: string,
  symbol: string,
): Promise<ProtectionOrderRow[]> {
  return await sql<ProtectionOrderRow[]>`
    select ${fields(sql)} from protection_orders
    where account = ${account} and symbol = ${symbol} and state in ('placing', 'open') order by id`;
}

/**
 * Records the intent to place (state `placing`) before the exchange is called. Returns the row, or null when this
 * generation already exists (another cycle wrote it first).
 */
export async function insertPlacing(
  sql: Queryable,
  row: Omit<ProtectionOrderRow, "id" | "state" | "exchange_order_id">,
): Promise<ProtectionOrderRow | null> {
  const [inserted] = await sql<ProtectionOrderRow[]>`
    insert into protection_orders (account, symbol, entry_order_id, kind, generation, client_oid, state, quantity,
      trigger_price, limit_price)
    values (${row.account}, ${row.symbol}, ${row.entry_order_id}, ${row.kind}, ${row.generation}, ${row.client_oid},
      'placing', ${row.quantity}::numeric, ${row.trigger_price}::numeric, ${row.limit_price}::numeric)
    on conflict do nothing
    returning ${fields(sql)}`;
  return inserted ?? null;
}

/** Moves a protection row to a new state (with its exchange order id once known, and why). */
export async function setProtectionState(
  sql: Queryable,
  id: string,
  state: ProtectionState,
  { exchangeOrderId, note }: { exchangeOrderId?: string; note?: string } = {},
): Promise<void> {
  await sql`update protection_orders set state = ${state},
    exchange_order_id = coalesce(${exchangeOrderId ?? null}, exchange_order_id),
    note = coalesce(${note ?? null}, note), updated_at = now()
    where id = ${id}::bigint`;
}
