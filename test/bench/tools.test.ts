import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { checkLoad, type Plan } from "../../bench/measure";
import { parseHeyReport, parseOhaReport, parseWrkReport } from "../../bench/tool-reports";
import { detectToolset, type LoadResult, loadCommand, runLoad } from "../../bench/tools";

// Real outputs of hey 0.1.4 (Debian bookworm): a run with 503s and one where nothing listened.
const HEY_MIXED = `
Summary:
  Total:\t0.0062 secs
  Slowest:\t0.0015 secs
  Fastest:\t0.0000 secs
  Average:\t0.0003 secs
  Requests/sec:\t9703.7870
  
  Total data:\t26032 bytes
  Size/request:\t433 bytes

Latency distribution:
  10% in 0.0001 secs
  25% in 0.0001 secs
  50% in 0.0002 secs
  75% in 0.0003 secs
  90% in 0.0006 secs
  95% in 0.0009 secs
  0% in 0.0000 secs

Status code distribution:
  [200]\t52 responses
  [503]\t8 responses
`;

const HEY_REFUSED = `
Summary:
  Total:\t0.0005 secs
  Slowest:\t0.0000 secs
  Fastest:\t0.0000 secs
  Average:\t NaN secs
  Requests/sec:\t8540.8584
  

Latency distribution:

Status code distribution:

Error distribution:
  [4]\tGet "http://127.0.0.1:18997/": dial tcp 127.0.0.1:18997: connect: connection refused
`;

const rate: Plan = { id: "r", title: "r", path: "/", kind: "rate", connections: 5, rate: 100, durationS: 1 };

describe("load tool reports", () => {
  test("hey: statuses, mean body, percentiles; a p99 hey cannot resolve is the slowest answer", () => {
    const r = parseHeyReport(HEY_MIXED);
    expect(r.responses).toBe(60);
    expect(r.statuses).toEqual({ "200": 52, "503": 8 });
    expect(r.body).toEqual({ mean_bytes: 433, short: null });
    expect(r.latency_ms.p50).toBe(0.2);
    expect(r.latency_ms.p99).toBe(1.5);
    expect(r.latency_ms.max).toBe(1.5);
    expect(r.errors).toEqual({});
  });

  test("hey: requests that got no answer are errors, and there is no body", () => {
    const r = parseHeyReport(HEY_REFUSED);
    expect(r.responses).toBe(0);
    expect(r.errors).toEqual({ connect: 4 });
    expect(r.body.mean_bytes).toBeNull();
  });

  test("wrk: the script's JSON line, latencies in ms, status errors not counted twice", () => {
    const line =
      'WRK_JSON {"duration_us":2000000,"requests":1000,"bytes":600000,"body_bytes":500000,"short_bodies":3,' +
      '"statuses":{"200":990,"500":10},"errors":{"connect":0,"read":1,"write":0,"status":10,"timeout":0},' +
      '"latency_us":{"min":100,"mean":1500.5,"max":9000,"p50":1200,"p90":2000,"p99":4500,"p999":8000}}';
    const r = parseWrkReport(`Running 2s test @ http://127.0.0.1/\n${line}\n`);
    expect(r.responses).toBe(1000);
    expect(r.rps).toBe(500);
    expect(r.latency_ms).toEqual({ mean: 1.501, p50: 1.2, p90: 2, p99: 4.5, max: 9 });
    expect(r.errors).toEqual({ read: 1 });
    expect(r.body).toEqual({ mean_bytes: 500, short: 3 });
  });

  test("oha: the JSON summary; requests cut by the end of a timed run are not errors", () => {
    const json = {
      summary: { successRate: 1, total: 2, slowest: 0.02, fastest: 0.0001, average: 0.002, requestsPerSec: 400 },
      latencyPercentiles: { p10: 0.001, p50: 0.0015, p90: 0.003, p99: 0.012, "p99.9": 0.019 },
      statusCodeDistribution: { "200": 800 },
      errorDistribution: { "aborted due to deadline": 5, "connection reset by peer": 2 },
    };
    const r = parseOhaReport(JSON.stringify({ ...json, summary: { ...json.summary, sizePerRequest: 20480 } }));
    expect(r.responses).toBe(800);
    expect(r.rps).toBe(400);
    expect(r.latency_ms).toEqual({ mean: 2, p50: 1.5, p90: 3, p99: 12, max: 20 });
    expect(r.errors).toEqual({ read: 2 });
    expect(r.body.mean_bytes).toBe(20480);
  });
});

