/**
 * The history walk of the live adapter: ccxt's own paginate stops at the first empty time window, so the
 * history is read window by window here, and each page is one whole window.
 */
import type { Order } from "ccxt";
import { ExchangeError } from "../../domain/exchange-errors";
import type { ExchangeOrder } from "../../domain/orders";
import type { OrderHistoryPage } from "../types";
import { toExchangeOrder } from "./mapping";

export const DAY_MS = 86_400_000;
/** Orders per history request; Crypto.com's maximum. */
export const HISTORY_REQUEST_LIMIT = 100;

/** How a history walk is bounded (see CcxtExchangeOptions for the defaults). */
export interface HistoryWalkSettings {
  lookbackMs: number;
  windowMs: number;
  settleMs: number;
  budgetMs: number;
  now: () => number;
}

/** Fetches the orders created in [since, until), at most `limit` of them. */
export type FetchWindow = (since: number, until: number, limit: number) => Promise<Order[]>;

interface HistoryCursor {
  since: number;
}

/**
 * Walks the history in time windows. A window holding `limit` orders or more is halved until it holds fewer,
 * so each page is one whole window and the cursor is just the window's end. Empty windows are skipped within a
 * time budget; then an empty page with hasMore.
 */
export async function walkOrderHistory(
  fetchWindow: FetchWindow,
  settings: HistoryWalkSettings,
  cursor: string | null,
  limit: number,
): Promise<OrderHistoryPage> {
  const started = settings.now();
  const horizon = started - settings.settleMs;
  const requestLimit = Math.max(2, Math.min(limit, HISTORY_REQUEST_LIMIT));
  let since = cursor === null ? horizon - settings.lookbackMs : parseCursor(cursor).since;
  while (since < horizon) {
    let until = Math.min(since + settings.windowMs, horizon);
    let orders = await fetchWindow(since, until, requestLimit);
    while (orders.length >= requestLimit && until - since > 1) {
      until = since + Math.floor((until - since) / 2);
      orders = await fetchWindow(since, until, requestLimit);
    }
    since = until;
    if (orders.length > 0 || settings.now() - started >= settings.budgetMs) {
      const page = orders.map(toExchangeOrder).sort(byCreateTime);
      return { orders: page, cursor: historyCursor(since), hasMore: since < horizon };
    }
  }
  return { orders: [], cursor: historyCursor(since), hasMore: false };
}

/** The cursor of a walk that starts at `since` (epoch ms). */
export function historyCursor(since: number): string {
  return JSON.stringify({ since } satisfies HistoryCursor);
}

/** Orders oldest first. */
export function byCreateTime(a: ExchangeOrder, b: ExchangeOrder): number {
  return a.createTime < b.createTime ? -1 : a.createTime > b.createTime ? 1 : 0;
}

function parseCursor(cursor: string): HistoryCursor {
  try {
    const parsed = JSON.parse(cursor) as Partial<HistoryCursor>;
    if (typeof parsed.since === "number" && Number.isFinite(parsed.since)) return { since: parsed.since };
  } catch {
    // Falls through to the error below.
  }
  throw new ExchangeError(`invalid history cursor ${JSON.stringify(cursor)}`);
}
