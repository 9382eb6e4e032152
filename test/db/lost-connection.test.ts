import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import postgres from "postgres";
import { createTestDatabaseUrl } from "../helpers/cluster";
import { json } from "../helpers/json";
import { startAppProcess, waitForStatus } from "../helpers/process";

const root = join(import.meta.dir, "../..");

describe("a lost database connection (postgres.js 3.4.9, porsager/postgres#1208)", () => {
  test("the installed driver carries the patch in every build it ships", () => {
    const files = ["connection.js", "index.js"].flatMap((f) => ["src", "cjs/src", "cf/src"].map((d) => `${d}/${f}`));
    const unpatched = files.filter(
      (file) =>
        !readFileSync(join(root, "node_modules/postgres", file), "utf8").includes("atp: porsager/postgres#1208"),
    );
    // An install from before the patch existed: `npm ci` (or `node scripts/patch-postgres.mjs`) applies it.
    if (unpatched.length > 0) throw new Error(`postgres.js not patched (${unpatched.join(", ")}): run npm ci`);
  });

  test("queries on a reserved connection whose backend was terminated fail; the process lives, the pool recovers", async () => {
    const url = await createTestDatabaseUrl();
    const proc = Bun.spawn([process.execPath, join(root, "test/fixtures/lost-socket.ts"), url], {
      cwd: root,
      stdout: "pipe",
      stderr: "pipe",
    });
    const [code, out, err] = await Promise.all([
      proc.exited,
      new Response(proc.stdout).text(),
      new Response(proc.stderr).text(),
    ]);
    expect(err).not.toContain("socket.write");
    expect(code).toBe(0);
    const outcome = JSON.parse(out.trim());
    expect(outcome.pool).toBe("ok");
    for (const query of [outcome.first, outcome.second])
      expect(["CONNECTION_CLOSED", "ECONNRESET", "hung"]).toContain(query);
  });

  test("the main thread and every worker survive their backends being terminated, and run again", async () => {
    const url = await createTestDatabaseUrl();
    const app = await startAppProcess({
      DATABASE_URL: url,
      SERVICES: "exchange_sync,signal_monitor,trading_scheduler",
      EXCHANGE_SYNC_START_DELAY_MS: "0",
      EXCHANGE_SYNC_INTERVAL_MS: "200",
      SIGNAL_MONITOR_INTERVAL_MS: "300",
      TRADING_SCHEDULER_INTERVAL_MS: "200",
    });
    const admin = postgres(url, { max: 1, onnotice: () => {} });
    const statuses = async () =>
      (await json(await fetch(`${app.baseUrl}/api/services/status`))).services as {
        name: string;
        state: string;
        restarts: number;
      }[];
    const allRunning = async (timeoutMs: number) => {
      const until = Date.now() + timeoutMs;
      while (Date.now() < until) {
        const list = await statuses().catch(() => []);
        if (list.length === 3 && list.every((s) => s.state === "running")) return list;
        await Bun.sleep(100);
      }
      return statuses();
    };
    try {
      await waitForStatus(`${app.baseUrl}/health`);
      expect((await allRunning(15_000)).map((s) => s.state)).toEqual(["running", "running", "running"]);
      for (let round = 0; round < 3; round++) {
        const killed = await admin<{ pid: number }[]>`
          select pid from pg_stat_activity
          where application_name like ${`atp-${app.proc.pid}-%`} and pid <> pg_backend_pid()`;
        await admin`select pg_terminate_backend(pid) from pg_stat_activity
          where application_name like ${`atp-${app.proc.pid}-%`} and pid <> pg_backend_pid()`;
        expect(killed.length).toBeGreaterThan(0);
        await Bun.sleep(700);
        expect(app.proc.exitCode).toBeNull();
      }
      await waitForStatus(`${app.baseUrl}/health`, 200, 15_000);
      const after = await allRunning(15_000);
      expect(after.map((s) => s.state)).toEqual(["running", "running", "running"]);
      // No worker crashed: a lost connection surfacing outside a query (a socket's error event, an orphaned
      // query's rejection) is logged by the worker, not fatal (src/workers/runtime.ts).
      const crashes = app
        .output()
        .split("\n")
        .filter((line) => line.includes("service crashed"));
      expect(crashes).toEqual([]);
      const survived = app
        .output()
        .split("\n")
        .filter((line) => line.includes("outside a query; carrying on"));
      console.log(
        `lost connections: 3 rounds of terminated backends, 0 crashes, ${survived.length} survived outside a query`,
      );
      expect(after.map((s) => s.restarts)).toEqual([0, 0, 0]);
      expect(app.output()).not.toContain("socket.write");
    } finally {
      await admin.end({ timeout: 1 });
      expect(await app.stop("SIGTERM")).toBe(0);
    }
  }, 60_000);
});
