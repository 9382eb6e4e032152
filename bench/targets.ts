/** The SPEC §9 targets judged against one run's measurements. */
import { fmt, MB, ms } from "./format";
import type { ScenarioResult } from "./measure";
import type { RunResults, TargetRow } from "./run-results";

/** Judges each SPEC §9 target from the run's measurements. */
export function evaluateTargets(run: Omit<RunResults, "targets" | "finished_at" | "duration_s">): TargetRow[] {
  const byId = new Map(run.scenarios.map((s) => [s.id, s]));
  const p99 = (id: string) => {
    const s = byId.get(id);
    return s?.status === "ok" ? (s.load?.latency_ms.p99 ?? null) : null;
  };
  const rows: TargetRow[] = [];
  const judge = (
    target: string,
    value: number | null,
    measured: (v: number) => string,
    limit: string,
    pass: (v: number) => boolean,
    limitedBy?: string,
  ) =>
    rows.push(
      value === null
        ? { target, measured: "not measured", limit, verdict: "n/a" }
        : {
            target,
            measured: measured(value),
            limit,
            verdict: pass(value) ? "PASS" : "FAIL",
            ...(pass(value) || !limitedBy ? {} : { limited_by: limitedBy }),
          },
    );

  // Requests over both rounds of each side (dashboard, ceiling, ceiling, dashboard), and each round's ratio.
  const pair = (suffix: string, target: string) => {
    const rounds = (side: "dashboard" | "ceiling") =>
      [`throughput.${side}${suffix}`, `throughput.${side}${suffix}.2`]
        .map((id) => byId.get(id))
        .filter((x) => x !== undefined);
    const [dashboards, ceilings] = [rounds("dashboard"), rounds("ceiling")];
    const allOk = [...dashboards, ...ceilings].every((x) => x.status === "ok" && x.load);
    const sum = (list: ScenarioResult[]) => list.reduce((total, x) => total + (x.load?.rps ?? 0), 0);
    const ratio =
      allOk && dashboards.length > 0 && dashboards.length === ceilings.length ? sum(dashboards) / sum(ceilings) : null;
    const perRound = dashboards.map((d, i) => ((d.load?.rps ?? 0) / (ceilings[i]?.load?.rps ?? 1)).toFixed(2));
    const bytes = dashboards[0]?.body_bytes?.after;
    judge(
      target,
      ratio,
      (v) =>
        `${v.toFixed(2)} (${fmt(sum(dashboards) / dashboards.length)} ÷ ${fmt(sum(ceilings) / ceilings.length)} req/s` +
        `${perRound.length > 1 ? `; rounds ${perRound.join(", ")}` : ""}${bytes ? `; ${fmt(bytes)} B` : ""})`,
      "≥ 0.9",
      (v) => v >= 0.9,
      [costPerAnswer(dashboards, ceilings), cpuShares([...dashboards, ...ceilings])].filter(Boolean).join("; "),
    );
    return { dashboards, bytes };
  };
  const identity = pair("", "Warm dashboard throughput ÷ bare Bun.serve, same body, 50 connections");
  pair(".small", "Warm dashboard ÷ bare Bun.serve, a small account's body (~10 KB)");
  for (const coding of ["br", "gzip"]) {
    const compressed = pair(`.${coding}`, `Warm dashboard ÷ bare Bun.serve, Accept-Encoding: ${coding}, same bytes`);
    const plain = identity.bytes;
    judge(
      `Bytes on the wire with Accept-Encoding: ${coding}`,
      plain && compressed.bytes ? plain / compressed.bytes : null,
      (v) => `${fmt(compressed.bytes)} B of ${fmt(plain)} (${v.toFixed(1)}× smaller)`,
      "≥ 5× smaller",
      (v) => v >= 5,
    );
  }
  const rate = run.profile.rate.perSecond;
  for (const [name, route] of [
    ["/health", "health"],
    ["dashboard", "dashboard"],
  ] as const) {
    const idle = p99(`latency.idle.${route}`);
    judge(`${name} p99 at ${rate} req/s, idle`, idle, ms, "≤ 10 ms", (v) => v <= 10);
    const storm = p99(`latency.storm.${route}`);
    judge(
      `${name} p99 at ${rate} req/s during the history import`,
      storm !== null && idle !== null ? storm / idle : null,
      (v) => `${ms(storm as number)} (${v.toFixed(2)} × idle)`,
      "≤ 2 × idle",
      (v) => v <= 2,
      [
        cpuShares([byId.get(`latency.storm.${route}`), byId.get(`latency.idle.${route}`)]),
        importCounters(run, byId.get(`latency.storm.${route}`)),
      ]
        .filter(Boolean)
        .join("; "),
    );
  }
  const fullScale = run.profile.scale.orders >= 1_000_000 && run.profile.scale.signals >= 100_000;
  judge(
    `Cold dashboard p99 at ${rate} req/s, ${fmt(run.profile.scale.orders)} orders, ${fmt(run.profile.scale.signals)} signals`,
    p99("latency.cold.dashboard"),
    ms,
    fullScale ? "≤ 25 ms" : "≤ 25 ms (at 1 000 000 orders)",
    (v) => v <= 25,
    [
      buildCost(byId.get("latency.cold.dashboard"), run.profile.rate.connections),
      cpuShares([byId.get("latency.cold.dashboard")]),
    ]
      .filter(Boolean)
      .join("; "),
  );
  const minRebuild = Number(run.apps.find((a) => a.name === "main")?.env.DASHBOARD_MIN_REBUILD_MS ?? 250);
  for (const f of run.freshness ?? []) {
    const during =
      f.phase === "idle" ? `idle, ${fmt(f.connected)} of ${fmt(f.clients)} streams open` : "during the import";
    const missed = f.missed > 0 ? `; ${fmt(f.missed)} receipts missed` : "";
    judge(
      `Commit → visible in /api/dashboard/state, p99 (${during}, ${f.changes} changes)`,
      f.state_ms?.p99 ?? null,
      (v) => `${v.toFixed(0)} ms (p50 ${f.state_ms?.p50} ms, max ${f.state_ms?.max} ms)${missed}`,
      `≤ ${minRebuild + 50} ms`,
      (v) => v <= minRebuild + 50 && f.missed === 0,
    );
    judge(
      `Commit → delivered on /api/dashboard/stream, p99 (${during})`,
      f.stream_ms?.p99 ?? null,
      (v) => `${v.toFixed(0)} ms (p50 ${f.stream_ms?.p50} ms, max ${f.stream_ms?.max} ms)${missed}`,
      `≤ ${minRebuild + 50} ms`,
      (v) => v <= minRebuild + 50 && f.missed === 0,
    );
    if (f.phase === "idle") {
      judge(
        `One state to all ${fmt(f.clients)} stream clients (first → last receipt), p99`,
        f.fanout_ms?.p99 ?? null,
        (v) => `${v.toFixed(0)} ms (p50 ${f.fanout_ms?.p50} ms)`,
        "≤ 100 ms",
        (v) => v <= 100 && f.connected === f.clients,
      );
      const idleP99 = p99("latency.idle.dashboard");
      const connected = p99("latency.streams.dashboard");
      judge(
        `Warm dashboard p99 at ${rate} req/s with ${fmt(f.clients)} streams open ÷ without`,
        idleP99 !== null && connected !== null ? connected / idleP99 : null,
        (v) => `${ms(connected as number)} (${v.toFixed(2)} × ${ms(idleP99 as number)})`,
        "≤ 1.25 ×",
        (v) => v <= 1.25,
        [
          loopAndPushes(byId.get("latency.streams.dashboard"), byId.get("latency.idle.dashboard")),
          cpuShares([byId.get("latency.streams.dashboard")]),
        ]
          .filter(Boolean)
          .join("; "),
      );
    }
  }
  const grown = run.growth?.steps ?? [];
  const big = grown.find((g) => g.orders === 10_000_000);
  const mid = grown.find((g) => g.orders === 1_000_000);
  const from = run.growth ? ` (\`--growth\` run ${run.growth.run_id})` : " (`npm run bench -- --growth`)";
  judge(
    `Cold build, 1 000 000 → 10 000 000 orders${from}`,
    big?.build_ms && mid?.build_ms ? big.build_ms.p50 / mid.build_ms.p50 : null,
    (v) =>
      `${v.toFixed(2)}× (${mid?.build_ms?.p50} → ${big?.build_ms?.p50} ms p50` +
      `${mid?.build_plan && big?.build_plan ? `; pages touched ${fmt(mid.build_plan.buffers)} → ${fmt(big.build_plan.buffers)}` : ""})`,
    "≤ 1.5×",
    (v) => v <= 1.5,
  );
  judge(
    `Import rate, 1 000 000 → 10 000 000 orders${from}`,
    big?.import_orders_per_s && mid?.import_orders_per_s ? 1 - big.import_orders_per_s / mid.import_orders_per_s : null,
    (v) =>
      `${v >= 0 ? "−" : "+"}${Math.abs(v * 100).toFixed(0)} % (${fmt(mid?.import_orders_per_s)} → ${fmt(big?.import_orders_per_s)} orders/s)`,
    "falls ≤ 20 %",
    (v) => v <= 0.2,
  );
  const imported = run.import;
  // An import that stopped growing before the end is judged on its rate: the time the whole history would take.
  const incomplete = imported?.started && !imported.complete && imported.orders_per_s ? imported : null;
  judge(
    `History import (${fmt(run.profile.historyOrders)} orders)`,
    imported?.complete
      ? imported.seconds
      : incomplete
        ? run.profile.historyOrders / (incomplete.orders_per_s as number)
        : null,
    (v) =>
      incomplete
        ? `incomplete: ${fmt(incomplete.orders)} orders, then no new row for 3 s (${fmt(incomplete.orders_per_s)} orders/s ⇒ ≈ ${v.toFixed(0)} s)`
        : `${v.toFixed(1)} s (${fmt(imported?.orders_per_s)} orders/s)`,
    run.profile.historyOrders >= 100_000 ? "< 10 s" : "< 10 s (for 100 000)",
    (v) => v < 10 && !incomplete,
    [
      importCounters(run, byId.get("latency.storm.health")),
      cpuShares([byId.get("latency.storm.health"), byId.get("latency.storm.dashboard")]),
    ]
      .filter(Boolean)
      .join("; "),
  );
  const main = run.apps.find((a) => a.name === "main");
  judge(
    "RSS of the process, all services running (max over its life)",
    main?.rss_max_bytes ?? null,
    (v) => `${(v / MB).toFixed(0)} MB`,
    "< 256 MB",
    (v) => v < 256 * MB,
  );
  judge(
    "Spawn → /health 200 (database already reachable)",
    main?.ready_ms ?? null,
    (v) => `${v} ms`,
    "≤ 500 ms",
    (v) => v <= 500,
  );
  return rows;
}

