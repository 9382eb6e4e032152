/**
 * Watches a running process for the whole of its life: every 200 ms it reads its RSS from /proc and, for
 * ATP, the event-loop lag from `/metrics`. A scenario asks for the samples of its own window.
 */
import { readMachineCpu, readProcessTreeCpuSeconds, readRss, type Server } from "./processes";

const POLL_MS = 200;

interface Sample {
  at: number;
  lagLastMs: number | null;
  lagMeanMs: number | null;
  /** The app's own maximum over its lag window (the last 10 s). */
  lagWindowMaxMs: number | null;
  rssBytes: number | null;
  /** The app's own gauges (dashboard cache counters, build time…) as /metrics reports them. */
  gauges: Record<string, number> | null;
}

/** What the app did during one scenario's window. */
export interface WindowReport {
  lag_ms: { sampled_max: number | null; sampled_mean: number | null; app_window_max: number | null; samples: number };
  rss_max_bytes: number | null;
  /** The app's gauges at the window's last sample, and how much each moved across the window. */
  gauges: { last: Record<string, number>; change: Record<string, number> } | null;
  /** CPU seconds used during the window: by the process (and its main thread), PostgreSQL, the machine. */
  cpu: {
    wall_s: number;
    app_s: number | null;
    main_thread_s: number | null;
    postgres_s: number | null;
    machine_busy_s: number;
    /** Part of machine_busy_s the host took from this virtual machine's cores. */
    machine_steal_s: number;
    machine_total_s: number;
  };
}

/** A route's counters as the app's `/metrics` reports them (middleware and handler, server side). */
export interface RouteCounters {
  count: number;
  avg_ms: number;
  /** Percentiles over the route's last 2 048 requests. */
  p99_ms: number;
}

/** The app's own timing of the requests of one run (see serverTiming). */
export interface ServerTiming {
  requests: number;
  mean_ms: number;
  /** Only when the run alone fills the app's 2 048-request window; otherwise it would mix in older requests. */
  p99_ms: number | null;
}

/** The app's own timing of a run, from the route's counters before and after it. */
export function serverTiming(before: RouteCounters | null, after: RouteCounters | null): ServerTiming | null {
  if (!after) return null;
  const start = before ?? { count: 0, avg_ms: 0, p99_ms: 0 };
  const requests = after.count - start.count;
  if (requests <= 0) return null;
  const mean = (after.avg_ms * after.count - start.avg_ms * start.count) / requests;
  return {
    requests,
    mean_ms: Math.round(mean * 1000) / 1000,
    p99_ms: requests >= RESERVOIR * 0.9 ? after.p99_ms : null,
  };
}

const RESERVOIR = 2048;

/** A window opened by `AppMonitor.begin()`; `end()` closes it and summarises it. */
export interface Window {
  end(): WindowReport;
}

/** Samples one app until stopped. */
export class AppMonitor {
  private readonly samples: Sample[] = [];
  private readonly timer: Timer;
  private polling = false;

  /**
   * `metrics: false` for a process without `/metrics` (the ceiling): only /proc is read.
   * `postgresPid`: the database server's postmaster, when it runs on this machine.
   */
  constructor(
    private readonly app: Server,
    private readonly postgresPid: number | null,
    private readonly metrics = true,
  ) {
    this.timer = setInterval(() => void this.poll(), POLL_MS);
  }

