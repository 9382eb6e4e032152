import type postgres from "postgres";
import { loadConfig } from "../src/config";
import { createDatabase } from "../src/db/client";
import { Big, roundDown } from "../src/domain/money";
import { createExchangeClient } from "../src/exchanges";
import { PAPER_MARKETS } from "../src/exchanges/paper/markets";

/** How much data the benchmark database holds. */
export interface Scale {
  orders: number;
  signals: number;
  watchlist: number;
  snapshots: number;
  /** Orders resting on the (paper) exchange, which exchange_sync mirrors as open orders. */
  openOrders: number;
}

/** What was generated, and how long it took. */
export interface GeneratedDataset {
  scale: Scale;
  seconds: number;
}

/** Prefix of every generated exchange order id, so the synced paper history never collides with them. */
export const GENERATED_ORDER_PREFIX = "bench-";

// Well-known assets the paper exchange does not list: watched, without alerts (nothing to compute).
// biome-ignore format: ten per line reads better than one per line
const UNLISTED = [
  "MATIC", "ETC", "FIL", "APT", "ARB", "OP", "ALGO", "VET", "ICP", "SAND",
  "MANA", "AAVE", "EOS", "XTZ", "THETA", "AXS", "FTM", "GRT", "CRV", "SNX",
  "MKR", "COMP", "ENJ", "CHZ", "ZIL", "BAT", "KSM", "RUNE", "EGLD", "HBAR",
  "KAVA",
];
const LISTED = [...PAPER_MARKETS.values()].filter((m) => m.base !== "USDC").map((m) => m.symbol);

/** The watchlist's symbols: every market the paper exchange lists (these alert), then unlisted ones. */
function watchlistSymbols(count: number): { symbol: string; listed: boolean }[] {
  return [
    ...LISTED.map((symbol) => ({ symbol, listed: true })),
    ...UNLISTED.map((base) => ({ symbol: `${base}_USDT`, listed: false })),
  ].slice(0, count);
}

/**
 * Fills a migrated, empty database with a realistic account history at `scale` and its FIFO books, in SQL
 * (generate_series), then ANALYZEs it. Deterministic: the same scale gives the same rows. Every generated order is settled
 * (the open ones live on the exchange: see placeOpenOrders); signals are all settled but for a few pending
 * alerts that do not trade, so the trading scheduler does not start placing orders for generated data.
 */
export async function generateDataset(sql: postgres.Sql, scale: Scale): Promise<GeneratedDataset> {
  const started = performance.now();
  const watchlist = watchlistSymbols(scale.watchlist);
  const symbols = watchlist.map((w) => w.symbol);
  await sql.begin(async (tx) => {
    await tx`select setseed(0.42)`;
    await tx`set local maintenance_work_mem = '256MB'`;
    // Building an index once over a million rows is several times faster than maintaining it row by
    // row: drop the big tables' secondary indexes (exactly as migrated), load, then recreate them.
    const indexes = await secondaryIndexes(tx, BULK_TABLES);
    for (const index of indexes) await tx.unsafe(`drop index ${index.name}`);
    await insertMarket(tx, watchlist);
    await insertSignals(tx, symbols, scale.signals);
    await insertOrders(tx, symbols, scale.orders);
    await insertLots(tx);
    await insertAccount(tx, scale.snapshots);
    for (const index of indexes) await tx.unsafe(index.definition);
  });
  // ANALYZE cannot run inside the transaction above on every server; planner statistics matter for
  // the cold dashboard, so they are collected before anything reads.
  for (const table of TABLES) await sql.unsafe(`analyze ${table}`);
  return { scale, seconds: round((performance.now() - started) / 1000) };
}

/**
 * Places `count` resting limit BUY orders (about 20 USDT each, 40% under the market, spread over the listed
 * markets) on the paper exchange through its client, as ATP's own configuration would create it: the
 * account then really has open orders, which exchange_sync mirrors and reconciles like any other.
 */
