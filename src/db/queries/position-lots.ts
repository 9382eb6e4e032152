/**
 * Storage of the FIFO books (position_lots, position_books): how a lot is read back into the domain's Lot, and the
 * one write of a booking (touched lots and changed books in one statement). The rules live in domain/positions.
 */

import { Big } from "../../domain/money";
import { type ExitReason, type Lot, type PositionBook, realisedPnl } from "../../domain/positions";
import { type BookTotals, ZERO_TOTALS } from "../../domain/profit";
import type { Queryable } from "../client";
import { type Fragment, isoUtc } from "./sql";

/** A lot row as the booking reads it: every amount as exact text. */
export interface LotRow {
  id: string;
  account: string;
  symbol: string;
  entry_order_id: string;
  entry_client_oid: string | null;
  opened_at: string;
  quantity: string;
  entry_value: string;
  entry_fee: string;
  remaining: string;
  remaining_cost: string;
  remaining_fee: string;
  exit_quantity: string;
  exit_value: string;
  exit_fee: string;
  closed_cost: string;
  closed_fee: string;
  closed_at: string | null;
  exit_reason: ExitReason | null;
}

/** The columns of a lot row (table aliased `l`), amounts as text and times as ISO strings. */
export function lotFields(sql: Queryable): Fragment {
  return sql`l.id::text as id, l.account, l.symbol, l.entry_order_id, l.entry_client_oid,
    ${isoUtc(sql, "l.opened_at")} as opened_at, l.quantity::text as quantity, l.entry_value::text as entry_value,
    l.entry_fee::text as entry_fee, l.remaining::text as remaining, l.remaining_cost::text as remaining_cost,
    l.remaining_fee::text as remaining_fee, l.exit_quantity::text as exit_quantity,
    l.exit_value::text as exit_value, l.exit_fee::text as exit_fee, l.closed_cost::text as closed_cost,
    l.closed_fee::text as closed_fee, ${isoUtc(sql, "l.closed_at")} as closed_at,
    l.exit_reason` as unknown as Fragment;
}

/** A stored lot as the domain module's Lot. */
export function toLot(row: LotRow): Lot {
  return {
    id: Number(row.id),
    entryOrderId: row.entry_order_id,
    entryClientOid: row.entry_client_oid,
    openedAt: row.opened_at,
    quantity: row.quantity,
    entryValue: row.entry_value,
    entryFee: row.entry_fee,
    remaining: row.remaining,
    remainingCost: row.remaining_cost,
    remainingFee: row.remaining_fee,
    exitQuantity: row.exit_quantity,
    exitValue: row.exit_value,
    exitFee: row.exit_fee,
    closedCost: row.closed_cost,
    closedFee: row.closed_fee,
    closedAt: row.closed_at,
    exitReason: row.exit_reason,
  };
}

/** What one symbol's booking changed: the lots to write and, when it moved, the book's totals. */
export interface BookWrite {
  symbol: string;
  lots: Lot[];
  book: (Omit<PositionBook, "lots"> & { version: string; totals: BookTotals }) | null;
}

/** A stored book's totals columns (table aliased `b`), amounts as text. */
export function bookTotalsFields(sql: Queryable): Fragment {
  return sql`b.realised::text as realised, b.closed_trades, b.wins, b.losses, b.gross_profit::text as gross_profit,
    b.gross_loss::text as gross_loss, b.held_seconds::text as held_seconds, b.open_qty::text as open_qty,
    b.open_cost::text as open_cost` as unknown as Fragment;
}

/** A stored book's totals as `bookTotalsFields` selects them. */
export interface BookTotalsColumns {
  realised: string;
  closed_trades: number;
  wins: number;
  losses: number;
  gross_profit: string;
  gross_loss: string;
  held_seconds: string;
  open_qty: string;
  open_cost: string;
}

/** The totals of a stored book row (zero when there is none yet). */
export function toTotals(row?: BookTotalsColumns | null): BookTotals {
  if (!row) return { ...ZERO_TOTALS };
  return {
    realised: row.realised,
    closedTrades: Number(row.closed_trades),
    wins: Number(row.wins),
    losses: Number(row.losses),
    grossProfit: row.gross_profit,
    grossLoss: row.gross_loss,
    heldSeconds: row.held_seconds,
    openQty: row.open_qty,
    openCost: row.open_cost,
  };
}

/**
 * Writes a booking: every touched lot (inserted, or updated by its entry order) and every changed book, in one
 * statement (unnest of column arrays, so one prepared statement whatever the batch size). Returns the ids of the
 * written lots by entry order.
 */
