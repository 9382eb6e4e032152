import { streamSSE } from "hono/streaming";
import { z } from "zod";
import type { DashboardSnapshot } from "../../services/dashboard";
import { followDashboard } from "../../services/dashboard/stream";
import { type AppDeps, createRouter } from "../context";
import { dashboardResponder } from "../dashboard-response";
import { ApiError } from "../errors";
import { validate } from "../validation";

/** The path a stream ticket opens, and the POST that trades a read token for one (so it counts as a read). */
export const STREAM_PATH = "/api/dashboard/stream";
export const STREAM_TICKET_PATH = "/api/dashboard/stream-ticket";

/** `?ticket=` as POST /stream-ticket issues it: `<expiry ms>.<nonce>.<signature>` (base64url parts). */
export const streamQuery = z.strictObject({
  ticket: z
    .string()
    .regex(/^\d{1,16}\.[A-Za-z0-9_-]{1,64}\.[A-Za-z0-9_-]{1,64}$/, "must be a ticket from POST /stream-ticket")
    .optional()
    .meta({ description: "a stream ticket, valid for a minute" }),
});

/** Bun's server, as Hono's Bun adapter passes it in `c.env`. */
interface ConnectionTimeouts {
  timeout(request: Request, seconds: number): void;
}
const hasConnectionTimeouts = (env: unknown): env is ConnectionTimeouts =>
  typeof (env as Partial<ConnectionTimeouts> | undefined)?.timeout === "function";

/** Every dashboard stream this server may hold is open. */
class StreamsFull extends ApiError {
  override name = "StreamsFull";
  override readonly retryAfterS = 5;
  constructor(max: number) {
    super("unavailable", `${max} dashboard streams are open, the most this server holds; retry later`);
  }
}

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
export function dashboardRoutes({
  dashboard,
  config,
  tickets,
  log,
}: Pick<AppDeps, "dashboard" | "config" | "tickets" | "log">) {
  // Negotiation, ETag per representation and 304 (src/http/dashboard-response.ts); the secure headers come
  // from the app's middleware here. Without READ_TOKEN, Bun's router answers GET first (http/native-routes.ts).
  const respond = dashboardResponder();
  let openStreams = 0;
  return createRouter()
    .post("/stream-ticket", (c) => {
      const { ticket, expires_at } = tickets.issue(STREAM_PATH);
      return c.json({ ticket, expires_at, stream_url: `${STREAM_PATH}?ticket=${encodeURIComponent(ticket)}` }, 201, {
        "Cache-Control": "no-store",
      });
    })
    .get("/state", async (c) => respond(await dashboard.current(), c.req.raw))
    .get("/stream", validate("query", streamQuery), (c) => {
      // An open stream is quiet between heartbeats; Bun's idle timeout (10 s) must not cut it.
      if (openStreams >= config.DASHBOARD_STREAM_MAX) throw new StreamsFull(config.DASHBOARD_STREAM_MAX);
      openStreams++;
      if (hasConnectionTimeouts(c.env)) c.env.timeout(c.req.raw, 0);
      return streamSSE(
        c,
        (stream) =>
          followDashboard(
            dashboard,
            {
              state: (next) => stream.write(sseFrame(next)).then(() => {}),
              heartbeat: () => stream.write(": heartbeat\n\n").then(() => {}),
            },
            {
              lastEventId: c.req.header("last-event-id"),
              heartbeatMs: config.DASHBOARD_STREAM_HEARTBEAT_MS,
              closed: new Promise<void>((resolve) => stream.onAbort(resolve)),
              log,
            },
          ).finally(() => {
            openStreams--;
          }),
        async (error) => {
          log.error("dashboard stream failed", { error: error.message });
        },
      );
    });
}
