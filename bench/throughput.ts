/** Throughput scenarios: the cheap routes, and the warm dashboard against a bare Bun.serve ceiling. */
import { type BenchContext, DASHBOARD, type RunningApp } from "./context";
import { loadShape, measure, type Plan, type ScenarioResult, type Target } from "./measure";
import { AppMonitor } from "./monitor";
import { startCeiling } from "./processes";

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
