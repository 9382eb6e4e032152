/**
 * Freshness: how long a committed change takes to show in `GET /api/dashboard/state` and on
 * `/api/dashboard/stream`, with many stream clients connected, and what those clients do to the warm
 * latency. A change is committed the way a worker commits one (an update and its NOTIFY in one
 * transaction) on a watched market without alerts (nothing else reacts to it); its new value is a marker
 * searched for in the polled body and in every stream's bytes.
 */
import type { Socket } from "bun";
import type { BenchContext, RunningApp } from "./context";
import { measure, type ScenarioResult } from "./measure";

const DASHBOARD = "/api/dashboard/state";
const STREAM = "/api/dashboard/stream";

/** What one freshness run measured (milliseconds from just before the commit). */
export interface FreshnessReport {
  phase: "idle" | "import";
  clients: number;
  /** Streams that were open and answering when the changes began. */
  connected: number;
  changes: number;
  /** Commit → first /state answer holding the change (polled every 5 ms), p50 / p99 / max. */
  state_ms: Percentiles | null;
  /** Commit → each stream client's receipt of the state holding it, over every client and change. */
  stream_ms: Percentiles | null;
  /** Per change, first client's receipt → last client's receipt (the fan-out of one state to every client). */
  fanout_ms: Percentiles | null;
  /** Receipts that never came within 3 s. */
  missed: number;
}

export interface Percentiles {
  p50: number;
  p99: number;
  max: number;
}

function percentiles(values: number[]): Percentiles | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] as number;
  const r = (v: number) => Math.round(v * 10) / 10;
  return { p50: r(at(0.5)), p99: r(at(0.99)), max: r(sorted[sorted.length - 1] as number) };
}

/** One raw SSE connection that only looks for a marker in the bytes it receives (cheap for 1 000 of them). */
interface StreamClient {
  socket: Socket<undefined>;
  /** Bytes received so far (any). */
  received: number;
  seenAt?: number;
  watch(marker: Buffer): void;
}

async function openStream(host: string, port: number): Promise<StreamClient> {
  let marker: Buffer | undefined;
  let tail = Buffer.alloc(0);
  const client = {
    received: 0,
    seenAt: undefined as number | undefined,
    watch(next: Buffer) {
      marker = next;
      tail = Buffer.alloc(0);
      client.seenAt = undefined;
    },
  } as StreamClient;
  client.socket = await Bun.connect({
    hostname: host,
    port,
    socket: {
      data(_socket, chunk) {
        client.received += chunk.byteLength;
        if (!marker || client.seenAt !== undefined) return;
        // The marker may straddle two chunks: search the end of the last one joined to the start of this one.
        const joined = tail.length > 0 ? Buffer.concat([tail, chunk.subarray(0, marker.length)]) : null;
        if (
          (joined && joined.indexOf(marker) >= 0) ||
          Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength).indexOf(marker) >= 0
        ) {
          client.seenAt = performance.now();
          return;
        }
        tail = Buffer.from(chunk.subarray(Math.max(0, chunk.byteLength - marker.length + 1)));
      },
    },
  });
  client.socket.write(`GET ${STREAM} HTTP/1.1\r\nHost: ${host}:${port}\r\nAccept: text/event-stream\r\n\r\n`);
  return client;
}

/** The watched market the changes are made on: the last one (unlisted, no alerts: nothing reacts to it). */
async function changeTarget(ctx: BenchContext): Promise<number> {
  const [row] = await ctx.sql<{ id: number }[]>`select id from watchlist_items order by id desc limit 1`;
  if (!row) throw new Error("no watchlist item to change");
  return row.id;
}

/** Commits one change as a worker does (update + NOTIFY in one transaction); resolves to the time before it. */
async function commitChange(ctx: BenchContext, id: number, marker: string): Promise<number> {
  const at = performance.now();
  await ctx.sql.begin(async (tx) => {
    await tx`update watchlist_items set take_profit_pct = ${marker} where id = ${id}`;
    await tx`select pg_notify('atp_changes', 'watchlist')`;
  });
  return at;
}