/** WAL per imported order and dashboard builds during a storm scenario: what the import makes compete. */
function importCounters(
  run: Omit<RunResults, "targets" | "finished_at" | "duration_s">,
  storm: ScenarioResult | undefined,
): string | undefined {
  const wal = run.import?.wal_bytes;
  const builds = storm?.window?.gauges?.change.dashboard_builds;
  const parts = [
    wal !== undefined && run.import?.orders
      ? `WAL ${(wal / MB).toFixed(0)} MB for the import (${fmt(wal / run.import.orders)} B per order)`
      : "",
    builds !== undefined && storm?.window ? `${fmt(builds)} dashboard builds in ${storm.window.cpu.wall_s} s` : "",
  ].filter(Boolean);
  return parts.length > 0 ? parts.join(", ") : undefined;
}

/** CPU time per answer of each side of a throughput pair (all threads, and the HTTP thread): the work ATP adds. */
function costPerAnswer(dashboards: ScenarioResult[], ceilings: ScenarioResult[]): string | undefined {
  const per = (list: ScenarioResult[], pick: (s: ScenarioResult) => number | null | undefined) => {
    const answers = list.reduce((n, s) => n + (s.load?.responses ?? 0), 0);
    const cpu = list.reduce((n, s) => n + (pick(s) ?? 0), 0);
    return answers > 0 && cpu > 0 ? (cpu / answers) * 1e6 : null;
  };
  const app = per(dashboards, (s) => s.window?.cpu.app_s);
  const appThread = per(dashboards, (s) => s.window?.cpu.main_thread_s);
  const ceiling = per(ceilings, (s) => s.window?.cpu.app_s);
  if (app === null || ceiling === null) return undefined;
  return (
    `CPU per answer: ATP ${app.toFixed(1)} µs (HTTP thread ${appThread?.toFixed(1) ?? "?"} µs), ceiling ` +
    `${ceiling.toFixed(1)} µs: ATP spends ${(app - ceiling).toFixed(1)} µs more, ${((app / ceiling - 1) * 100).toFixed(0)} %`
  );
}

