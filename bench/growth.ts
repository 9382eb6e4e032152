/**
 * `npm run bench -- --growth [--sizes 100000,1000000,10000000]`: how the cold dashboard build and the
 * history import scale with the account's size. Per size: a fresh database filled like the main run's
 * (signals a tenth of the orders), one process with the cache off answering sequential dashboard requests
 * (the app's own Server-Timing of each: the build), then one with exchange_sync importing the paper history
 * alone. The build should stay within 1.5× from 1 M to 10 M orders (indexes, not scans), the import rate
 * fall by at most 20 %.
 */
import postgres from "postgres";
import { selectJsonColumns } from "../src/db/queries/dashboard";
import type { Logger } from "../src/lib/logger";
import { dashboardParts } from "../src/services/dashboard/parts";
import { type BenchContext, launchApp, retireApp } from "./context";
import { createBenchDatabase } from "./database";
import { generateDataset } from "./generate";
import type { Profile } from "./profile";
import type { Toolset } from "./tools";

const DASHBOARD = "/api/dashboard/state";
const BUILDS = 60;

export interface GrowthStep {
  orders: number;
  generate_s: number;
  /** The app's own time per cold request (Server-Timing), sequential: p50 / p99 ms. */
  build_ms: { p50: number; p99: number } | null;
  /**
   * The build statement's own work, from EXPLAIN (ANALYZE, BUFFERS): pages it touched (shared hit + read) and its
   * execution time (median of 5). Pages do not move with the machine's load: they say whether the build scans.
   */
  build_plan: { buffers: number; execution_ms: number } | null;
  import_orders: number;
  import_s: number | null;
  import_orders_per_s: number | null;
}

export interface GrowthOptions {
  profile: Profile;
  tools: Toolset;
  serverUrl?: string;
  log: Logger;
  logPrefix: string;
  say(line: string): void;
  track: BenchContext["track"];
}

async function coldBuilds(baseUrl: string): Promise<{ p50: number; p99: number } | null> {
  const times: number[] = [];
  for (let i = 0; i < BUILDS + 10; i++) {
    const res = await fetch(`${baseUrl}${DASHBOARD}`, { headers: { "Accept-Encoding": "identity" } });
    await res.arrayBuffer();
    const dur = /dur=([\d.]+)/.exec(res.headers.get("server-timing") ?? "")?.[1];
    // The first ten warm the process (connections, JIT), as the main run's warm-up does.
    if (i >= 10 && dur) times.push(Number(dur));
  }
  if (times.length === 0) return null;
  times.sort((a, b) => a - b);
  const at = (q: number) => times[Math.min(times.length - 1, Math.ceil(q * times.length) - 1)] as number;
  return { p50: at(0.5), p99: at(0.99) };
}

interface PlanTotals {
  "Shared Hit Blocks"?: number;
  "Shared Read Blocks"?: number;
}

/** The whole dashboard statement (every part, as the cold build sends it) explained with ANALYZE and BUFFERS. */
async function buildPlan(sql: postgres.Sql): Promise<GrowthStep["build_plan"]> {
  const parts = dashboardParts(sql, { statuses: () => [] });
  const statement = selectJsonColumns(
    sql,
    parts.flatMap((p) => p.columns),
  );
  const runs: { buffers: number; execution_ms: number }[] = [];
  for (let i = 0; i < 5; i++) {
    const [row] = await sql<{ "QUERY PLAN": unknown }[]>`explain (analyze, buffers, format json) ${statement}`;
    const raw = row?.["QUERY PLAN"];
    const [plan] = (typeof raw === "string" ? JSON.parse(raw) : raw) as {
      Plan: PlanTotals;
      "Execution Time": number;
    }[];
    if (!plan) return null;
    // A node's buffer counts include its children's: the top node's are the statement's.
    const buffers = (plan.Plan["Shared Hit Blocks"] ?? 0) + (plan.Plan["Shared Read Blocks"] ?? 0);
    runs.push({ buffers, execution_ms: plan["Execution Time"] });
  }
  runs.sort((a, b) => a.execution_ms - b.execution_ms);
  const median = runs[Math.floor(runs.length / 2)] as { buffers: number; execution_ms: number };
  return { buffers: median.buffers, execution_ms: Math.round(median.execution_ms * 100) / 100 };
}

