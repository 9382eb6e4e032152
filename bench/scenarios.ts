/**
 * The benchmark's scenarios, in the order a run performs them. Each app process is started for its
 * purpose (all services and the sync storm; cache bypassed; services one by one; info-level logging)
 * and stopped before the next, so they never compete for the two cores or for service leadership.
 */
import { randomBytes } from "node:crypto";
import { rmSync, statSync } from "node:fs";
import type postgres from "postgres";
import { loadShape, measure, type Plan, type ScenarioResult, type Target } from "./measure";
import { AppMonitor } from "./monitor";
import { type Server, startApp, startCeiling } from "./processes";
import type { Profile } from "./profile";
import { runLoad, type Toolset } from "./tools";

const DASHBOARD = "/api/dashboard/state";
const ALL_SERVICES = "exchange_sync,signal_monitor,trading_scheduler";
/** The sync waits this long after start-up: long enough for the app to be ready and warmed up first. */
const STORM_START_DELAY_MS = 5000;

/** Everything a scenario needs from the run. */
export interface BenchContext {
  profile: Profile;
  tools: Toolset;
  /** The benchmark's own connection to the run's database (progress of the import). */
  sql: postgres.Sql;
  databaseUrl: string;
  /** Highest exchange_orders id before the app started: rows above it were imported by exchange_sync. */
  importBaselineId: number;
  /** The embedded PostgreSQL's postmaster (its CPU is reported per scenario), or null. */
  postgresPid: number | null;
  /** Path prefix for the apps' log files. */
  logPrefix: string;
  say(line: string): void;
  /** Registers a process to stop if the run is interrupted. */
  track(server: Server): void;
}

/** A started app process, watched. */
export interface RunningApp extends Target {
  env: Record<string, string>;
  logPath: string;
}

/** How the import of the paper history went during the storm. */
export interface ImportReport {
  started: boolean;
  complete: boolean;
  orders: number;
  seconds: number | null;
  orders_per_s: number | null;
  /** WAL the database server wrote from the storm's start to its end (the import's, mostly). */
  wal_bytes?: number;
}

/** Facts about one app process of the run. */
export interface AppFacts {
  name: string;
  env: Record<string, string>;
  ready_ms: number;
  rss_max_bytes: number | null;
  exit_code: number | null;
  /** What the process wrote to its log (stdout and stderr). */
  log_bytes: number;
}

const token = randomBytes(24).toString("hex");

/** Starts an ATP process for the benchmark: paper exchange, large sync pages, all services unless overridden. */
export async function launchApp(ctx: BenchContext, name: string, env: Record<string, string>): Promise<RunningApp> {
  const fullEnv = {
    SERVICES: ALL_SERVICES,
    EXCHANGE: "paper",
    PAPER_HISTORY_ORDERS: String(ctx.profile.historyOrders),
    EXCHANGE_SYNC_PAGE_SIZE: String(ctx.profile.syncPageSize),
    EXCHANGE_SYNC_START_DELAY_MS: "0",
    API_TOKEN: token,
    ...env,
  };
  const logPath = `${ctx.logPrefix}-${name}.log`;
  ctx.say(`starting ${name} (${describeEnv(env)})`);
  const server = await startApp({ name, databaseUrl: ctx.databaseUrl, env: fullEnv, logPath });
  ctx.track(server);
  ctx.say(`  ${name}: /health 200 after ${server.readyMs} ms`);
  await warmUp(ctx, server.baseUrl);
  return { server, monitor: new AppMonitor(server, ctx.postgresPid), env: fullEnv, logPath };
}

/**
 * The measured load, unrecorded, on both endpoints for a moment: a fresh process's first requests open
 * and authenticate its pool's connections and run before the JIT has compiled the hot paths (60–140 ms
 * answers in its first second here). Every measurement is of a warm process; readiness is timed apart.
 */
async function warmUp(ctx: BenchContext, baseUrl: string): Promise<void> {
  const { perSecond, connections } = ctx.profile.rate;
  await Promise.allSettled(
    ["/health", DASHBOARD].map((path) =>
      runLoad(ctx.tools, {
        kind: "rate",
        url: `${baseUrl}${path}`,
        connections,
        rate: perSecond,
        durationS: ctx.profile.warmUpSeconds,
        minBodyBytes: 0,
      }),
    ),
  );
}

