import { afterAll, describe, expect, test } from "bun:test";
import { ConfigError } from "../../../src/config";
import { createTestApp, testConfig } from "../../helpers/app";
import { createTestDatabase } from "../../helpers/cluster";
import { json } from "../../helpers/json";

const KEY = "legacy-key-0123456789";
const READ = "legacy-read-0123456789";
const ORIGIN = "http://frontend.example:3000";
// The frontend's own headers on every call (src/lib/api.ts fetchAPI), with the operator's key in place of demo-key.
const CLIENT = { "Content-Type": "application/json", "x-api-key": KEY };

describe("the legacy API's edge: auth, CORS, error shape, prefix", async () => {
  const database = await createTestDatabase();
  const open = createTestApp(database, { env: { API_TOKEN: KEY, CORS_ORIGINS: ORIGIN } });
  const locked = createTestApp(database, { env: { API_TOKEN: KEY, READ_TOKEN: READ } });
  const noToken = createTestApp(database);
  const moved = createTestApp(database, { env: { API_TOKEN: KEY, LEGACY_API_PREFIX: "/old" } });
  const disabled = createTestApp(database, { env: { API_TOKEN: KEY, LEGACY_API_PREFIX: "" } });
  afterAll(async () => {
    for (const t of [open, locked, noToken, moved, disabled]) t.close();
    await database.close();
  });

  test("x-api-key carries the token under the legacy prefix, and Bearer works there too", async () => {
    const withKey = await open.app.request("/legacy/api/manual-trade", { method: "POST", headers: CLIENT, body: "{}" });
    // Authenticated, then refused as out of scope.
    expect(withKey.status).toBe(404);
    const bearer = await open.app.request("/legacy/api/manual-trade", {
      method: "POST",
      headers: { "Content-Type": "application/json", Authorization: `Bearer ${KEY}` },
      body: "{}",
    });
    expect(bearer.status).toBe(404);
  });

  test("a write without a valid key is 401 with a detail", async () => {
    for (const headers of [{ "Content-Type": "application/json" }, { ...CLIENT, "x-api-key": "demo-key" }]) {
      const res = await open.app.request("/legacy/api/manual-trade", { method: "POST", headers, body: "{}" });
      expect(res.status).toBe(401);
      const body = await json(res);
      expect(Object.keys(body)).toEqual(["detail"]);
      expect(typeof body.detail).toBe("string");
    }
    const res = await noToken.app.request("/legacy/api/manual-trade", { method: "POST", headers: CLIENT, body: "{}" });
    expect(res.status).toBe(403);
    expect((await json(res)).detail).toContain("API_TOKEN is not configured");
  });

  test("ATP's own /api/* refuses x-api-key: it takes Authorization: Bearer alone", async () => {
    const res = await open.app.request("/api/watchlist", {
      method: "POST",
      headers: CLIENT,
      body: JSON.stringify({ symbol: "BTC_USDT" }),
    });
    expect(res.status).toBe(401);
    expect((await json(res)).error.code).toBe("unauthorized");
    const read = await locked.app.request("/api/watchlist", { headers: { "x-api-key": READ } });
    expect(read.status).toBe(401);
    const legacyRead = await locked.app.request("/legacy/api/health", { headers: { "x-api-key": READ } });
    expect(legacyRead.status).toBe(200);
  });

  test("the unchanged frontend (demo-key) held back for its failed writes still reads", async () => {
    // As Bun.serve passes itself to Hono: one peer address for every request.
    const peer = { requestIP: () => ({ address: "10.9.9.9", family: "IPv4", port: 40_000 }) };
    const demo = { ...CLIENT, "x-api-key": "demo-key" };
    for (let i = 0; i < 10; i++) {
      const res = await open.app.request(
        "/legacy/api/manual-trade",
        { method: "POST", headers: demo, body: "{}" },
        peer,
      );
      expect(res.status).toBe(401);
    }
    const refused = await open.app.request(
      "/legacy/api/manual-trade",
      { method: "POST", headers: demo, body: "{}" },
      peer,
    );
    expect(refused.status).toBe(429);
    expect(typeof (await json(refused)).detail).toBe("string");
    expect((await open.app.request("/legacy/api/health", { headers: demo }, peer)).status).toBe(200);
    // With READ_TOKEN reads check the key, and are held back too.
    for (let i = 0; i < 10; i++) await locked.app.request("/legacy/api/health", { headers: demo }, peer);
    expect((await locked.app.request("/legacy/api/health", { headers: demo }, peer)).status).toBe(429);
  });

  test("with READ_TOKEN, legacy reads need a key too", async () => {
    const res = await locked.app.request("/legacy/api/health");
    expect(res.status).toBe(401);
    expect((await json(res)).detail).toContain("x-api-key");
  });

  test("a preflight is answered before auth and allows x-api-key, under the legacy prefix only", async () => {
    const preflight = (path: string) =>
      open.app.request(path, {
        method: "OPTIONS",
        headers: {
          Origin: ORIGIN,
          "Access-Control-Request-Method": "PUT",
          "Access-Control-Request-Headers": "content-type, x-api-key",
        },
      });
    const legacy = await preflight("/legacy/api/dashboard/symbol/BTC_USDT");
    expect(legacy.status).toBe(204);
    expect(legacy.headers.get("access-control-allow-origin")).toBe(ORIGIN);
    expect(legacy.headers.get("access-control-allow-headers")?.toLowerCase()).toContain("x-api-key");
    const api = await preflight("/api/watchlist/BTC_USDT");
    expect(api.headers.get("access-control-allow-headers")?.toLowerCase()).not.toContain("x-api-key");
  });

  test("every error is {detail}: an unknown route, each out-of-scope group", async () => {
    const unknown = await open.app.request("/legacy/api/no-such-thing", { headers: CLIENT });
    expect(unknown.status).toBe(404);
    expect(await json(unknown)).toEqual({ detail: "no route for GET /legacy/api/no-such-thing" });
    for (const [method, path] of [
      ["POST", "/legacy/api/manual-trade"],
      ["GET", "/legacy/api/monitoring/workflows"],
      ["POST", "/legacy/api/monitoring/workflows/daily/run"],
      ["POST", "/legacy/api/import/assets-csv"],
      ["POST", "/legacy/api/ai/run"],
    ] as const) {
      const res = await open.app.request(path, { method, headers: CLIENT, body: method === "GET" ? undefined : "{}" });
      expect(res.status).toBe(404);
      expect((await json(res)).detail).toContain("out of scope");
    }
  });

  test("LEGACY_API_PREFIX moves the mount; empty disables it", async () => {
    expect((await moved.app.request("/old/health")).status).toBe(200);
    expect((await moved.app.request("/legacy/api/health")).status).toBe(404);
    const off = await disabled.app.request("/legacy/api/health");
    expect(off.status).toBe(404);
    // Not under a legacy prefix: ATP's own envelope.
    expect((await json(off)).error.code).toBe("not_found");
    for (const bad of ["legacy", "/legacy/", "/api/legacy", "/legacy api"]) {
      expect(() => testConfig({ LEGACY_API_PREFIX: bad })).toThrow(ConfigError);
    }
  });
});
