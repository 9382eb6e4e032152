/** Reads of the FIFO books for the positions API: open lots, book totals, protection orders and latest prices. */
import type { Queryable } from "../client";
import { type BookTotalsColumns, bookTotalsFields, type LotRow, lotFields } from "./position-lots";
import { type Fragment, isoUtc } from "./sql";

/** The open lots of an account (what is still held), oldest first per symbol: the partial index on open lots. */
export async function openLots(sql: Queryable, account: string, symbol?: string): Promise<LotRow[]> {
  return await sql<LotRow[]>`
    select ${lotFields(sql)} from position_lots l
    where l.account = ${account} and l.remaining > 0 and l.closed_at is null ${symbol ? sql`and l.symbol = ${symbol}` : sql``}
    order by l.symbol, l.opened_at, l.id`;
}

/** A book's stored totals, amounts as text. */
export interface BookTotalsRow extends BookTotalsColumns {
  symbol: string;
  unmatched_qty: string;
  other_fees: string;
}

/** Every book of an account (one row per symbol it ever traded). */
export async function accountBooks(sql: Queryable, account: string): Promise<BookTotalsRow[]> {
  return await sql<BookTotalsRow[]>`
    select b.symbol, b.unmatched_qty::text as unmatched_qty, b.other_fees::text as other_fees, ${bookTotalsFields(sql)}
    from position_books b where b.account = ${account} order by b.symbol`;
}

/** A protection order as the positions API shows it, with its mirrored order's state when recorded. */
export interface ProtectionRow {
  id: string;
  symbol: string;
  entry_order_id: string;
  kind: "take_profit" | "stop_loss";
  generation: number;
  client_oid: string;
  exchange_order_id: string | null;
  state: string;
  quantity: string;
  trigger_price: string;
  limit_price: string;
  note: string | null;
  order_status: string | null;
  filled_quantity: string | null;
  updated_at: string;
}

/** The JSON fields of a protection row (table aliased `p`, its order `o`). */
export function protectionFields(sql: Queryable): Fragment {
  return sql`p.id::text as id, p.symbol, p.entry_order_id, p.kind, p.generation, p.client_oid, p.exchange_order_id,
    p.state, p.quantity::text as quantity, p.trigger_price::text as trigger_price,
    p.limit_price::text as limit_price, p.note, o.status as order_status,
    o.cumulative_quantity::text as filled_quantity, ${isoUtc(sql, "p.updated_at")} as updated_at` as unknown as Fragment;
}

/** The working (placing or open) protection orders of an account, per symbol: the partial index on them. */
export async function activeProtection(sql: Queryable, account: string, symbol?: string): Promise<ProtectionRow[]> {
  return await sql<ProtectionRow[]>`
    select ${protectionFields(sql)} from protection_orders p
    left join exchange_orders o on o.exchange_order_id = p.exchange_order_id
    where p.account = ${account} and p.state in ('placing', 'open') ${symbol ? sql`and p.symbol = ${symbol}` : sql``}
    order by p.symbol, p.entry_order_id, p.kind, p.generation`;
}

/** Latest known prices of the given symbols (market_data, kept by signal_monitor). */
export async function latestPrices(sql: Queryable, symbols: readonly string[]): Promise<Map<string, string>> {
  if (symbols.length === 0) return new Map();
  const rows = await sql<{ symbol: string; price: string }[]>`
    select symbol, price::text as price from market_data where symbol = any(${[...symbols]}::text[])`;
  return new Map(rows.map((r) => [r.symbol, r.price]));
}
