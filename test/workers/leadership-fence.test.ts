import { afterAll, describe, expect, test } from "bun:test";
import postgres from "postgres";
import { createDatabase, type Database } from "../../src/db/client";
import { createPaperExchange } from "../../src/exchanges/paper/client";
import type { ExchangeClient } from "../../src/exchanges/types";
import { importOrderHistory } from "../../src/services/exchange-sync/history";
import { Leadership, LeadershipLost } from "../../src/workers/leadership";
import { createTestDatabaseUrl } from "../helpers/cluster";
import { override } from "../helpers/trading";

/**
 * Two replicas of exchange_sync on one database, each with its own pool and Leadership, importing a long order
 * history page by page through the fenced pool. Only the leader's lock backend is terminated
 * (pg_terminate_backend on that pid): the old leader's next page is refused (LeadershipLost) before the other
 * replica takes over, so the committed pages never interleave — and every order is imported exactly once.
 */
describe("leadership is fenced", async () => {
  const url = await createTestDatabaseUrl();
  const pools: Database[] = [];
  const pool = (name: string) => {
    const database = createDatabase({ url, max: 3, statementTimeoutMs: 10_000, applicationName: `atp-fence-${name}` });
    pools.push(database);
    return database;
  };
  const seedPool = pool("seed");
  const HISTORY = 600;
  const seeded = await createPaperExchange({
    sql: seedPool.sql,
    seed: "fence",
    feeRate: "0.001",
    slippageRate: "0.0005",
    startBalances: { USDT: "1000" },
    historyOrders: HISTORY,
  });
  afterAll(async () => {
    await seeded.close();
    await Promise.all(pools.map((p) => p.close(1)));
  });

  const commits: string[] = [];
  const refusals: string[] = [];

  /** One replica: leads or waits; when leading, imports pages (slowly) until told to stop or refused. */
  function replica(name: string) {
    const database = pool(name);
    const leadership = new Leadership(database.sql, "exchange_sync");
    const fenced = leadership.fenced(database.sql);
    // Each committed transaction is recorded in commit order, with the replica that made it.
    const recording = new Proxy(fenced, {
      get(target, property, receiver) {
        if (property === "begin") {
          return async (body: (tx: unknown) => unknown) => {
            const result = await (target.begin as (b: typeof body) => Promise<unknown>)(body);
            commits.push(name);
            return result;
          };
        }
        return Reflect.get(target, property, receiver);
      },
    }) as typeof fenced;
    const exchange: ExchangeClient = override(seeded, {
      fetchOrderHistory: async (cursor, limit) => {
        await Bun.sleep(15);
        return seeded.fetchOrderHistory(cursor, limit);
      },
    });
    let stopped = false;
    const done = (async () => {
      while (!stopped) {
        if (!(await leadership.check())) {
          await Bun.sleep(20);
          continue;
        }
        try {
          const { fetched } = await importOrderHistory(recording, exchange, {
            service: "exchange_sync",
            pageSize: 5,
            stopping: () => stopped,
          });
          if (fetched === 0) await Bun.sleep(20);
        } catch (error) {
          refusals.push(`${name}: ${error instanceof LeadershipLost ? "LeadershipLost" : (error as Error).message}`);
        }
      }
      await leadership.release();
    })();
    return {
      stop: async () => {
        stopped = true;
        await done;
      },
    };
  }

  test("killing only the lock's backend: the old leader stops writing before the other takes over", async () => {
    const a = replica("a");
    while (commits.length < 5) await Bun.sleep(10);
    const b = replica("b");
    await Bun.sleep(100);
    expect(commits.every((c) => c === "a")).toBe(true);

    const admin = postgres(url, { max: 1, onnotice: () => {} });
    try {
      const holders = await admin<{ pid: number; app: string }[]>`
        select l.pid, a.application_name as app from pg_locks l join pg_stat_activity a using (pid)
        where l.locktype = 'advisory' and l.classid = 7402 and l.granted`;
      expect(holders.map((h) => h.app)).toEqual(["atp-fence-a"]);
      await admin`select pg_terminate_backend(${holders[0]?.pid ?? 0})`;
      const until = Date.now() + 15_000;
      while (!commits.includes("b") && Date.now() < until) await Bun.sleep(20);
      const firstOfB = commits.indexOf("b");
      while (commits.length < firstOfB + 10 && Date.now() < until) await Bun.sleep(20);
      await Promise.all([a.stop(), b.stop()]);

      expect(firstOfB).toBeGreaterThan(0);
      // After b's first page, a never committed again: the pages never interleave.
      expect(commits.slice(firstOfB).filter((c) => c === "a")).toEqual([]);
      expect(refusals.some((r) => r.startsWith("a:"))).toBe(true);
      // The cursor moved with each commit, whoever made it: each page of 5 new orders imported once.
      const [row] = await admin<{ n: number }[]>`select count(*)::int as n from exchange_orders`;
      expect(row?.n).toBe(commits.length * 5);
      console.log(
        `leadership fence: ${commits.length} pages committed (a ${firstOfB}, b ${commits.length - firstOfB}), ` +
          `a refused: ${refusals.filter((r) => r.startsWith("a:")).join(", ")}`,
      );
    } finally {
      await admin.end();
    }
  }, 30_000);
});
