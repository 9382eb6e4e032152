import { afterAll, describe, expect, test } from "bun:test";
import { createLogger } from "../../src/lib/logger";
import { SERVICE_DEFINITIONS } from "../../src/workers/registry";
import { Supervisor } from "../../src/workers/supervisor";
import { API_TOKEN, createTestApp, testEnvironment } from "../helpers/app";
import { createTestDatabase } from "../helpers/cluster";
import { type Fault, startFakeCryptocom } from "../helpers/fake-cryptocom";
import { json } from "../helpers/json";

/**
 * exchange_sync in its worker, through the ccxt adapter, against the local fake Crypto.com server injecting
 * faults: a 429 with Retry-After (a floor of the next call), a burst of 5xx pages, answers slower than
 * EXCHANGE_TIMEOUT_MS, cut-short JSON. The worker backs off and keeps running (no crash, no restart), and
 * the failures show in /api/services/status and /metrics until a cycle succeeds again.
 */
describe("exchange faults reach a worker that backs off and says so", async () => {
  const database = await createTestDatabase(3);
  const fake = startFakeCryptocom({ apiKey: "key" });
  const supervisor = new Supervisor({
    definitions: SERVICE_DEFINITIONS.filter((d) => d.name === "exchange_sync"),
    environment: testEnvironment({
      LOG_LEVEL: "error",
      EXCHANGE: "ccxt",
      EXCHANGE_API_KEY: "key",
      EXCHANGE_API_SECRET: "secret",
      EXCHANGE_API_URL: fake.url,
      EXCHANGE_RATE_LIMIT: "false",
      EXCHANGE_TIMEOUT_MS: "300",
      EXCHANGE_RETRY_ATTEMPTS: "2",
      EXCHANGE_RETRY_BASE_MS: "20",
      EXCHANGE_RETRY_MAX_MS: "2000",
      EXCHANGE_SYNC_START_DELAY_MS: "0",
      EXCHANGE_SYNC_INTERVAL_MS: "100",
    }),
    databaseUrl: database.url,
    log: createLogger({ level: "error", write: () => {} }),
    heartbeatMs: 50,
    leaderPollMs: 100,
  });
  const { app, close } = createTestApp(database, { services: supervisor, env: { API_TOKEN } });
  afterAll(async () => {
    await supervisor.stopAll();
    close();
    fake.stop();
    await database.close();
  });
  const status = async () => (await json(await app.request("/api/services/status"))).services[0];
  const until = async (ok: (s: Record<string, unknown>) => boolean, timeoutMs = 20_000) => {
    const end = Date.now() + timeoutMs;
    while (Date.now() < end) {
      const s = await status();
      if (ok(s)) return s;
      await Bun.sleep(25);
    }
    throw new Error(`not reached: ${JSON.stringify(await status())}`);
  };
  const failedCyclesMetric = async () => {
    const text = await (await app.request("/metrics/prometheus")).text();
    const line = text.split("\n").find((l) => l.startsWith('atp_service_failed_cycles_total{service="exchange_sync"}'));
    return Number(line?.split(" ").pop());
  };
  const summary: string[] = [];
  afterAll(() => console.log(`exchange faults: ${summary.join("; ")}`));

  supervisor.start("exchange_sync");
  await until((s) => s.state === "running" && s.last_success_at !== null);

  test("a 429 with Retry-After: the next call waits at least that long", async () => {
    const from = fake.requests.length;
    fake.inject({ kind: "rate-limit", retryAfterS: 1 }, { method: "private/user-balance" });
    const end = Date.now() + 10_000;
    while (fake.requests.slice(from).filter((m) => m === "private/user-balance").length < 2 && Date.now() < end) {
      await Bun.sleep(20);
    }
    const calls = fake.requests.map((method, i) => ({ method, at: fake.arrivals[i] as number })).slice(from);
    const limited = calls.find((c) => c.method === "private/user-balance");
    const next = calls.find((c) => c !== limited && (c.at ?? 0) >= (limited?.at ?? 0) && c.method !== undefined);
    expect(limited).toBeDefined();
    expect((next?.at ?? 0) - (limited?.at ?? 0)).toBeGreaterThanOrEqual(990);
    summary.push(`429 Retry-After 1 s → next call after ${(next?.at ?? 0) - (limited?.at ?? 0)} ms`);
  });

  const bursts: [string, Fault, number][] = [
    ["a burst of 5xx", { kind: "server-error" }, 6],
    ["answers past the timeout", { kind: "slow", ms: 600 }, 4],
    ["cut-short JSON", { kind: "malformed" }, 4],
  ];
  for (const [what, fault, times] of bursts) {
    test(`${what}: failed cycles, backoff, no restart; visible in status and /metrics; then healthy`, async () => {
      const before = (await status()).failed_cycles as number;
      const metricBefore = await failedCyclesMetric();
      const from = fake.requests.length;
      const started = Date.now();
      fake.inject(fault, { times });
      const failing = await until((s) => (s.failed_cycles as number) > before && s.last_error !== null);
      expect(failing.state).toBe("running");
      expect(await failedCyclesMetric()).toBeGreaterThan(metricBefore);
      // Healthy again: a success after the failure seen (a cycle in flight at injection may succeed first).
      const failedAt = Date.parse(String(failing.last_error_at));
      const healthy = await until((s) => Date.parse(String(s.last_success_at)) > failedAt);
      expect(healthy).toMatchObject({ state: "running", restarts: 0 });
      const seconds = (Date.now() - started) / 1000;
      const calls = fake.requests.length - from;
      // Backoff, not a tight loop: well under the calls an unthrottled 100 ms loop would make.
      expect(calls / seconds).toBeLessThan(60);
      summary.push(
        `${what} ×${times}: ${(healthy.failed_cycles as number) - before} failed cycles, ${calls} calls in ${seconds.toFixed(1)} s, restarts 0, last_error "${String(failing.last_error).slice(0, 60)}"`,
      );
    }, 30_000);
  }
});
