/**
 * What every benchmark scenario shares: the run's context, starting and retiring an app process for one
 * purpose, and the fixed-rate plan of one endpoint. Each app process is started for its purpose and stopped
 * before the next, so they never compete for the two cores or for service leadership.
 */
import { randomBytes } from "node:crypto";
import { rmSync, statSync } from "node:fs";
import type postgres from "postgres";
import type { Plan, Target } from "./measure";
import { AppMonitor } from "./monitor";
import { type Server, startApp } from "./processes";
import type { Profile } from "./profile";
import { runLoad, type Toolset } from "./tools";

export const DASHBOARD = "/api/dashboard/state";
export const ALL_SERVICES = "exchange_sync,signal_monitor,trading_scheduler";

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

/** Fixed-rate latency of one endpoint, at the profile's rate. */
export function latencyPlan(
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
