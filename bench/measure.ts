/**
 * One measured scenario: probe the endpoint (a missing one is skipped, not failed), run the load while
 * the target process is watched, probe again, and check every answer — status codes and body sizes.
 */
import { type AppMonitor, type ServerTiming, serverTiming, type WindowReport } from "./monitor";
import type { Server } from "./processes";
import { type LoadKind, type LoadResult, runLoad, type Toolset } from "./tools";

/** A process under measurement with its monitor. */
export interface Target {
  server: Server;
  monitor: AppMonitor;
}

/** A load to run against one path of the target. */
export interface Plan {
  id: string;
  title: string;
  path: string;
  kind: LoadKind;
  connections: number;
  durationS?: number;
  rate?: number;
  requests?: number;
  /** Request headers of every request, the probes' included (e.g. Accept-Encoding: body sizes are then wire bytes). */
  headers?: Record<string, string>;
}

export interface ScenarioResult {
  id: string;
  title: string;
  /** The process that answered (app name or `ceiling`). */
  target: string;
  /** The load's shape, the same whatever the tool. */
  load_shape: string;
  status: "ok" | "invalid" | "skipped";
  /** Why it was skipped, or what made it invalid. */
  problems: string[];
  /** Facts worth knowing that do not invalidate the run (e.g. the rate was not sustained). */
  notes: string[];
  /** Body size of the endpoint just before and just after the load. */
  body_bytes?: { before: number; after: number };
  load?: LoadResult;
  /** The app's own timing of the run's requests (null for the ceiling, or when loads ran side by side). */
  server_timing?: ServerTiming | null;
  window?: WindowReport;
}

interface Probe {
  status: number;
  bytes: number;
}

/** Fetches `url` once: its status and body size in bytes. */
async function probe(url: string, headers: Record<string, string> = {}): Promise<Probe> {
  // Bytes as sent: no Accept-Encoding unless the plan names one, and nothing decompressed.
  const get = () =>
    fetch(url, {
      headers: { "Accept-Encoding": "identity", ...headers },
      decompress: false,
      signal: AbortSignal.timeout(30_000),
    });
  let res = await get();
  // A compressed copy is made just after each build: right after a change, wait the few ms it takes.
  for (let i = 0; i < 25 && headers["Accept-Encoding"] && !res.headers.has("content-encoding"); i++) {
    await res.arrayBuffer();
    await Bun.sleep(20);
    res = await get();
  }
  return { status: res.status, bytes: (await res.arrayBuffer()).byteLength };
}

