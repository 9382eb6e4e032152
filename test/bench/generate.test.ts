import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { GENERATED_ORDER_PREFIX, generateDataset, placeOpenOrders } from "../../bench/generate";
import { PAPER_MARKETS } from "../../src/exchanges/paper/markets";
import { createTestDatabase } from "../helpers/cluster";

type TestDb = Awaited<ReturnType<typeof createTestDatabase>>;
const scale = { orders: 2000, signals: 300, watchlist: 50, snapshots: 100, openOrders: 25 };

const indexDefinitions = (db: TestDb) =>
  db.sql<{ def: string }[]>`
    select indexdef as def from pg_indexes
    where schemaname = 'public' and tablename in ('exchange_orders', 'trade_signals', 'position_lots')
    order by indexname`;

describe("generateDataset", () => {
  let db: TestDb;
  let other: TestDb;
  let indexesBefore: string[];
  beforeAll(async () => {
    db = await createTestDatabase();
    other = await createTestDatabase();
    indexesBefore = (await indexDefinitions(db)).map((r) => r.def);
    await generateDataset(db.sql, scale);
    await generateDataset(other.sql, scale);
  });
  afterAll(async () => {
    await db.close();
    await other.close();
  });

  test("fills every table at the requested scale; the generated history is all settled", async () => {
    const [counts] = await db.sql<Record<string, number>[]>`
      select (select count(*)::int from exchange_orders) as orders,
        (select count(*)::int from exchange_orders where status in ('NEW', 'ACTIVE', 'PARTIALLY_FILLED')) as open,
        (select count(*)::int from exchange_orders where exchange_order_id not like ${`${GENERATED_ORDER_PREFIX}%`}) as foreign,
        (select count(*)::int from trade_signals) as signals,
        (select count(*)::int from trade_signals where status = 'pending' and should_trade) as tradable_pending,
        (select count(*)::int from watchlist_items where deleted_at is null) as watchlist,
        (select count(*)::int from watchlist_items where alert_enabled) as alerting,
        (select count(*)::int from market_data) as market,
        (select count(*)::int from portfolio_snapshots) as snapshots,
        (select count(*)::int from exchange_balances) as balances`;
    expect(counts).toEqual({
      orders: 2000,
      open: 0,
      foreign: 0,
      signals: 300,
      tradable_pending: 0,
      watchlist: 50,
      alerting: PAPER_MARKETS.size - 1,
      market: 50,
      snapshots: 100,
      balances: 6,
    });
  });

  test("only symbols the paper exchange lists alert, so the signal monitor never meets an unknown one", async () => {
    const rows = await db.sql<{ symbol: string }[]>`select symbol from watchlist_items where alert_enabled`;
    expect(rows.every((r) => PAPER_MARKETS.has(r.symbol))).toBe(true);
  });

  test("the open orders rest on the paper exchange, where the sync will find them", async () => {
    await placeOpenOrders(db.url, scale.openOrders);
    const [row] = await db.sql<{ open: number; locked: string }[]>`
      select (select count(*)::int from paper_orders where status = 'ACTIVE' and order_type = 'LIMIT') as open,
        (select locked::text from paper_balances where asset = 'USDT') as locked`;
    expect(row?.open).toBe(scale.openOrders);
    expect(Number(row?.locked)).toBeGreaterThanOrEqual(20 * scale.openOrders);
  });

  test("filled orders carry their fill and cancelled ones none", async () => {
    const rows = await db.sql<{ status: string; bad: number }[]>`
      select status, count(*) filter (where case status
          when 'FILLED' then cumulative_quantity <> quantity or avg_price <> price
          when 'PARTIALLY_FILLED' then cumulative_quantity >= quantity
          else cumulative_quantity <> 0 end)::int as bad
      from exchange_orders group by status`;
    expect(rows.every((r) => r.bad === 0)).toBe(true);
    expect(rows.map((r) => r.status).sort()).toContain("FILLED");
  });

  test("books the history as an account has it: a lot per filled BUY, the newest three of a symbol open", async () => {
    const [row] = await db.sql<{ lots: number; buys: number; open_symbols: number; open: number; symbols: number }[]>`
      select (select count(*)::int from position_lots) as lots,
        (select count(*)::int from exchange_orders where side = 'BUY' and cumulative_quantity > 0) as buys,
        (select count(*)::int from position_lots where closed_at is null and remaining > 0) as open,
        (select count(distinct symbol)::int from position_lots where closed_at is null) as open_symbols,
        (select count(distinct symbol)::int from exchange_orders where side = 'BUY' and cumulative_quantity > 0)
          as symbols`;
    expect(row?.lots).toBe(row?.buys as number);
    expect(row?.open).toBe(3 * (row?.symbols as number));
    expect(row?.open_symbols).toBe(row?.symbols as number);
  });

  test("each book holds its lots' totals, as the bookings keep them", async () => {
    const mismatched = await db.sql`
      select b.symbol from position_books b join (
        select account, symbol, sum(realised) as realised, count(*) filter (where closed_at is not null) as closed,
          coalesce(sum(remaining) filter (where closed_at is null), 0) as open_qty,
          coalesce(sum(remaining_cost + remaining_fee) filter (where closed_at is null), 0) as open_cost
        from position_lots group by account, symbol) l on l.account = b.account and l.symbol = b.symbol
      where b.realised <> l.realised or b.closed_trades <> l.closed or b.open_qty <> l.open_qty
        or b.open_cost <> l.open_cost or b.wins + b.losses > b.closed_trades or b.version is null`;
    expect([...mismatched]).toEqual([]);
    const [lots] = await db.sql<{ bad: number }[]>`
      select count(*) filter (where realised <> exit_value - exit_fee - closed_cost - closed_fee)::int as bad
      from position_lots`;
    expect(lots?.bad).toBe(0);
  });

  test("restores exactly the migrated indexes it dropped for the bulk load", async () => {
    expect((await indexDefinitions(db)).map((r) => r.def)).toEqual(indexesBefore);
  });

  test("is deterministic: two databases get the same orders and signals", async () => {
    const digest = (d: TestDb) =>
      d.sql<{ orders: string; signals: string }[]>`
        select (select md5(string_agg(concat_ws('|', exchange_order_id, symbol, side, order_type, status, price, quantity),
                  ',' order by id)) from exchange_orders) as orders,
          (select md5(string_agg(concat_ws('|', symbol, side, status, should_trade, price, rsi), ',' order by id))
            from trade_signals) as signals`;
    expect(await digest(db)).toEqual(await digest(other));
  });
});
