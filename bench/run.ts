/**
 * `npm run bench` — ATP's performance contract (SPEC §9), measured in one run on this machine:
 * a fresh database at scale, ATP with every service and a 100 000-order history to sync, the load
 * scenarios side by side with a bare Bun.serve ceiling, a JSON file in bench/results/ and a markdown table.
 * `npm run bench -- --quick` is the smoke run CI uses: tiny scale, validity checked, speeds not asserted.
 */
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { fileURLToPath } from "node:url";
import postgres from "postgres";
import { loadConfig } from "../src/config";
import { createLogger } from "../src/lib/logger";
import { type AppFacts, type BenchContext, launchApp, retireApp } from "./context";
import { type BenchDatabase, createBenchDatabase } from "./database";
import { connectedLatency, type FreshnessReport, freshness } from "./freshness";
import { type GeneratedDataset, generateDataset, placeOpenOrders } from "./generate";
import { type GrowthStep, growth, renderGrowth } from "./growth";
import { coldDashboard, idleLatency, originalRuns } from "./latency";
import type { ScenarioResult } from "./measure";
import type { Server } from "./processes";
import { parseProfile, USAGE } from "./profile";
import { renderMarkdown } from "./report";
import type { RunResults } from "./run-results";
import { servicesOneByOne } from "./services";
import { type ImportReport, stormAppEnv, syncStorm } from "./storm";
import { evaluateTargets } from "./targets";
import { throughput } from "./throughput";
import { detectToolset } from "./tools";
import { compressedThroughput, smallAccountThroughput } from "./wire";

const RESULTS_DIR = fileURLToPath(new URL("./results/", import.meta.url));

