/** Fixed-rate and fixed-count latency scenarios: idle, the replaced system's own `ab` runs, the cold dashboard. */

import {
  type AppFacts,
  type BenchContext,
  DASHBOARD,
  latencyPlan,
  launchApp,
  type RunningApp,
  retireApp,
} from "./context";
import { measure, type ScenarioResult } from "./measure";

/** Idle latency on the app with all services running, after the import: /health, then the dashboard. */
export async function idleLatency(ctx: BenchContext, app: RunningApp): Promise<ScenarioResult[]> {
  const results: ScenarioResult[] = [];
  for (const route of ["health", "dashboard"] as const) {
    ctx.say(`idle latency: ${route} at ${ctx.profile.rate.perSecond} req/s`);
    results.push(...(await measure(ctx.tools, app, [latencyPlan(ctx, "idle", route, ctx.profile.rate.seconds)])));
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
