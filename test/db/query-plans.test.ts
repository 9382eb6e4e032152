import { afterAll, describe, expect, test } from "bun:test";
import postgres from "postgres";
import type { Queryable } from "../../src/db/client";
import { listOpenOrders, listOrderHistory } from "../../src/db/queries/orders";
import { insertSnapshot } from "../../src/db/queries/portfolio-valuation";
import { claimPendingSignals, lastSignalOrderAt, openPositions } from "../../src/db/queries/signal-orders";
import { latestSignal, listSignals } from "../../src/db/queries/signals";
import { createTestDatabase } from "../helpers/cluster";

interface PlanNode {
  "Node Type": string;
  "Relation Name"?: string;
  "Index Name"?: string;
  Plans?: PlanNode[];
}

const nodes = (plan: PlanNode): PlanNode[] => [plan, ...(plan.Plans ?? []).flatMap(nodes)];

/**
 * The hot queries of the trading API and scheduler, run through their real functions with auto_explain reporting
 * each executed plan: every one reads through an index, and the pages never sort (their order is the index's).
 */
describe("query plans of the hot trading queries", async () => {
  const database = await createTestDatabase();
  await database.sql`
    insert into exchange_orders (exchange_order_id, symbol, side, order_type, status, quantity,
      exchange_create_time, exchange_update_time)
    select 'o' || g, (array['BTC_USDT', 'ETH_USDT', 'SOL_USDT'])[g % 3 + 1], 'BUY', 'LIMIT',
      case when g % 50 = 0 then 'ACTIVE' else 'FILLED' end, 1, now() - g * interval '1 second', now()
    from generate_series(1, 20000) as g`;
  await database.sql`
    insert into trade_signals (symbol, side, price, reason, status, should_trade, created_at)
    select (array['BTC_USDT', 'ETH_USDT', 'SOL_USDT'])[g % 3 + 1], 'BUY', 1, 'seeded',
      case when g % 10 = 0 then 'pending' else 'skipped' end, g % 2 = 0, now() - g * interval '1 second'
    from generate_series(1, 10000) as g`;
  await database.sql`
    insert into portfolio_snapshots (total_assets_usd, total_borrowed_usd, net_usd, taken_at)
    select 100, 0, 100, now() - g * interval '5 seconds' from generate_series(1, 20000) as g`;
  await database.sql`analyze exchange_orders, trade_signals, portfolio_snapshots`;

  const plans: PlanNode[] = [];
  const client = postgres(database.url, {
    max: 1,
    onnotice: (notice) => {
      const json = notice.message?.split("plan:\n")[1];
      if (json) plans.push((JSON.parse(json) as { Plan: PlanNode }).Plan);
    },
  });
  await client.unsafe(
    "load 'auto_explain'; set auto_explain.log_min_duration = 0; set auto_explain.log_format = 'json'; set auto_explain.log_level = 'notice'",
  );
  afterAll(async () => {
    await client.end();
    await database.close();
  });

  const cursor = { time: new Date(Date.now() - 5000_000).toISOString().replace("Z", "000Z"), id: 1 };
  const page = true;
  const queries: [string, (q: Queryable) => Promise<unknown>, boolean?][] = [
    ["order history, first page", (q) => listOrderHistory(q, { limit: 100 }), page],
    ["order history, next page", (q) => listOrderHistory(q, { limit: 100, after: cursor }), page],
    ["order history by symbol", (q) => listOrderHistory(q, { limit: 100, symbol: "ETH_USDT" }), page],
    ["order history by status", (q) => listOrderHistory(q, { limit: 100, status: "ACTIVE" }), page],
    ["open orders", (q) => listOpenOrders(q, { limit: 100 }), page],
    ["signals, first page", (q) => listSignals(q, { limit: 100 }), page],
    ["signals, next page", (q) => listSignals(q, { limit: 100, after: cursor }), page],
    ["signals to trade", (q) => listSignals(q, { limit: 100, shouldTrade: true }), page],
    ["latest signal of a symbol", (q) => latestSignal(q, "BTC_USDT"), page],
    ["claim pending signals", (q) => claimPendingSignals(q, { now: new Date(), leaseMs: 30_000, limit: 20 }), page],
    ["last signal order of a symbol", (q) => lastSignalOrderAt(q, "BTC_USDT")],
    ["open positions", (q) => openPositions(q, "BTC_USDT")],
    [
      "portfolio snapshot after the previous one",
      (q) => insertSnapshot(q, { totalAssetsUsd: "100", totalBorrowedUsd: "0", netUsd: "100" }),
    ],
  ];
  test.each(queries)("%s uses an index", async (_name, run, isPage = false) => {
    plans.length = 0;
    await run(client);
    expect(plans).toHaveLength(1);
    const all = nodes(plans[0] as PlanNode);
    const tables = all.filter((n) => n["Relation Name"] !== undefined);
    expect(tables.length).toBeGreaterThan(0);
    for (const node of tables) {
      if (node["Node Type"] === "ModifyTable") continue;
      expect(`${node["Node Type"]} on ${node["Relation Name"]}`).toMatch(/Index/);
    }
    if (isPage) expect(all.map((n) => n["Node Type"])).not.toContain("Sort");
  });
});
