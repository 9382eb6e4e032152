import { afterAll, describe, expect, test } from "bun:test";
import { DASHBOARD_PARTS, type DashboardPartName, PARTS_BY_TOPIC } from "../../../src/db/queries/dashboard";
import { createLogger } from "../../../src/lib/logger";
import { createDashboardBuilder } from "../../../src/services/dashboard/builder";
import { DashboardCache } from "../../../src/services/dashboard/cache";
import { fixedServices } from "../../helpers/app";
import { createTestDatabase } from "../../helpers/cluster";
import { insertDashboardFixture } from "./fixture";

const quiet = createLogger({ level: "error", write: () => {} });

describe("a change notification re-reads only the parts its topic names", async () => {
  const database = await createTestDatabase();
  const { sql } = database;
  await insertDashboardFixture(sql);
  afterAll(async () => {
    await database.close();
  });

  let clock = 1_000_000;
  const builder = createDashboardBuilder({ sql, services: fixedServices(), partTimeoutMs: 2000, log: quiet });
  const reads: (DashboardPartName[] | undefined)[] = [];
  const cache = new DashboardCache({
    build: async (changed) => {
      const built = await builder(changed);
      reads.push(built.queried);
      return built;
    },
    enabled: true,
    staleMs: 0,
    maxAgeMs: 10_000,
    log: quiet,
    now: () => clock,
  });
  // A zero stale window: once the clock moves past a change, the next answer is a build that includes it.
  const state = async () => {
    clock += 1;
    return JSON.parse((await cache.current()).body);
  };

  test("the first build reads every part", async () => {
    await state();
    expect(reads.at(-1)).toEqual([...DASHBOARD_PARTS]);
    expect(cache.stats().dashboard_part_reads).toBe(DASHBOARD_PARTS.length);
  });

  test("an orders notification re-reads the order lists, the sync's counters and the books, nothing else", async () => {
    const [item] = await sql<{ id: string; take_profit_pct: string | null }[]>`
      select id, take_profit_pct::text from watchlist_items where deleted_at is null order by symbol limit 1`;
    // Two commits; only the first is announced under its own topic.
    await sql`insert into exchange_orders (exchange_order_id, symbol, side, order_type, status, price, quantity,
        exchange_create_time, exchange_update_time)
      values ('per-part-1', 'BTC_USDT', 'BUY', 'LIMIT', 'NEW', '1.5', '2', now(), now())`;
    await sql`update watchlist_items set take_profit_pct = '7.77' where id = ${item?.id as string}`;
    cache.invalidate("orders");
    const body = await state();
    expect(reads.at(-1)).toEqual(["open_orders", "executed_orders", "services", "positions", "profit"]);
    expect(body.open_orders.map((o: { exchange_order_id: string }) => o.exchange_order_id)).toContain("per-part-1");
    // The watchlist was not read again: it still shows the value of the first build.
    const shown = body.watchlist.find((w: { id: number }) => w.id === Number(item?.id));
    expect(shown.take_profit_pct).toBe(item?.take_profit_pct ?? null);

    cache.invalidate("market_data");
    const after = await state();
    // Prices: the watchlist's and the positions' current price.
    expect(reads.at(-1)).toEqual(["watchlist", "positions"]);
    expect(after.watchlist.find((w: { id: number }) => w.id === Number(item?.id)).take_profit_pct).toBe("7.77");
  });

  test("topics accumulate until the rebuild; an unknown topic or none re-reads everything", async () => {
    cache.invalidate("settings");
    cache.invalidate("balances");
    await state();
    expect(new Set(reads.at(-1))).toEqual(new Set(["bot_status", "portfolio", "balances"]));
    cache.invalidate("something_new");
    await state();
    expect(reads.at(-1)).toEqual([...DASHBOARD_PARTS]);
    cache.invalidate();
    await state();
    expect(reads.at(-1)).toEqual([...DASHBOARD_PARTS]);
  });

  test("past its max age (a change nothing announced) the dashboard is read whole", async () => {
    cache.invalidate("settings");
    clock += 10_001;
    await state();
    expect(reads.at(-1)).toEqual([...DASHBOARD_PARTS]);
  });

  test("every topic names parts of the dashboard", () => {
    for (const parts of Object.values(PARTS_BY_TOPIC)) {
      expect(parts.length).toBeGreaterThan(0);
      for (const part of parts) expect(DASHBOARD_PARTS).toContain(part);
    }
  });

  test("every part is re-read by some topic (a new part must say which changes alter it)", () => {
    const named = new Set(Object.values(PARTS_BY_TOPIC).flat());
    for (const part of DASHBOARD_PARTS) expect(named.has(part)).toBe(true);
  });

  test("with the cache off every build reads every part", async () => {
    const seen: (DashboardPartName[] | undefined)[] = [];
    const cold = new DashboardCache({
      build: async (changed) => {
        const built = await builder(changed);
        seen.push(built.queried);
        return built;
      },
      enabled: false,
      staleMs: 0,
      maxAgeMs: 10_000,
      log: quiet,
    });
    await cold.current();
    cold.invalidate("orders");
    await cold.current();
    expect(seen).toEqual([[...DASHBOARD_PARTS], [...DASHBOARD_PARTS]]);
    cold.close();
    cache.close();
  });
});