async function main(): Promise<number> {
  let profile: ReturnType<typeof parseProfile>;
  try {
    profile = parseProfile(process.argv.slice(2));
  } catch (error) {
    console.error((error as Error).message);
    return 2;
  }
  const tools = await detectToolset().catch((error: Error) => error);
  if (tools instanceof Error) {
    console.error(`bench: ${tools.message}`);
    return 2;
  }
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig();
  } catch (error) {
    console.error(`bench: ${(error as Error).message}`);
    return 2;
  }
  const startedAt = new Date();
  const runId = `${startedAt.toISOString().replace(/[:.]/g, "-").slice(0, 19)}${profile.quick ? "-quick" : ""}`;
  const say = (line: string) => console.error(`[bench ${((performance.now() - t0) / 1000).toFixed(1)}s] ${line}`);
  const t0 = performance.now();
  const loadBefore = loadavg();
  mkdirSync(RESULTS_DIR, { recursive: true });

  if (profile.growth) {
    const live = new Set<Server>();
    const steps = await growth(
      {
        profile,
        tools,
        serverUrl: config.DATABASE_URL,
        log: createLogger({ level: "warn", base: { app: "bench" } }),
        logPrefix: `${RESULTS_DIR}${runId}`,
        say,
        track: (server) => live.add(server),
      },
      profile.growth,
    ).finally(() => Promise.allSettled([...live].map((s) => s.stop(5000))));
    const file = `${RESULTS_DIR}${runId}-growth.json`;
    writeFileSync(file, `${JSON.stringify({ run_id: runId, profile, steps }, null, 2)}\n`);
    console.log(renderGrowth(steps));
    console.log(`\nResults: ${file}`);
    return 0;
  }

  const live = new Set<Server>();
  let database: BenchDatabase | undefined;
  let sql: postgres.Sql | undefined;
  const cleanup = async () => {
    await Promise.allSettled([...live].map((s) => s.stop(5000)));
    await sql?.end({ timeout: 5 });
    await database?.close();
  };
  const interrupted = async (signal: string) => {
    say(`${signal}: stopping everything the run started`);
    await cleanup();
    process.exit(130);
  };
  process.on("SIGINT", () => void interrupted("SIGINT"));
  process.on("SIGTERM", () => void interrupted("SIGTERM"));

  const scenarios: ScenarioResult[] = [];
  const apps: AppFacts[] = [];
  let dataset: GeneratedDataset | null = null;
  let imported: ImportReport | null = null;
  const fresh: FreshnessReport[] = [];
  let failure: string | undefined;
  try {
    say(`tools: throughput ${tools.throughput}, fixed rate ${tools.rate}, fixed count ${tools.count}`);
    database = await createBenchDatabase({
      serverUrl: config.DATABASE_URL,
      log: createLogger({ level: "warn", base: { app: "bench" } }),
    });
    sql = postgres(database.url, { max: 2, onnotice: () => {} });
    say(`generating ${profile.scale.orders} orders, ${profile.scale.signals} signals on a ${database.server} database`);
    dataset = await generateDataset(sql, profile.scale);
    await placeOpenOrders(database.url, profile.scale.openOrders);
    say(`  generated in ${dataset.seconds} s; ${profile.scale.openOrders} orders resting on the paper exchange`);
    const [baseline] = await sql<{ max: string }[]>`select coalesce(max(id), 0)::text as max from exchange_orders`;

    const ctx: BenchContext = {
      profile,
      tools,
      sql,
      databaseUrl: database.url,
      postgresPid: database.serverPid,
      importBaselineId: Number(baseline?.max ?? 0),
      logPrefix: `${RESULTS_DIR}${runId}`,
      say,
      track: (server) => live.add(server),
    };
    const mainApp = await launchApp(ctx, "main", stormAppEnv());
    try {
      const walBefore = await walBytes(sql);
      const storm = await syncStorm(ctx, mainApp, async (halfway) => {
        // One stream client and a change every ~0.4 s while the first half of the import runs.
        let over = false;
        void halfway.then(() => {
          over = true;
        });
        const during = await freshness(ctx, mainApp, { phase: "import", clients: 1, changes: 50, until: () => over });
        fresh.push(during.report);
      });
      scenarios.push(...storm.scenarios);
      imported = storm.import;
      const walAfter = await walBytes(sql);
      if (walBefore !== null && walAfter !== null && imported) imported.wal_bytes = walAfter - walBefore;
      // Let the cycle that followed the import finish before calling the app idle.
      await Bun.sleep(profile.quick ? 200 : 2000);
      scenarios.push(...(await idleLatency(ctx, mainApp)));
      scenarios.push(...(await throughput(ctx, mainApp)));
      scenarios.push(...(await originalRuns(ctx, mainApp)));
      scenarios.push(...(await compressedThroughput(ctx, mainApp)));
      const clients = profile.quick ? 50 : 1000;
      ctx.say(`freshness: ${clients} stream clients, changes committed one by one`);
      const idle = await freshness(ctx, mainApp, {
        phase: "idle",
        clients,
        changes: profile.quick ? 3 : 20,
        during: () => connectedLatency(ctx, mainApp, clients),
      });
      fresh.push(idle.report);
      scenarios.push(...idle.scenarios);
    } finally {
      apps.push(await retireApp(mainApp));
    }
    const cold = await coldDashboard(ctx);
    scenarios.push(...cold.scenarios);
    apps.push(cold.app);
    const small = await smallAccountThroughput(ctx);
    scenarios.push(...small.scenarios);
    if (small.app) apps.push(small.app);
    const steps = await servicesOneByOne(ctx);
    scenarios.push(...steps.scenarios);
    apps.push(...steps.apps);
  } catch (error) {
    failure = error instanceof Error ? error.message : String(error);
    say(`run stopped: ${failure}`);
  } finally {
    await cleanup();
  }

  const finishedAt = new Date();
  const partial = {
    run_id: runId,
    started_at: startedAt.toISOString(),
    quick: profile.quick,
    machine: {
      cpus: cpus().length,
      load_average_before: loadBefore,
      bun: Bun.version,
      database: database?.server ?? ("embedded" as const),
    },
    tools,
    profile,
    dataset,
    apps,
    import: imported,
    freshness: fresh,
    growth: latestGrowth(profile.quick),
    scenarios,
    ...(failure ? { error: failure } : {}),
  };
  const results: RunResults = {
    ...partial,
    finished_at: finishedAt.toISOString(),
    duration_s: (finishedAt.getTime() - startedAt.getTime()) / 1000,
    targets: evaluateTargets(partial),
  };
  const file = `${RESULTS_DIR}${runId}.json`;
  writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
  console.log(renderMarkdown(results));
  console.log(`\nResults: ${file}`);

  const bad = scenarios.filter((s) => s.status !== "ok");
  for (const s of bad) console.error(`bench: ${s.id} ${s.status}: ${s.problems.join("; ")}`);
  if (failure || bad.length > 0) {
    console.error(
      `bench: ${failure ? "the run stopped early" : `${bad.length} scenario(s) did not produce valid results`}`,
    );
    return 1;
  }
  return 0;
}

/** The newest growth run's results in bench/results (a quick one only for a quick run), or null. */
function latestGrowth(quick: boolean): { run_id: string; steps: GrowthStep[] } | null {
  const files = readdirSync(RESULTS_DIR)
    .filter((f) => f.endsWith("-growth.json") && f.includes("-quick") === quick)
    .sort();
  const last = files.at(-1);
  if (!last) return null;
  try {
    return JSON.parse(readFileSync(`${RESULTS_DIR}${last}`, "utf8")) as { run_id: string; steps: GrowthStep[] };
  } catch {
    return null;
  }
}

/** WAL written by the server so far (pg_stat_wal, PostgreSQL 14+), or null where it cannot be read. */
async function walBytes(sql: postgres.Sql): Promise<number | null> {
  try {
    const [row] = await sql<{ bytes: string }[]>`select wal_bytes::text as bytes from pg_stat_wal`;
    return row ? Number(row.bytes) : null;
  } catch {
    return null;
  }
}

if (process.argv.includes("--help")) {
  console.log(USAGE);
  process.exit(0);
}
process.exit(await main());
