import { afterAll, describe, expect, test } from "bun:test";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createTestDatabaseUrl } from "./helpers/cluster";
import { json } from "./helpers/json";
import { freePort } from "./helpers/ports";
import { startAppProcess, waitForStatus } from "./helpers/process";

describe("the service process with DATABASE_URL", () => {
  test("serves /health 200, takes a manual paper order, and stops cleanly on SIGTERM", async () => {
    const token = "e2e-api-token-0123456789";
    const app = await startAppProcess({ DATABASE_URL: await createTestDatabaseUrl(), API_TOKEN: token });
    try {
      await waitForStatus(`${app.baseUrl}/health`);
      const res = await fetch(`${app.baseUrl}/ping_fast`);
      expect(await json(res)).toEqual({ pong: true });
      const order = await fetch(`${app.baseUrl}/api/orders`, {
        method: "POST",
        headers: { authorization: `Bearer ${token}`, "content-type": "application/json", "idempotency-key": "e2e-1" },
        body: JSON.stringify({ symbol: "BTC_USDT", side: "BUY", type: "MARKET", notional: "100" }),
      });
      expect(order.status).toBe(201);
      const open = await json(await fetch(`${app.baseUrl}/api/orders/history?limit=5`));
      expect(open.orders.map((o: { client_oid: string }) => o.client_oid)).toContain("e2e-1");
    } finally {
      expect(await app.stop("SIGTERM")).toBe(0);
    }
    expect(app.output()).toContain('"msg":"shutting down"');
    expect(app.output()).toContain('"msg":"stopped"');
  });

  test("an unreachable database gives /health 503 with a clear message, /ping_fast 200", async () => {
    const port = await freePort();
    const app = await startAppProcess({
      DATABASE_URL: `postgres://postgres@127.0.0.1:${port}/atp`,
      HEALTH_DB_TIMEOUT_MS: "500",
      DB_CONNECT_TIMEOUT_S: "1",
    });
    try {
      await waitForStatus(`${app.baseUrl}/ping_fast`);
      const res = await fetch(`${app.baseUrl}/health`);
      expect(res.status).toBe(503);
      const body = await json(res);
      expect(body.database.ok).toBe(false);
      expect(body.database.error).toBeTruthy();
    } finally {
      expect(await app.stop()).toBe(0);
    }
  });
});

describe("the embedded default", () => {
  const dataDir = mkdtempSync(join(tmpdir(), "atp-embedded-"));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  test("creates, migrates and serves on first start, stops PostgreSQL on SIGTERM, survives a SIGKILL", async () => {
    const env = { DATA_DIR: dataDir, EMBEDDED_PG_PORT: String(await freePort()) };
    const pidFile = join(dataDir, "postgres", "postmaster.pid");

    const first = await startAppProcess(env);
    await waitForStatus(`${first.baseUrl}/health`, 200, 30_000);
    expect(existsSync(join(dataDir, "postgres", "PG_VERSION"))).toBe(true);
    expect(await first.stop("SIGTERM")).toBe(0);
    expect(existsSync(pidFile)).toBe(false);

    // A killed process leaves its PostgreSQL running; the next start must take it over.
    const second = await startAppProcess(env);
    await waitForStatus(`${second.baseUrl}/health`, 200, 30_000);
    await second.stop("SIGKILL");
    expect(existsSync(pidFile)).toBe(true);

    const third = await startAppProcess(env);
    try {
      await waitForStatus(`${third.baseUrl}/health`, 200, 30_000);
      expect(third.output()).toContain("leftover embedded PostgreSQL");
    } finally {
      expect(await third.stop("SIGTERM")).toBe(0);
    }
    expect(existsSync(pidFile)).toBe(false);
  }, 90_000);

  test("a taken port gives one clear line, stops the embedded PostgreSQL it started and exits 1", async () => {
    const taken = Bun.serve({ port: 0, hostname: "127.0.0.1", fetch: () => new Response("other") });
    const pgPort = await freePort();
    try {
      const app = await startAppProcess({
        DATA_DIR: dataDir,
        EMBEDDED_PG_PORT: String(pgPort),
        PORT: String(taken.port),
      });
      expect(await app.proc.exited).toBe(1);
      const errors = app
        .output()
        .split("\n")
        .filter((line) => line.includes('"level":"error"'));
      expect(errors).toHaveLength(1);
      expect(errors[0]).toContain(`port ${taken.port} on 127.0.0.1 is already in use`);
      expect(existsSync(join(dataDir, "postgres", "postmaster.pid"))).toBe(false);
    } finally {
      taken.stop(true);
    }
  }, 60_000);
});

describe("start-up manners", () => {
  test("the start line has a URL to open, and a missing API_TOKEN is said once", async () => {
    const app = await startAppProcess({ DATABASE_URL: await createTestDatabaseUrl() });
    try {
      await waitForStatus(`${app.baseUrl}/health`);
      await Bun.sleep(100);
      expect(app.output()).toContain(`"msg":"ATP ready: ${app.baseUrl}/"`);
      expect(app.output().match(/writes are disabled: set API_TOKEN/g)).toHaveLength(1);
    } finally {
      expect(await app.stop()).toBe(0);
    }
  });
});
