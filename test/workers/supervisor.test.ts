import { afterAll, describe, expect, test } from "bun:test";
import { readdirSync, readFileSync } from "node:fs";
import { getPriority } from "node:os";
import { createLogger } from "../../src/lib/logger";
import { Supervisor } from "../../src/workers/supervisor";
import { testEnvironment } from "../helpers/app";
import { createTestDatabase } from "../helpers/cluster";

const fixture = (file: string) => new URL(`../fixtures/workers/${file}`, import.meta.url).href;

async function until<T>(probe: () => T | Promise<T>, ok: (v: T) => boolean, timeoutMs = 10_000): Promise<T> {
  const start = Date.now();
  for (;;) {
    const value = await probe();
    if (ok(value)) return value;
    if (Date.now() - start > timeoutMs)
      throw new Error(`condition not met in ${timeoutMs} ms: ${JSON.stringify(value)}`);
    await Bun.sleep(20);
  }
}

describe("Supervisor", async () => {
  const database = await createTestDatabase(2);
  const log = createLogger({ level: "error", write: () => {} });
  const supervisor = (definitions: { name: string; workerUrl: string }[], extra = {}) =>
    new Supervisor({
      definitions,
      environment: testEnvironment({ LOG_LEVEL: "warn" }),
      databaseUrl: database.url,
      log,
      heartbeatMs: 50,
      leaderPollMs: 100,
      restartBaseMs: 50,
      restartMaxMs: 400,
      stopGraceMs: 2000,
      ...extra,
    });
  const cycles = async (service: string) => {
    const [row] = await database.sql<{ n: string | null }[]>`
      select counters ->> 'cycles' as n from service_state where service = ${service}`;
    return Number(row?.n ?? 0);
  };
  afterAll(() => database.close());

  test("runs a service in a worker, reports it, and stops it cooperatively", async () => {
    const changes: string[] = [];
    const s = supervisor([{ name: "exchange_sync", workerUrl: fixture("counting.worker.ts") }], {
      onStateChange: (name: string, state: string) => changes.push(`${name}:${state}`),
    });
    s.start("exchange_sync");
    await until(
      () => s.statuses()[0],
      (st) => st?.state === "running" && st.last_success_at !== null,
    );
    await until(
      () => cycles("exchange_sync"),
      (n) => n >= 3,
    );
    await s.stop("exchange_sync");
    expect(s.statuses()[0]).toMatchObject({ state: "stopped", enabled: false, restarts: 0 });
    expect(changes).toEqual(["exchange_sync:starting", "exchange_sync:running", "exchange_sync:stopped"]);
    const after = await cycles("exchange_sync");
    await Bun.sleep(200);
    expect(await cycles("exchange_sync")).toBe(after);
    await s.stopAll();
  });

  test("restarts a crashed worker with growing backoff and reports its last error", async () => {
    const s = supervisor([{ name: "signal_monitor", workerUrl: fixture("crashing.worker.ts") }]);
    s.start("signal_monitor");
    const crashed = await until(
      () => s.statuses()[0],
      (st) => (st?.restarts ?? 0) >= 3,
    );
    expect(crashed?.last_error).toContain("boom: indicator exploded");
    expect(["crashed", "starting", "running"]).toContain(crashed?.state ?? "");
    await s.stopAll();
    expect(s.statuses()[0]?.state).toMatch(/stopped|crashed/);
    const restarts = s.statuses()[0]?.restarts;
    await Bun.sleep(500);
    expect(s.statuses()[0]?.restarts).toBe(restarts);
  });

  test("two processes on one database run one instance; the standby takes over", async () => {
    const definitions = [{ name: "exchange_sync", workerUrl: fixture("counting.worker.ts") }];
    const first = supervisor(definitions);
    const second = supervisor(definitions);
    first.start("exchange_sync");
    await until(
      () => first.statuses()[0]?.state,
      (st) => st === "running",
    );
    second.start("exchange_sync");
    await until(
      () => second.statuses()[0]?.state,
      (st) => st === "standby",
    );
    await Bun.sleep(300);
    expect(first.statuses()[0]?.state).toBe("running");
    expect(second.statuses()[0]?.state).toBe("standby");

    await first.stop("exchange_sync");
    await until(
      () => second.statuses()[0]?.state,
      (st) => st === "running",
      5000,
    );
    const before = await cycles("exchange_sync");
    await until(
      () => cycles("exchange_sync"),
      (n) => n > before,
    );
    await second.stopAll();
    await first.stopAll();
  });

  test("worker threads run at WORKER_NICE: a service's CPU bursts yield to the HTTP thread", async () => {
    // Linux nice values are per thread: the worker's threads are lowered, this (the HTTP) thread is not.
    const niceOfThreads = () =>
      readdirSync("/proc/self/task").map((tid) => {
        const fields = readFileSync(`/proc/self/task/${tid}/stat`, "utf8").split(") ")[1]?.split(" ") ?? [];
        return Number(fields[16]);
      });
    const before = niceOfThreads().filter((n) => n === 7).length;
    const s = new Supervisor({
      definitions: [{ name: "exchange_sync", workerUrl: fixture("counting.worker.ts") }],
      environment: testEnvironment({ LOG_LEVEL: "warn", WORKER_NICE: "7" }),
      databaseUrl: database.url,
      log,
      heartbeatMs: 50,
      leaderPollMs: 100,
    });
    const cyclesBefore = await cycles("exchange_sync");
    s.start("exchange_sync");
    await until(
      () => cycles("exchange_sync"),
      (n) => n > cyclesBefore,
    );
    expect(niceOfThreads().filter((n) => n === 7).length).toBeGreaterThan(before);
    expect(getPriority()).toBe(0);
    await s.stopAll();
  });
});
