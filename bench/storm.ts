/**
 * The sync storm: the app with every service imports the paper history while /health and the dashboard are
 * measured at the fixed rate, and the import is timed by watching exchange_orders grow.
 */

import { type BenchContext, latencyPlan, type RunningApp } from "./context";
import { round } from "./format";
import { loadShape, measure, type Plan, type ScenarioResult } from "./measure";

/** The sync waits this long after start-up: long enough for the app to be ready and warmed up first. */
const STORM_START_DELAY_MS = 5000;

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

/** The app with every service and the sync storm pending: the storm's delay keeps the import for later. */
export function stormAppEnv(): Record<string, string> {
  return { EXCHANGE_SYNC_START_DELAY_MS: String(STORM_START_DELAY_MS) };
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

export function skipped(plan: Plan, app: RunningApp, reason: string): ScenarioResult {
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
