import type { Sql } from "../../../src/db/client";

/** The fixture's clock origin: every time in it is T0 plus an offset. */
export const T0 = "2025-03-01T00:00:00.000Z";
/** T0 plus `minutes`, as the API writes instants. */
export const at = (minutes: number) => new Date(Date.parse(T0) + minutes * 60_000).toISOString();

/**
 * A known account: balances (one zero, one negative), loans (one inactive), 60 open, 30 filled and 5 cancelled
 * orders, 30 actionable and 30 other signals, a watchlist with a deleted row, service state and snapshots.
 * Filled orders' update times run opposite to their create times, so ordering by the wrong column shows.
 */
export async function insertDashboardFixture(sql: Sql): Promise<{ specialSignalId: number }> {
  await sql`insert into exchange_balances (asset, free, locked, total, usd_value, updated_at) values
    ('BTC', '0.40000000', '0.10000000', '0.50000000', '30000.00', ${at(300)}),
    ('ETH', '2.5', '0', '2.5', '5000.123456789', ${at(300)}),
    ('USDT', '14000.876543211', '999', '14999.876543211', '14999.876543211', ${at(300)}),
    ('DOGE', '0', '0', '0', '0', ${at(300)}),
    ('SOL', '-3', '0', '-3', '-450', ${at(300)})`;
  await sql`insert into portfolio_loans (currency, borrowed_amount, borrowed_usd, interest_rate, is_active, auto_detected)
    values ('SOL', '3', '450', '0.0001', true, true), ('XRP', '100', '50', null, false, false)`;
  await sql`insert into portfolio_snapshots (total_assets_usd, total_borrowed_usd, net_usd, taken_at)
    values ('1', '0', '1', ${at(60)}), ('2', '0', '2', ${at(180)})`;

  // Signals: fast i = 1..30 on BTC_USDT at T0 + 2i min; slow i = 1..30 on SOL_USDT at T0 + 2i + 1 min,
  // except the newest slow one, on BTC_USDT: it is BTC_USDT's current signal.
  await sql`insert into trade_signals (symbol, side, price, reason, should_trade, status, created_at, last_update_at)
    select case when fast or i = 30 then 'BTC_USDT' else 'SOL_USDT' end,
      case when fast then 'BUY' else 'SELL' end, ((100 + i)::text || '.5')::numeric, 'rule ' || i, fast,
      case when fast then 'pending' else 'skipped' end,
      ${T0}::timestamptz + make_interval(mins => 2 * i + case when fast then 0 else 1 end),
      ${T0}::timestamptz + make_interval(mins => 2 * i + case when fast then 0 else 1 end)
    from generate_series(1, 30) i, (values (true), (false)) f(fast)
    order by i, fast desc`;
  const [special] = await sql<{ id: string }[]>`
    update trade_signals set rsi = '28.123', ma50 = '101.5', ma200 = '99.25', ema10 = '100.75', atr = '1.2345',
      volume_ratio = '1.8', strategy = 'swing', status = 'order_placed', status_reason = 'placed as open-60',
      trade_amount_usd = '100.00', exchange_order_id = 'open-60', last_update_at = ${at(500)}
    where should_trade and created_at = ${at(60)} returning id`;
  const specialSignalId = Number(special?.id);

  // Orders: open-i created at T0 + i min (i = 1..60), statuses cycling; filled-i created at T0 + i min but
  // updated at T0 + 1 day - i min; cancelled ones are the newest of all and must never show.
  await sql`insert into exchange_orders (exchange_order_id, symbol, side, order_type, status, price, quantity,
      exchange_create_time, exchange_update_time)
    select 'open-' || i, 'ETH_USDT', 'BUY', 'LIMIT', (array['NEW', 'ACTIVE', 'PARTIALLY_FILLED'])[1 + i % 3],
      ('2000.' || i)::numeric, ('0.0' || i)::numeric, ${T0}::timestamptz + make_interval(mins => i), ${T0}::timestamptz + make_interval(mins => i)
    from generate_series(1, 60) i order by i`;
  await sql`insert into exchange_orders (exchange_order_id, symbol, side, order_type, status, price, quantity,
      cumulative_quantity, exchange_create_time, exchange_update_time)
    select 'filled-' || i, 'BTC_USDT', 'SELL', 'MARKET', 'FILLED', null, ('0.00' || i)::numeric, ('0.00' || i)::numeric,
      ${T0}::timestamptz + make_interval(mins => i), ${T0}::timestamptz + interval '1 day' - make_interval(mins => i)
    from generate_series(1, 30) i order by i`;
  await sql`insert into exchange_orders (exchange_order_id, symbol, side, order_type, status, quantity,
      exchange_create_time, exchange_update_time)
    select 'cancelled-' || i, 'BTC_USDT', 'BUY', 'LIMIT', 'CANCELLED', '1',
      ${T0}::timestamptz + interval '2 days', ${T0}::timestamptz + interval '2 days'
    from generate_series(1, 5) i`;
  await sql`update exchange_orders set client_oid = 'sig-7', status = 'PARTIALLY_FILLED', price = '43210.12345678',
      quantity = '0.00100000', cumulative_quantity = '0.00050000', cumulative_value = '21.60506173',
      avg_price = '43210.12346', fee = '0.00000050', fee_currency = 'BTC', trade_signal_id = ${specialSignalId},
      exchange_update_time = ${at(61)}
    where exchange_order_id = 'open-60'`;

  await sql`insert into watchlist_items (symbol, alert_enabled, trade_enabled, trade_amount_usd, buy_target,
      take_profit_pct, stop_loss_pct, min_price_change_pct, cooldown_seconds, deleted_at)
    values ('BTC_USDT', true, true, '100.00', '45000.5', '5.5', '2.25', '1.5', 600, null),
      ('ETH_USDT', false, false, null, null, null, null, '1', 300, null),
      ('XRP_USDT', true, false, null, null, null, null, '1', 300, ${at(10)})`;
  await sql`insert into market_data (symbol, price, rsi, ma50, ma200, ema10, atr, volume_ratio, updated_at)
    values ('BTC_USDT', '43210.5', '38.25', '43000', '41000.125', '43100.75', '350.5', '1.25', ${at(400)}),
      ('XRP_USDT', '0.5', null, null, null, null, null, null, ${at(400)})`;

  await sql`insert into service_state (service, last_run_at, last_success_at, counters)
    values ('exchange_sync', ${at(290)}, ${at(290)}, ${JSON.stringify({ orders_imported: 95 })}::jsonb)`;
  await sql`insert into service_state (service, last_run_at, last_error, last_error_at)
    values ('signal_monitor', ${at(240)}, 'candles timed out', ${at(240)})`;
  return { specialSignalId };
}
