import { notifyChange } from "../../db/changes";
import type { Sql } from "../../db/client";
import { upsertExchangeOrders } from "../../db/queries/exchange-orders";
import { addCounters, mergeCursor, readCursor } from "../../db/queries/service-state";
import type { ExchangeClient } from "../../exchanges/types";
import type { Logger } from "../../lib/logger";

export interface HistoryImportOptions {
  service: string;
  pageSize: number;
  /** Checked between pages: a stop request ends the import at a page boundary. */
  stopping?: () => boolean;
  /** Where the import reports its progress (orders so far, orders/s) at most every `progressEveryMs`. */
  log?: Logger;
  progressEveryMs?: number;
  now?: () => number;
}

/**
 * Imports order history page by page from the persisted cursor. Each page is one multi-row upsert
 * and the cursor's advance, in one transaction: a crash loses nothing and repeats nothing.
 * Returns the number of orders fetched and rows changed.
 */
export async function importOrderHistory(
  sql: Sql,
  exchange: ExchangeClient,
  { service, pageSize, stopping = () => false, log, progressEveryMs = 3000, now = Date.now }: HistoryImportOptions,
): Promise<{ fetched: number; changed: number; pages: number }> {
  // Cursors are per exchange: switching EXCHANGE starts that exchange's history from its beginning.
  const key = `history:${exchange.name}`;
  const stored = (await readCursor(sql, service))[key];
  let fetched = 0;
  let changed = 0;
  let pages = 0;
  const startedAt = now();
  let reportedAt = startedAt;
  // The next page is fetched while this one is written: the exchange's answer and the booking overlap.
  // Its failure is thrown only when the import goes on to that page (after this one is committed).
  const fetchPage = (after: string | null) => {
    const pending = (async () => exchange.fetchOrderHistory(after, pageSize))();
    pending.catch(() => {});
    return pending;
  };
  let fetching = fetchPage(typeof stored === "string" ? stored : null);
  for (;;) {
    const page = await fetching;
    const next = page.cursor;
    if (page.hasMore) fetching = fetchPage(next);
    const n = await sql.begin(async (tx) => {
      const rows = await upsertExchangeOrders(tx, exchange.name, page.orders);
      await mergeCursor(tx, service, { [key]: next });
      if (rows > 0) {
        await addCounters(tx, service, { orders_imported: rows });
        await notifyChange(tx, "orders");
      }
      return rows;
    });
    fetched += page.orders.length;
    changed += n;
    pages++;
    const at = now();
    if (log && at - reportedAt >= progressEveryMs) {
      reportedAt = at;
      const seconds = (reportedAt - startedAt) / 1000;
      log.info("importing order history", { orders: fetched, pages, orders_per_s: Math.round(fetched / seconds) });
    }
    if (!page.hasMore || stopping()) break;
  }
  return { fetched, changed, pages };
}