/** Runs every size in turn; each size's database is dropped before the next is made. */
export async function growth(options: GrowthOptions, sizes: number[]): Promise<GrowthStep[]> {
  const steps: GrowthStep[] = [];
  const history = options.profile.historyOrders;
  for (const orders of sizes) {
    const database = await createBenchDatabase({ serverUrl: options.serverUrl, log: options.log });
    const sql = postgres(database.url, { max: 2, onnotice: () => {} });
    try {
      options.say(`growth: generating ${orders} orders`);
      const scale = {
        orders,
        signals: Math.max(1, Math.round(orders / 10)),
        watchlist: 50,
        snapshots: 20_000,
        openOrders: 0,
      };
      const dataset = await generateDataset(sql, scale);
      const [baseline] = await sql<{ max: string }[]>`select coalesce(max(id), 0)::text as max from exchange_orders`;
      const ctx: BenchContext = {
        profile: { ...options.profile, scale },
        tools: options.tools,
        sql,
        databaseUrl: database.url,
        postgresPid: database.serverPid,
        importBaselineId: Number(baseline?.max ?? 0),
        logPrefix: `${options.logPrefix}-growth-${orders}`,
        say: options.say,
        track: options.track,
      };
      const cold = await launchApp(ctx, "cold", { DASHBOARD_CACHE: "off", SERVICES: "" });
      let build: GrowthStep["build_ms"] = null;
      try {
        build = await coldBuilds(cold.server.baseUrl);
      } finally {
        await retireApp(cold);
      }
      const plan = await buildPlan(sql);
      options.say(
        `  cold build p50 ${build?.p50} ms, p99 ${build?.p99} ms; statement ${plan?.execution_ms} ms, ${plan?.buffers} pages`,
      );
      const importer = await launchApp(ctx, "import", { SERVICES: "exchange_sync", EXCHANGE_SYNC_START_DELAY_MS: "0" });
      let imported = { orders: 0, seconds: null as number | null };
      try {
        imported = await timeImport(ctx, history);
      } finally {
        await retireApp(importer);
      }
      const rate = imported.seconds ? Math.round(imported.orders / imported.seconds) : null;
      options.say(`  imported ${imported.orders} orders in ${imported.seconds} s (${rate}/s)`);
      steps.push({
        orders,
        generate_s: dataset.seconds,
        build_ms: build,
        build_plan: plan,
        import_orders: imported.orders,
        import_s: imported.seconds,
        import_orders_per_s: rate,
      });
    } finally {
      await sql.end({ timeout: 5 });
      await database.close();
    }
  }
  return steps;
}

/**
 * Waits until the history is in (or no row came for 3 s), then times it from the rows themselves: each page is one
 * transaction, so `created_at` (its start) spans the import from the first page to the last, which a poll of a
 * fast import would not resolve.
 */
async function timeImport(ctx: BenchContext, history: number): Promise<{ orders: number; seconds: number | null }> {
  const deadline = performance.now() + 120_000;
  let last = { at: performance.now(), n: 0 };
  while (performance.now() < deadline) {
    const [row] = await ctx.sql<{ n: number }[]>`
      select count(*)::int as n from exchange_orders where id > ${ctx.importBaselineId}`;
    const n = row?.n ?? 0;
    const at = performance.now();
    if (n > last.n) last = { at, n };
    if (n >= history || (n > 0 && at - last.at > 3000)) break;
    await Bun.sleep(50);
  }
  const [span] = await ctx.sql<{ n: number; seconds: number | null; first_page: number }[]>`
    with imported as (select created_at from exchange_orders where id > ${ctx.importBaselineId})
    select count(*)::int as n, extract(epoch from max(created_at) - min(created_at))::float8 as seconds,
      count(*) filter (where created_at = (select min(created_at) from imported))::int as first_page
    from imported`;
  if (!span?.seconds || span.n <= span.first_page) return { orders: span?.n ?? 0, seconds: null };
  // The first page's rows were written at the span's start: the rest took `seconds`.
  const rate = (span.n - span.first_page) / span.seconds;
  return { orders: span.n, seconds: Math.round((span.n / rate) * 100) / 100 };
}

/** The growth table and its two verdicts (1 M → 10 M when both ran, else the two largest sizes). */
export function renderGrowth(steps: GrowthStep[]): string {
  const lines = [
    "| orders | generated in s | cold build p50 / p99 ms | build statement ms / pages | import orders/s | import s |",
    "|---|---|---|---|---|---|",
    ...steps.map(
      (s) =>
        `| ${s.orders.toLocaleString("en-US").replaceAll(",", " ")} | ${s.generate_s} | ` +
        `${s.build_ms ? `${s.build_ms.p50} / ${s.build_ms.p99}` : "—"} | ` +
        `${s.build_plan ? `${s.build_plan.execution_ms} / ${fmtN(s.build_plan.buffers)}` : "—"} | ${s.import_orders_per_s ?? "—"} | ${s.import_s ?? "—"} |`,
    ),
  ];
  const big = steps.find((s) => s.orders === 10_000_000) ?? steps.at(-1);
  const mid = steps.find((s) => s.orders === 1_000_000) ?? steps.at(-2);
  if (big && mid && big !== mid && big.build_ms && mid.build_ms) {
    const build = big.build_ms.p50 / mid.build_ms.p50;
    lines.push(
      "",
      `Cold build ${fmtN(mid.orders)} → ${fmtN(big.orders)} orders: ${build.toFixed(2)}× (target ≤ 1.5×): ${build <= 1.5 ? "PASS" : "FAIL"}` +
        `${big.build_plan && mid.build_plan ? ` (pages touched ${(big.build_plan.buffers / mid.build_plan.buffers).toFixed(2)}×)` : ""}`,
    );
    if (big.import_orders_per_s && mid.import_orders_per_s) {
      const fall = 1 - big.import_orders_per_s / mid.import_orders_per_s;
      lines.push(
        `Import rate ${fmtN(mid.orders)} → ${fmtN(big.orders)} orders: ${fall >= 0 ? "−" : "+"}${Math.abs(fall * 100).toFixed(0)} % (target: falls ≤ 20 %): ${fall <= 0.2 ? "PASS" : "FAIL"}`,
      );
    }
  }
  return lines.join("\n");
}

const fmtN = (v: number) => v.toLocaleString("en-US").replaceAll(",", " ");
