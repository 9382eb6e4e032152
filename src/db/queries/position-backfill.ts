/**
 * The one-time backfill of the FIFO books from the fills already in the mirror (orders recorded before fills were
 * booked). Runs after the migrations, only while no lot or book exists yet: from then on every fill is booked
 * incrementally by the exchange_orders upsert.
 */
import { applyFills, type PositionBook, type PositionFill } from "../../domain/positions";
import { type BookTotals, totalsAfter, ZERO_TOTALS } from "../../domain/profit";
import { splitSymbol } from "../../domain/symbol";
import type { Queryable, Sql } from "../client";
import type { FillRow } from "./fill-booking";
import { type BookWrite, bookingLock, writeBookings } from "./position-lots";
import { isoUtc, keysetTime } from "./sql";

const CHUNK = 5000;

/** A filled order as a whole fill, with its keyset position. */
interface FilledOrderRow extends FillRow {
  id: string;
  account: string;
  position_time: string;
}

/** Books every fill of the mirror, oldest first, when nothing is booked yet; returns the number of orders booked. */
export async function backfillPositions(sql: Sql): Promise<number> {
  return await sql.begin(async (tx) => {
    await tx`select pg_advisory_xact_lock(hashtext('atp.positions.backfill'))`;
    const [state] = await tx<{ booked: boolean }[]>`
      select exists (select 1 from position_lots) or exists (select 1 from position_books) as booked`;
    if (state?.booked) return 0;
    const accounts = await tx<{ account: string }[]>`
      select distinct account from exchange_orders where cumulative_quantity > 0`;
    let booked = 0;
    for (const { account } of accounts) booked += await backfillAccount(tx, account);
    return booked;
  });
}

async function backfillAccount(tx: Queryable, account: string): Promise<number> {
  await bookingLock(tx, account);
  const books = new Map<string, PositionBook>();
  const totalsBySymbol = new Map<string, BookTotals>();
  let after: { time: string; id: string } | null = null;
  let booked = 0;
  for (;;) {
    const rows: FilledOrderRow[] = await tx<FilledOrderRow[]>`
      select id::text as id, account, exchange_order_id, client_oid, symbol, side,
        cumulative_quantity::text as quantity, cumulative_value::text as value, fee::text as fee, fee_currency,
        ${isoUtc(tx, "exchange_update_time")} as time, ${keysetTime(tx, "exchange_update_time")}
      from exchange_orders
      where account = ${account} and cumulative_quantity > 0
        ${after ? tx`and (exchange_update_time, id) > (${after.time}::timestamptz, ${after.id}::bigint)` : tx``}
      order by exchange_update_time, id
      limit ${CHUNK}`;
    if (rows.length === 0) break;
    const writes: BookWrite[] = [];
    for (const symbol of new Set(rows.map((r) => r.symbol))) {
      const before = books.get(symbol) ?? { lots: [], unmatchedQty: "0", otherFees: "0" };
      const { base, quote } = splitSymbol(symbol);
      const { book, touched } = applyFills(before, rows.filter((r) => r.symbol === symbol).map(toFill), {
        base,
        quote,
      });
      const totals = totalsAfter(totalsBySymbol.get(symbol) ?? { ...ZERO_TOTALS }, before.lots, touched);
      totalsBySymbol.set(symbol, totals);
      writes.push({
        symbol,
        lots: touched,
        book: { unmatchedQty: book.unmatchedQty, otherFees: book.otherFees, version: crypto.randomUUID(), totals },
      });
      // Fully sold lots can take no more fills here (each order is read once): keep only what a SELL can match.
      books.set(symbol, { ...book, lots: book.lots.filter((l) => l.remaining !== "0") });
    }
    await writeBookings(tx, account, writes);
    booked += rows.length;
    const last = rows.at(-1);
    if (!last || rows.length < CHUNK) break;
    after = { time: last.position_time, id: last.id };
  }
  return booked;
}

function toFill(row: FilledOrderRow): PositionFill {
  return {
    orderId: row.exchange_order_id,
    clientOid: row.client_oid,
    side: row.side,
    quantity: row.quantity,
    value: row.value,
    fee: row.fee,
    feeCurrency: row.fee_currency,
    time: row.time,
  };
}
