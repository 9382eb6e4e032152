import { afterAll, describe, expect, test } from "bun:test";
import { type Fragment, selectJsonColumns } from "../../../src/db/queries/dashboard";
import { dashboardParts } from "../../../src/services/dashboard/parts";
import { fixedServices } from "../../helpers/app";
import { createTestDatabase } from "../../helpers/cluster";

interface PlanNode {
  "Node Type": string;
  "Relation Name"?: string;
  "Index Name"?: string;
  Plans?: PlanNode[];
}

const nodes = (node: PlanNode): PlanNode[] => [node, ...(node.Plans ?? []).flatMap(nodes)];
const BIG_TABLES = new Set(["exchange_orders", "trade_signals", "position_lots"]);

describe("every dashboard query uses an index on the big tables", async () => {
  const database = await createTestDatabase(2);
  const { sql } = database;
  afterAll(async () => {
    await database.close();
  });

  // A year of history: 200 000 orders (1 % open, the rest filled or cancelled) and 50 000 signals
  // (10 % actionable) over 20 symbols, all of them on the watchlist.
  // One transaction without the pool's statement timeout: on a shared, busy machine the bulk insert can take longer.
  await sql.begin(async (tx) => {
    await tx`set local statement_timeout = 0`;
    await tx`insert into exchange_orders (exchange_order_id, symbol, side, order_type, status, price, quantity,
        cumulative_quantity, exchange_create_time, exchange_update_time)
      select 'h-' || i, 'S' || (i % 20) || '_USDT', case when i % 2 = 0 then 'BUY' else 'SELL' end, 'LIMIT',
        case when i % 100 = 0 then 'NEW' when i % 3 = 0 then 'CANCELLED' else 'FILLED' end,
        1000 + i % 500, 0.01, 0.01,
        now() - make_interval(mins => 200000 - i), now() - make_interval(mins => 200000 - i) + interval '30 seconds'
      from generate_series(1, 200000) i`;
    await tx`insert into trade_signals (symbol, side, price, reason, should_trade, status, created_at)
      select 'S' || (i % 20) || '_USDT', 'BUY', 1000 + i % 500, 'rule', i % 10 = 0,
        case when i % 10 = 0 then 'filled' else 'skipped' end, now() - make_interval(mins => 50000 - i)
      from generate_series(1, 50000) i`;
    await tx`insert into watchlist_items (symbol) select 'S' || i || '_USDT' from generate_series(0, 19) i`;
    await tx`insert into market_data (symbol, price) select 'S' || i || '_USDT', 1000 from generate_series(0, 19) i`;
    // The BUY orders' lots, all but the newest few per symbol sold, and one book per symbol.
    await tx`insert into position_lots (account, symbol, entry_order_id, opened_at, quantity, entry_value, entry_fee,
        remaining, remaining_cost, remaining_fee, exit_quantity, exit_value, exit_fee, closed_cost, closed_fee, closed_at)
      select 'paper', 'S' || (i % 20) || '_USDT', 'h-' || i, now() - make_interval(mins => 200000 - i), 0.01, 10, 0,
        case when i > 199900 then 0.01 else 0 end, case when i > 199900 then 10 else 0 end, 0,
        case when i > 199900 then 0 else 0.01 end, case when i > 199900 then 0 else 11 end, 0,
        case when i > 199900 then 0 else 10 end, 0,
        case when i > 199900 then null else now() - make_interval(mins => 199999 - i) end
      from generate_series(2, 200000, 2) i`;
    await tx`insert into position_books (account, symbol, open_qty, open_cost)
      select 'paper', 'S' || i || '_USDT', 0.05, 50 from generate_series(0, 19) i`;
  });
  await sql`analyze`;

  const parts = dashboardParts(sql, fixedServices());
  const statements: [string, Fragment][] = [
    [
      "the whole dashboard",
      selectJsonColumns(
        sql,
        parts.flatMap((p) => p.columns),
      ),
    ],
    ...parts.map((p) => [p.name, selectJsonColumns(sql, p.columns)] as [string, Fragment]),
  ];

  test.each(statements)("%s", async (_name, statement) => {
    const [row] = await sql<{ "QUERY PLAN": unknown }[]>`explain (format json) ${statement}`;
    const raw = row?.["QUERY PLAN"];
    const [plan] = (typeof raw === "string" ? JSON.parse(raw) : raw) as { Plan: PlanNode }[];
    const scans = nodes((plan as { Plan: PlanNode }).Plan).filter((n) => BIG_TABLES.has(n["Relation Name"] ?? ""));
    const sequential = scans.filter((n) => n["Node Type"] === "Seq Scan").map((n) => n["Relation Name"]);
    expect(sequential).toEqual([]);
    // An ORDER BY that misses its index shows as a bitmap scan feeding a sort of every matching row.
    expect(nodes((plan as { Plan: PlanNode }).Plan).some((n) => n["Node Type"] === "Bitmap Heap Scan")).toBe(false);
  });

  test("no part reads the lots (their number grows with the history): positions and profit read the books", async () => {
    const [row] = await sql<{ "QUERY PLAN": unknown }[]>`explain (format json) ${statements[0]?.[1] as Fragment}`;
    const raw = row?.["QUERY PLAN"];
    const [plan] = (typeof raw === "string" ? JSON.parse(raw) : raw) as { Plan: PlanNode }[];
    const relations = nodes((plan as { Plan: PlanNode }).Plan).map((n) => n["Relation Name"]);
    expect(relations).not.toContain("position_lots");
    expect(relations).toContain("position_books");
  });

  test("the lists read the indexes designed for them", async () => {
    const [row] = await sql<{ "QUERY PLAN": unknown }[]>`explain (format json) ${statements[0]?.[1] as Fragment}`;
    const raw = row?.["QUERY PLAN"];
    const [plan] = (typeof raw === "string" ? JSON.parse(raw) : raw) as { Plan: PlanNode }[];
    const indexes = new Set(nodes((plan as { Plan: PlanNode }).Plan).map((n) => n["Index Name"]));
    for (const index of [
      "exchange_orders_open_idx",
      "exchange_orders_filled_idx",
      "trade_signals_should_trade_idx",
      "trade_signals_symbol_created_idx",
    ]) {
      expect(indexes).toContain(index);
    }
  });
});
