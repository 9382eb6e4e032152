/**
 * The benchmark's scenarios, in the order a run performs them. Each app process is started for its
 * purpose (all services and the sync storm; cache bypassed; services one by one; info-level logging)
 * and stopped before the next, so they never compete for the two cores or for service leadership.
 */
import { randomBytes } from "node:crypto";
import type postgres from "postgres";
import { loadShape, measure, type Plan, type ScenarioResult, type Target } from "./measure";
import { AppMonitor } from "./monitor";
import { type Server, startApp, startCeiling } from "./processes";
import type { Profile } from "./profile";
import type { Toolset } from "./tools";

export const DASHBOARD = "/api/dashboard/state";
const ALL_SERVICES = "exchange_sync,signal_monitor,trading_scheduler";
/** The sync waits this long after start-up, so the storm's load is running when the import begins. */
const STORM_START_DELAY_MS = 2000;

/** Everything a scenario needs from the run. */
export interface BenchContext {
  profile: Profile;
  tools: Toolset;
  /** The benchmark's own connection to the run's database (progress of the import). */
  sql: postgres.Sql;
  databaseUrl: string;
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
}

/** Facts about one app process of the run. */
export interface AppFacts {
  name: string;
  env: Record<string, string>;
  ready_ms: number;
  rss_max_bytes: number | null;
  exit_code: number | null;
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
  return { server, monitor: new AppMonitor(server, ctx.postgresPid), env: fullEnv, logPath };
}

