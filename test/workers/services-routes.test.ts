import { afterAll, describe, expect, test } from "bun:test";
import { createLogger } from "../../src/lib/logger";
import { Supervisor } from "../../src/workers/supervisor";
import { createTestApp, testEnvironment } from "../helpers/app";
import { createTestDatabase } from "../helpers/cluster";
import { json } from "../helpers/json";

const TOKEN = "test-api-token-0123456789";

describe("services API", async () => {
  const database = await createTestDatabase(3);
  const supervisor = new Supervisor({
    definitions: [
      { name: "exchange_sync", workerUrl: new URL("../fixtures/workers/counting.worker.ts", import.meta.url).href },
    ],
    environment: testEnvironment({ LOG_LEVEL: "warn" }),
    databaseUrl: database.url,
    log: createLogger({ level: "error", write: () => {} }),
    heartbeatMs: 50,
    leaderPollMs: 100,
  });
  const { app, lag } = createTestApp(database, { services: supervisor, env: { API_TOKEN: TOKEN } });
  const post = (path: string, token?: string) =>
    app.request(path, { method: "POST", headers: token ? { authorization: `Bearer ${token}` } : {} });
  afterAll(async () => {
    await supervisor.stopAll();
    lag.stop();
    await database.close();
  });

  test("status lists every service with its state", async () => {
    const res = await app.request("/api/services/status");
    expect(res.status).toBe(200);
    const body = await json(res);
    expect(body.services).toEqual([
      expect.objectContaining({ name: "exchange_sync", state: "stopped", enabled: false, restarts: 0, counters: {} }),
    ]);
  });

  test("start and stop need the API token", async () => {
    expect((await post("/api/services/exchange_sync/start")).status).toBe(401);
    expect((await post("/api/services/exchange_sync/start", "wrong-token-wrong-token")).status).toBe(401);
    expect(supervisor.statuses()[0]?.state).toBe("stopped");
  });

  test("start runs the service and stop stops it", async () => {
    const started = await post("/api/services/exchange_sync/start", TOKEN);
    expect(started.status).toBe(200);
    expect((await json(started)).services[0].enabled).toBe(true);
    for (let i = 0; i < 200 && supervisor.statuses()[0]?.last_success_at === null; i++) await Bun.sleep(20);
    const status = await json(await app.request("/api/services/status"));
    expect(status.services[0].state).toBe("running");
    expect(status.services[0].counters.cycles).toBeGreaterThan(0);

    const stopped = await post("/api/services/exchange_sync/stop", TOKEN);
    expect(stopped.status).toBe(200);
    expect((await json(stopped)).services[0]).toMatchObject({ state: "stopped", enabled: false });
  });

  test("unknown services and actions are refused", async () => {
    const unknown = await post("/api/services/teleporter/start", TOKEN);
    expect(unknown.status).toBe(404);
    expect((await json(unknown)).error.message).toContain("exchange_sync");
    expect((await post("/api/services/exchange_sync/explode", TOKEN)).status).toBe(400);
  });
});
