import { describe, expect, test } from "bun:test";
import postgres from "postgres";
import { createTestDatabaseUrl } from "../helpers/cluster";
import { startAppProcess, waitForStatus } from "../helpers/process";

/** The real process (`bun src/main.ts`) stopped the two ways an operator or the kernel stops it. */
describe("the process under signals", () => {
  test("SIGTERM under load: requests in flight finish, no 5xx, exit 0 in under 10 s", async () => {
    const app = await startAppProcess({ DATABASE_URL: await createTestDatabaseUrl(), LOG_LEVEL: "warn" });
    await waitForStatus(`${app.baseUrl}/health`);
    const statuses = new Map<number, number>();
    let refused = 0;
    let signalled = false;
    const PATHS = ["/api/dashboard/state", "/api/watchlist", "/api/orders/history", "/health", "/api/signals"];
    // 20 clients in closed loops; each request is counted by its answer, or as refused if it never connected.
    const client = async (i: number) => {
      for (let n = 0; ; n++) {
        try {
          const res = await fetch(`${app.baseUrl}${PATHS[(i + n) % PATHS.length]}`);
          await res.arrayBuffer();
          statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
        } catch {
          // Only after the signal: the listener is closed, the connection is refused or reset.
          if (!signalled) throw new Error("a request failed before SIGTERM");
          refused++;
          return;
        }
        if (signalled) return;
      }
    };
    const clients = Array.from({ length: 20 }, (_, i) => client(i));
    await Bun.sleep(1500);
    const answeredBefore = [...statuses.values()].reduce((a, b) => a + b, 0);
    const started = performance.now();
    signalled = true;
    app.proc.kill("SIGTERM");
    const [code] = await Promise.all([app.proc.exited, Promise.all(clients)]);
    const exitMs = performance.now() - started;
    const answered = [...statuses.values()].reduce((a, b) => a + b, 0);
    console.log(
      `SIGTERM under load: ${answered} answered (${answered - answeredBefore} after the signal), ` +
        `${refused} refused after it, statuses ${JSON.stringify(Object.fromEntries(statuses))}, exit ${code} in ${Math.round(exitMs)} ms`,
    );
    expect(answeredBefore).toBeGreaterThan(100);
    expect([...statuses.keys()].filter((s) => s >= 500)).toEqual([]);
    expect(code).toBe(0);
    expect(exitMs).toBeLessThan(10_000);
  }, 60_000);

  test("kill -9 mid-import: the next process resumes from the cursor, every order stored exactly once", async () => {
    const url = await createTestDatabaseUrl();
    const HISTORY = 10_000;
    const env = {
      DATABASE_URL: url,
      SERVICES: "exchange_sync",
      EXCHANGE_SYNC_START_DELAY_MS: "0",
      EXCHANGE_SYNC_INTERVAL_MS: "200",
      EXCHANGE_SYNC_PAGE_SIZE: "50",
      PAPER_HISTORY_ORDERS: String(HISTORY),
      LOG_LEVEL: "warn",
    };
    const admin = postgres(url, { max: 1, onnotice: () => {} });
    const imported = async () =>
      (await admin<{ n: number }[]>`select count(*)::int as n from exchange_orders`)[0]?.n ?? 0;
    try {
      const first = await startAppProcess(env);
      const until = Date.now() + 30_000;
      let before = 0;
      while (Date.now() < until) {
        before = await imported();
        if (before >= 300) break;
        await Bun.sleep(20);
      }
      expect(await first.stop("SIGKILL")).not.toBe(0);
      const atKill = await imported();
      expect(atKill).toBeGreaterThan(0);
      expect(atKill).toBeLessThan(HISTORY);

      const second = await startAppProcess(env);
      try {
        while ((await imported()) < HISTORY && Date.now() < until + 30_000) await Bun.sleep(100);
        const [row] = await admin<{ n: number; ids: number }[]>`
          select count(*)::int as n, count(distinct exchange_order_id)::int as ids from exchange_orders`;
        const [state] = await admin<{ imported: number }[]>`
          select (counters->>'orders_imported')::int as imported from service_state where service = 'exchange_sync'`;
        console.log(`kill -9 mid-import: ${atKill} of ${HISTORY} stored at the kill, ${row?.n} after the restart`);
        expect(row).toEqual({ n: HISTORY, ids: HISTORY });
        // Counted in the same transactions as the pages: nothing imported twice across the kill.
        expect(state?.imported).toBe(HISTORY);
      } finally {
        expect(await second.stop("SIGTERM")).toBe(0);
      }
    } finally {
      await admin.end();
    }
  }, 90_000);
});
