import { OPEN_ORDER_STATUSES, type OrderStatus } from "../../domain/orders";
import type { Queryable } from "../client";
import { inList } from "./sql";

/** An order the mirror holds as open, with the state the exchange last reported (numerics as text). */
export interface StoredOpenOrder {
  exchange_order_id: string;
  symbol: string;
  client_oid: string | null;
  status: OrderStatus;
  price: string | null;
  quantity: string;
  cumulative_quantity: string;
  cumulative_value: string;
  avg_price: string | null;
  fee: string;
  fee_currency: string | null;
  /** exchange_update_time in epoch ms (with its microseconds as a fraction). */
  update_ms: number;
}

/** The orders of one account the mirror still holds as open, with their stored state (through the open index). */
export async function openOrderStates(sql: Queryable, account: string): Promise<StoredOpenOrder[]> {
  return await sql<StoredOpenOrder[]>`
    select exchange_order_id, symbol, client_oid, status, price::text as price, quantity::text as quantity,
      cumulative_quantity::text as cumulative_quantity, cumulative_value::text as cumulative_value,
      avg_price::text as avg_price, fee::text as fee, fee_currency,
      (extract(epoch from exchange_update_time) * 1000)::float8 as update_ms
    from exchange_orders
    where status in (${inList(sql, OPEN_ORDER_STATUSES)}) and account = ${account}`;
}