/**
 * The cold build's cost from the run's counters: PostgreSQL and process CPU per build, the app's own mean, and the
 * burst the fixed-rate tool sends (hey's workers tick together: `connections` builds arrive at once on 2 cores).
 */
function buildCost(cold: ScenarioResult | undefined, connections: number): string | undefined {
  const answers = cold?.load?.responses ?? 0;
  const cpu = cold?.window?.cpu;
  if (!cpu || answers === 0) return undefined;
  const perBuild = (seconds: number | null) => (seconds === null ? "?" : ((seconds / answers) * 1000).toFixed(2));
  const own = cold?.server_timing?.mean_ms;
  return (
    `per build: PostgreSQL ${perBuild(cpu.postgres_s)} ms CPU, ATP process ${perBuild(cpu.app_s)} ms CPU` +
    `${own !== undefined ? `, app's own mean ${own} ms` : ""}; up to ${connections} builds arrive together`
  );
}

/** Event-loop lag and dashboard builds (each new state is written to every open stream) during the connected run. */
function loopAndPushes(connected: ScenarioResult | undefined, idle: ScenarioResult | undefined): string | undefined {
  const lag = (s: ScenarioResult | undefined) => s?.window?.lag_ms.sampled_max ?? s?.window?.lag_ms.app_window_max;
  const builds = connected?.window?.gauges?.change.dashboard_builds;
  const clients = connected?.window?.gauges?.last.dashboard_stream_clients;
  const bytes = connected?.body_bytes?.after;
  const parts = [
    `event-loop lag max ${lag(connected) ?? "?"} ms (idle run: ${lag(idle) ?? "?"} ms)`,
    builds !== undefined
      ? `${fmt(builds)} dashboard builds during it, each new state written to ${fmt(clients ?? 0)} streams` +
        `${bytes ? ` (${((bytes * (clients ?? 0)) / MB).toFixed(0)} MB per state)` : ""}`
      : "",
  ].filter(Boolean);
  return parts.join(", ");
}