describe("load commands", () => {
  test("hey's -q is per worker, so the total rate is split over the connections", () => {
    const cmd = loadCommand("hey", {
      ...rate,
      url: "http://127.0.0.1:1/",
      rate: 200,
      connections: 10,
      minBodyBytes: 1,
    });
    expect(cmd.slice(0, 7)).toEqual(["hey", "-z", "1s", "-q", "20", "-c", "10"]);
  });

  test("oha takes the total rate and corrects for coordinated omission", () => {
    const cmd = loadCommand("oha", { ...rate, url: "http://127.0.0.1:1/", minBodyBytes: 1 }, ["-j"]);
    expect(cmd).toContain("--latency-correction");
    expect(cmd[cmd.indexOf("-q") + 1]).toBe("100");
  });

  test("wrk refuses fixed-rate loads; it has no rate limit", () => {
    expect(() => loadCommand("wrk", { ...rate, url: "http://127.0.0.1:1/", minBodyBytes: 1 })).toThrow(/throughput/);
  });

  test("without oha, wrk and hey are required, with the command that installs them", async () => {
    await expect(detectToolset(() => null)).rejects.toThrow("apt-get install -y wrk hey");
    const found = await detectToolset((name) => (name === "oha" ? null : `/usr/bin/${name}`));
    expect(found).toEqual({ throughput: "wrk", rate: "hey", count: "hey" });
  });
});

function result(overrides: Partial<LoadResult>): LoadResult {
  return {
    tool: "hey",
    command: "hey",
    responses: 100,
    duration_s: 1,
    rps: 100,
    latency_ms: { mean: 1, p50: 1, p90: 1, p99: 2, max: 3 },
    statuses: { "200": 100 },
    errors: {},
    body: { min_valid_bytes: 500, mean_bytes: 1000, short: null },
    tool_cpu_s: 0.1,
    ...overrides,
  };
}

describe("checkLoad", () => {
  test("a clean run has no problem", () => {
    expect(checkLoad(result({}), rate, 1000)).toEqual({ problems: [], notes: [] });
  });

  test("error statuses, failed requests, short bodies and a low mean body all invalidate a run", () => {
    const { problems } = checkLoad(
      result({
        statuses: { "200": 90, "503": 10 },
        errors: { timeout: 2 },
        body: { min_valid_bytes: 500, mean_bytes: 900, short: 4 },
      }),
      rate,
      1000,
    );
    expect(problems).toEqual([
      "10 responses with status 503",
      "2 requests failed (timeout)",
      "4 bodies shorter than 500 bytes",
      "mean body 900 B is below the endpoint's 1000 B: empty or error bodies",
    ]);
  });

  test("a rate the server could not sustain is noted, not an invalid run", () => {
    expect(checkLoad(result({ rps: 80 }), rate, 1000)).toEqual({
      problems: [],
      notes: ["rate not sustained: 80 of 100 req/s"],
    });
  });
});

// The real tools against a local server that sends an empty 200 every 25th answer: both catch it.
const haveTools = Boolean(Bun.which("wrk") && Bun.which("hey"));
describe.skipIf(!haveTools)("wrk and hey against a server with empty bodies", () => {
  let server: ReturnType<typeof Bun.serve>;
  let count = 0;
  beforeAll(() => {
    server = Bun.serve({
      port: 0,
      hostname: "127.0.0.1",
      fetch: () => new Response(++count % 25 === 0 ? "" : "z".repeat(2000)),
    });
  });
  afterAll(() => server.stop(true));

  test("wrk counts every short body", async () => {
    const url = `http://127.0.0.1:${server.port}/`;
    const plan: Plan = { id: "t", title: "t", path: "/", kind: "throughput", connections: 4, durationS: 1 };
    const load = await runLoad({ throughput: "wrk", rate: "hey", count: "hey" }, { ...plan, url, minBodyBytes: 1000 });
    expect(load.responses).toBeGreaterThan(100);
    const expected = load.responses / 25;
    expect(load.body.short).toBeGreaterThanOrEqual(Math.floor(expected) - 1);
    expect(load.body.short).toBeLessThanOrEqual(Math.ceil(expected) + 1);
    expect(checkLoad(load, plan, 2000).problems.some((p) => p.includes("bodies shorter"))).toBe(true);
  });

  test("hey's mean body size falls below the endpoint's", async () => {
    const url = `http://127.0.0.1:${server.port}/`;
    const plan: Plan = { id: "c", title: "c", path: "/", kind: "count", connections: 2, requests: 200 };
    const load = await runLoad({ throughput: "wrk", rate: "hey", count: "hey" }, { ...plan, url, minBodyBytes: 1000 });
    expect(load.responses).toBe(200);
    expect(load.body.mean_bytes).toBe(1920);
    expect(checkLoad(load, plan, 2000).problems).toEqual([
      "mean body 1920 B is below the endpoint's 2000 B: empty or error bodies",
    ]);
  });
});
