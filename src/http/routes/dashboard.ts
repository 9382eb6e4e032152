import { Hono } from "hono";
import { streamSSE } from "hono/streaming";
import type { Logger } from "../../lib/logger";
import type { DashboardCache, DashboardSnapshot } from "../../services/dashboard";
import { dashboardResponder } from "../dashboard-response";
import { apiAuth } from "../middleware/auth";
import type { StreamTickets } from "../stream-ticket";

export interface DashboardRoutesDeps {
  dashboard: DashboardCache;
  /** Interval of the stream's keep-alive comments. */
  heartbeatMs: number;
  apiToken?: string;
  readToken?: string;
  /** Tickets that open the stream without a header (EventSource cannot send one). */
  tickets: StreamTickets;
  log: Logger;
}

/** The path a stream ticket opens, and the POST that trades a read token for one (so it counts as a read). */
export const STREAM_PATH = "/api/dashboard/stream";
export const STREAM_TICKET_PATH = "/api/dashboard/stream-ticket";

/** Bun's server, as Hono's Bun adapter passes it in `c.env`. */
interface ConnectionTimeouts {
  timeout(request: Request, seconds: number): void;
}
const hasConnectionTimeouts = (env: unknown): env is ConnectionTimeouts =>
  typeof (env as Partial<ConnectionTimeouts> | undefined)?.timeout === "function";

const encoder = new TextEncoder();
// One serialisation per state, whatever the number of open streams: each client is written the same bytes.
const frames = new WeakMap<DashboardSnapshot, Uint8Array>();
function sseFrame(snapshot: DashboardSnapshot): Uint8Array {
  let frame = frames.get(snapshot);
  if (!frame) {
    // The body is one line of JSON (no newline), so it is one `data:` field.
    frame = encoder.encode(`event: state\nid: ${snapshot.etag}\ndata: ${snapshot.body}\n\n`);
    frames.set(snapshot, frame);
  }
  return frame;
}

/**
 * `GET /api/dashboard/state` (the cached body as is, ETag and 304), `GET /api/dashboard/stream` (SSE, with the
 * token or a `?ticket=`) and `POST /api/dashboard/stream-ticket` (a ticket valid for a minute).
 */
export function dashboardRoutes({ dashboard, heartbeatMs, apiToken, readToken, tickets, log }: DashboardRoutesDeps) {
  // Negotiation, ETag per representation and 304 (src/http/dashboard-response.ts); the secure headers come
  // from the app's middleware here. Without READ_TOKEN, Bun's router answers GET first (http/native-routes.ts).
  const respond = dashboardResponder();
  return new Hono()
    .use("/api/dashboard/*", apiAuth({ apiToken, readToken, tickets, readPosts: new Set([STREAM_TICKET_PATH]) }))
    .post(STREAM_TICKET_PATH, (c) => {
      const { ticket, expires_at } = tickets.issue(STREAM_PATH);
      return c.json({ ticket, expires_at, stream_url: `${STREAM_PATH}?ticket=${encodeURIComponent(ticket)}` }, 201, {
        "Cache-Control": "no-store",
      });
    })
    .get("/api/dashboard/state", async (c) => respond(await dashboard.current(), c.req.raw.headers))
    .get(STREAM_PATH, (c) => {
      // An open stream is quiet between heartbeats; Bun's idle timeout (10 s) must not cut it.
      if (hasConnectionTimeouts(c.env)) c.env.timeout(c.req.raw, 0);
      return streamSSE(
        c,
        async (stream) => {
          const closed = new Promise<void>((resolve) => stream.onAbort(resolve));
          // An EventSource that reconnects sends the ETag it last saw: do not send it that state again.
          let lastSent = c.req.header("last-event-id");
          // One write at a time, and only the newest state waits: a slow reader skips states, it does not
          // make the server queue every one of them.
          let waiting: DashboardSnapshot | undefined;
          let writing = false;
          const drain = async () => {
            writing = true;
            for (let next = waiting; next; next = waiting) {
              waiting = undefined;
              await stream.write(sseFrame(next));
            }
            writing = false;
          };
          const send = (snapshot: DashboardSnapshot) => {
            if (snapshot.etag === lastSent) return;
            lastSent = snapshot.etag;
            waiting = snapshot;
            if (!writing) void drain();
          };
          const unsubscribe = dashboard.subscribe(send);
          const heartbeat = setInterval(() => {
            if (!writing) void stream.write(": heartbeat\n\n");
            // Also picks up what no notification announces, once the cached state is older than its max age.
            dashboard
              .current()
              .then(send, (error: Error) => log.warn("dashboard stream refresh failed", { error: error.message }));
          }, heartbeatMs);
          try {
            send(await dashboard.current());
            await Promise.race([closed, dashboard.closing]);
          } finally {
            clearInterval(heartbeat);
            unsubscribe();
          }
        },
        async (error) => {
          log.error("dashboard stream failed", { error: error.message });
        },
      );
    });
}
