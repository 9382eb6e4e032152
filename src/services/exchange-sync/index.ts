import type { Sql } from "../../db/client";
import type { ExchangeClient } from "../../exchanges/types";
import type { Logger } from "../../lib/logger";
import { syncBalances } from "./balances";
import { importOrderHistory } from "./history";
import { reconcileOpenOrders } from "./open-orders";
import { valueAndSnapshotPortfolio } from "./portfolio";

export interface ExchangeSyncDeps {
  sql: Sql;
  exchange: ExchangeClient;
  /** The paper twin of a live exchange: orders placed there while live trading is off are reconciled with it. */
  paperTwin?: ExchangeClient;
  log: Logger;
  service?: string;
  pageSize: number;
  stopping?: () => boolean;
}

/**
 * One exchange_sync cycle: balances, open orders (reconciled, each account with its own exchange), order history,
 * portfolio valuation.
 */
export async function runExchangeSyncCycle({
  sql,
  exchange,
  paperTwin,
  log,
  service = "exchange_sync",
  pageSize,
  stopping = () => false,
}: ExchangeSyncDeps) {
  const balances = await syncBalances(sql, exchange);
  let openOrders = await reconcileOpenOrders(sql, exchange, log);
  if (paperTwin && paperTwin !== exchange) openOrders += await reconcileOpenOrders(sql, paperTwin, log);
  const history = await importOrderHistory(sql, exchange, { service, pageSize, stopping, log });
  const portfolio = await valueAndSnapshotPortfolio(sql, exchange);
  const summary = {
    balances,
    open_orders: openOrders,
    history_fetched: history.fetched,
    history_changed: history.changed,
  };
  if (balances + openOrders + history.changed > 0) log.info("exchange synced", summary);
  return { ...summary, net_usd: portfolio.netUsd };
}
