import { describe, expect, test } from "bun:test";
import { ceilingBody } from "../../bench/ceiling";
import { type GrowthStep, renderGrowth } from "../../bench/growth";
import type { ScenarioResult } from "../../bench/measure";
import { serverTiming } from "../../bench/monitor";
import { parseProfile } from "../../bench/profile";
import { loggingCost, renderMarkdown, serviceSteps } from "../../bench/report";
import type { RunResults } from "../../bench/run-results";
import { evaluateTargets } from "../../bench/targets";
import type { LoadResult } from "../../bench/tools";

const profile = parseProfile([]);

function scenario(id: string, load: Partial<LoadResult>, status: ScenarioResult["status"] = "ok"): ScenarioResult {
  return {
    id,
    title: id,
    target: "main",
    load_shape: "",
    status,
    problems: status === "ok" ? [] : ["broken"],
    notes: [],
    load: {
      tool: "wrk",
      command: "",
      responses: 1000,
      duration_s: 10,
      rps: 100,
      latency_ms: { mean: 1, p50: 1, p90: 1, p99: 1, max: 1 },
      statuses: { "200": 1000 },
      errors: {},
      body: { min_valid_bytes: 1, mean_bytes: 2, short: 0 },
      tool_cpu_s: 1,
      ...load,
    },
  };
}

const p99 = (value: number) => ({ latency_ms: { mean: 1, p50: 1, p90: 1, p99: value, max: value } });

function run(scenarios: ScenarioResult[]): Omit<RunResults, "targets" | "finished_at" | "duration_s"> {
  return {
    run_id: "t",
    started_at: "2026-01-01T00:00:00Z",
    quick: false,
    machine: { cpus: 2, load_average_before: [0.1, 0.2, 0.3], bun: "1.4.5", database: "embedded" },
    tools: { throughput: "wrk", rate: "hey", count: "hey" },
    profile,
    dataset: null,
    apps: [{ name: "main", env: {}, ready_ms: 420, rss_max_bytes: 300 * 1024 * 1024, exit_code: 0, log_bytes: 0 }],
    import: { started: true, complete: true, orders: 100_000, seconds: 6.5, orders_per_s: 15_385 },
    freshness: [
      {
        phase: "idle",
        clients: 1000,
        connected: 1000,
        changes: 20,
        state_ms: { p50: 120, p99: 280, max: 290 },
        stream_ms: { p50: 200, p99: 330, max: 340 },
        fanout_ms: { p50: 30, p99: 60, max: 70 },
        missed: 0,
      },
    ],
    scenarios,
  };
}

