import { afterAll, describe, expect, test } from "bun:test";
import { createDatabase } from "../../../src/db/client";
import { DASHBOARD_PARTS } from "../../../src/db/queries/dashboard";
import { createTestApp, fixedServices } from "../../helpers/app";
import { createTestDatabase } from "../../helpers/cluster";
import { eventually } from "../../helpers/eventually";
import { json } from "../../helpers/json";
import { freePort } from "../../helpers/ports";
import { insertDashboardFixture } from "./fixture";

describe("a failing or slow part degrades the dashboard, it does not fail it", async () => {
  const database = await createTestDatabase();
  await insertDashboardFixture(database.sql);
  // Generous enough that nothing but the locked parts runs out of time on a busy machine.
  const budgetMs = 800;
  const { app, logs, close } = createTestApp(database, {
    env: { DASHBOARD_CACHE: "off", DASHBOARD_PART_TIMEOUT_MS: String(budgetMs) },
  });
  afterAll(async () => {
    close();
    await database.close();
  });

  test("the parts whose query fails are named in errors; every other part is served", async () => {
    await database.sql`alter table market_data rename to market_data_moved`;
    try {
      const res = await app.request("/api/dashboard/state");
      expect(res.status).toBe(200);
      const body = await json(res);
      expect(body.partial).toBe(true);
      // The watchlist and the positions both read market_data's prices.
      expect(body.errors).toEqual([
        { part: "watchlist", message: 'relation "market_data" does not exist' },
        { part: "positions", message: 'relation "market_data" does not exist' },
      ]);
      expect(body.watchlist).toEqual([]);
      expect(body.positions).toEqual([]);
      expect(body.open_orders).toHaveLength(50);
      expect(body.fast_signals).toHaveLength(20);
      expect(body.portfolio.net_usd).toBe("49550.000000000");
      expect(body.bot_status).toMatchObject({ mode: "DRY_RUN", live_trading: false });
      expect(logs.some((l) => l.msg === "dashboard part failed" && l.part === "watchlist")).toBe(true);
    } finally {
      await database.sql`alter table market_data_moved rename to market_data`;
    }
    const body = await json(await app.request("/api/dashboard/state"));
    expect(body.partial).toBe(false);
    expect(body.watchlist).toHaveLength(2);
  });

  test("parts blocked past their budget (a lock held elsewhere) time out, are cancelled and named", async () => {
    const holder = await database.sql.reserve();
    await holder`begin`;
    await holder`lock table trade_signals in access exclusive mode`;
    try {
      const started = performance.now();
      const res = await app.request("/api/dashboard/state");
      const elapsed = performance.now() - started;
      expect(res.status).toBe(200);
      const body = await json(res);
      expect(body.partial).toBe(true);
      // The signal lists and the watchlist (its current signal) read trade_signals; nothing else does.
      expect(body.errors).toEqual([
        { part: "fast_signals", message: `timed out after ${budgetMs} ms` },
        { part: "slow_signals", message: `timed out after ${budgetMs} ms` },
        { part: "watchlist", message: `timed out after ${budgetMs} ms` },
      ]);
      expect(body.fast_signals).toEqual([]);
      expect(body.slow_signals).toEqual([]);
      expect(body.open_orders).toHaveLength(50);
      expect(body.executed_orders).toHaveLength(20);
      // One budget for the whole statement, one for the parts run alone.
      expect(elapsed).toBeGreaterThanOrEqual(2 * budgetMs - 5);
      expect(elapsed).toBeLessThan(2 * budgetMs + 1500);
      // The timed-out statements are cancelled on the server (asynchronously), not left waiting on the lock.
      await eventually(async () => {
        const [waiting] = await holder<{ count: number }[]>`
          select count(*)::int as count from pg_stat_activity
          where datname = current_database() and wait_event_type = 'Lock'`;
        return waiting?.count === 0;
      }, 1000);
    } finally {
      await holder`rollback`;
      holder.release();
    }
    expect((await json(await app.request("/api/dashboard/state"))).partial).toBe(false);
  });

  test("without a database every part is named, and this process's view of its services is still shown", async () => {
    const port = await freePort();
    const unreachable = createDatabase({
      url: `postgres://postgres@127.0.0.1:${port}/none`,
      max: 2,
      statementTimeoutMs: 1000,
      connectTimeoutS: 1,
    });
    const services = fixedServices([
      {
        name: "exchange_sync",
        state: "running",
        enabled: true,
        last_run_at: null,
        last_success_at: null,
        last_error: null,
        restarts: 0,
      },
    ]);
    const down = createTestApp(unreachable, { services, env: { DASHBOARD_PART_TIMEOUT_MS: String(budgetMs) } });
    try {
      const res = await down.app.request("/api/dashboard/state");
      expect(res.status).toBe(200);
      const body = await json(res);
      expect(body.partial).toBe(true);
      expect(body.errors.map((e: { part: string }) => e.part)).toEqual([...DASHBOARD_PARTS]);
      expect(body.open_orders).toEqual([]);
      expect(body.portfolio).toBeNull();
      expect(body.bot_status).toBeNull();
      expect(body.services[0]).toMatchObject({ name: "exchange_sync", state: "running", last_sync: null });
    } finally {
      down.close();
      await unreachable.close(0);
    }
  });
});
