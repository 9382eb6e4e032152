import type { Exposition } from "./exposition";

/** Upper bounds (ms) of the cumulative latency buckets exported to Prometheus. */
export const LATENCY_BUCKETS_MS = [0.5, 1, 2.5, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10_000] as const;
const RESERVOIR = 2048;
const WINDOW_S = 60;

/** Latency summary of one route; percentiles cover its most recent 2 048 requests. */
export interface RouteSummary {
  route: string;
  count: number;
  errors: number;
  rps_1m: number;
  avg_ms: number;
  p50_ms: number;
  p95_ms: number;
  p99_ms: number;
  max_ms: number;
}

class RouteStats {
  count = 0;
  errors = 0;
  sumMs = 0;
  maxMs = 0;
  readonly recent = new Float64Array(RESERVOIR);
  readonly buckets = new Float64Array(LATENCY_BUCKETS_MS.length);
  // Requests per second over the last minute: one slot per second, stamped with its second.
  readonly perSecond = new Uint32Array(WINDOW_S);
  readonly slotSecond = new Float64Array(WINDOW_S);

  record(ms: number, isError: boolean, nowS: number): void {
    this.recent[this.count % RESERVOIR] = ms;
    this.count++;
    if (isError) this.errors++;
    this.sumMs += ms;
    if (ms > this.maxMs) this.maxMs = ms;
    for (let i = 0; i < LATENCY_BUCKETS_MS.length; i++) {
      if (ms <= (LATENCY_BUCKETS_MS[i] as number)) {
        this.buckets[i] = (this.buckets[i] as number) + 1;
        break;
      }
    }
    const slot = nowS % WINDOW_S;
    if (this.slotSecond[slot] !== nowS) {
      this.slotSecond[slot] = nowS;
      this.perSecond[slot] = 0;
    }
    this.perSecond[slot] = (this.perSecond[slot] as number) + 1;
  }

  summary(route: string, nowS: number): RouteSummary {
    const n = Math.min(this.count, RESERVOIR);
    const sorted = this.recent.slice(0, n).sort();
    const at = (q: number) => (n === 0 ? 0 : (sorted[Math.min(n - 1, Math.ceil(q * n) - 1)] as number));
    let lastMinute = 0;
    for (let i = 0; i < WINDOW_S; i++) {
      if (nowS - (this.slotSecond[i] as number) < WINDOW_S) lastMinute += this.perSecond[i] as number;
    }
    return {
      route,
      count: this.count,
      errors: this.errors,
      rps_1m: round(lastMinute / WINDOW_S),
      avg_ms: round(this.count === 0 ? 0 : this.sumMs / this.count),
      p50_ms: round(at(0.5)),
      p95_ms: round(at(0.95)),
      p99_ms: round(at(0.99)),
      max_ms: round(this.maxMs),
    };
  }
}

const round = (v: number) => Math.round(v * 1000) / 1000;

/** In-memory per-route request metrics: counts, rates, latency percentiles and histogram buckets. */
export class MetricsRegistry {
  private readonly routes = new Map<string, RouteStats>();

  constructor(private readonly nowMs: () => number = Date.now) {}

  /** Records one finished request. `route` is the matched pattern, e.g. `GET /api/orders/:id`. */
  record(route: string, status: number, ms: number): void {
    let stats = this.routes.get(route);
    if (!stats) {
      stats = new RouteStats();
      this.routes.set(route, stats);
    }
    stats.record(ms, status >= 500, Math.floor(this.nowMs() / 1000));
  }

  /** Summary of every route seen, busiest first. */
  summaries(): RouteSummary[] {
    const nowS = Math.floor(this.nowMs() / 1000);
    return [...this.routes.entries()]
      .map(([route, stats]) => stats.summary(route, nowS))
      .sort((a, b) => b.count - a.count);
  }

  /** Writes the request families: requests, 5xx answers and the latency histogram, by route. */
  writeTo(out: Exposition): Exposition {
    out.family("atp_http_requests_total", "counter", "Requests served, by route.");
    for (const [route, s] of this.routes) out.sample("atp_http_requests_total", s.count, { route });
    out.family("atp_http_server_errors_total", "counter", "Requests answered with a 5xx status, by route.");
    for (const [route, s] of this.routes) out.sample("atp_http_server_errors_total", s.errors, { route });
    out.family("atp_http_request_duration_seconds", "histogram", "Request latency, by route.");
    for (const [route, s] of this.routes) {
      let cumulative = 0;
      LATENCY_BUCKETS_MS.forEach((le, i) => {
        cumulative += s.buckets[i] as number;
        out.sample("atp_http_request_duration_seconds_bucket", cumulative, { route, le: String(le / 1000) });
      });
      out
        .sample("atp_http_request_duration_seconds_bucket", s.count, { route, le: "+Inf" })
        .sample("atp_http_request_duration_seconds_sum", s.sumMs / 1000, { route })
        .sample("atp_http_request_duration_seconds_count", s.count, { route });
    }
    return out;
  }
}
