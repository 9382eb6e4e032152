import { afterAll, describe, expect, test } from "bun:test";
import postgres from "postgres";
import type { Database } from "../../src/db/client";
import { listPositions } from "../../src/services/positions/positions";
import { profitPeriods, profitSummary, tradesPage } from "../../src/services/positions/profit";
import { createTestDatabase } from "../helpers/cluster";

interface PlanNode {
  "Node Type": string;
  "Relation Name"?: string;
  Plans?: PlanNode[];
}
const nodes = (node: PlanNode): PlanNode[] => [node, ...(node.Plans ?? []).flatMap(nodes)];
const BIG_TABLES = new Set(["exchange_orders", "position_lots", "protection_orders", "portfolio_snapshots"]);

describe("/api/positions, /api/profit and /api/trades read indexes on large tables", async () => {
  const database = await createTestDatabase(2);
  afterAll(() => database.close());
  // A large account: 1 000 000 orders, 300 000 lots (1 % open) over 20 symbols, 20 000 protection rows,
  // 100 000 portfolio snapshots.
  await database.sql.begin(async (tx) => {
    await tx`set local statement_timeout = 0`;
    await tx`insert into exchange_orders (exchange_order_id, symbol, side, order_type, status, quantity,
        exchange_create_time, exchange_update_time)
      select 'x-' || i, 'S' || (i % 20) || '_USDT', 'BUY', 'MARKET', 'FILLED', 1,
        now() - make_interval(secs => i), now() - make_interval(secs => i)
      from generate_series(1, 1000000) i`;
    await tx`insert into position_lots (account, symbol, entry_order_id, entry_client_oid, opened_at, quantity,
        entry_value, entry_fee, remaining, remaining_cost, remaining_fee, exit_quantity, exit_value, exit_fee,
        closed_cost, closed_fee, closed_at, exit_reason, realised)
      select 'paper', 'S' || (i % 20) || '_USDT', 'x-' || i, 'sig-' || i, now() - make_interval(mins => i + 60),
        1, 100, 0.1, case when i % 100 = 0 then 1 else 0 end, case when i % 100 = 0 then 100 else 0 end,
        case when i % 100 = 0 then 0.1 else 0 end, case when i % 100 = 0 then 0 else 1 end,
        case when i % 100 = 0 then 0 else 100 + i % 7 - 3 end, 0, case when i % 100 = 0 then 0 else 100 end,
        case when i % 100 = 0 then 0 else 0.1 end,
        case when i % 100 = 0 then null else now() - make_interval(mins => i) end,
        case when i % 100 = 0 then null else 'take_profit' end, case when i % 100 = 0 then 0 else i % 7 - 3.1 end
      from generate_series(1, 300000) i`;
    await tx`insert into position_books (account, symbol, realised, closed_trades)
      select 'paper', 'S' || i || '_USDT', 0, 0 from generate_series(0, 19) i`;
    await tx`insert into protection_orders (account, symbol, entry_order_id, kind, generation, client_oid, state,
        quantity, trigger_price, limit_price)
      select 'paper', 'S' || (i % 20) || '_USDT', 'x-' || i, 'take_profit', 0, 'tp-x-' || i,
        case when i % 100 = 0 then 'open' else 'filled' end, 1, 110, 110
      from generate_series(1, 20000) i`;
    await tx`insert into portfolio_snapshots (total_assets_usd, total_borrowed_usd, net_usd, taken_at)
      select 1000 + i % 13, 0, 1000 + i % 13, now() - make_interval(mins => i * 5) from generate_series(1, 100000) i`;
    await tx`insert into market_data (symbol, price) select 'S' || i || '_USDT', 101 from generate_series(0, 19) i`;
  });
  await database.sql`analyze`;

  // The services' own statements, captured as they run, then explained with their parameters.
  const captured: { query: string; params: unknown[] }[] = [];
  const watched = postgres(database.url, {
    max: 1,
    onnotice: () => {},
    debug: (_connection, query, params) => {
      if (!query.startsWith("explain")) captured.push({ query, params: [...params] });
    },
  });
  afterAll(() => watched.end());
  const db = { sql: watched } as unknown as Database;
  const now = new Date();

  const reads: [string, () => Promise<unknown>][] = [
    ["GET /api/positions", () => listPositions(db, undefined)],
    ["GET /api/profit", () => profitSummary(db, undefined)],
    ["GET /api/trades", () => tradesPage(db, undefined, { limit: 100 })],
    ["GET /api/trades?symbol=", () => tradesPage(db, undefined, { symbol: "S3_USDT", limit: 100 })],
    ["GET /api/profit/daily", () => profitPeriods(db, undefined, { unit: "day", count: 30, tz: "UTC", now })],
  ];

  test.each(reads)("%s", async (_name, read) => {
    captured.length = 0;
    await read();
    expect(captured.length).toBeGreaterThan(0);
    for (const { query, params } of captured) {
      const [row] = await watched.unsafe(`explain (format json) ${query}`, params as never[]);
      const raw = (row as Record<string, unknown>)["QUERY PLAN"];
      const [plan] = (typeof raw === "string" ? JSON.parse(raw) : raw) as { Plan: PlanNode }[];
      const scans = nodes(plan?.Plan as PlanNode).filter(
        (n) => n["Node Type"] === "Seq Scan" && BIG_TABLES.has(n["Relation Name"] ?? ""),
      );
      expect({ query, seqScans: scans.map((n) => n["Relation Name"]) }).toEqual({ query, seqScans: [] });
    }
  });
});