/** Mean CPU of each process kind over the scenarios (percent of one core), per target: what a failing row was short of. */
function cpuShares(list: (ScenarioResult | undefined)[]): string | undefined {
  const byTarget = new Map<string, ScenarioResult[]>();
  for (const s of list) {
    if (!s?.window || s.window.cpu.wall_s <= 0) continue;
    byTarget.set(s.target, [...(byTarget.get(s.target) ?? []), s]);
  }
  if (byTarget.size === 0) return undefined;
  const parts: string[] = [];
  for (const [target, runs] of byTarget) {
    const mean = (pick: (s: ScenarioResult) => number | null | undefined) => {
      const values = runs.map((s) => (pick(s) ?? 0) / (s.window?.cpu.wall_s ?? 1));
      return Math.round((values.reduce((a, b) => a + b, 0) / values.length) * 100);
    };
    const thread = mean((s) => s.window?.cpu.main_thread_s);
    const app = mean((s) => s.window?.cpu.app_s);
    const pg = mean((s) => s.window?.cpu.postgres_s);
    const tool = mean((s) => s.load?.tool_cpu_s);
    const busy = mean((s) => s.window?.cpu.machine_busy_s);
    parts.push(
      `${target}: HTTP thread ${thread}%, process ${app}%, PostgreSQL ${pg}%, load tool ${tool}%, ` +
        `machine ${busy}% of 200%`,
    );
  }
  return parts.join("; ");
}
