import { OPEN_ORDER_STATUSES } from "../../domain/orders";
import type { ChangeTopic } from "../changes";
import type { Sql } from "../client";
import { positionsPart, profitPart } from "./dashboard-positions";
import { balanceFields } from "./exchange-balances";
import { orderFields } from "./orders";
import { portfolioJson } from "./portfolio";
import { signalFields } from "./signals";
import { type Fragment, inList, isoUtc, jsonList as rowsAsJson } from "./sql";
import { watchlistFields, watchlistMarket } from "./watchlist";

export type { Fragment } from "./sql";

/** Names of the dashboard's parts; each is built, timed and reported on its own. */
export const DASHBOARD_PARTS = [
  "portfolio",
  "balances",
  "open_orders",
  "executed_orders",
  "fast_signals",
  "slow_signals",
  "watchlist",
  "services",
  "bot_status",
  "positions",
  "profit",
] as const;
export type DashboardPartName = (typeof DASHBOARD_PARTS)[number];

/**
 * The parts each change topic can alter: a notification re-reads only these (the others keep their values).
 * A new part lists itself under every topic whose writes it reads; an unknown topic re-reads everything.
 */
export const PARTS_BY_TOPIC: Record<ChangeTopic, readonly DashboardPartName[]> = {
  balances: ["portfolio", "balances"],
  portfolio: ["portfolio"],
  loans: ["portfolio"],
  // exchange_sync commits its service_state counters in the same transaction as the orders.
  // Fills are booked into the lots and books in the transaction that records the orders.
  orders: ["open_orders", "executed_orders", "services", "positions", "profit"],
  // The watchlist shows each market's newest signal.
  signals: ["fast_signals", "slow_signals", "watchlist"],
  watchlist: ["watchlist"],
  market_data: ["watchlist", "positions"],
  settings: ["bot_status"],
  services: ["services"],
};

/** Row limits of the dashboard's lists. */
export const DASHBOARD_LIMITS = {
  openOrders: 50,
  executedOrders: 20,
  signals: 20,
  watchlist: 200,
  balances: 200,
  services: 50,
} as const;

/**
 * The SQL of every dashboard part: for each part, its columns, each a scalar expression that yields JSON.
 * PostgreSQL renders the JSON (amounts as exact decimal strings, times as ISO-8601 UTC), so the server
 * only splices text. Every ORDER BY matches an index of src/db/schema (including its NULLS LAST) and
 * every list is bounded; the status and should_trade filters are literals so the partial indexes apply.
 */
export function dashboardQueries(sql: Sql): Record<DashboardPartName, Record<string, Fragment>> {
  const iso = (column: string) => isoUtc(sql, column);

  // A literal LIMIT: a bind parameter would leave the generic plan of the prepared statement guessing the row count.
  const limit = (rows: number) => sql.unsafe(`limit ${Math.trunc(rows)}`);

  // A JSON array of the rows of `from` (aliased t), each rendered as an object of `columns`, in `order`.
  // row_to_json-style rendering is compact, unlike json_build_object (" : ") and json_agg (newlines).
  const jsonList = (columns: Fragment, from: Fragment, order: Fragment, joins?: Fragment) =>
    rowsAsJson(sql, columns, from, order, joins);

  // Orders, signals, balances, the watchlist and the portfolio are rendered by their own query files' fragments, so
  // the API and the dashboard cannot drift.
  const orderColumns = orderFields(sql);
  const signalColumns = signalFields(sql);
  const newestSignals = (shouldTrade: Fragment) =>
    jsonList(
      signalColumns,
      sql`select * from trade_signals where should_trade = ${shouldTrade}
        order by created_at desc nulls last, id desc nulls last ${limit(DASHBOARD_LIMITS.signals)}`,
      sql`t.created_at desc, t.id desc`,
    );

  return {
    portfolio: {
      total_usd_value: sql`(select to_json(coalesce(sum(usd_value), 0)::text) from exchange_balances where total > 0)`,
      portfolio_last_updated: sql`(select to_json(${iso("taken_at")}) from portfolio_snapshots
        order by taken_at desc nulls last limit 1)`,
      portfolio: portfolioJson(sql),
    },
    balances: {
      balances: jsonList(
        balanceFields(sql),
        sql`select * from exchange_balances where total <> 0
          order by usd_value desc nulls last, asset ${limit(DASHBOARD_LIMITS.balances)}`,
        sql`t.usd_value desc nulls last, t.asset`,
      ),
    },
    open_orders: {
      open_orders: jsonList(
        orderColumns,
        sql`select * from exchange_orders where status in (${inList(sql, OPEN_ORDER_STATUSES)})
          order by exchange_create_time desc nulls last, id desc nulls last
          ${limit(DASHBOARD_LIMITS.openOrders)}`,
        sql`t.exchange_create_time desc, t.id desc`,
      ),
    },
    executed_orders: {
      executed_orders: jsonList(
        orderColumns,
        sql`select * from exchange_orders where status = 'FILLED'
          order by exchange_update_time desc nulls last, id desc nulls last
          ${limit(DASHBOARD_LIMITS.executedOrders)}`,
        sql`t.exchange_update_time desc, t.id desc`,
      ),
    },
    fast_signals: { fast_signals: newestSignals(sql`true`) },
    slow_signals: { slow_signals: newestSignals(sql`false`) },
    watchlist: {
      watchlist: jsonList(
        watchlistFields(sql),
        sql`select * from watchlist_items where deleted_at is null
          order by symbol ${limit(DASHBOARD_LIMITS.watchlist)}`,
        sql`t.symbol`,
        watchlistMarket(sql),
      ),
    },
    services: {
      service_state: jsonList(
        sql`t.service, ${iso("t.last_run_at")} as last_run_at, ${iso("t.last_success_at")} as last_success_at,
          t.last_error, ${iso("t.last_error_at")} as last_error_at, t.counters`,
        sql`select * from service_state order by service ${limit(DASHBOARD_LIMITS.services)}`,
        sql`t.service`,
      ),
    },
    bot_status: {
      // The switches only: the mode is derived from them and the exchange by domain/trading-mode (parts.ts).
      bot_status: sql`(select row_to_json(b) from (
          select coalesce((select value = 'true'::jsonb from trading_settings where key = 'live_trading'), false)
            as live_trading,
            coalesce((select value = 'true'::jsonb from trading_settings where key = 'entries_enabled'), true)
            as entries_enabled) b)`,
    },
    positions: { positions: positionsPart(sql) },
    profit: { profit: profitPart(sql) },
  };
}

/** One statement selecting the given columns (name → JSON expression), each as JSON text. */
export function selectJsonColumns(sql: Sql, columns: [string, Fragment][]): Fragment {
  const list = columns
    .map(([name, expression]) => sql`(${expression})::text as ${sql(name)}`)
    .reduce((all, column) => sql`${all}, ${column}`);
  return sql`select ${list}`;
}
