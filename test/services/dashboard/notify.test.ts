import { afterAll, describe, expect, test } from "bun:test";
import { CHANGES_CHANNEL, listenForChanges } from "../../../src/db/changes";
import { createDatabase, type Database } from "../../../src/db/client";
import { createLogger } from "../../../src/lib/logger";
import { createDashboard } from "../../../src/services/dashboard";
import { createDashboardBuilder } from "../../../src/services/dashboard/builder";
import { DashboardCache } from "../../../src/services/dashboard/cache";
import { createTestApp, fixedServices, testConfig } from "../../helpers/app";
import { createTestDatabase } from "../../helpers/cluster";
import { eventually } from "../../helpers/eventually";
import { json } from "../../helpers/json";

const quiet = createLogger({ level: "error", write: () => {} });

/** Commits one new open order and announces it, as exchange_sync does. */
async function commitOrder(writer: Database, id: string): Promise<void> {
  await writer.sql.begin(async (tx) => {
    await tx`insert into exchange_orders (exchange_order_id, symbol, side, order_type, status, price, quantity,
        exchange_create_time, exchange_update_time)
      values (${id}, 'BTC_USDT', 'BUY', 'LIMIT', 'NEW', '50000.5', '0.01', now(), now())`;
    await tx`select pg_notify(${CHANGES_CHANNEL}, 'orders')`; // delivered on commit, as notifyChange's
  });
}

const openOrderIds = async (res: Response) =>
  (await json(res)).open_orders.map((o: { exchange_order_id: string }) => o.exchange_order_id);

describe("change notifications invalidate the dashboard", async () => {
  const database = await createTestDatabase();
  const writer = createDatabase({ url: database.url, max: 2, statementTimeoutMs: 5000, applicationName: "atp-worker" });
  afterAll(async () => {
    await writer.close();
    await database.close();
  });

  test("a worker's commit reaches the LISTEN connection; the next answer shows it", async () => {
    const { app, dashboard, close } = createTestApp(database, { env: { DASHBOARD_STALE_MS: "0" } });
    let notified = () => {};
    const unlisten = await listenForChanges(database.sql, () => {
      dashboard.invalidate();
      notified();
    });
    try {
      expect(await openOrderIds(await app.request("/api/dashboard/state"))).toEqual([]);
      const arrived = new Promise<void>((resolve) => {
        notified = resolve;
      });
      await commitOrder(writer, "n-1");
      await arrived;
      expect(await openOrderIds(await app.request("/api/dashboard/state"))).toEqual(["n-1"]);
    } finally {
      await unlisten();
      close();
    }
  });

  test("two processes on one database: a change committed by one shows in both within the stale window", async () => {
    const staleMs = 500;
    const replicas = [0, 1].map((i) => {
      const pool = createDatabase({
        url: database.url,
        max: 3,
        statementTimeoutMs: 5000,
        applicationName: `atp-r${i}`,
      });
      const config = testConfig({ DASHBOARD_STALE_MS: String(staleMs) });
      const dashboard = createDashboard({ config, sql: pool.sql, services: fixedServices(), log: quiet });
      return { pool, dashboard };
    });
    const unlisten = await Promise.all(
      replicas.map(({ pool, dashboard }) => listenForChanges(pool.sql, () => dashboard.invalidate())),
    );
    try {
      const ids = async (dashboard: DashboardCache) =>
        JSON.parse((await dashboard.current()).body).open_orders.map(
          (o: { exchange_order_id: string }) => o.exchange_order_id,
        );
      const before = await Promise.all(replicas.map(({ dashboard }) => ids(dashboard)));
      expect(before[0]).not.toContain("r-1");
      expect(before[1]).not.toContain("r-1");

      // Replica 0's sync commits on its own pool; replica 1 hears of it only through PostgreSQL.
      await commitOrder(replicas[0]?.pool as Database, "r-1");
      const committedAt = performance.now();
      for (const { dashboard } of replicas) {
        await eventually(async () => (await ids(dashboard)).includes("r-1"), staleMs + 1000);
      }
      expect(performance.now() - committedAt).toBeLessThan(staleMs + 1000);
    } finally {
      for (const stop of unlisten) await stop();
      for (const { pool, dashboard } of replicas) {
        dashboard.close();
        await pool.close();
      }
    }
  });

  test("concurrent misses on the real builder run one build", async () => {
    const build = createDashboardBuilder({
      sql: database.sql,
      services: fixedServices(),
      partTimeoutMs: 2000,
      log: quiet,
    });
    let builds = 0;
    const cache = new DashboardCache({
      build: () => {
        builds++;
        return build();
      },
      enabled: true,
      staleMs: 0,
      maxAgeMs: 60_000,
      log: quiet,
    });
    const first = await Promise.all(Array.from({ length: 20 }, () => cache.current()));
    expect(builds).toBe(1);
    expect(new Set(first.map((s) => s.body)).size).toBe(1);

    await commitOrder(writer, "s-1");
    cache.invalidate();
    const second = await Promise.all(Array.from({ length: 20 }, () => cache.current()));
    expect(builds).toBe(2);
    expect(second.every((s) => s.body.includes('"s-1"'))).toBe(true);
    cache.close();
  });
});