export async function placeOpenOrders(databaseUrl: string, count: number): Promise<void> {
  const database = createDatabase({ url: databaseUrl, max: 2, statementTimeoutMs: 60_000 });
  const exchange = await createExchangeClient(loadConfig({ EXCHANGE: "paper" }), { sql: database.sql });
  try {
    const tickers = new Map((await exchange.fetchTickers(LISTED)).map((t) => [t.symbol, t.last]));
    for (let i = 0; i < count; i++) {
      const symbol = LISTED[i % LISTED.length] as string;
      const market = PAPER_MARKETS.get(symbol);
      const last = tickers.get(symbol);
      if (!market || !last) throw new Error(`the paper exchange has no price for ${symbol}`);
      const price = roundDown(new Big(last).times("0.6"), market.priceDecimals);
      const quantity = new Big(20).div(price).round(market.quantityDecimals, Big.roundUp);
      await exchange.createOrder({
        symbol,
        side: "BUY",
        type: "LIMIT",
        price: price.toFixed(),
        quantity: quantity.toFixed(),
        clientOid: `${GENERATED_ORDER_PREFIX}open-${i}`,
      });
    }
  } finally {
    await exchange.close();
    await database.close();
  }
}

const BULK_TABLES = ["exchange_orders", "trade_signals", "position_lots"];

/** Indexes of `tables` that no constraint owns (primary keys stay), with their exact definitions. */
async function secondaryIndexes(
  tx: postgres.TransactionSql,
  tables: string[],
): Promise<{ name: string; definition: string }[]> {
  return await tx<{ name: string; definition: string }[]>`
    select format('%I.%I', n.nspname, c.relname) as name, pg_get_indexdef(i.indexrelid) as definition
    from pg_index i
    join pg_class c on c.oid = i.indexrelid
    join pg_namespace n on n.oid = c.relnamespace
    where i.indrelid = any (${tables}::regclass[])
      and not exists (select 1 from pg_constraint k where k.conindid = i.indexrelid)
    order by c.relname`;
}

const TABLES = [
  "watchlist_items",
  "market_data",
  "trade_signals",
  "exchange_orders",
  "position_lots",
  "position_books",
  "exchange_balances",
  "portfolio_loans",
  "portfolio_snapshots",
];

async function insertMarket(
  tx: postgres.TransactionSql,
  watchlist: { symbol: string; listed: boolean }[],
): Promise<void> {
  // Listed symbols come first and alert (the signal monitor computes them); the first five trade small
  // amounts, so all three services have real work.
  const listed = watchlist.filter((w) => w.listed).length;
  await tx`
    insert into watchlist_items (symbol, alert_enabled, trade_enabled, trade_amount_usd, buy_target,
      take_profit_pct, stop_loss_pct, min_price_change_pct, cooldown_seconds)
    select s.symbol, s.ord <= ${listed}, s.ord <= least(5, ${listed}),
      case when s.ord <= least(5, ${listed}) then 25 end, null, 5, 3, 1, 300
    from unnest(${watchlist.map((w) => w.symbol)}::text[]) with ordinality as s(symbol, ord)`;
  await tx`
    insert into market_data (symbol, price, rsi, ma50, ma200, ema10, atr, volume_ratio)
    select s.symbol, p.price, round((20 + random() * 60)::numeric, 4), round(p.price * 0.99, 8),
      round(p.price * 0.95, 8), round(p.price * 1.01, 8), round(p.price * 0.02, 8),
      round((0.5 + random() * 2)::numeric, 4)
    from unnest(${watchlist.map((w) => w.symbol)}::text[]) with ordinality as s(symbol, ord)
    cross join lateral (select round((100000 / s.ord ^ 2)::numeric, 8) as price) p`;
}