/** Stops an app and returns its facts (visible env only: the token is not recorded). */
export async function retireApp(app: RunningApp, { keepLog = true } = {}): Promise<AppFacts> {
  app.monitor.stop();
  const code = await app.server.stop();
  const { API_TOKEN: _token, ...env } = app.env;
  const logBytes = statSync(app.logPath, { throwIfNoEntry: false })?.size ?? 0;
  if (!keepLog) rmSync(app.logPath, { force: true });
  return {
    name: app.server.name,
    env,
    ready_ms: app.server.readyMs,
    rss_max_bytes: app.monitor.maxRss(),
    exit_code: code,
    log_bytes: logBytes,
  };
}

function describeEnv(env: Record<string, string>): string {
  return Object.entries(env)
    .map(([k, v]) => `${k}=${v}`)
    .join(" ");
}

/** The app with every service and the sync storm pending: the storm's delay keeps the import for later. */
export function stormAppEnv(): Record<string, string> {
  return { EXCHANGE_SYNC_START_DELAY_MS: String(STORM_START_DELAY_MS) };
}

/** Fixed-rate latency of one endpoint, at the profile's rate. */
function latencyPlan(
  ctx: BenchContext,
  phase: "idle" | "storm",
  route: "health" | "dashboard",
  durationS: number,
): Plan {
  const { perSecond, connections } = ctx.profile.rate;
  const path = route === "health" ? "/health" : DASHBOARD;
  return {
    id: `latency.${phase}.${route}`,
    title: `${route === "health" ? "/health" : "dashboard"} at ${perSecond} req/s, ${phase}`,
    path,
    kind: "rate",
    connections,
    rate: perSecond,
    durationS,
  };
}

/** Progress of the history import, as exchange_orders grows past the generated rows. */
interface ImportWatch {
  /** Settles once half the history is in (or the import ended). */
  halfway: Promise<void>;
  /** Settles when the import is complete, stalled for 3 s, or out of time. */
  done: Promise<ImportReport & { endedAt: number }>;
}

function watchImport(ctx: BenchContext, imported: () => Promise<number>, firstN: number): ImportWatch {
  const { historyOrders, stormMaxSeconds } = ctx.profile;
  // The history, and the open orders placed before the start (mirrored first, then met again in the history).
  const expected = historyOrders + ctx.profile.scale.openOrders;
  const countImported = async () => {
    const [row] = await ctx.sql<{ n: number }[]>`
      select count(*)::int as n from exchange_orders where id > ${ctx.importBaselineId}`;
    return row?.n ?? 0;
  };
  let reachHalfway!: () => void;
  const halfway = new Promise<void>((resolve) => {
    reachHalfway = resolve;
  });
  const done = (async () => {
    const first = { at: performance.now(), rows: await countImported() };
    let n = firstN;
    let lastGrowth = first.at;
    let endedAt: number | undefined;
    while (performance.now() - first.at < stormMaxSeconds * 1000) {
      await Bun.sleep(50);
      // max(id) is the cheap gauge; it runs ahead of the row count by the ids upserts burned on conflicts,
      // so the exact count is only taken once it says the import may be over.
      const next = await imported();
      const at = performance.now();
      if (next > n) lastGrowth = at;
      n = next;
      if (n >= expected / 2) reachHalfway();
      if (n >= expected && (await countImported()) >= expected) {
        endedAt = at;
        break;
      }
      if (at - lastGrowth > 3000) break;
    }
    reachHalfway();
    endedAt ??= lastGrowth;
    const orders = await countImported();
    // Rows imported after the first observation over the time they took: the first page committed before it.
    const rate = endedAt > first.at ? (orders - first.rows) / ((endedAt - first.at) / 1000) : null;
    return {
      started: true,
      complete: orders >= expected,
      orders,
      seconds: rate ? round(orders / rate, 2) : null,
      orders_per_s: rate ? Math.round(rate) : null,
      endedAt,
    };
  })();
  return { halfway, done };
}

