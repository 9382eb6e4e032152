import { afterAll, describe, expect, test } from "bun:test";
import { Hono } from "hono";
import { z } from "zod";
import { createDatabase } from "../../src/db/client";
import { handleError, notFound } from "../../src/http/errors";
import { validate } from "../../src/http/validation";
import { createLogger } from "../../src/lib/logger";
import { sharedCheck } from "../../src/services/health";
import { createTestApp } from "../helpers/app";
import { createTestDatabase } from "../helpers/cluster";
import { json } from "../helpers/json";
import { freePort } from "../helpers/ports";

describe("HTTP foundation", async () => {
  const database = await createTestDatabase();
  const services = {
    statuses: () => [
      {
        name: "exchange_sync",
        state: "running" as const,
        enabled: true,
        last_run_at: null,
        last_success_at: null,
        last_error: null,
        restarts: 0,
      },
    ],
  };
  const { app, logs, lag } = createTestApp(database, { services, env: { SLOW_REQUEST_MS: "50" } });
  afterAll(async () => {
    lag.stop();
    await database.close();
  });

  test("GET /ping_fast answers without I/O", async () => {
    const res = await app.request("/ping_fast");
    expect(res.status).toBe(200);
    expect(await json(res)).toEqual({ pong: true });
  });

  test("GET /health is 200 with the database and the services", async () => {
    const res = await app.request("/health");
    expect(res.status).toBe(200);
    const body = await json(res);
    expect(body.status).toBe("ok");
    expect(body.database.ok).toBe(true);
    expect(body.services[0]).toMatchObject({ name: "exchange_sync", state: "running" });
  });

  test("concurrent /health requests share one database round trip; the next one after it makes its own", async () => {
    const first = sharedCheck(database.sql, 1000);
    expect(sharedCheck(database.sql, 1000)).toBe(first);
    expect((await first).ok).toBe(true);
    await Bun.sleep(0);
    const next = sharedCheck(database.sql, 1000);
    expect(next).not.toBe(first);
    await next;
    const answers = await Promise.all(Array.from({ length: 20 }, () => app.request("/health")));
    expect(answers.map((r) => r.status)).toEqual(Array(20).fill(200));
    const latencies = new Set(await Promise.all(answers.map(async (r) => (await json(r)).database.latency_ms)));
    expect(latencies.size).toBeLessThan(20);
  });

  test("GET /health is 503 with details when the database is unreachable, /ping_fast still 200", async () => {
    const port = await freePort();
    const unreachable = createDatabase({
      url: `postgres://postgres@127.0.0.1:${port}/none`,
      max: 1,
      statementTimeoutMs: 1000,
      connectTimeoutS: 1,
    });
    const down = createTestApp(unreachable, { env: { HEALTH_DB_TIMEOUT_MS: "500" } });
    try {
      const res = await down.app.request("/health");
      expect(res.status).toBe(503);
      const body = await json(res);
      expect(body.status).toBe("unavailable");
      expect(body.database.ok).toBe(false);
      expect(body.database.error).toMatch(/ECONNREFUSED|connect|answer/i);
      expect((await down.app.request("/ping_fast")).status).toBe(200);
    } finally {
      down.lag.stop();
      await unreachable.close(0);
    }
  });

  test("every response carries timing headers and one PERF log line", async () => {
    const before = logs.length;
    const res = await app.request("/ping_fast");
    expect(res.headers.get("server-timing")).toMatch(/total;dur=\d/);
    expect(res.headers.get("x-response-time")).toMatch(/^\d+\.\d{2}ms$/);
    const requestId = res.headers.get("x-request-id");
    expect(requestId).toBeTruthy();
    const perf = logs.slice(before).filter((l) => l.msg === "PERF");
    expect(perf).toHaveLength(1);
    expect(perf[0]).toMatchObject({ method: "GET", path: "/ping_fast", status: 200, request_id: requestId });
    expect(typeof perf[0]?.ms).toBe("number");
  });

  test("secure headers are set: the four any answer needs, not the document-only or obsolete ones", async () => {
    const res = await app.request("/ping_fast");
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    expect(res.headers.get("x-frame-options")).toBe("SAMEORIGIN");
    expect(res.headers.get("strict-transport-security")).toBe("max-age=15552000; includeSubDomains");
    expect(res.headers.get("cross-origin-resource-policy")).toBe("same-origin");
    for (const name of ["referrer-policy", "cross-origin-opener-policy", "x-xss-protection", "x-download-options"]) {
      expect(res.headers.has(name)).toBe(false);
    }
  });

  test("unknown paths get the JSON 404 envelope", async () => {
    const res = await app.request("/no/such/route");
    expect(res.status).toBe(404);
    expect(await json(res)).toEqual({
      error: { code: "not_found", message: "no route for GET /no/such/route" },
    });
  });

  test("/metrics reports per-route counts and percentiles, lag and pool use", async () => {
    for (let i = 0; i < 5; i++) await app.request("/ping_fast");
    const res = await app.request("/metrics");
    expect(res.status).toBe(200);
    const body = await json(res);
    const ping = body.routes.find((r: { route: string }) => r.route === "GET /ping_fast");
    expect(ping.count).toBeGreaterThanOrEqual(5);
    expect(ping.p50_ms).toBeGreaterThan(0);
    expect(ping.p99_ms).toBeGreaterThanOrEqual(ping.p50_ms);
    expect(ping.max_ms).toBeGreaterThanOrEqual(ping.p99_ms);
    expect(ping.rps_1m).toBeGreaterThan(0);
    expect(body.event_loop_lag).toHaveProperty("max_ms");
    expect(body.db_pool.max).toBe(5);
    expect(body.db_pool.open).toBeGreaterThanOrEqual(1);
    expect(body.services).toHaveLength(1);
  });

  test("/metrics speaks Prometheus text on Accept: text/plain and at /metrics/prometheus", async () => {
    await app.request("/ping_fast");
    for (const res of [
      await app.request("/metrics", { headers: { accept: "text/plain" } }),
      await app.request("/metrics/prometheus"),
    ]) {
      expect(res.headers.get("content-type")).toContain("text/plain");
      const text = await res.text();
      expect(text).toMatch(/atp_http_requests_total\{route="GET \/ping_fast"\} \d+/);
      expect(text).toContain('atp_http_request_duration_seconds_bucket{route="GET /ping_fast",le="+Inf"}');
      expect(text).toContain("atp_event_loop_lag_seconds");
      expect(text).toContain('atp_service_up{service="exchange_sync",state="running"} 1');
    }
  });
});

