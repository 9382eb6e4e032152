/** The run's markdown tables: targets, every scenario, the services table, the logging cost. */
import { fmt, MB, one } from "./format";
import type { ScenarioResult } from "./measure";
import type { RunResults } from "./run-results";

/** The markdown report: targets, every scenario, the services table, the logging cost. */
export function renderMarkdown(run: RunResults): string {
  const lines: string[] = [];
  const scale = run.dataset?.scale;
  lines.push(
    `Run ${run.run_id}${run.quick ? " (--quick: tiny scale, speeds not asserted)" : ""}: ` +
      `${run.machine.cpus} cores, load average ${run.machine.load_average_before.map((v) => v.toFixed(2)).join(" ")} before, ` +
      `Bun ${run.machine.bun}, ${run.machine.database} PostgreSQL, tools: throughput ${run.tools.throughput}, ` +
      `rate ${run.tools.rate}, count ${run.tools.count}` +
      (scale
        ? `; ${fmt(scale.orders)} orders, ${fmt(scale.signals)} signals, ${scale.watchlist} watchlist items`
        : "") +
      `; ${run.duration_s.toFixed(0)} s in all.`,
    "",
    "| SPEC §9 target | measured | target | result | what limits it (measured: CPU per answer or build, lag, WAL, CPU % of one core) |",
    "|---|---|---|---|---|",
    ...run.targets.map((t) => `| ${t.target} | ${t.measured} | ${t.limit} | ${t.verdict} | ${t.limited_by ?? ""} |`),
    "",
    "| scenario | process | tool | load | answers | req/s | p50 ms | p99 ms (app's own) | max ms | body B | lag max ms | CPU % main thread / process / postgres / tool / others | valid |",
    "|---|---|---|---|---|---|---|---|---|---|---|---|---|",
  );
  for (const s of run.scenarios) {
    const l = s.load;
    const w = s.window;
    // Percent of one core: the server's main thread, the whole server process, PostgreSQL, the load tool,
    // and every other process of the machine.
    const pct = (seconds: number | null | undefined) =>
      seconds == null || !w || w.cpu.wall_s <= 0 ? "?" : `${Math.round((seconds / w.cpu.wall_s) * 100)}`;
    const steal = w && w.cpu.machine_steal_s / w.cpu.wall_s >= 0.05 ? ` (steal ${pct(w.cpu.machine_steal_s)})` : "";
    const others = w
      ? Math.max(0, w.cpu.machine_busy_s - (w.cpu.app_s ?? 0) - (w.cpu.postgres_s ?? 0) - (l?.tool_cpu_s ?? 0))
      : null;
    const cpu = w
      ? [w.cpu.main_thread_s, w.cpu.app_s, w.cpu.postgres_s, l?.tool_cpu_s, others].map(pct).join(" / ") + steal
      : "";
    const valid = s.status === "ok" ? "yes" : `${s.status}: ${s.problems.join("; ")}`;
    const notes = s.notes.length > 0 ? ` (${s.notes.join("; ")})` : "";
    lines.push(
      `| ${s.title} | ${s.target} | ${l?.tool ?? ""} | ${s.load_shape} | ${l ? fmt(l.responses) : ""} | ${l ? fmt(l.rps) : ""} | ` +
        `${l?.latency_ms.p50 ?? ""} | ${l?.latency_ms.p99 ?? ""}${s.server_timing?.p99_ms != null ? ` (${s.server_timing.p99_ms})` : ""} | ` +
        `${l?.latency_ms.max ?? ""} | ` +
        `${s.body_bytes ? fmt(s.body_bytes.after) : ""} | ${one(w?.lag_ms.sampled_max)} | ${cpu} | ${valid}${notes} |`,
    );
  }
  const steps = serviceSteps(run.scenarios);
  if (steps.length > 0) {
    const cell = (s: ScenarioResult | undefined) =>
      s?.status === "ok" && s.load
        ? `${s.load.latency_ms.p50} / ${s.load.latency_ms.p99} / ${s.load.latency_ms.max}`
        : "—";
    lines.push(
      "",
      `Services turned on one by one (each endpoint alone at ${run.profile.rate.perSecond} req/s; p50 / p99 / max ms):`,
      "",
      "| services | /health | dashboard | lag max ms |",
      "|---|---|---|---|",
      ...steps.map(
        (step) =>
          `| ${step.services} | ${cell(step.health)} | ${cell(step.dashboard)} | ` +
          `${one(Math.max(step.health?.window?.lag_ms.sampled_max ?? 0, step.dashboard?.window?.lag_ms.sampled_max ?? 0))} |`,
      ),
    );
  }
  const logging = loggingCost(run.scenarios);
  if (logging.length > 0) {
    lines.push(
      "",
      "Request log cost (throughput with one PERF line per request to a file, ÷ without):",
      "",
      "| route | LOG_LEVEL=warn req/s | LOG_LEVEL=info req/s | ratio |",
      "|---|---|---|---|",
      ...logging.map((r) => `| ${r.route} | ${fmt(r.warn)} | ${fmt(r.info)} | ${r.ratio.toFixed(2)} |`),
    );
    const infoApp = run.apps.find((a) => a.name === "log-info");
    const infoRequests = run.scenarios
      .filter((s) => s.target === "log-info")
      .reduce((sum, s) => sum + (s.load?.responses ?? 0), 0);
    if (infoApp && infoRequests > 0) {
      lines.push(
        "",
        `At LOG_LEVEL=info the process wrote ${(infoApp.log_bytes / MB).toFixed(0)} MB of log for ` +
          `${fmt(infoRequests)} measured requests (≈ ${Math.round(infoApp.log_bytes / infoRequests)} bytes each).`,
      );
    }
  }
  return lines.join("\n");
}

/** The services steps' scenarios, grouped by step in run order. */
export function serviceSteps(
  scenarios: ScenarioResult[],
): { services: string; health?: ScenarioResult; dashboard?: ScenarioResult }[] {
  const steps = new Map<string, { services: string; health?: ScenarioResult; dashboard?: ScenarioResult }>();
  for (const s of scenarios) {
    const match = s.id.match(/^services\.([^.]+)\.(health|dashboard)$/);
    if (!match) continue;
    const step = steps.get(match[1] as string) ?? { services: s.title.split("services: ")[1] ?? (match[1] as string) };
    step[match[2] as "health" | "dashboard"] = s;
    steps.set(match[1] as string, step);
  }
  return [...steps.values()];
}

/** Throughput with the PERF line per request against without, per route, from the logging scenarios. */
export function loggingCost(
  scenarios: ScenarioResult[],
): { route: string; warn: number; info: number; ratio: number }[] {
  const rps = (id: string) => {
    const s = scenarios.find((x) => x.id === id);
    return s?.status === "ok" ? (s.load?.rps ?? null) : null;
  };
  return ["ping_fast", "dashboard"].flatMap((route) => {
    const warn = rps(`logging.warn.${route}`);
    const info = rps(`logging.info.${route}`);
    return warn && info ? [{ route, warn, info, ratio: info / warn }] : [];
  });
}
