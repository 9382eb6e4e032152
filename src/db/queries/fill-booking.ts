/**
 * Books newly filled parts of orders into the FIFO lots, inside the transaction that records them. The fills come
 * from the exchange_orders upsert (what each order's cumulative amounts gained); src/domain/positions.ts applies
 * the rules; one statement writes the touched lots and books.
 *
 * The open lots of a symbol are kept in this process between bookings, tagged with the book's `version` (a new
 * random id at every booking write): while the stored version matches, the copy is current, so an import of many
 * pages reads no lots at all. A booking rolled back, or one by another process, leaves another version stored and
 * the lots are read again.
 */
import { LRUCache } from "lru-cache";
import { applyFills, type Lot, type PositionFill } from "../../domain/positions";
import { totalsAfter } from "../../domain/profit";
import { splitSymbol } from "../../domain/symbol";
import type { Queryable } from "../client";
import {
  type BookTotalsColumns,
  type BookWrite,
  type LotRow,
  lotFields,
  toLot,
  toTotals,
  writeBookings,
} from "./position-lots";

/** The newly filled part of one order, as the upsert reports it. */
export interface FillRow {
  exchange_order_id: string;
  client_oid: string | null;
  symbol: string;
  side: "BUY" | "SELL";
  quantity: string;
  value: string;
  fee: string;
  fee_currency: string | null;
  time: string;
}

/** A stored book: its totals and the version of its open lots. */
export interface BookRow extends BookTotalsColumns {
  symbol: string;
  unmatched_qty: string;
  other_fees: string;
  dust_qty: string;
  version: string | null;
}

interface CachedLots {
  version: string;
  lots: Lot[];
}

const openLotsCache = new LRUCache<string, CachedLots>({ max: 2000 });
const cacheKey = (account: string, symbol: string) => `${account}\u0000${symbol}`;

const byOpening = (a: Lot, b: Lot) =>
  a.openedAt < b.openedAt ? -1 : a.openedAt > b.openedAt ? 1 : (a.id ?? 0) - (b.id ?? 0);

/** The lots oldest first; a copy kept here already is, and checking costs less than sorting thousands again. */
function inOpeningOrder(lots: Lot[]): Lot[] {
  for (let i = 1; i < lots.length; i++) {
    if (byOpening(lots[i - 1] as Lot, lots[i] as Lot) > 0) return lots.sort(byOpening);
  }
  return lots;
}

/** The open lots of the symbols whose copy here is not current, read in one statement. */
async function readOpenLots(sql: Queryable, account: string, symbols: string[]): Promise<LotRow[]> {
  if (symbols.length === 0) return [];
  return await sql<LotRow[]>`
    select ${lotFields(sql)} from position_lots l
    where l.account = ${account} and l.symbol = any(${symbols}::text[]) and l.remaining > 0`;
}

/**
 * Applies the fills (oldest first) to the books of their symbols and writes what changed. `books` are the stored
 * books of the batch's symbols; `soldDown` the stored lots of the batch's BUY orders that hold nothing any more.
 */
export async function bookFills(
  sql: Queryable,
  account: string,
  fills: readonly FillRow[],
  books: readonly BookRow[],
  soldDown: readonly LotRow[],
): Promise<void> {
  if (fills.length === 0) return;
  const ordered = [...fills].sort((a, b) => (a.time < b.time ? -1 : a.time > b.time ? 1 : 0));
  const symbols = [...new Set(ordered.map((f) => f.symbol))];
  const stored = new Map(books.map((b) => [b.symbol, b]));
  const current = (symbol: string) => {
    const cached = openLotsCache.get(cacheKey(account, symbol));
    const version = stored.get(symbol)?.version ?? null;
    return cached && version !== null && cached.version === version ? cached.lots : null;
  };
  const read = await readOpenLots(
    sql,
    account,
    symbols.filter((s) => current(s) === null && stored.get(s)?.version != null),
  );
  const writes: BookWrite[] = [];
  const versions = new Map<string, { version: string; lots: Lot[] }>();
  for (const symbol of symbols) {
    const open = current(symbol) ?? read.filter((l) => l.symbol === symbol).map(toLot);
    const before = {
      lots: inOpeningOrder([...open, ...soldDown.filter((l) => l.symbol === symbol).map(toLot)]),
      unmatchedQty: stored.get(symbol)?.unmatched_qty ?? "0",
      otherFees: stored.get(symbol)?.other_fees ?? "0",
    };
    const { base, quote } = splitSymbol(symbol);
    const { book, touched } = applyFills(before, ordered.filter((f) => f.symbol === symbol).map(toFill), {
      base,
      quote,
      dust: stored.get(symbol)?.dust_qty ?? "0",
    });
    const version = crypto.randomUUID();
    writes.push({
      symbol,
      lots: touched,
      book: {
        unmatchedQty: book.unmatchedQty,
        otherFees: book.otherFees,
        version,
        totals: totalsAfter(toTotals(stored.get(symbol)), before.lots, touched),
      },
    });
    versions.set(symbol, { version, lots: book.lots.filter((l) => l.remaining !== "0") });
  }
  const ids = await writeBookings(sql, account, writes);
  for (const [symbol, entry] of versions) {
    // Lots opened by this booking get the ids the write gave them.
    for (const lot of entry.lots) lot.id ??= ids.get(lot.entryOrderId) ?? null;
    openLotsCache.set(cacheKey(account, symbol), entry);
  }
}

function toFill(f: FillRow): PositionFill {
  return {
    orderId: f.exchange_order_id,
    clientOid: f.client_oid,
    side: f.side,
    quantity: f.quantity,
    value: f.value,
    fee: f.fee,
    feeCurrency: f.fee_currency,
    time: f.time,
  };
}