describe("errors, validation and slow requests", () => {
  const logs: { level: string; msg: string; [k: string]: unknown }[] = [];
  const log = createLogger({ level: "debug", write: (line) => logs.push(JSON.parse(line)) });
  const app = new Hono()
    .post(
      "/things",
      validate("json", z.strictObject({ name: z.string().min(1), qty: z.number().int().positive() })),
      (c) => c.json(c.req.valid("json"), 201),
    )
    .get("/boom", () => {
      throw new Error("secret internals");
    });
  app.onError(handleError(log));
  app.notFound(notFound);
  const post = (body: string) =>
    app.request("/things", { method: "POST", body, headers: { "content-type": "application/json" } });

  test("valid input passes", async () => {
    const res = await post(JSON.stringify({ name: "a", qty: 2 }));
    expect(res.status).toBe(201);
  });

  test("wrong types, unknown fields and out-of-range numbers give 400 with per-field details", async () => {
    const res = await post(JSON.stringify({ name: 5, qty: -1, extra: true }));
    expect(res.status).toBe(400);
    const body = await json(res);
    expect(body.error.code).toBe("validation_failed");
    const paths = body.error.details.map((d: { path: string }) => d.path);
    expect(paths).toEqual(expect.arrayContaining(["name", "qty"]));
    expect(JSON.stringify(body.error.details)).toContain("extra");
  });

  test("malformed JSON gives a 400 envelope", async () => {
    const res = await post("{not json");
    expect(res.status).toBe(400);
    expect((await json(res)).error.code).toBe("bad_request");
  });

  test("a bug is a 500 without internals, and is logged", async () => {
    const res = await app.request("/boom");
    expect(res.status).toBe(500);
    const text = await res.text();
    expect(text).not.toContain("secret internals");
    expect(JSON.parse(text).error.code).toBe("internal");
    expect(logs.some((l) => l.level === "error" && JSON.stringify(l).includes("secret internals"))).toBe(true);
  });
});

describe("slow requests and body limits", async () => {
  const database = await createTestDatabase(2);
  const { app, logs, lag } = createTestApp(database, { env: { SLOW_REQUEST_MS: "1", BODY_LIMIT_BYTES: "1024" } });
  afterAll(async () => {
    lag.stop();
    await database.close();
  });

  test("a request slower than SLOW_REQUEST_MS logs a SLOW REQUEST warning", async () => {
    await app.request("/health");
    const slow = logs.find((l) => l.msg === "SLOW REQUEST");
    expect(slow).toMatchObject({ level: "warn", path: "/health", threshold_ms: 1 });
  });

  test("a body over the limit is refused with 413", async () => {
    const res = await app.request("/anything", { method: "POST", body: "x".repeat(4096) });
    expect(res.status).toBe(413);
    expect((await json(res)).error.code).toBe("payload_too_large");
  });
});