/**
 * The sync storm: waits for exchange_sync to start importing the paper history, then measures /health at
 * the fixed rate during the first half of the import and the dashboard during the second half (one
 * endpoint at a time, like idle), and times the import by watching exchange_orders grow. Each load lasts
 * at least a second, so a p99 exists even when the import is quicker.
 */
export async function syncStorm(
  ctx: BenchContext,
  app: RunningApp,
  /** Runs beside the first half's load, from the first imported page until `halfway` settles (freshness). */
  duringImport?: (halfway: Promise<void>) => Promise<void>,
): Promise<{ scenarios: ScenarioResult[]; import: ImportReport }> {
  const { historyOrders, stormMaxSeconds } = ctx.profile;
  const imported = async () => {
    const [row] = await ctx.sql<{ max: string | null }[]>`select max(id)::text as max from exchange_orders`;
    return Math.max(0, Number(row?.max ?? 0) - ctx.importBaselineId);
  };
  const plans = [
    latencyPlan(ctx, "storm", "health", stormMaxSeconds),
    latencyPlan(ctx, "storm", "dashboard", stormMaxSeconds),
  ] as const;

  ctx.say(`sync storm: waiting for exchange_sync to import the ${historyOrders}-order history`);
  // Half a page: the first committed page, not the odd order the trading scheduler may record meanwhile.
  const startedAt = Math.ceil(Math.min(historyOrders, ctx.profile.syncPageSize) / 2);
  const waitUntil = performance.now() + STORM_START_DELAY_MS + 30_000;
  let n = await imported();
  while (n < startedAt) {
    if (performance.now() > waitUntil) {
      const reason = "exchange_sync did not start importing within 30 s of its start delay";
      return {
        scenarios: plans.map((p) => skipped(p, app, reason)),
        import: { started: false, complete: false, orders: 0, seconds: null, orders_per_s: null },
      };
    }
    await Bun.sleep(20);
    n = await imported();
  }

  const watch = watchImport(ctx, imported, n);
  const runUntil = async (plan: Plan, until: Promise<unknown>) => {
    const stop = new AbortController();
    const started = performance.now();
    const running = measure(ctx.tools, app, [plan], { stop: stop.signal });
    await until;
    const minimumEnd = started + 1000;
    if (performance.now() < minimumEnd) await Bun.sleep(minimumEnd - performance.now());
    stop.abort();
    return { results: await running, started, ended: performance.now() };
  };
  const beside = duringImport?.(watch.halfway);
  const health = await runUntil(plans[0], watch.halfway);
  await beside;
  const dashboard = await runUntil(plans[1], watch.done);
  const report = await watch.done;

  const scenarios: ScenarioResult[] = [];
  for (const run of [health, dashboard]) {
    for (const s of run.results) {
      if (!s.load) continue;
      s.load_shape = `${ctx.profile.rate.perSecond}/s -c ${ctx.profile.rate.connections} ${s.load.duration_s}s`;
      const overlap = (Math.min(run.ended, report.endedAt) - run.started) / (run.ended - run.started);
      if (overlap < 0.9) s.notes.push(`the import ran during ${Math.round(Math.max(0, overlap) * 100)}% of this load`);
    }
    scenarios.push(...run.results);
  }
  const { endedAt: _endedAt, ...facts } = report;
  ctx.say(
    `  imported ${facts.orders} orders${facts.seconds ? ` in ≈${facts.seconds} s (${facts.orders_per_s}/s)` : ""}`,
  );
  return { scenarios, import: facts };
}

function skipped(plan: Plan, app: RunningApp, reason: string): ScenarioResult {
  return {
    id: plan.id,
    title: plan.title,
    target: app.server.name,
    load_shape: loadShape(plan),
    status: "skipped",
    problems: [reason],
    notes: [],
  };
}

