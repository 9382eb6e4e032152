import { afterAll, describe, expect, test } from "bun:test";
import { createLogger } from "../../src/lib/logger";
import { SERVICE_DEFINITIONS } from "../../src/workers/registry";
import { Supervisor } from "../../src/workers/supervisor";
import { createTestApp, testEnvironment } from "../helpers/app";
import { createTestDatabase } from "../helpers/cluster";
import { startFakeCryptocom } from "../helpers/fake-cryptocom";
import { json } from "../helpers/json";

const TOKEN = "test-api-token-0123456789";

describe("a service whose exchange refuses its credentials", async () => {
  const database = await createTestDatabase(3);
  const fake = startFakeCryptocom({ apiKey: "the-right-key" });
  const sync = SERVICE_DEFINITIONS.filter((d) => d.name === "exchange_sync");
  const supervisor = new Supervisor({
    definitions: [...sync],
    environment: testEnvironment({
      LOG_LEVEL: "error",
      EXCHANGE: "ccxt",
      EXCHANGE_API_KEY: "a-wrong-key",
      EXCHANGE_API_SECRET: "a-secret",
      EXCHANGE_API_URL: fake.url,
      EXCHANGE_RATE_LIMIT: "false",
      EXCHANGE_SYNC_START_DELAY_MS: "0",
      EXCHANGE_SYNC_INTERVAL_MS: "100",
    }),
    databaseUrl: database.url,
    log: createLogger({ level: "error", write: () => {} }),
    heartbeatMs: 50,
    leaderPollMs: 100,
  });
  const { app, lag } = createTestApp(database, { services: supervisor, env: { API_TOKEN: TOKEN } });
  const status = async () => (await json(await app.request("/api/services/status"))).services[0];
  const until = async (ok: (s: { state: string }) => boolean) => {
    for (let i = 0; i < 1000; i++) {
      const s = await status();
      if (ok(s)) return s;
      await Bun.sleep(20);
    }
    throw new Error(`state not reached: ${JSON.stringify(await status())}`);
  };
  afterAll(async () => {
    await supervisor.stopAll();
    lag.stop();
    fake.stop();
    await database.close();
  });

  test("ends in failed with the reason, stops cycling, and starts again through the API", async () => {
    supervisor.start("exchange_sync");
    const failed = await until((s) => s.state === "failed");
    expect(failed).toMatchObject({ name: "exchange_sync", state: "failed", enabled: false, restarts: 0 });
    expect(failed.last_error).toContain("401");

    // Stopped cycling: no new calls reach the exchange while it is failed.
    const calls = fake.requests.length;
    await Bun.sleep(400);
    expect(fake.requests.length).toBe(calls);
    expect((await status()).state).toBe("failed");

    const started = await app.request("/api/services/exchange_sync/start", {
      method: "POST",
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    expect(started.status).toBe(200);
    const restarted = (await json(started)).services[0];
    expect(restarted.enabled).toBe(true);
    expect(restarted.state).not.toBe("failed");
    await until((s) => s.state === "failed");
    expect(fake.requests.length).toBeGreaterThan(calls);
  });
});
