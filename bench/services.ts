/** The services turned on one by one (the replaced system's procedure), and what the request log costs. */
import { ALL_SERVICES, type AppFacts, type BenchContext, DASHBOARD, launchApp, retireApp } from "./context";
import { measure, type ScenarioResult } from "./measure";

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