/** Stops an app and returns its facts (visible env only: the token is not recorded). */
export async function retireApp(app: RunningApp): Promise<AppFacts> {
  app.monitor.stop();
  const code = await app.server.stop();
  const { API_TOKEN: _token, ...env } = app.env;
  return {
    name: app.server.name,
    env,
    ready_ms: app.server.readyMs,
    rss_max_bytes: app.monitor.maxRss(),
    exit_code: code,
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

/** Fixed-rate latency of /health and the dashboard, both at once, each at the profile's rate. */
function latencyPlans(ctx: BenchContext, phase: "idle" | "storm", durationS: number): Plan[] {
  const { perSecond, connections } = ctx.profile.rate;
  return [
    { id: `latency.${phase}.health`, title: `/health at ${perSecond} req/s, ${phase}`, path: "/health" },
    { id: `latency.${phase}.dashboard`, title: `dashboard at ${perSecond} req/s, ${phase}`, path: DASHBOARD },
  ].map((p) => ({ ...p, kind: "rate" as const, connections, rate: perSecond, durationS }));
}

/**
 * The sync storm: waits for exchange_sync to start importing the paper history, measures both endpoints
 * at the fixed rate for exactly as long as the import runs (at least a second), and times the import by
 * watching exchange_orders grow.
 */
export async function syncStorm(
  ctx: BenchContext,
  app: RunningApp,
  baselineId: number,
): Promise<{ scenarios: ScenarioResult[]; import: ImportReport }> {
  const { historyOrders, stormMaxSeconds } = ctx.profile;
  const imported = async () => {
    const [row] = await ctx.sql<{ max: string | null }[]>`select max(id)::text as max from exchange_orders`;
    return Math.max(0, Number(row?.max ?? 0) - baselineId);
  };
  const plans = latencyPlans(ctx, "storm", stormMaxSeconds);
  const notStarted = { started: false, complete: false, orders: 0, seconds: null, orders_per_s: null };

  ctx.say(`sync storm: waiting for exchange_sync to import the ${historyOrders}-order history`);
  // Half a page: the first committed page, not the odd order the trading scheduler may record meanwhile.
  const startedAt = Math.ceil(Math.min(historyOrders, ctx.profile.syncPageSize) / 2);
  const waitUntil = performance.now() + STORM_START_DELAY_MS + 30_000;
  while ((await imported()) < startedAt) {
    if (performance.now() > waitUntil) {
      const reason = "exchange_sync did not start importing within 30 s of its start delay";
      return { scenarios: plans.map((p) => skipped(p, app, reason)), import: notStarted };
    }
    await Bun.sleep(20);
  }

  const stop = new AbortController();
  const running = measure(ctx.tools, app, plans, { stop: stop.signal });
  const loadStart = performance.now();
  const first = { at: performance.now(), n: await imported() };
  let last = { ...first };
  let lastGrowth = first.at;
  while (performance.now() - loadStart < stormMaxSeconds * 1000) {
    await Bun.sleep(50);
    const n = await imported();
    const at = performance.now();
    if (n > last.n) lastGrowth = at;
    last = { at, n };
    if (n >= historyOrders || at - lastGrowth > 3000) break;
  }
  // The fixed-rate loads need a few hundred answers to have a p99, even when the import was quicker.
  const minimumEnd = loadStart + 1000;
  if (performance.now() < minimumEnd) await Bun.sleep(minimumEnd - performance.now());
  stop.abort();
  const scenarios = await running;
  for (const s of scenarios) {
    if (s.load)
      s.load_shape = `${ctx.profile.rate.perSecond}/s -c ${ctx.profile.rate.connections} ${s.load.duration_s}s`;
  }

  const [row] = await ctx.sql<{ n: number }[]>`select count(*)::int as n from exchange_orders where id > ${baselineId}`;
  const orders = row?.n ?? 0;
  const finished = last.n >= historyOrders ? lastGrowth : last.at;
  // Orders seen after the first observation, over the time they took; the first page committed before it.
  const rate = finished > first.at ? (last.n - first.n) / ((finished - first.at) / 1000) : null;
  const report: ImportReport = {
    started: true,
    complete: orders >= historyOrders,
    orders,
    seconds: rate ? round(orders / rate, 2) : null,
    orders_per_s: rate ? Math.round(rate) : null,
  };
  ctx.say(`  imported ${orders} orders${report.seconds ? ` in ≈${report.seconds} s (${report.orders_per_s}/s)` : ""}`);
  return { scenarios, import: report };
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

/** Idle latency on the app with all services running, after the import. */
export async function idleLatency(ctx: BenchContext, app: RunningApp): Promise<ScenarioResult[]> {
  ctx.say("idle latency: /health and dashboard at the fixed rate");
  return measure(ctx.tools, app, latencyPlans(ctx, "idle", ctx.profile.rate.seconds));
}

/** Throughput at 50 connections on the app's cheap routes and the warm dashboard, then the ceiling. */
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
  for (const [id, title, path] of [
    ["throughput.ping_fast", "/ping_fast throughput", "/ping_fast"],
    ["throughput.health", "/health throughput", "/health"],
    ["throughput.dashboard", "warm dashboard throughput", DASHBOARD],
  ] as const) {
    ctx.say(`throughput: ${path}, ${connections} connections, ${seconds} s`);
    results.push(...(await measure(ctx.tools, app, [plan(id, title, path)])));
  }
  const dashboard = results.at(-1);
  const bytes = dashboard?.body_bytes?.after;
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
  ctx.say(`throughput: ceiling (bare Bun.serve, ${bytes}-byte body)`);
  const server = await startCeiling(bytes);
  ctx.track(server);
  const monitor = new AppMonitor(server, ctx.postgresPid, false);
  try {
    results.push(
      ...(await measure(ctx.tools, { server, monitor }, [
        plan("throughput.ceiling", `bare Bun.serve, ${bytes}-byte body`, "/"),
      ])),
    );
  } finally {
    monitor.stop();
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
export const SERVICE_STEPS = ["", "exchange_sync", "exchange_sync,signal_monitor", ALL_SERVICES] as const;

/**
 * The replaced system's procedure, automated: the dashboard at the fixed rate with the services turned
 * on one by one. The last step (all services, LOG_LEVEL=warn) and an extra process at LOG_LEVEL=info
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
      // Let the services start their first cycle before measuring.
      await Bun.sleep(ctx.profile.quick ? 200 : 1000);
      const label = step.env.SERVICES || "none";
      if (step.name !== "log-info") {
        ctx.say(`services: ${label}, dashboard at ${perSecond} req/s`);
        scenarios.push(
          ...(await measure(ctx.tools, app, [
            {
              id: `services.${step.name}`,
              title: `dashboard at ${perSecond} req/s, services: ${label}`,
              path: DASHBOARD,
              kind: "rate",
              connections,
              rate: perSecond,
              durationS: seconds,
            },
          ])),
        );
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
      apps.push(await retireApp(app));
    }
  }
  return { scenarios, apps };
}

const round = (v: number, digits: number) => Math.round(v * 10 ** digits) / 10 ** digits;