describe("evaluateTargets", () => {
  const rows = evaluateTargets(
    run([
      scenario("throughput.dashboard", { rps: 30_000 }),
      scenario("throughput.ceiling", { rps: 36_000 }),
      scenario("throughput.ceiling.2", { rps: 34_000 }),
      scenario("throughput.dashboard.2", { rps: 28_000 }),
      scenario("latency.idle.health", p99(1.5)),
      scenario("latency.storm.health", p99(2.5)),
      scenario("latency.idle.dashboard", p99(2)),
      scenario("latency.storm.dashboard", p99(4.5)),
      scenario("latency.cold.dashboard", p99(30), "invalid"),
      scenario("latency.streams.dashboard", p99(2.2)),
      { ...scenario("throughput.dashboard.br", { rps: 30_000 }), body_bytes: { before: 9000, after: 9000 } },
      scenario("throughput.ceiling.br", { rps: 31_000 }),
      { ...scenario("throughput.dashboard.gzip", { rps: 30_000 }), body_bytes: { before: 20_000, after: 20_000 } },
      scenario("throughput.ceiling.gzip", { rps: 31_000 }),
    ]),
  );
  const verdict = (prefix: string) => rows.find((r) => r.target.startsWith(prefix));

  test("the headline is the dashboard's throughput as a ratio to the ceiling's, over both rounds", () => {
    expect(verdict("Warm dashboard throughput")).toMatchObject({
      measured: "0.83 (29 000 ÷ 35 000 req/s; rounds 0.83, 0.82)",
      limit: "≥ 0.9",
      verdict: "FAIL",
    });
  });

  test("compressed rows: the ratio to a ceiling sending the same bytes, and the bytes against identity's", () => {
    expect(verdict("Warm dashboard ÷ bare Bun.serve, Accept-Encoding: br")).toMatchObject({ verdict: "PASS" });
    expect(verdict("Bytes on the wire with Accept-Encoding: br")).toMatchObject({ verdict: "n/a" });
    const withIdentity = evaluateTargets({
      ...run([
        { ...scenario("throughput.dashboard", { rps: 30_000 }), body_bytes: { before: 80_000, after: 80_000 } },
        scenario("throughput.ceiling", { rps: 31_000 }),
        { ...scenario("throughput.dashboard.br", { rps: 30_000 }), body_bytes: { before: 9000, after: 9000 } },
        scenario("throughput.ceiling.br", { rps: 31_000 }),
        { ...scenario("throughput.dashboard.gzip", { rps: 30_000 }), body_bytes: { before: 20_000, after: 20_000 } },
        scenario("throughput.ceiling.gzip", { rps: 31_000 }),
      ]),
    });
    const row = (prefix: string) => withIdentity.find((r) => r.target.startsWith(prefix));
    expect(row("Bytes on the wire with Accept-Encoding: br")).toMatchObject({
      measured: "9 000 B of 80 000 (8.9× smaller)",
      verdict: "PASS",
    });
    expect(row("Bytes on the wire with Accept-Encoding: gzip")).toMatchObject({ verdict: "FAIL" });
  });

  test("freshness: commit → visible against DASHBOARD_MIN_REBUILD_MS + 50, the fan-out, the warm p99 with streams open", () => {
    expect(verdict("Commit → visible in /api/dashboard/state")).toMatchObject({ limit: "≤ 300 ms", verdict: "PASS" });
    expect(verdict("Commit → delivered on /api/dashboard/stream")).toMatchObject({ verdict: "FAIL" });
    expect(verdict("One state to all 1 000 stream clients")).toMatchObject({ verdict: "PASS" });
    expect(verdict("Warm dashboard p99 at 200 req/s with 1 000 streams open")).toMatchObject({
      measured: "2.20 ms (1.10 × 2.00 ms)",
      verdict: "PASS",
    });
  });

  test("no ratio when a round is missing or invalid", () => {
    const partial = evaluateTargets(
      run([
        scenario("throughput.dashboard", { rps: 30_000 }),
        scenario("throughput.ceiling", { rps: 36_000 }),
        scenario("throughput.ceiling.2", { rps: 34_000 }, "invalid"),
        scenario("throughput.dashboard.2", { rps: 28_000 }),
      ]),
    );
    expect(partial.find((r) => r.target.startsWith("Warm dashboard"))?.verdict).toBe("n/a");
  });

  test("the storm is judged against idle of the same run", () => {
    expect(verdict("/health p99 at 200 req/s during")).toMatchObject({ verdict: "PASS" });
    expect(verdict("dashboard p99 at 200 req/s during")).toMatchObject({
      measured: "4.50 ms (2.25 × idle)",
      verdict: "FAIL",
    });
  });

  test("an invalid scenario is never judged; over-budget memory fails; the import passes", () => {
    expect(verdict("Cold dashboard")).toMatchObject({ measured: "not measured", verdict: "n/a" });
    expect(verdict("RSS")).toMatchObject({ measured: "300 MB", verdict: "FAIL" });
    expect(verdict("History import")).toMatchObject({ measured: "6.5 s (15 385 orders/s)", verdict: "PASS" });
    expect(verdict("Spawn")).toMatchObject({ measured: "420 ms", verdict: "PASS" });
  });

  test("the markdown puts every target next to its limit and verdict", () => {
    const md = renderMarkdown({ ...run([]), targets: rows, finished_at: "", duration_s: 1 });
    expect(md).toContain(
      "| RSS of the process, all services running (max over its life) | 300 MB | < 256 MB | FAIL |  |",
    );
  });
});