/** Runs several loads at once against one target (one shared watch window); each gets its own result. */
export async function measure(
  tools: Toolset,
  target: Target,
  plans: Plan[],
  options: { stop?: AbortSignal } = {},
): Promise<ScenarioResult[]> {
  const base = (plan: Plan): ScenarioResult => ({
    id: plan.id,
    title: plan.title,
    target: target.server.name,
    load_shape: loadShape(plan),
    status: "ok",
    problems: [],
    notes: [],
  });
  const prepared = await Promise.all(
    plans.map(async (plan) => {
      const before = await probe(`${target.server.baseUrl}${plan.path}`, plan.headers).catch((error: Error) => error);
      return { plan, before };
    }),
  );
  const results: ScenarioResult[] = [];
  const runnable: { plan: Plan; before: Probe; result: ScenarioResult }[] = [];
  for (const { plan, before } of prepared) {
    const result = base(plan);
    results.push(result);
    if (before instanceof Error) {
      result.status = "invalid";
      result.problems.push(`probe failed: ${before.message}`);
    } else if (before.status === 404) {
      result.status = "skipped";
      result.problems.push(`${plan.path} not available (404)`);
    } else if (before.status !== 200) {
      result.status = "invalid";
      result.problems.push(`${plan.path} answered ${before.status} before the load`);
    } else {
      runnable.push({ plan, before, result });
    }
  }
  if (runnable.length === 0) return results;

  // The app's counters of the route, to isolate this run's requests in them afterwards (one load at a time).
  const countersBefore =
    runnable.length === 1 ? await target.monitor.routeCounters(runnable[0]?.plan.path ?? "") : null;
  const window = target.monitor.begin();
  const loads = await Promise.allSettled(
    runnable.map(({ plan, before }) =>
      runLoad(tools, {
        kind: plan.kind,
        url: `${target.server.baseUrl}${plan.path}`,
        connections: plan.connections,
        durationS: plan.durationS,
        rate: plan.rate,
        requests: plan.requests,
        // Half the expected size: an empty body or an error envelope never reaches it.
        minBodyBytes: Math.floor(before.bytes / 2),
        stop: options.stop,
        headers: plan.headers,
      }),
    ),
  );
  const report = window.end();
  // CPU that neither the target, PostgreSQL nor the load tools used: other processes disturbing the run.
  const toolsCpu = loads.reduce((sum, l) => sum + (l.status === "fulfilled" ? l.value.tool_cpu_s : 0), 0);
  const othersShare =
    (report.cpu.machine_busy_s - (report.cpu.app_s ?? 0) - (report.cpu.postgres_s ?? 0) - toolsCpu) / report.cpu.wall_s;

  for (const [i, { plan, before, result }] of runnable.entries()) {
    const outcome = loads[i] as PromiseSettledResult<LoadResult>;
    result.window = report;
    if (outcome.status === "rejected") {
      result.status = "invalid";
      result.problems.push(String((outcome.reason as Error).message ?? outcome.reason));
      continue;
    }
    // Read before the probe below, which would add a request of the route.
    if (runnable.length === 1) {
      result.server_timing = serverTiming(countersBefore, await target.monitor.routeCounters(plan.path));
    }
    const after = await probe(`${target.server.baseUrl}${plan.path}`, plan.headers).catch(() => ({
      status: 0,
      bytes: 0,
    }));
    result.load = outcome.value;
    result.body_bytes = { before: before.bytes, after: after.bytes };
    const { problems, notes } = checkLoad(outcome.value, plan, Math.min(before.bytes, after.bytes || before.bytes));
    result.problems.push(...problems);
    result.notes.push(...notes);
    if (after.status !== 200) result.problems.push(`${plan.path} answered ${after.status} after the load`);
    if (othersShare > 0.3)
      result.notes.push(`other processes used ${Math.round(othersShare * 100)}% of a core meanwhile`);
    if (result.problems.length > 0) result.status = "invalid";
  }
  return results;
}

/**
 * The checks that make a load count: answers only 2xx, no failed requests, no short body (checked per
 * response with wrk), and a mean body size no smaller than the endpoint's (with hey and oha, which report
 * only the total; 1% slack for bodies that change by a few bytes while the state moves).
 */
export function checkLoad(
  load: LoadResult,
  plan: Plan,
  expectedBytes: number,
): { problems: string[]; notes: string[] } {
  const problems: string[] = [];
  const notes: string[] = [];
  if (load.responses === 0) problems.push("no responses");
  for (const [code, count] of Object.entries(load.statuses)) {
    if (!code.startsWith("2")) problems.push(`${count} responses with status ${code}`);
  }
  for (const [kind, count] of Object.entries(load.errors)) problems.push(`${count} requests failed (${kind})`);
  if (load.body.short !== null && load.body.short > 0) {
    problems.push(`${load.body.short} bodies shorter than ${load.body.min_valid_bytes} bytes`);
  }
  const slack = Math.max(64, Math.ceil(expectedBytes * 0.01));
  if (load.body.mean_bytes !== null && load.body.mean_bytes < expectedBytes - slack) {
    problems.push(
      `mean body ${load.body.mean_bytes} B is below the endpoint's ${expectedBytes} B: empty or error bodies`,
    );
  }
  if (plan.kind === "count" && plan.requests !== undefined && load.responses < plan.requests) {
    problems.push(`${load.responses} of ${plan.requests} requests answered`);
  }
  if (plan.kind === "rate" && plan.rate !== undefined && load.rps < plan.rate * 0.95) {
    notes.push(`rate not sustained: ${load.rps} of ${plan.rate} req/s`);
  }
  return { problems, notes };
}

/** A load's parameters in the tools' own terms, e.g. `200/s -c 10 10s` or `-n 100 -c 10`. */
export function loadShape(plan: Pick<Plan, "kind" | "connections" | "durationS" | "rate" | "requests">): string {
  if (plan.kind === "count") return `-n ${plan.requests} -c ${plan.connections}`;
  const duration = plan.durationS === undefined ? "" : ` ${plan.durationS}s`;
  return `${plan.kind === "rate" ? `${plan.rate}/s ` : ""}-c ${plan.connections}${duration}`;
}
