import type { Logger } from "../../lib/logger";
import type { DashboardCache, DashboardSnapshot } from "./cache";

/** Where one stream writes: a state event, or a keep-alive comment. */
export interface DashboardStreamSink {
  state(snapshot: DashboardSnapshot): Promise<void>;
  heartbeat(): Promise<void>;
}

export interface FollowOptions {
  /** The ETag the reader last saw (an EventSource's Last-Event-ID): that state is not sent again. */
  lastEventId?: string;
  heartbeatMs: number;
  /** Resolves when the reader goes away. */
  closed: Promise<void>;
  log: Logger;
}

/**
 * Follows the dashboard for one reader until it goes away or the cache closes: the current state first, then
 * every new one. One write at a time, and only the newest state waits: a slow reader skips states, it does not
 * make the server queue every one of them. The heartbeat also re-reads the cache, which picks up what no
 * notification announces once the cached state is older than its max age.
 */
export async function followDashboard(
  dashboard: DashboardCache,
  sink: DashboardStreamSink,
  { lastEventId, heartbeatMs, closed, log }: FollowOptions,
): Promise<void> {
  let lastSent = lastEventId;
  let waiting: DashboardSnapshot | undefined;
  let writing = false;
  const drain = async () => {
    writing = true;
    for (let next = waiting; next; next = waiting) {
      waiting = undefined;
      await sink.state(next);
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
  const beat = () => {
    if (!writing) void sink.heartbeat();
    dashboard
      .current()
      .then(send, (error: Error) => log.warn("dashboard stream refresh failed", { error: error.message }));
  };
  // Each stream's beat at its own phase: streams opened together (a reconnecting fleet) do not all beat at once.
  let heartbeat: Timer = setTimeout(() => {
    beat();
    heartbeat = setInterval(beat, heartbeatMs);
  }, Math.random() * heartbeatMs);
  try {
    send(await dashboard.current());
    await Promise.race([closed, dashboard.closing]);
  } finally {
    clearTimeout(heartbeat);
    clearInterval(heartbeat);
    unsubscribe();
  }
}