/** Idle latency on the app with all services running, after the import: /health, then the dashboard. */
export async function idleLatency(ctx: BenchContext, app: RunningApp): Promise<ScenarioResult[]> {
  const results: ScenarioResult[] = [];
  for (const route of ["health", "dashboard"] as const) {
    ctx.say(`idle latency: ${route} at ${ctx.profile.rate.perSecond} req/s`);
    results.push(...(await measure(ctx.tools, app, [latencyPlan(ctx, "idle", route, ctx.profile.rate.seconds)])));
  }
  return results;
}

/**
 * Throughput at 50 connections on the app's cheap routes, then the warm dashboard against the ceiling
 * (a bare Bun.serve returning a body of the dashboard's size) in the order dashboard, ceiling, ceiling,
 * dashboard: a drift of the machine's speed during the four runs weighs on both sides alike.
 */
export async function throughput(ctx: BenchContext, app: RunningApp): Promise<ScenarioResult[]> {
  const { connections, seconds } = ctx.profile.throughput;
  const plan = (id: string, title: string, path: string): Plan => ({
    id,
    title,
    path,
    kind: "throughput",
    connections,
    durationS: seconds,
  });
  const results: ScenarioResult[] = [];
  const dashboardRound = async (round: 1 | 2) => {
    ctx.say(`throughput: warm dashboard, round ${round}`);
    const title = `warm dashboard throughput${round === 2 ? " (round 2)" : ""}`;
    const id = `throughput.dashboard${round === 2 ? ".2" : ""}`;
    const [result] = await measure(ctx.tools, app, [plan(id, title, DASHBOARD)]);
    results.push(result as ScenarioResult);
    return result;
  };
  for (const [id, title, path] of [
    ["throughput.ping_fast", "/ping_fast throughput", "/ping_fast"],
    ["throughput.health", "/health throughput", "/health"],
  ] as const) {
    ctx.say(`throughput: ${path}, ${connections} connections, ${seconds} s`);
    results.push(...(await measure(ctx.tools, app, [plan(id, title, path)])));
  }
  const bytes = (await dashboardRound(1))?.body_bytes?.after;
  if (!bytes) {
    results.push({
      id: "throughput.ceiling",
      title: "bare Bun.serve, dashboard-sized body",
      target: "ceiling",
      load_shape: loadShape({ kind: "throughput", connections, durationS: seconds }),
      status: "skipped",
      problems: ["no dashboard body to size the ceiling on"],
      notes: [],
    });
    return results;
  }
  const server = await startCeiling(bytes);
  ctx.track(server);
  const ceiling: Target = { server, monitor: new AppMonitor(server, ctx.postgresPid, false) };
  try {
    for (const round of [1, 2] as const) {
      ctx.say(`throughput: ceiling (bare Bun.serve, ${bytes}-byte body), round ${round}`);
      const suffix = round === 2 ? " (round 2)" : "";
      results.push(
        ...(await measure(ctx.tools, ceiling, [
          plan(`throughput.ceiling${round === 2 ? ".2" : ""}`, `bare Bun.serve, ${bytes}-byte body${suffix}`, "/"),
        ])),
      );
    }
    await dashboardRound(2);
    // The floor of a fixed-rate latency on this machine with this tool: nothing answers faster.
    const { perSecond, connections: rateConnections, seconds: rateSeconds } = ctx.profile.rate;
    ctx.say(`latency floor: the ceiling at ${perSecond} req/s`);
    results.push(
      ...(await measure(ctx.tools, ceiling, [
        {
          id: "latency.idle.ceiling",
          title: `bare Bun.serve at ${perSecond} req/s, ${bytes}-byte body`,
          path: "/",
          kind: "rate",
          connections: rateConnections,
          rate: perSecond,
          durationS: rateSeconds,
        },
      ])),
    );
  } finally {
    ceiling.monitor.stop();
    await server.stop();
  }
  return results;
}

/** The replaced system's own measurement: `ab -n 100 -c 10` and `ab -n 1000 -c 50` on the dashboard. */
export async function originalRuns(ctx: BenchContext, app: RunningApp): Promise<ScenarioResult[]> {
  const results: ScenarioResult[] = [];
  for (const { requests, connections } of ctx.profile.original) {
    ctx.say(`original: -n ${requests} -c ${connections} on the dashboard`);
    results.push(
      ...(await measure(ctx.tools, app, [
        {
          id: `original.n${requests}_c${connections}`,
          title: `dashboard -n ${requests} -c ${connections}`,
          path: DASHBOARD,
          kind: "count",
          connections,
          requests,
        },
      ])),
    );
  }
  return results;
}

