/** Reads of closed trades (closed lots) and profit figures that need more than the book totals. */
import type { Queryable } from "../client";
import { isoUtc, type KeysetPosition, keysetAfter, keysetPage, keysetTime } from "./sql";

/** A closed trade as the API shows it: amounts exact decimal strings, times ISO strings. */
export interface TradeJson {
  id: number;
  account: string;
  symbol: string;
  entry_order_id: string;
  entry_client_oid: string | null;
  opened_at: string;
  closed_at: string;
  quantity: string;
  entry_price: string;
  exit_price: string;
  entry_value: string;
  exit_value: string;
  fees: string;
  realised_pnl: string;
  realised_pnl_pct: string | null;
  duration_s: number;
  exit_reason: string | null;
}

type TradeRow = Omit<TradeJson, "id" | "duration_s"> & { id: string; duration_s: string; position_time: string };

export interface TradeFilter {
  account: string;
  symbol?: string;
  /** Closed at or after / before (ISO). */
  from?: string;
  to?: string;
  exitReason?: string;
  after?: KeysetPosition;
  limit: number;
}

/** A keyset page of closed trades, newest close first: the partial indexes on closed lots serve it. */
export async function listTrades(
  sql: Queryable,
  { account, symbol, from, to, exitReason, after, limit }: TradeFilter,
): Promise<{ trades: TradeJson[]; next: KeysetPosition | null }> {
  const rows = await sql<TradeRow[]>`
    select t.id::text as id, t.account, t.symbol, t.entry_order_id, t.entry_client_oid,
      ${isoUtc(sql, "t.opened_at")} as opened_at, ${isoUtc(sql, "t.closed_at")} as closed_at,
      t.exit_quantity::text as quantity,
      round(t.closed_cost / nullif(t.exit_quantity, 0), 12)::text as entry_price,
      round(t.exit_value / nullif(t.exit_quantity, 0), 12)::text as exit_price,
      t.closed_cost::text as entry_value, t.exit_value::text as exit_value,
      (t.closed_fee + t.exit_fee)::text as fees, t.realised::text as realised_pnl,
      round(t.realised * 100 / nullif(t.closed_cost + t.closed_fee, 0), 4)::text as realised_pnl_pct,
      round(extract(epoch from t.closed_at - t.opened_at))::text as duration_s, t.exit_reason,
      ${keysetTime(sql, "t.closed_at")}
    from position_lots t
    where t.account = ${account} and t.closed_at is not null
      ${symbol ? sql`and t.symbol = ${symbol}` : sql``}
      ${from ? sql`and t.closed_at >= ${from}::timestamptz` : sql``}
      ${to ? sql`and t.closed_at < ${to}::timestamptz` : sql``}
      ${exitReason ? sql`and t.exit_reason = ${exitReason}` : sql``}
      ${keysetAfter(sql, "t.closed_at", "t.id", after)}
    order by t.closed_at desc nulls last, t.id desc nulls last
    limit ${limit + 1}`;
  const { items, next } = keysetPage(rows, limit, ({ position_time: _, ...row }) => ({
    ...row,
    id: Number(row.id),
    duration_s: Number(row.duration_s),
  }));
  return { trades: items, next };
}

/** The best and worst closed trade's realised P&L (the index on realised; qualified, or the text alias sorts). */
export async function bestAndWorst(
  sql: Queryable,
  account: string,
): Promise<{ best: string | null; worst: string | null }> {
  const [row] = await sql<{ best: string | null; worst: string | null }[]>`
    select
      (select l.realised::text from position_lots l where l.account = ${account} and l.closed_at is not null
        order by l.realised desc limit 1) as best,
      (select l.realised::text from position_lots l where l.account = ${account} and l.closed_at is not null
        order by l.realised limit 1) as worst`;
  return { best: row?.best ?? null, worst: row?.worst ?? null };
}

/** Realised P&L of the trades closed in each period (oldest first), in a time zone; empty periods as zeros. */
export interface PeriodRow {
  period_start: string;
  realised: string;
  trades: number;
  wins: number;
  losses: number;
}

/** The last `count` periods (`day`, `week` or `month`) up to the one holding `now`, in time zone `tz`. */
export async function profitByPeriod(
  sql: Queryable,
  {
    account,
    unit,
    count,
    tz,
    now,
  }: { account: string; unit: "day" | "week" | "month"; count: number; tz: string; now: Date },
): Promise<PeriodRow[]> {
  const step = `1 ${unit}`;
  return await sql<PeriodRow[]>`
    with periods as (
      select generate_series(
        date_trunc(${unit}, ${now.toISOString()}::timestamptz at time zone ${tz}) - (${count - 1}::int * ${step}::interval),
        date_trunc(${unit}, ${now.toISOString()}::timestamptz at time zone ${tz}),
        ${step}::interval) as start)
    select to_char(p.start, 'YYYY-MM-DD') as period_start, coalesce(sum(l.realised), 0)::text as realised,
      count(l.id)::int as trades, (count(l.id) filter (where l.realised > 0))::int as wins,
      (count(l.id) filter (where l.realised < 0))::int as losses
    from periods p
    left join position_lots l on l.account = ${account} and l.closed_at is not null
      and l.closed_at >= (p.start at time zone ${tz}) and l.closed_at < ((p.start + ${step}::interval) at time zone ${tz})
    group by p.start
    order by p.start`;
}

/** Days of portfolio snapshots the max drawdown looks at (a range of the index on taken_at). */
export const DRAWDOWN_DAYS = 90;

/** The largest fall of net_usd from a running peak over the last DRAWDOWN_DAYS of portfolio snapshots. */
export async function snapshotDrawdown(
  sql: Queryable,
): Promise<{ abs: string; pct: string | null; peak: string | null }> {
  const [row] = await sql<{ abs: string | null; pct: string | null; peak: string | null }[]>`
    select (peak - net_usd)::text as abs, round((peak - net_usd) * 100 / nullif(peak, 0), 4)::text as pct,
      peak::text as peak
    from (select net_usd, max(net_usd) over (order by taken_at rows unbounded preceding) as peak
      from portfolio_snapshots where taken_at >= now() - make_interval(days => ${DRAWDOWN_DAYS})) s
    order by peak - net_usd desc
    limit 1`;
  return { abs: row?.abs ?? "0", pct: row?.pct ?? null, peak: row?.peak ?? null };
}
