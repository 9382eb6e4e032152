import { afterAll, describe, expect, test } from "bun:test";
import { createTestApp } from "../../helpers/app";
import { createTestDatabase } from "../../helpers/cluster";
import { eventually } from "../../helpers/eventually";

interface SseMessage {
  event?: string;
  id?: string;
  data?: string;
  comment?: string;
}

/** Reads Server-Sent Events from a response body, one message (or comment) at a time. */
function sseReader(res: Response) {
  const reader = (res.body as ReadableStream<Uint8Array>).getReader();
  const decoder = new TextDecoder();
  let buffer = "";
  const parse = (block: string): SseMessage => {
    const message: SseMessage = {};
    for (const line of block.split("\n")) {
      if (line.startsWith(":")) message.comment = line.slice(1).trim();
      const [, field, value] = /^(event|id|data): ?(.*)$/.exec(line) ?? [];
      if (field === "data") message.data = message.data === undefined ? value : `${message.data}\n${value}`;
      else if (field === "event" || field === "id") message[field] = value;
    }
    return message;
  };
  return {
    async next(timeoutMs = 3000): Promise<SseMessage> {
      const deadline = performance.now() + timeoutMs;
      while (!buffer.includes("\n\n")) {
        const remaining = deadline - performance.now();
        if (remaining <= 0) throw new Error("no SSE message in time");
        const chunk = await Promise.race([reader.read(), Bun.sleep(remaining).then(() => undefined)]);
        if (!chunk) continue;
        if (chunk.done) throw new Error("stream ended");
        buffer += decoder.decode(chunk.value, { stream: true });
      }
      const end = buffer.indexOf("\n\n");
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      return parse(block);
    },
    /** The next `state` event, skipping heartbeats. */
    async nextState(timeoutMs = 3000): Promise<SseMessage> {
      const deadline = performance.now() + timeoutMs;
      for (;;) {
        const message = await this.next(deadline - performance.now());
        if (message.event === "state") return message;
      }
    },
    async ended(timeoutMs = 3000): Promise<boolean> {
      const chunk = await Promise.race([reader.read(), Bun.sleep(timeoutMs).then(() => undefined)]);
      return chunk?.done === true;
    },
    cancel: () => reader.cancel(),
  };
}

const insertOrder = (database: { sql: import("../../../src/db/client").Sql }, id: string) =>
  database.sql`insert into exchange_orders (exchange_order_id, symbol, side, order_type, status, quantity,
      exchange_create_time, exchange_update_time)
    values (${id}, 'BTC_USDT', 'BUY', 'LIMIT', 'NEW', '1', now(), now())`;

describe("GET /api/dashboard/stream", async () => {
  const database = await createTestDatabase();
  const { app, dashboard, close } = createTestApp(database, {
    env: { DASHBOARD_STREAM_HEARTBEAT_MS: "100", DASHBOARD_STALE_MS: "0" },
  });
  afterAll(async () => {
    close();
    await database.close();
  });

  test("sends the state at once, then a new state after each change, with heartbeats between", async () => {
    const res = await app.request("/api/dashboard/stream");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/event-stream");
    const stream = sseReader(res);
    try {
      const first = await stream.nextState();
      expect(first.id).toBe((await dashboard.current()).etag);
      expect(JSON.parse(first.data as string).open_orders).toEqual([]);

      await insertOrder(database, "stream-1");
      dashboard.invalidate();
      const second = await stream.nextState();
      expect(second.id).not.toBe(first.id);
      const orders = JSON.parse(second.data as string).open_orders;
      expect(orders.map((o: { exchange_order_id: string }) => o.exchange_order_id)).toEqual(["stream-1"]);

      let heartbeat: SseMessage;
      do heartbeat = await stream.next();
      while (heartbeat.event === "state");
      expect(heartbeat.comment).toBe("heartbeat");
    } finally {
      await stream.cancel();
    }
  });

  test("a client that reconnects with Last-Event-ID gets no repeat of the state it has", async () => {
    const current = await dashboard.current();
    const res = await app.request("/api/dashboard/stream", { headers: { "Last-Event-ID": current.etag } });
    const stream = sseReader(res);
    try {
      expect((await stream.next()).comment).toBe("heartbeat");
      await insertOrder(database, "stream-2");
      dashboard.invalidate();
      expect(JSON.parse((await stream.nextState()).data as string).open_orders[0].exchange_order_id).toBe("stream-2");
    } finally {
      await stream.cancel();
    }
  });

  test("a reader that falls behind skips to the newest state instead of queueing every one", async () => {
    const stream = sseReader(await app.request("/api/dashboard/stream"));
    try {
      for (let i = 1; i <= 5; i++) {
        await insertOrder(database, `behind-${i}`);
        dashboard.invalidate();
        await dashboard.current(); // rebuilt (no stale window): the stream has been offered it
      }
      const states: string[] = [];
      for (;;) {
        const message = await stream.nextState(300).catch(() => undefined);
        if (!message) break;
        states.push(JSON.parse(message.data as string).open_orders[0]?.exchange_order_id ?? "none");
      }
      expect(states.at(-1)).toBe("behind-5");
      expect(states.length).toBeLessThan(4);
    } finally {
      await stream.cancel();
    }
  });

  test("a disconnect unsubscribes the stream (no listener left behind)", async () => {
    const before = dashboard.stats().dashboard_stream_clients;
    const streams = await Promise.all([1, 2, 3].map(async () => sseReader(await app.request("/api/dashboard/stream"))));
    for (const stream of streams) await stream.nextState();
    expect(dashboard.stats().dashboard_stream_clients).toBe(before + 3);
    for (const stream of streams) await stream.cancel();
    await eventually(() => dashboard.stats().dashboard_stream_clients === before, 2000);
  });
});

describe("GET /api/dashboard/stream over a real socket", async () => {
  const database = await createTestDatabase(3);
  const { app, dashboard, close } = createTestApp(database, { env: { DASHBOARD_STREAM_HEARTBEAT_MS: "60000" } });
  // A one-second idle timeout: the stream must survive quiet periods longer than that.
  const server = Bun.serve({ port: 0, hostname: "127.0.0.1", idleTimeout: 1, fetch: app.fetch });
  const url = `http://127.0.0.1:${server.port}/api/dashboard/stream`;
  afterAll(async () => {
    await server.stop(true);
    close();
    await database.close();
  });

  test("stays open while quiet, and a client abort releases its subscription", async () => {
    const aborter = new AbortController();
    const stream = sseReader(await fetch(url, { signal: aborter.signal }));
    await stream.nextState();
    expect(dashboard.stats().dashboard_stream_clients).toBe(1);
    await Bun.sleep(4500); // Bun closes connections idle for idleTimeout, checked every few seconds
    await insertOrder(database, "socket-1");
    dashboard.invalidate();
    expect((await stream.nextState()).data).toContain('"socket-1"');
    aborter.abort();
    await eventually(() => dashboard.stats().dashboard_stream_clients === 0, 2000);
  }, 15_000);

  test("closing the dashboard (shutdown) ends open streams", async () => {
    const stream = sseReader(await fetch(url));
    await stream.nextState();
    dashboard.close();
    expect(await stream.ended()).toBe(true);
  });
});
