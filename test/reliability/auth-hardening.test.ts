import { afterAll, describe, expect, test } from "bun:test";
import { loadConfig } from "../../src/config";
import { API_TOKEN, bearer, createTestApp, READ_TOKEN } from "../helpers/app";
import { createTestDatabase } from "../helpers/cluster";
import { eventually } from "../helpers/eventually";
import { json } from "../helpers/json";

/** Bun's server as Hono sees it in `c.env`, reporting one peer address. */
const peer = (address: string) => ({ requestIP: () => ({ address, family: "IPv4", port: 40_000 }) });

describe("tokens are checked at start to be usable as a Bearer token", () => {
  test("a token with characters a Bearer header cannot carry is refused, with the variable named", () => {
    expect(() => loadConfig({ API_TOKEN: "token-with-@!$#-0123456789" })).toThrow(
      /API_TOKEN: must be usable as a Bearer token/,
    );
    expect(() => loadConfig({ READ_TOKEN: "read token with spaces 0123" })).toThrow(
      /READ_TOKEN: must be usable as a Bearer token/,
    );
    expect(loadConfig({ API_TOKEN: "Abc-._~+/0123456789==" }).API_TOKEN).toBe("Abc-._~+/0123456789==");
  });
});

describe("auth hardening over HTTP", async () => {
  const database = await createTestDatabase();
  const { app, logs, lag } = createTestApp(database, {
    env: { API_TOKEN, READ_TOKEN, AUTH_FAILURE_LIMIT: "5", AUTH_FAILURE_WINDOW_MS: "60000" },
  });
  const open = createTestApp(database, { env: { API_TOKEN, READ_TOKEN, METRICS_PUBLIC: "true" } });
  afterAll(async () => {
    lag.stop();
    open.lag.stop();
    await database.close();
  });
  const get = (path: string, address: string, token?: string) =>
    app.request(path, { headers: token ? bearer(token) : {} }, peer(address));

  test("repeated failed authentication from one address gets 429 with Retry-After and one warn line", async () => {
    for (let i = 0; i < 5; i++)
      expect((await get("/api/orders/open", "10.0.0.7", "wrong-token-0123456789")).status).toBe(401);
    const refused = await get("/api/orders/open", "10.0.0.7", "wrong-token-0123456789");
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(0);
    expect((await json(refused)).error.code).toBe("rate_limited");
    // Refused before the token is checked: even the right one waits for the window to end.
    expect((await get("/api/orders/open", "10.0.0.7", API_TOKEN)).status).toBe(429);
    // Other clients are not affected, and a request without credentials is not an authentication attempt.
    expect((await get("/api/orders/open", "10.0.0.8", API_TOKEN)).status).toBe(200);
    expect((await get("/api/orders/open", "10.0.0.8", "wrong-token-0123456789")).status).toBe(401);
    const warnings = logs.filter((l) => l.level === "warn" && l.msg.startsWith("repeated failed authentication"));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatchObject({ client: "10.0.0.7", failures: 5 });
  });

  test("/metrics follows READ_TOKEN unless configured public", async () => {
    for (const path of ["/metrics", "/metrics/prometheus"]) {
      expect((await get(path, "10.0.1.1")).status).toBe(401);
      expect((await get(path, "10.0.1.1", READ_TOKEN)).status).toBe(200);
      expect((await open.app.request(path)).status).toBe(200);
    }
  });

  test("API JSON answers carry Cache-Control: no-store, errors included", async () => {
    for (const path of ["/api/orders/open", "/api/signals", "/api/no-such-route", "/health", "/api/dashboard/state"]) {
      const res = await get(path, "10.0.2.1", READ_TOKEN);
      expect(res.headers.get("content-type")).toStartWith("application/json");
      expect(res.headers.get("cache-control")).toBe("no-store");
    }
  });
});

describe("/health and /metrics show error messages, never stacks or install paths", async () => {
  const database = await createTestDatabase();
  const stack = [
    "TypeError: null is not an object (evaluating 'socket.write')",
    "    at nextWrite (/srv/atp/node_modules/postgres/src/connection.js:255:15)",
  ].join("\n");
  const services = {
    statuses: () => [
      {
        name: "exchange_sync",
        state: "crashed" as const,
        last_run_at: null,
        last_success_at: null,
        last_error: stack,
        restarts: 1,
      },
    ],
  };
  const { app, lag } = createTestApp(database, { services: services as never });
  afterAll(async () => {
    lag.stop();
    await database.close();
  });

  test("a worker's stack trace is cut to its message", async () => {
    for (const path of ["/health", "/metrics"]) {
      const text = await (await app.request(path)).text();
      expect(text).toContain("null is not an object (evaluating 'socket.write')");
      expect(text).not.toContain("node_modules");
      expect(text).not.toContain("    at ");
    }
  });
});

describe("dashboard streams are capped", async () => {
  const database = await createTestDatabase(3);
  const { app, dashboard, close } = createTestApp(database, {
    env: { DASHBOARD_STREAM_MAX: "2", DASHBOARD_STREAM_HEARTBEAT_MS: "60000" },
  });
  const server = Bun.serve({ port: 0, hostname: "127.0.0.1", fetch: app.fetch });
  const url = `http://127.0.0.1:${server.port}/api/dashboard/stream`;
  afterAll(async () => {
    await server.stop(true);
    close();
    await database.close();
  });

  test("past DASHBOARD_STREAM_MAX a stream is 503 with Retry-After; a closed one frees its place", async () => {
    const aborters = [new AbortController(), new AbortController()];
    const first = await Promise.all(aborters.map((a) => fetch(url, { signal: a.signal })));
    expect(first.map((r) => r.status)).toEqual([200, 200]);
    await eventually(() => dashboard.stats().dashboard_stream_clients === 2, 3000);
    const third = await fetch(url);
    expect(third.status).toBe(503);
    expect(third.headers.get("retry-after")).toBe("5");
    expect((await json(third)).error.code).toBe("unavailable");
    aborters[0]?.abort();
    await eventually(() => dashboard.stats().dashboard_stream_clients === 1, 3000);
    const again = new AbortController();
    expect((await fetch(url, { signal: again.signal })).status).toBe(200);
    again.abort();
    aborters[1]?.abort();
  });
});
