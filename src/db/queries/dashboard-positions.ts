/**
 * The dashboard's `positions` and `profit` parts, both from position_books (one row per account and symbol, its
 * totals kept by every booking): open positions at market_data's price, and each account's profit totals. Neither
 * reads the lots, whose number grows with the history.
 */
import type { Queryable } from "../client";
import { type Fragment, jsonList } from "./sql";

/** Positions listed at most in the positions part. */
export const DASHBOARD_POSITIONS_LIMIT = 200;

/** `positions`: per account and symbol, open quantity, average entry, price, unrealised P&L and working protection. */
export function positionsPart(sql: Queryable): Fragment {
  return jsonList(
    sql,
    sql`t.account, t.symbol, t.open_qty::text as open_qty, round(t.cost / t.open_qty, 12)::text as average_entry,
      t.cost::text as open_cost, t.price::text as current_price,
      (t.open_qty * t.price - t.cost)::text as unrealised_pnl,
      round((t.open_qty * t.price - t.cost) * 100 / nullif(t.cost, 0), 4)::text as unrealised_pnl_pct,
      (select coalesce(array_to_json(array_agg(json_build_object('kind', p.kind, 'state', p.state,
          'trigger_price', p.trigger_price::text, 'quantity', p.quantity::text) order by p.kind)), '[]')
        from protection_orders p
        where p.account = t.account and p.symbol = t.symbol and p.state in ('placing', 'open')) as protection` as unknown as Fragment,
    sql`select b.account, b.symbol, b.open_qty, b.open_cost as cost, m.price
      from position_books b left join market_data m on m.symbol = b.symbol
      where b.open_qty > 0
      order by b.account, b.symbol
      limit ${sql.unsafe(String(DASHBOARD_POSITIONS_LIMIT))}` as unknown as Fragment,
    sql`t.account, t.symbol` as unknown as Fragment,
  );
}

/** `profit`: per account, realised P&L and the closed trades' count, wins, losses and gross (the books' totals). */
export function profitPart(sql: Queryable): Fragment {
  return jsonList(
    sql,
    sql`t.account, t.realised::text as realised_pnl, t.closed_trades::int as trade_count, t.wins::int as wins,
      t.losses::int as losses, t.gross_profit::text as gross_profit, t.gross_loss::text as gross_loss,
      round(t.wins * 100.0 / nullif(t.closed_trades, 0), 2)::text as win_rate_pct` as unknown as Fragment,
    sql`select account, sum(realised) as realised, sum(closed_trades) as closed_trades, sum(wins) as wins,
        sum(losses) as losses, sum(gross_profit) as gross_profit, sum(gross_loss) as gross_loss
      from position_books group by account order by account` as unknown as Fragment,
    sql`t.account` as unknown as Fragment,
  );
}