describe("serviceSteps", () => {
  test("groups each step's /health and dashboard runs, in run order", () => {
    const health = {
      ...scenario("services.services-1.health", {}),
      title: "/health at 200 req/s, services: exchange_sync",
    };
    const board = {
      ...scenario("services.services-1.dashboard", {}),
      title: "dashboard at 200 req/s, services: exchange_sync",
    };
    const none = { ...scenario("services.services-0.health", {}), title: "/health at 200 req/s, services: none" };
    expect(serviceSteps([none, health, board])).toEqual([
      { services: "none", health: none },
      { services: "exchange_sync", health, dashboard: board },
    ]);
  });
});

describe("loggingCost", () => {
  test("compares each route's throughput with and without the request log", () => {
    const cost = loggingCost([
      scenario("logging.warn.ping_fast", { rps: 40_000 }),
      scenario("logging.info.ping_fast", { rps: 30_000 }),
      scenario("logging.warn.dashboard", { rps: 20_000 }),
    ]);
    expect(cost).toEqual([{ route: "ping_fast", warn: 40_000, info: 30_000, ratio: 0.75 }]);
  });
});

describe("ceilingBody", () => {
  test("is valid JSON of exactly the requested byte size", () => {
    for (const bytes of [2, 5, 10, 11, 20_480, 61_295]) {
      const body = ceilingBody(bytes);
      expect(Buffer.byteLength(body)).toBe(bytes);
      expect(() => JSON.parse(body)).not.toThrow();
    }
  });
});

describe("parseProfile", () => {
  test("the full run is SPEC §9's scale; --quick is tiny; flags override the scale", () => {
    expect(profile.scale.orders).toBe(1_000_000);
    expect(profile.rate.perSecond).toBe(200);
    expect(parseProfile(["--quick"]).scale.orders).toBe(2000);
    expect(parseProfile(["--orders", "5000", "--signals", "700"]).scale).toMatchObject({ orders: 5000, signals: 700 });
    expect(() => parseProfile(["--orders", "-3"])).toThrow("--orders");
  });
});

describe("serverTiming", () => {
  test("isolates a run's requests from the route's counters; its p99 only when the run fills the app's window", () => {
    const before = { count: 1000, avg_ms: 2, p99_ms: 50 };
    expect(serverTiming(before, { count: 1500, avg_ms: 3, p99_ms: 9 })).toEqual({
      requests: 500,
      mean_ms: 5,
      p99_ms: null,
    });
    expect(serverTiming(before, { count: 3000, avg_ms: 2, p99_ms: 9 })).toEqual({
      requests: 2000,
      mean_ms: 2,
      p99_ms: 9,
    });
    expect(serverTiming(before, before)).toBeNull();
  });
});

describe("renderGrowth", () => {
  test("judges the build and the import rate from 1 M to 10 M orders", () => {
    const step = (orders: number, build: number, rate: number): GrowthStep => ({
      orders,
      generate_s: 1,
      build_ms: { p50: build, p99: build * 2 },
      build_plan: { buffers: orders / 1000, execution_ms: build / 2 },
      import_orders: 100_000,
      import_s: 100_000 / rate,
      import_orders_per_s: rate,
    });
    const md = renderGrowth([step(100_000, 3, 15_000), step(1_000_000, 4, 14_000), step(10_000_000, 7, 12_000)]);
    expect(md).toContain("| 10 000 000 | 1 | 7 / 14 | 3.5 / 10 000 | 12000 |");
    expect(md).toContain(
      "Cold build 1 000 000 → 10 000 000 orders: 1.75× (target ≤ 1.5×): FAIL (pages touched 10.00×)",
    );
    expect(md).toContain("Import rate 1 000 000 → 10 000 000 orders: −14 % (target: falls ≤ 20 %): PASS");
  });
});