  /** Opens a measurement window now. */
  begin(): Window {
    const start = performance.now();
    const cpuStart = this.app.cpuSeconds();
    const mainStart = this.app.mainThreadCpuSeconds();
    const pgStart = this.postgresCpu();
    const machineStart = readMachineCpu();
    return {
      end: () => {
        const end = performance.now();
        const cpuEnd = this.app.cpuSeconds();
        const mainEnd = this.app.mainThreadCpuSeconds();
        const pgEnd = this.postgresCpu();
        const machineEnd = readMachineCpu();
        const inWindow = this.samples.filter((s) => s.at >= start && s.at <= end);
        const lags = inWindow.map((s) => s.lagLastMs).filter((v): v is number => v !== null);
        const means = inWindow.map((s) => s.lagMeanMs).filter((v): v is number => v !== null);
        const last = inWindow.at(-1);
        const rss = [...inWindow.map((s) => s.rssBytes), this.app.rssBytes()].filter((v): v is number => v !== null);
        return {
          lag_ms: {
            sampled_max: lags.length > 0 ? Math.max(...lags) : null,
            sampled_mean: means.length > 0 ? round(means.reduce((a, b) => a + b, 0) / means.length) : null,
            // Only meaningful when the window is at least as long as the app's 10 s lag window.
            app_window_max: last && end - start >= 10_000 ? last.lagWindowMaxMs : null,
            samples: inWindow.length,
          },
          rss_max_bytes: rss.length > 0 ? Math.max(...rss) : null,
          gauges: gaugeChange(inWindow),
          cpu: {
            wall_s: round((end - start) / 1000),
            app_s: delta(cpuStart, cpuEnd),
            main_thread_s: delta(mainStart, mainEnd),
            postgres_s: delta(pgStart, pgEnd),
            machine_busy_s: round(machineEnd.busy - machineStart.busy),
            machine_steal_s: round(machineEnd.steal - machineStart.steal),
            machine_total_s: round(machineEnd.total - machineStart.total),
          },
        };
      },
    };
  }

  private postgresCpu(): number | null {
    return this.postgresPid === null ? null : readProcessTreeCpuSeconds(this.postgresPid);
  }

  /** The route's counters from the app's `/metrics`, or null (no such route yet, or no `/metrics`). */
  async routeCounters(path: string): Promise<RouteCounters | null> {
    if (!this.metrics) return null;
    try {
      const res = await fetch(`${this.app.baseUrl}/metrics`, { signal: AbortSignal.timeout(5000) });
      const body = (await res.json()) as { routes?: (RouteCounters & { route: string })[] };
      const route = body.routes?.find((r) => r.route === `GET ${path}`);
      return route ? { count: route.count, avg_ms: route.avg_ms, p99_ms: route.p99_ms } : null;
    } catch {
      return null;
    }
  }

  /** Highest RSS seen over the app's whole life. */
  maxRss(): number | null {
    const values = this.samples.map((s) => s.rssBytes).filter((v): v is number => v !== null);
    return values.length > 0 ? Math.max(...values) : null;
  }

  stop(): void {
    clearInterval(this.timer);
  }

  private async poll(): Promise<void> {
    if (this.polling) return;
    this.polling = true;
    const sample: Sample = {
      at: performance.now(),
      lagLastMs: null,
      lagMeanMs: null,
      lagWindowMaxMs: null,
      rssBytes: readRss(this.app.pid),
      gauges: null,
    };
    if (this.metrics) await this.readLag(sample);
    this.samples.push(sample);
    this.polling = false;
  }

  private async readLag(sample: Sample): Promise<void> {
    try {
      const res = await fetch(`${this.app.baseUrl}/metrics`, { signal: AbortSignal.timeout(2000) });
      const body = (await res.json()) as {
        event_loop_lag?: { last_ms: number; max_ms: number; mean_ms: number };
        gauges?: Record<string, number>;
      };
      sample.gauges = body.gauges ?? null;
      sample.lagLastMs = body.event_loop_lag?.last_ms ?? null;
      sample.lagMeanMs = body.event_loop_lag?.mean_ms ?? null;
      sample.lagWindowMaxMs = body.event_loop_lag?.max_ms ?? null;
    } catch {
      // A slow or failed poll leaves this sample's lag unknown; the next one tries again.
    }
  }
}

function gaugeChange(samples: Sample[]): WindowReport["gauges"] {
  const withGauges = samples.filter((s) => s.gauges !== null);
  const first = withGauges[0]?.gauges;
  const last = withGauges.at(-1)?.gauges;
  if (!first || !last) return null;
  const change = Object.fromEntries(Object.entries(last).map(([k, v]) => [k, round(v - (first[k] ?? 0))]));
  return { last, change };
}

const round = (v: number) => Math.round(v * 1000) / 1000;
const delta = (start: number | null, end: number | null) =>
  start !== null && end !== null ? round(end - start) : null;
