import { afterAll, describe, expect, test } from "bun:test";
import { streamTickets } from "../../src/http/stream-ticket";
import { createTestApp } from "../helpers/app";
import { createTestDatabase } from "../helpers/cluster";
import { json } from "../helpers/json";

const API = "api-token-0123456789";
const READ = "read-token-0123456789";
const ORIGIN = "http://console.example:3000";

describe("browser access: CORS and stream tickets", async () => {
  const database = await createTestDatabase();
  const { app, logs, lag } = createTestApp(database, {
    env: { API_TOKEN: API, READ_TOKEN: READ, CORS_ORIGINS: `${ORIGIN}, https://other.example` },
  });
  const closed = createTestApp(database, { env: { READ_TOKEN: READ } });
  afterAll(async () => {
    lag.stop();
    closed.lag.stop();
    await database.close();
  });

  test("a preflight from an allowed origin is answered before auth", async () => {
    const res = await app.request("/api/watchlist", {
      method: "OPTIONS",
      headers: {
        Origin: ORIGIN,
        "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "authorization, content-type",
      },
    });
    expect(res.status).toBe(204);
    expect(res.headers.get("access-control-allow-origin")).toBe(ORIGIN);
    expect(res.headers.get("access-control-allow-methods")).toContain("POST");
    expect(res.headers.get("access-control-allow-headers")?.toLowerCase()).toContain("authorization");
  });

  test("a read from an allowed origin carries the CORS headers; another origin gets none", async () => {
    const allowed = await app.request("/api/watchlist", {
      headers: { Origin: ORIGIN, Authorization: `Bearer ${READ}` },
    });
    expect(allowed.status).toBe(200);
    expect(allowed.headers.get("access-control-allow-origin")).toBe(ORIGIN);
    expect(allowed.headers.get("access-control-expose-headers")).toContain("ETag");
    const other = await app.request("/api/watchlist", {
      headers: { Origin: "https://evil.example", Authorization: `Bearer ${READ}` },
    });
    expect(other.headers.get("access-control-allow-origin")).toBeNull();
  });

  test("without CORS_ORIGINS there is no CORS at all: the preflight meets auth", async () => {
    const res = await closed.app.request("/api/watchlist", {
      method: "OPTIONS",
      headers: { Origin: ORIGIN, "Access-Control-Request-Method": "GET" },
    });
    expect(res.headers.get("access-control-allow-origin")).toBeNull();
    expect(res.status).not.toBe(204);
  });

  test("the read token buys a stream ticket; the ticket opens the stream and is never logged", async () => {
    expect((await app.request("/api/dashboard/stream-ticket", { method: "POST" })).status).toBe(401);
    const res = await app.request("/api/dashboard/stream-ticket", {
      method: "POST",
      headers: { Authorization: `Bearer ${READ}` },
    });
    expect(res.status).toBe(201);
    const body = await json(res);
    expect(Date.parse(body.expires_at) - Date.now()).toBeGreaterThan(50_000);
    expect(Date.parse(body.expires_at) - Date.now()).toBeLessThanOrEqual(60_000);
    expect(body.stream_url).toBe(`/api/dashboard/stream?ticket=${encodeURIComponent(body.ticket)}`);

    const controller = new AbortController();
    const stream = await app.request(body.stream_url, { signal: controller.signal });
    expect(stream.status).toBe(200);
    expect(stream.headers.get("content-type")).toContain("text/event-stream");
    const reader = (stream.body as ReadableStream<Uint8Array>).getReader();
    const first = new TextDecoder().decode((await reader.read()).value);
    expect(first).toContain("event: state");
    controller.abort();
    await reader.cancel().catch(() => {});
    expect(JSON.stringify(logs)).not.toContain(body.ticket);
  });

  test("a ticket opens only the stream, and a forged or expired one is refused", async () => {
    const { ticket } = await json(
      await app.request("/api/dashboard/stream-ticket", {
        method: "POST",
        headers: { Authorization: `Bearer ${API}` },
      }),
    );
    expect((await app.request(`/api/dashboard/state?ticket=${encodeURIComponent(ticket)}`)).status).toBe(401);
    expect((await app.request(`/api/watchlist?ticket=${encodeURIComponent(ticket)}`)).status).toBe(401);
    const forged = `${ticket.slice(0, -2)}xx`;
    expect((await app.request(`/api/dashboard/stream?ticket=${encodeURIComponent(forged)}`)).status).toBe(401);

    let now = Date.now();
    const tickets = streamTickets({ readToken: READ, now: () => now });
    const issued = tickets.issue("/api/dashboard/stream");
    expect(tickets.verify(issued.ticket, "/api/dashboard/stream")).toBe(true);
    expect(tickets.verify(issued.ticket, "/api/dashboard/state")).toBe(false);
    expect(streamTickets({ readToken: "another-token-0123456" }).verify(issued.ticket, "/api/dashboard/stream")).toBe(
      false,
    );
    now += 60_001;
    expect(tickets.verify(issued.ticket, "/api/dashboard/stream")).toBe(false);
  });
});