async function insertSignals(tx: postgres.TransactionSql, symbols: string[], count: number): Promise<void> {
  // Spread over the last 90 days, newest last; 100 pending alerts at the end, everything else settled.
  await tx`
    insert into trade_signals (symbol, side, strategy, price, rsi, ma50, ma200, ema10, atr, volume_ratio,
      reason, status, should_trade, trade_amount_usd, last_update_at, created_at, updated_at)
    select (${symbols}::text[])[1 + g % ${symbols.length}],
      case when r1 < 0.55 then 'BUY' else 'SELL' end,
      'default',
      round((1 + r2 * 50000)::numeric, 8),
      round((case when r1 < 0.55 then 20 + r3 * 20 else 70 + r3 * 20 end)::numeric, 4),
      round((1 + r2 * 50000 * 0.99)::numeric, 8),
      round((1 + r2 * 50000 * 0.95)::numeric, 8),
      round((1 + r2 * 50000 * 1.01)::numeric, 8),
      round((r2 * 1000)::numeric, 8),
      round((0.5 + r3 * 2)::numeric, 4),
      case when r1 < 0.55 then 'RSI below 40 and MA50 above EMA10' else 'RSI above 70' end,
      case when g > ${count} - 100 then 'pending'
        else (array['filled', 'closed', 'skipped', 'failed'])[1 + floor(r3 * 4)::int] end,
      g <= ${count} - 100 and r3 < 0.1,
      case when r3 < 0.1 then 25 end,
      t, t, t
    from (
      select g, random() as r1, random() as r2, random() as r3,
        now() - make_interval(secs => (${count} - g) * (90 * 86400.0 / greatest(${count}, 1))) as t
      from generate_series(1, ${count}) as g
    ) x`;
}

async function insertOrders(tx: postgres.TransactionSql, symbols: string[], count: number): Promise<void> {
  // A year of settled history, newest last. Filled orders carry their fill; the others filled nothing.
  await tx`
    insert into exchange_orders (exchange_order_id, symbol, side, order_type, status, price, quantity,
      cumulative_quantity, cumulative_value, avg_price, fee, fee_currency, exchange_create_time,
      exchange_update_time)
    select ${GENERATED_ORDER_PREFIX} || g, symbol, side, order_type, status, price, quantity,
      filled, round(filled * price, 8),
      case when filled > 0 then price end,
      round(filled * price * 0.001, 8), 'USDT', t, t + make_interval(secs => 1 + r1 * 60)
    from (
      select g, r1, (${symbols}::text[])[1 + g % ${symbols.length}] as symbol,
        case when r1 < 0.5 then 'BUY' else 'SELL' end as side,
        (array['LIMIT', 'LIMIT', 'MARKET', 'STOP_LIMIT', 'TAKE_PROFIT_LIMIT'])[1 + floor(r2 * 5)::int] as order_type,
        status, price, quantity,
        case status when 'FILLED' then quantity else 0 end as filled,
        t
      from (
        select g, r1, r2,
          case when r3 < 0.62 then 'FILLED' when r3 < 0.95 then 'CANCELLED' when r3 < 0.98 then 'REJECTED'
            else 'EXPIRED' end as status,
          round((1 + r2 * 50000)::numeric, 8) as price,
          round((0.0001 + r1 * 10)::numeric, 8) as quantity,
          now() - make_interval(secs => (${count} - g) * (365 * 86400.0 / greatest(${count}, 1))) as t
        from (select g, random() as r1, random() as r2, random() as r3 from generate_series(1, ${count}) as g) raw
      ) shaped
    ) x`;
}

/** Filled BUY orders left open per symbol (the newest): what the account still holds. */
const OPEN_LOTS_PER_SYMBOL = 3;

/**
 * The FIFO books of the generated orders, as an account with this history has them: one lot per filled BUY
 * (position_lots), all but the newest few per symbol sold within a day at ±5 % (a take-profit, a stop-loss or a
 * signal), and one book per symbol holding the lots' totals, exactly as the bookings keep them. In SQL, not through
 * the backfill: replaying every fill in FIFO order takes minutes at a million orders (growth goes to ten million),
 * and the dashboard's cost depends on the lots' and books' shape, not on which SELL closed which lot.
 */