/** Polls /state every 5 ms until its body holds `marker`; resolves to the time it did, or undefined after 3 s. */
async function pollState(app: RunningApp, marker: string): Promise<number | undefined> {
  const deadline = performance.now() + 3000;
  while (performance.now() < deadline) {
    const res = await fetch(`${app.server.baseUrl}${DASHBOARD}`, { headers: { "Accept-Encoding": "identity" } });
    const body = await res.text();
    if (body.includes(marker)) return performance.now();
    await Bun.sleep(5);
  }
  return undefined;
}

/**
 * Opens `clients` streams, then commits `changes` changes one after another (each once the previous one
 * was seen everywhere, then a pause longer than DASHBOARD_MIN_REBUILD_MS), timing each to /state and to
 * every stream. `during` runs while the streams are open and before the changes (the warm latency row).
 */
export async function freshness(
  ctx: BenchContext,
  app: RunningApp,
  options: {
    phase: "idle" | "import";
    clients: number;
    changes: number;
    /** Stops committing changes early (the import ended). */
    until?: () => boolean;
    during?: () => Promise<ScenarioResult[]>;
  },
): Promise<{ report: FreshnessReport; scenarios: ScenarioResult[] }> {
  const url = new URL(app.server.baseUrl);
  const port = Number(url.port);
  const streams: StreamClient[] = [];
  try {
    for (let i = 0; i < options.clients; i += 100) {
      const batch = Math.min(100, options.clients - i);
      streams.push(...(await Promise.all(Array.from({ length: batch }, () => openStream(url.hostname, port)))));
    }
    // Every stream has its first state (or at least its headers) before anything is measured.
    const settle = performance.now() + 10_000;
    while (streams.some((s) => s.received === 0) && performance.now() < settle) await Bun.sleep(20);
    const connected = streams.filter((s) => s.received > 0).length;
    const scenarios = options.during ? await options.during() : [];

    const id = await changeTarget(ctx);
    const state: number[] = [];
    const stream: number[] = [];
    const fanout: number[] = [];
    let missed = 0;
    let made = 0;
    for (let n = 0; n < options.changes && !(options.until?.() ?? false); n++) {
      // A value no earlier state held: take_profit_pct is numeric(… , 8) rendered as text.
      const marker = `${7 + n}.${String(Date.now() % 1e8).padStart(8, "0")}`;
      const needle = Buffer.from(`"take_profit_pct":"${marker}"`);
      for (const s of streams) s.watch(needle);
      const at = await commitChange(ctx, id, marker);
      made++;
      const seen = await pollState(app, needle.toString());
      if (seen === undefined) missed++;
      else state.push(seen - at);
      const deadline = performance.now() + 3000;
      while (streams.some((s) => s.seenAt === undefined) && performance.now() < deadline) await Bun.sleep(2);
      const receipts = streams.flatMap((s) => (s.seenAt === undefined ? [] : [s.seenAt]));
      missed += streams.length - receipts.length;
      for (const t of receipts) stream.push(t - at);
      if (receipts.length > 0) fanout.push(Math.max(...receipts) - Math.min(...receipts));
      await Bun.sleep(300);
    }
    return {
      report: {
        phase: options.phase,
        clients: options.clients,
        connected,
        changes: made,
        state_ms: percentiles(state),
        stream_ms: percentiles(stream),
        fanout_ms: percentiles(fanout),
        missed,
      },
      scenarios,
    };
  } finally {
    for (const s of streams) s.socket.end();
  }
}

/** The warm dashboard at the fixed rate while the streams are connected (compared with the idle row). */
export function connectedLatency(ctx: BenchContext, app: RunningApp, clients: number): Promise<ScenarioResult[]> {
  const { perSecond, connections, seconds } = ctx.profile.rate;
  return measure(ctx.tools, app, [
    {
      id: "latency.streams.dashboard",
      title: `dashboard at ${perSecond} req/s, ${clients} stream clients connected`,
      path: DASHBOARD,
      kind: "rate",
      connections,
      rate: perSecond,
      durationS: seconds,
    },
  ]);
}