export async function writeBookings(
  sql: Queryable,
  account: string,
  writes: readonly BookWrite[],
): Promise<Map<string, number>> {
  const lots = writes.flatMap((w) => w.lots.map((lot) => ({ symbol: w.symbol, lot })));
  const books = writes.flatMap((w) => (w.book ? [{ symbol: w.symbol, ...w.book }] : []));
  if (lots.length === 0 && books.length === 0) return new Map();
  const col = <T>(pick: (l: Lot) => T) => lots.map((x) => pick(x.lot));
  const rows = await sql<{ entry_order_id: string; id: string }[]>`
    with lots as (
      insert into position_lots as l (account, symbol, entry_order_id, entry_client_oid, opened_at, quantity,
        entry_value, entry_fee, remaining, remaining_cost, remaining_fee, exit_quantity, exit_value, exit_fee,
        closed_cost, closed_fee, closed_at, exit_reason, realised)
      select ${account}, * from unnest(
        ${lots.map((x) => x.symbol)}::text[], ${col((l) => l.entryOrderId)}::text[],
        ${col((l) => l.entryClientOid)}::text[], ${col((l) => l.openedAt)}::timestamptz[],
        ${col((l) => l.quantity)}::numeric[], ${col((l) => l.entryValue)}::numeric[],
        ${col((l) => l.entryFee)}::numeric[], ${col((l) => l.remaining)}::numeric[],
        ${col((l) => l.remainingCost)}::numeric[], ${col((l) => l.remainingFee)}::numeric[],
        ${col((l) => l.exitQuantity)}::numeric[], ${col((l) => l.exitValue)}::numeric[],
        ${col((l) => l.exitFee)}::numeric[], ${col((l) => l.closedCost)}::numeric[],
        ${col((l) => l.closedFee)}::numeric[], ${col((l) => l.closedAt)}::timestamptz[],
        ${col((l) => l.exitReason)}::text[], ${col(realisedOf)}::numeric[])
      on conflict (account, entry_order_id) do update set
        quantity = excluded.quantity, entry_value = excluded.entry_value, entry_fee = excluded.entry_fee,
        remaining = excluded.remaining, remaining_cost = excluded.remaining_cost,
        remaining_fee = excluded.remaining_fee, exit_quantity = excluded.exit_quantity,
        exit_value = excluded.exit_value, exit_fee = excluded.exit_fee, closed_cost = excluded.closed_cost,
        closed_fee = excluded.closed_fee, closed_at = excluded.closed_at, exit_reason = excluded.exit_reason,
        realised = excluded.realised, updated_at = now()
      returning l.entry_order_id, l.id::text as id),
    books as (
      insert into position_books as b (account, symbol, unmatched_qty, other_fees, version, realised, closed_trades,
        wins, losses, gross_profit, gross_loss, held_seconds, open_qty, open_cost)
      select ${account}, * from unnest(${books.map((b) => b.symbol)}::text[],
        ${books.map((b) => b.unmatchedQty)}::numeric[], ${books.map((b) => b.otherFees)}::numeric[],
        ${books.map((b) => b.version)}::uuid[], ${books.map((b) => b.totals.realised)}::numeric[],
        ${books.map((b) => b.totals.closedTrades)}::int[], ${books.map((b) => b.totals.wins)}::int[],
        ${books.map((b) => b.totals.losses)}::int[], ${books.map((b) => b.totals.grossProfit)}::numeric[],
        ${books.map((b) => b.totals.grossLoss)}::numeric[], ${books.map((b) => b.totals.heldSeconds)}::numeric[],
        ${books.map((b) => b.totals.openQty)}::numeric[], ${books.map((b) => b.totals.openCost)}::numeric[])
      on conflict (account, symbol) do update set unmatched_qty = excluded.unmatched_qty,
        other_fees = excluded.other_fees, version = excluded.version, realised = excluded.realised,
        closed_trades = excluded.closed_trades, wins = excluded.wins, losses = excluded.losses,
        gross_profit = excluded.gross_profit, gross_loss = excluded.gross_loss, held_seconds = excluded.held_seconds,
        open_qty = excluded.open_qty, open_cost = excluded.open_cost, updated_at = now())
    select entry_order_id, id from lots`;
  return new Map(rows.map((r) => [r.entry_order_id, Number(r.id)]));
}

const realisedOf = (lot: Lot) => realisedPnl(lot).toFixed();

/**
 * Serialises bookings of one account until the transaction ends: the booking reads the lots and the orders' previous
 * fills, then writes, and a concurrent booking of the same account must see the result.
 */
export function bookingLock(sql: Queryable, account: string) {
  return sql`select pg_advisory_xact_lock(hashtext(${`atp.positions:${account}`}))`;
}

/**
 * Records the smallest quantity the exchange sells for a symbol (`10^-decimals`) on its book, before ATP places an
 * exit sized to that step: the sale's booking then closes a lot whose rest is below it (dust).
 */
export async function recordDustQty(sql: Queryable, account: string, symbol: string, quantityDecimals: number) {
  const step = new Big(1).div(new Big(10).pow(quantityDecimals)).toFixed();
  await sql`update position_books set dust_qty = ${step}::numeric, updated_at = now()
    where account = ${account} and symbol = ${symbol} and dust_qty <> ${step}::numeric`;
}
