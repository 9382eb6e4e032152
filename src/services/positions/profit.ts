import type { Database } from "../../db/client";
import { toTotals } from "../../db/queries/position-lots";
import { accountBooks } from "../../db/queries/positions";
import { bestAndWorst, listTrades, profitByPeriod, snapshotDrawdown, type TradeFilter } from "../../db/queries/trades";
import { Big } from "../../domain/money";
import { addTotals, profitRatios, ZERO_TOTALS } from "../../domain/profit";
import type { OrderClients } from "../order-clients";
import { resolveAccount } from "./accounts";
import { listPositions } from "./positions";

/** Closed trades of an account (default: the one orders go to now), newest close first, in keyset pages. */
export async function tradesPage(
  database: Database,
  clients: OrderClients | undefined,
  filter: Omit<TradeFilter, "account"> & { account?: string },
) {
  const account = await resolveAccount(database, clients, filter.account);
  return { account, ...(await listTrades(database.sql, { ...filter, account })) };
}

/**
 * The profit summary of an account: realised (every lot, closed or partly sold), unrealised at current prices,
 * closed trades with wins, losses, win rate, profit factor, best and worst trade and average holding time (from
 * the books' totals, never a scan of the trades), and the max drawdown of the portfolio snapshots.
 */
export async function profitSummary(database: Database, clients: OrderClients | undefined, requested?: string) {
  const account = await resolveAccount(database, clients, requested);
  const [books, extremes, drawdown, open] = await Promise.all([
    accountBooks(database.sql, account),
    bestAndWorst(database.sql, account),
    snapshotDrawdown(database.sql),
    listPositions(database, clients, { account }),
  ]);
  const totals = books.reduce((sum, b) => addTotals(sum, toTotals(b)), { ...ZERO_TOTALS });
  const ratios = profitRatios(totals);
  const unknownPrice = open.positions.some((p) => p.unrealised_pnl === null);
  const unrealised = open.positions.reduce((sum, p) => sum.plus(p.unrealised_pnl ?? "0"), new Big(0));
  return {
    account,
    realised_pnl: totals.realised,
    unrealised_pnl: unknownPrice ? null : unrealised.toFixed(),
    open_positions: open.positions.length,
    trade_count: totals.closedTrades,
    wins: totals.wins,
    losses: totals.losses,
    win_rate_pct: ratios.winRatePct,
    profit_factor: ratios.profitFactor,
    gross_profit: totals.grossProfit,
    gross_loss: totals.grossLoss,
    best_trade_pnl: extremes.best,
    worst_trade_pnl: extremes.worst,
    average_duration_s: ratios.averageHoldSeconds === null ? null : Number(ratios.averageHoldSeconds),
    unmatched: books
      .filter((b) => new Big(b.unmatched_qty).gt(0))
      .map((b) => ({ symbol: b.symbol, qty: b.unmatched_qty })),
    max_drawdown: { abs_usd: drawdown.abs, pct: drawdown.pct, peak_usd: drawdown.peak },
  };
}

export type ProfitUnit = "day" | "week" | "month";

/** Realised P&L per day, week or month (the last `count`, oldest first) in time zone `tz`; empty periods are zeros. */
export async function profitPeriods(
  database: Database,
  clients: OrderClients | undefined,
  {
    account: requested,
    unit,
    count,
    tz,
    now,
  }: { account?: string; unit: ProfitUnit; count: number; tz: string; now: Date },
) {
  const account = await resolveAccount(database, clients, requested);
  const periods = await profitByPeriod(database.sql, { account, unit, count, tz, now });
  return { account, unit, time_zone: tz, periods };
}
