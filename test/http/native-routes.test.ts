import { afterAll, describe, expect, test } from "bun:test";
import { brotliDecompressSync, gunzipSync } from "node:zlib";
import { acceptedEncodings } from "../../src/http/dashboard-response";
import { nativeRoutes } from "../../src/http/native-routes";
import { createLogger } from "../../src/lib/logger";
import { createTestApp, fixedServices } from "../helpers/app";
import { createTestDatabase } from "../helpers/cluster";
import { eventually } from "../helpers/eventually";
import { json } from "../helpers/json";
import { insertDashboardFixture } from "../services/dashboard/fixture";

const STATE = "/api/dashboard/state";

/** The production wiring of main.ts: Bun's router for the hot path, the Hono app for everything else. */
function serve(database: Awaited<ReturnType<typeof createTestDatabase>>, env: Record<string, string> = {}) {
  const {
    app,
    config,
    dashboard,
    metrics,
    close: closeApp,
  } = createTestApp(database, {
    env: { LOG_LEVEL: "warn", ...env },
    services: fixedServices(),
  });
  const log = createLogger({ level: "warn", format: "json", write: () => {} });
  const server = Bun.serve({
    port: 0,
    hostname: "127.0.0.1",
    development: false,
    routes: nativeRoutes({
      dashboard,
      metrics,
      log,
      logRequests: false,
      slowRequestMs: config.SLOW_REQUEST_MS,
      readToken: config.READ_TOKEN,
      corsOrigins: config.CORS_ORIGINS,
      fallback: (request, bunServer) => app.fetch(request, bunServer),
    }),
    fetch: app.fetch,
  });
  const url = (path: string) => `http://127.0.0.1:${server.port}${path}`;
  const close = () => {
    server.stop(true);
    closeApp();
  };
  return { app, dashboard, metrics, url, close };
}

const VARIABLE = new Set(["date", "x-request-id", "x-response-time", "server-timing", "content-length"]);
const headerSet = (res: Response) =>
  Object.fromEntries([...res.headers.entries()].filter(([k]) => !VARIABLE.has(k.toLowerCase())).sort());

describe("GET /api/dashboard/state through Bun's router", async () => {
  const database = await createTestDatabase();
  await insertDashboardFixture(database.sql);
  const s = serve(database);
  const locked = serve(database, { API_TOKEN: "api-token-0123456789", READ_TOKEN: "read-token-0123456789" });
  afterAll(async () => {
    s.close();
    locked.close();
    await database.close();
  });

  test("answers like the Hono route: the same body and headers, timed, with a request id, counted in metrics", async () => {
    const viaHono = await s.app.request(STATE, { headers: { "Accept-Encoding": "identity" } });
    const native = await fetch(s.url(STATE), { headers: { "Accept-Encoding": "identity" }, decompress: false });
    expect(native.status).toBe(200);
    expect(headerSet(native)).toEqual(headerSet(viaHono));
    expect(native.headers.get("x-response-time")).toMatch(/^\d+\.\d{2}ms$/);
    expect(native.headers.get("server-timing")).toMatch(/^total;dur=\d+\.\d{2}$/);
    expect(native.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
    expect(native.headers.get("vary")).toBe("Accept-Encoding");
    const [a, b] = [(await viaHono.json()) as object, (await native.json()) as object];
    expect({ ...b, generated_at: "" }).toEqual({ ...a, generated_at: "" });
    const before = s.metrics.summaries().find((r) => r.route === `GET ${STATE}`)?.count ?? 0;
    await fetch(s.url(STATE), { headers: { "X-Request-Id": "trace-42" } }).then((r) => {
      expect(r.headers.get("x-request-id")).toBe("trace-42");
      return r.arrayBuffer();
    });
    expect(s.metrics.summaries().find((r) => r.route === `GET ${STATE}`)?.count).toBe(before + 1);
  });

  test("serves br, zstd and gzip copies made once per build, each with its own ETag, and 304 for any of them", async () => {
    await eventually(() => (s.dashboard.peek()?.encoded?.length ?? 0) === 3);
    const identity = await fetch(s.url(STATE), { decompress: false });
    const text = await identity.text();
    const tags = new Set([identity.headers.get("etag")]);
    for (const coding of ["br", "zstd", "gzip"] as const) {
      const res = await fetch(s.url(STATE), { headers: { "Accept-Encoding": coding }, decompress: false });
      expect(res.headers.get("content-encoding")).toBe(coding);
      expect(res.headers.get("vary")).toBe("Accept-Encoding");
      const bytes = new Uint8Array(await res.arrayBuffer());
      expect(bytes.byteLength * 3).toBeLessThan(Buffer.byteLength(text));
      const plain =
        coding === "br"
          ? brotliDecompressSync(bytes)
          : coding === "gzip"
            ? gunzipSync(bytes)
            : Bun.zstdDecompressSync(bytes);
      expect(JSON.parse(Buffer.from(plain).toString()).generated_at).toBe(JSON.parse(text).generated_at);
      const etag = res.headers.get("etag") as string;
      expect(etag).toEndWith(`-${coding}"`);
      tags.add(etag);
      const again = await fetch(s.url(STATE), {
        headers: { "Accept-Encoding": coding, "If-None-Match": etag },
        decompress: false,
      });
      expect(again.status).toBe(304);
      expect(again.headers.get("etag")).toBe(etag);
    }
    expect(tags.size).toBe(4);
    // The smallest accepted copy; a coding refused with q=0 is not sent.
    const browser = await fetch(s.url(STATE), {
      headers: { "Accept-Encoding": "gzip, deflate, br, zstd" },
      decompress: false,
    });
    expect(["br", "zstd", "gzip"]).toContain(browser.headers.get("content-encoding") as string);
    const weighted = await fetch(s.url(STATE), {
      headers: { "Accept-Encoding": "br;q=0, zstd;q=0, gzip;q=0.5" },
      decompress: false,
    });
    expect(weighted.headers.get("content-encoding")).toBe("gzip");
    await browser.arrayBuffer();
    await weighted.arrayBuffer();
  });

  test("a read needing a token goes through the Hono app's auth", async () => {
    const refused = await fetch(locked.url(STATE));
    expect(refused.status).toBe(401);
    await refused.arrayBuffer();
    const allowed = await fetch(locked.url(STATE), { headers: { Authorization: "Bearer read-token-0123456789" } });
    expect(allowed.status).toBe(200);
    expect(allowed.headers.get("vary")).toBe("Accept-Encoding");
    await allowed.arrayBuffer();
  });

  test("other methods fall through to the Hono app", async () => {
    const res = await fetch(s.url(STATE), { method: "POST" });
    expect(res.status).toBe(403);
    await res.arrayBuffer();
  });

  test("a query string falls through to the Hono app, which refuses an unknown parameter as on every route", async () => {
    const res = await fetch(`${s.url(STATE)}?unknown=1`);
    expect(res.status).toBe(400);
    expect((await json(res)).error.details).toEqual([{ path: "unknown", message: "unknown query parameter" }]);
  });
});

describe("acceptedEncodings", () => {
  test("reads plain lists, weights and *", () => {
    expect(acceptedEncodings("gzip, br")("br")).toBe(true);
    expect(acceptedEncodings("gzip, br")("zstd")).toBe(false);
    expect(acceptedEncodings(null)("gzip")).toBe(false);
    expect(acceptedEncodings("br;q=0, *;q=0.1")("br")).toBe(false);
    expect(acceptedEncodings("br;q=0, *;q=0.1")("zstd")).toBe(true);
    expect(acceptedEncodings("GZIP;q=1.0")("gzip")).toBe(true);
  });
});
