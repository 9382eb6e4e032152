import { afterAll, describe, expect, test } from "bun:test";
import postgres from "postgres";
import { runMigrations } from "../../src/db/migrate";
import { createTestDatabaseUrl } from "../helpers/cluster";

const TABLES = [
  "exchange_balances",
  "exchange_orders",
  "trade_signals",
  "watchlist_items",
  "market_data",
  "portfolio_snapshots",
  "portfolio_loans",
  "service_state",
  "trading_settings",
  "paper_balances",
  "paper_orders",
];

describe("migrations", async () => {
  const url = await createTestDatabaseUrl({ empty: true });
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  afterAll(() => sql.end());

  test("apply from scratch and create the whole data model with its indexes", async () => {
    await runMigrations(url);
    const tables = await sql<{ table_name: string }[]>`
      select table_name from information_schema.tables where table_schema = 'public'`;
    expect(tables.map((t) => t.table_name)).toEqual(expect.arrayContaining(TABLES));

    const indexes = await sql<{ indexname: string; indexdef: string }[]>`
      select indexname, indexdef from pg_indexes where tablename = 'exchange_orders'`;
    const byName = Object.fromEntries(indexes.map((i) => [i.indexname, i.indexdef]));
    expect(byName.exchange_orders_status_idx).toContain("(status)");
    expect(byName.exchange_orders_exchange_order_id_key).toContain("UNIQUE");
    expect(byName.exchange_orders_create_time_idx).toContain("exchange_create_time DESC");
    expect(byName.exchange_orders_open_idx).toContain("WHERE");
    expect(byName.exchange_orders_symbol_time_idx).toContain("(symbol, exchange_create_time DESC");

    const signalIndexes = await sql<{ indexdef: string }[]>`
      select indexdef from pg_indexes where tablename = 'trade_signals'`;
    const defs = signalIndexes.map((i) => i.indexdef).join("\n");
    expect(defs).toContain("(status)");
    expect(defs).toContain("(should_trade");
    expect(defs).toContain("(symbol, created_at DESC");
  });

  test("amounts are exact numerics and times are timestamptz", async () => {
    const columns = await sql<{ column_name: string; data_type: string }[]>`
      select column_name, data_type from information_schema.columns where table_name = 'exchange_orders'`;
    const types = Object.fromEntries(columns.map((c) => [c.column_name, c.data_type]));
    expect(types.price).toBe("numeric");
    expect(types.cumulative_value).toBe("numeric");
    expect(types.exchange_create_time).toBe("timestamp with time zone");
    expect(types.created_at).toBe("timestamp with time zone");
    expect(types.updated_at).toBe("timestamp with time zone");
  });

  test("running them again changes nothing, and concurrent runs serialise", async () => {
    await Promise.all([runMigrations(url), runMigrations(url)]);
    const [row] = await sql<{ n: number }[]>`select count(*)::int as n from drizzle.__drizzle_migrations`;
    const files = [...new Bun.Glob("*.sql").scanSync("drizzle")];
    expect(row?.n).toBe(files.length);
  });

  test("constraints reject values outside the model", async () => {
    const insert = sql`insert into exchange_orders (exchange_order_id, symbol, side, order_type, status, quantity,
      exchange_create_time, exchange_update_time) values ('x1', 'BTC_USDT', 'HOLD', 'MARKET', 'NEW', 1, now(), now())`;
    await expect(insert).rejects.toThrow(/exchange_orders_side_check/);
  });
});