async function insertLots(tx: postgres.TransactionSql): Promise<void> {
  await tx`
    insert into position_lots (account, symbol, entry_order_id, opened_at, quantity, entry_value, entry_fee,
      remaining, remaining_cost, remaining_fee, exit_quantity, exit_value, exit_fee, closed_cost, closed_fee,
      closed_at, exit_reason, realised)
    select account, symbol, exchange_order_id, opened_at, quantity, entry_value, entry_fee,
      case when open then quantity else 0 end, case when open then entry_value else 0 end,
      case when open then entry_fee else 0 end,
      case when open then 0 else quantity end, exit_value, exit_fee,
      case when open then 0 else entry_value end, case when open then 0 else entry_fee end,
      case when not open then least(opened_at + make_interval(secs => 60 + r * 86400), now()) end,
      case when not open then (array['take_profit', 'stop_loss', 'signal'])[1 + floor(r * 3)::int] end,
      exit_value - exit_fee - case when open then 0 else entry_value + entry_fee end
    from (
      select account, symbol, exchange_order_id, exchange_update_time as opened_at, cumulative_quantity as quantity,
        cumulative_value as entry_value, fee as entry_fee, r, open,
        case when open then 0 else round(cumulative_value * (0.95 + r * 0.1), 8) end as exit_value,
        case when open then 0 else round(cumulative_value * (0.95 + r * 0.1) * 0.001, 8) end as exit_fee
      from (
        select o.*, random()::numeric as r,
          row_number() over (partition by account, symbol order by exchange_update_time desc, id desc)
            <= ${OPEN_LOTS_PER_SYMBOL} as open
        from exchange_orders o where side = 'BUY' and cumulative_quantity > 0
      ) filled
    ) priced`;
  await tx`
    insert into position_books (account, symbol, version, realised, closed_trades, wins, losses, gross_profit,
      gross_loss, held_seconds, open_qty, open_cost)
    select account, symbol, gen_random_uuid(), sum(realised),
      count(*) filter (where closed_at is not null), count(*) filter (where closed_at is not null and realised > 0),
      count(*) filter (where closed_at is not null and realised < 0),
      coalesce(sum(realised) filter (where closed_at is not null and realised > 0), 0),
      coalesce(sum(realised) filter (where closed_at is not null and realised < 0), 0),
      coalesce(sum(extract(epoch from closed_at - opened_at)), 0),
      coalesce(sum(remaining) filter (where closed_at is null), 0),
      coalesce(sum(remaining_cost + remaining_fee) filter (where closed_at is null), 0)
    from position_lots group by account, symbol`;
}

async function insertAccount(tx: postgres.TransactionSql, snapshots: number): Promise<void> {
  await tx`
    insert into exchange_balances (asset, free, locked, total, usd_value) values
      ('USDT', 10000, 250, 10250, 10250), ('BTC', 0.5, 0, 0.5, 33500), ('ETH', 5, 0.2, 5.2, 18200),
      ('SOL', 40, 0, 40, 6000), ('ADA', -1200, 0, -1200, -540), ('DOGE', 15000, 0, 15000, 2400)`;
  await tx`
    insert into portfolio_loans (currency, borrowed_amount, borrowed_usd, interest_rate, is_active, auto_detected)
    values ('ADA', 1200, 540, 0.0005, true, true), ('USDT', 0, 0, 0.0002, false, false)`;
  // One snapshot per five-second sync cycle, newest last.
  await tx`
    insert into portfolio_snapshots (total_assets_usd, total_borrowed_usd, net_usd, taken_at)
    select round((70000 + 500 * sin(g / 500.0))::numeric, 2), 540,
      round((70000 + 500 * sin(g / 500.0) - 540)::numeric, 2),
      now() - make_interval(secs => (${snapshots} - g) * 5)
    from generate_series(1, ${snapshots}) as g`;
}

const round = (v: number) => Math.round(v * 100) / 100;