/** Cold dashboard: a process with the cache bypassed, every request built from the database. */
export async function coldDashboard(ctx: BenchContext): Promise<{ scenarios: ScenarioResult[]; app: AppFacts }> {
  const app = await launchApp(ctx, "cold", { DASHBOARD_CACHE: "off" });
  try {
    const { perSecond, connections, seconds } = ctx.profile.rate;
    ctx.say(`cold dashboard at ${perSecond} req/s`);
    const scenarios = await measure(ctx.tools, app, [
      {
        id: "latency.cold.dashboard",
        title: `cold dashboard (cache off) at ${perSecond} req/s`,
        path: DASHBOARD,
        kind: "rate",
        connections,
        rate: perSecond,
        durationS: seconds,
      },
    ]);
    return { scenarios, app: await retireApp(app) };
  } catch (error) {
    await retireApp(app);
    throw error;
  }
}

/** The services' sets of the replaced system's procedure: none, then one more at a time. */
const SERVICE_STEPS = ["", "exchange_sync", "exchange_sync,signal_monitor", ALL_SERVICES] as const;

/**
 * The replaced system's procedure, automated: /health and the dashboard at the fixed rate with the
 * services turned on one by one. The last step (all services, LOG_LEVEL=warn) and an extra process at LOG_LEVEL=info
 * (one PERF line per request) also measure throughput, which says what the request log costs.
 */
export async function servicesOneByOne(ctx: BenchContext): Promise<{ scenarios: ScenarioResult[]; apps: AppFacts[] }> {
  const scenarios: ScenarioResult[] = [];
  const apps: AppFacts[] = [];
  const { perSecond, connections, seconds } = ctx.profile.rate;
  const steps: { name: string; env: Record<string, string>; logging: boolean }[] = [
    ...SERVICE_STEPS.map((services, i) => ({ name: `services-${i}`, env: { SERVICES: services }, logging: i === 3 })),
    { name: "log-info", env: { SERVICES: ALL_SERVICES, LOG_LEVEL: "info" }, logging: true },
  ];
  for (const step of steps) {
    const app = await launchApp(ctx, step.name, step.env);
    try {
      const label = step.env.SERVICES || "none";
      if (step.name !== "log-info") {
        for (const [route, path] of [
          ["health", "/health"],
          ["dashboard", DASHBOARD],
        ] as const) {
          ctx.say(`services: ${label}, ${path} at ${perSecond} req/s`);
          scenarios.push(
            ...(await measure(ctx.tools, app, [
              {
                id: `services.${step.name}.${route}`,
                title: `${path} at ${perSecond} req/s, services: ${label}`,
                path,
                kind: "rate",
                connections,
                rate: perSecond,
                durationS: seconds,
              },
            ])),
          );
        }
      }
      if (step.logging) {
        const level = step.env.LOG_LEVEL ?? "warn";
        for (const [route, path] of [
          ["ping_fast", "/ping_fast"],
          ["dashboard", DASHBOARD],
        ] as const) {
          ctx.say(`logging: LOG_LEVEL=${level}, ${path} throughput`);
          scenarios.push(
            ...(await measure(ctx.tools, app, [
              {
                id: `logging.${level}.${route}`,
                title: `${path} throughput, LOG_LEVEL=${level}`,
                path,
                kind: "throughput",
                connections: ctx.profile.throughput.connections,
                durationS: ctx.profile.throughput.seconds,
              },
            ])),
          );
        }
      }
    } finally {
      // The info-level log holds one PERF line per request (tens of MB): its size is kept, not the file.
      apps.push(await retireApp(app, { keepLog: step.name !== "log-info" }));
    }
  }
  return { scenarios, apps };
}

const round = (v: number, digits: number) => Math.round(v * 10 ** digits) / 10 ** digits;
