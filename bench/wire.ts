/**
 * The warm dashboard against the ceiling beyond the one identity row of throughput.ts: with
 * `Accept-Encoding: br` and `gzip` (the ceiling then serves the very bytes ATP sent, with the same
 * Content-Encoding), and a small account's ~10 KB dashboard (its own database and process). Each pair runs
 * dashboard, ceiling, ceiling, dashboard, so a drift of the machine weighs on both sides alike.
 */
import { writeFileSync } from "node:fs";
import postgres from "postgres";
import { runMigrations } from "../src/db/migrate";
import { type AppFacts, type BenchContext, launchApp, type RunningApp, retireApp } from "./context";
import { generateDataset } from "./generate";
import { loadShape, measure, type Plan, type ScenarioResult, type Target } from "./measure";
import { AppMonitor } from "./monitor";
import { startCeiling } from "./processes";

const DASHBOARD = "/api/dashboard/state";
export const CODINGS = ["br", "gzip"] as const;

/** Dashboard and ceiling rounds, D C C D; ids `throughput.dashboard<suffix>[.2]` and `throughput.ceiling<suffix>[.2]`. */
async function pairedRounds(
  ctx: BenchContext,
  app: Target,
  ceilingFor: () => Promise<Target["server"]>,
  suffix: string,
  label: string,
  headers?: Record<string, string>,
): Promise<ScenarioResult[]> {
  const { connections, seconds } = ctx.profile.throughput;
  const plan = (id: string, title: string, path: string): Plan => ({
    id,
    title,
    path,
    kind: "throughput",
    connections,
    durationS: seconds,
    headers,
  });
  const results: ScenarioResult[] = [];
  const dashboardRound = async (round: 1 | 2) => {
    ctx.say(`throughput: warm dashboard ${label}, round ${round}`);
    const r2 = round === 2 ? ".2" : "";
    results.push(
      ...(await measure(ctx.tools, app, [
        plan(
          `throughput.dashboard${suffix}${r2}`,
          `warm dashboard ${label}${round === 2 ? " (round 2)" : ""}`,
          DASHBOARD,
        ),
      ])),
    );
  };
  await dashboardRound(1);
  const server = await ceilingFor();
  ctx.track(server);
  const ceiling: Target = { server, monitor: new AppMonitor(server, ctx.postgresPid, false) };
  try {
    for (const round of [1, 2] as const) {
      ctx.say(`throughput: ceiling ${label}, round ${round}`);
      const r2 = round === 2 ? ".2" : "";
      results.push(
        ...(await measure(ctx.tools, ceiling, [
          plan(`throughput.ceiling${suffix}${r2}`, `bare Bun.serve ${label}${round === 2 ? " (round 2)" : ""}`, "/"),
        ])),
      );
    }
  } finally {
    ceiling.monitor.stop();
    await server.stop();
  }
  await dashboardRound(2);
  return results;
}

/** Fetches the dashboard's bytes as sent with `Accept-Encoding: coding` (nothing decompressed). */
async function wireBody(app: RunningApp, coding: string): Promise<{ bytes: Uint8Array; encoding: string | null }> {
  // The compressed copies are made just after a build: wait for them (a few ms) rather than read identity.
  for (let attempt = 0; ; attempt++) {
    const res = await fetch(`${app.server.baseUrl}${DASHBOARD}`, {
      headers: { "Accept-Encoding": coding },
      decompress: false,
    });
    const bytes = new Uint8Array(await res.arrayBuffer());
    const encoding = res.headers.get("content-encoding");
    if (encoding === coding || attempt >= 50) return { bytes, encoding };
    await Bun.sleep(20);
  }
}

/** Compressed warm dashboard (`br`, `gzip`) beside a ceiling serving the same pre-compressed bytes. */
export async function compressedThroughput(ctx: BenchContext, app: RunningApp): Promise<ScenarioResult[]> {
  const results: ScenarioResult[] = [];
  for (const coding of CODINGS) {
    const { bytes, encoding } = await wireBody(app, coding);
    if (encoding !== coding) {
      results.push({
        id: `throughput.dashboard.${coding}`,
        title: `warm dashboard, Accept-Encoding: ${coding}`,
        target: app.server.name,
        load_shape: loadShape({ kind: "throughput", connections: 50, durationS: ctx.profile.throughput.seconds }),
        status: "skipped",
        problems: [`the dashboard did not answer with Content-Encoding: ${coding} (got ${encoding ?? "none"})`],
        notes: [],
      });
      continue;
    }
    const file = `${ctx.logPrefix}-dashboard-${coding}.body`;
    writeFileSync(file, bytes);
    results.push(
      ...(await pairedRounds(
        ctx,
        app,
        () => startCeiling({ file, coding }),
        `.${coding}`,
        `with Accept-Encoding: ${coding} (${bytes.byteLength} bytes)`,
        { "Accept-Encoding": coding },
      )),
    );
  }
  return results;
}

/** Scale of a small account: a handful of orders, signals and watched markets (a ~10 KB dashboard). */
const SMALL_ACCOUNT = { orders: 8, signals: 8, watchlist: 4, snapshots: 50, openOrders: 0 };

/** A database beside the run's own (same server), migrated and filled at the small account's scale. */
async function smallAccountDatabase(ctx: BenchContext): Promise<{ url: string; drop: () => Promise<void> }> {
  const base = new URL(ctx.databaseUrl);
  const name = `${base.pathname.slice(1)}_small`;
  const adminUrl = new URL(base);
  adminUrl.pathname = "/postgres";
  const admin = postgres(adminUrl.toString(), { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database "${name}"`);
  const url = new URL(base);
  url.pathname = `/${name}`;
  await runMigrations(url.toString());
  const sql = postgres(url.toString(), { max: 2, onnotice: () => {} });
  try {
    await generateDataset(sql, SMALL_ACCOUNT);
  } finally {
    await sql.end({ timeout: 5 });
  }
  return {
    url: url.toString(),
    drop: async () => {
      await admin.unsafe(`drop database if exists "${name}" with (force)`).catch(() => {});
      await admin.end({ timeout: 5 });
    },
  };
}

/** The warm dashboard of a small account (~10 KB body) against a ceiling of the same size. */
export async function smallAccountThroughput(
  ctx: BenchContext,
): Promise<{ scenarios: ScenarioResult[]; app: AppFacts | null }> {
  const db = await smallAccountDatabase(ctx);
  try {
    // No services: nothing to sync or trade in this account; the process serves its dashboard only.
    const app = await launchApp({ ...ctx, databaseUrl: db.url }, "small", { SERVICES: "" });
    try {
      const probe = await fetch(`${app.server.baseUrl}${DASHBOARD}`, { headers: { "Accept-Encoding": "identity" } });
      const bytes = (await probe.arrayBuffer()).byteLength;
      const scenarios = await pairedRounds(
        ctx,
        app,
        () => startCeiling(bytes),
        ".small",
        `(small account, ${bytes}-byte body)`,
      );
      return { scenarios, app: await retireApp(app) };
    } catch (error) {
      await retireApp(app);
      throw error;
    }
  } finally {
    await db.drop();
  }
}
