/**
 * The external load tools: which one runs which kind of load, their command lines, and their outputs
 * parsed into one shape. oha does everything when it is on PATH; otherwise wrk measures throughput
 * (closed loop, every response checked by bench/wrk-report.lua) and hey measures latency at a fixed
 * rate and runs the fixed-count scenarios.
 */

export type ToolName = "oha" | "wrk" | "hey";
/** Kinds of load: as fast as possible for a time, at a fixed total rate for a time, or a fixed count. */
export type LoadKind = "throughput" | "rate" | "count";

/** Which tool runs each kind of load on this machine. */
export interface Toolset {
  throughput: ToolName;
  rate: ToolName;
  count: ToolName;
  ohaJsonFlag?: string[];
}

/** One load run against one URL. */
export interface LoadSpec {
  kind: LoadKind;
  url: string;
  connections: number;
  /** Length of a throughput or rate run (a rate run may be stopped earlier through `stop`). */
  durationS?: number;
  /** Total requests per second of a rate run, spread over the connections. */
  rate?: number;
  /** Number of requests of a count run. */
  requests?: number;
  /** The smallest body that counts as a valid answer; anything shorter is an empty or error body. */
  minBodyBytes: number;
  /** Ends a rate run early; the tool still reports what it measured until then. */
  stop?: AbortSignal;
  /** Request headers sent with every request (e.g. Accept-Encoding). */
  headers?: Record<string, string>;
}

/** What a load tool measured, in one shape whatever the tool. */
export interface LoadResult {
  tool: ToolName;
  command: string;
  /** Responses received (any status). */
  responses: number;
  duration_s: number;
  rps: number;
  latency_ms: { mean: number; p50: number; p90: number; p99: number; max: number };
  /** Responses per HTTP status code. */
  statuses: Record<string, number>;
  /** Requests that got no response (connect, read, timeout…), by kind. */
  errors: Record<string, number>;
  body: {
    min_valid_bytes: number;
    /** Mean body size over all responses. */
    mean_bytes: number | null;
    /** Responses whose body was shorter than min_valid_bytes, when the tool checks each one (wrk). */
    short: number | null;
  };
  /** CPU time the load tool itself used (it shares the machine's cores with the server). */
  tool_cpu_s: number;
}

import { round } from "./format";
import { parseHeyReport, parseOhaReport, parseWrkReport } from "./tool-reports";

const WRK_SCRIPT = new URL("./wrk-report.lua", import.meta.url).pathname;
// Every request gets an answer within this, or counts as an error: no run can hang on a stuck server.
const REQUEST_TIMEOUT_S = 10;

/** Picks oha when present, else wrk and hey; throws a message saying what to install when they are missing. */
export async function detectToolset(which: (name: string) => string | null = Bun.which): Promise<Toolset> {
  if (which("oha")) {
    const help = await runText(["oha", "--help"]);
    // oha 1.5+ prints JSON with --output-format json; older versions only know -j.
    const ohaJsonFlag = help.includes("--output-format") ? ["--output-format", "json"] : ["-j"];
    return { throughput: "oha", rate: "oha", count: "oha", ohaJsonFlag };
  }
  const missing = ["wrk", "hey"].filter((name) => !which(name));
  if (missing.length > 0) {
    throw new Error(
      `no load tool: oha is not on PATH and neither is ${missing.join(" nor ")}. ` +
        "Install them with: apt-get install -y wrk hey",
    );
  }
  return { throughput: "wrk", rate: "hey", count: "hey" };
}

/** The command line that runs `spec` with `tool`. */
export function loadCommand(tool: ToolName, spec: LoadSpec, ohaJsonFlag: string[] = ["-j"]): string[] {
  const seconds = spec.durationS ?? 10;
  // Whole seconds for wrk (it knows no milliseconds); hey and oha also take "500ms".
  const duration = Number.isInteger(seconds) ? `${seconds}s` : `${Math.round(seconds * 1000)}ms`;
  if (tool === "wrk") {
    if (spec.kind !== "throughput") throw new Error(`wrk runs throughput loads only, not ${spec.kind}`);
    if (!Number.isInteger(seconds)) throw new Error("wrk runs for whole seconds");
    return [
      "wrk",
      "-t1",
      `-c${spec.connections}`,
      `-d${duration}`,
      "--timeout",
      `${REQUEST_TIMEOUT_S}s`,
      "-s",
      WRK_SCRIPT,
      ...headerArgs(spec),
      spec.url,
      "--",
      String(spec.minBodyBytes),
    ];
  }
  if (tool === "hey") {
    const shape =
      spec.kind === "count"
        ? ["-n", String(spec.requests ?? 200)]
        : // hey's -q is per worker: the total rate is split over the connections.
          ["-z", duration, ...(spec.kind === "rate" ? ["-q", String(requireRate(spec) / spec.connections)] : [])];
    return [
      "hey",
      ...shape,
      "-c",
      String(spec.connections),
      "-t",
      String(REQUEST_TIMEOUT_S),
      "-disable-compression",
      ...headerArgs(spec),
      spec.url,
    ];
  }
  const shape =
    spec.kind === "count"
      ? ["-n", String(spec.requests ?? 200)]
      : ["-z", duration, ...(spec.kind === "rate" ? ["-q", String(requireRate(spec)), "--latency-correction"] : [])];
  return [
    "oha",
    "--no-tui",
    ...ohaJsonFlag,
    ...shape,
    "-c",
    String(spec.connections),
    "-t",
    `${REQUEST_TIMEOUT_S}s`,
    "--disable-compression",
    ...headerArgs(spec),
    spec.url,
  ];
}

/** `-H "Name: value"` for each request header (the flag wrk, hey and oha share). */
function headerArgs(spec: LoadSpec): string[] {
  return Object.entries(spec.headers ?? {}).flatMap(([name, value]) => ["-H", `${name}: ${value}`]);
}

function requireRate(spec: LoadSpec): number {
  if (!spec.rate || spec.rate <= 0) throw new Error("a rate run needs a positive rate");
  return spec.rate;
}

/** Runs one bounded load and parses what the tool reports. */
export async function runLoad(tools: Toolset, spec: LoadSpec): Promise<LoadResult> {
  const tool = tools[spec.kind];
  const command = loadCommand(tool, spec, tools.ohaJsonFlag);
  const proc = Bun.spawn(command, { stdout: "pipe", stderr: "pipe", stdin: "ignore" });
  // Hard bound: the planned length plus a margin for the last requests' timeout; a count run gets a minute.
  const limitMs = ((spec.kind === "count" ? 60 : (spec.durationS ?? 10)) + REQUEST_TIMEOUT_S + 5) * 1000;
  const killer = setTimeout(() => proc.kill("SIGKILL"), limitMs);
  // The tools print their report on SIGINT, so an early stop still yields a measurement.
  const onStop = () => proc.kill("SIGINT");
  spec.stop?.addEventListener("abort", onStop, { once: true });
  if (spec.stop?.aborted) onStop();
  const [stdout, stderr, code] = await Promise.all([
    new Response(proc.stdout).text(),
    new Response(proc.stderr).text(),
    proc.exited,
  ]);
  clearTimeout(killer);
  spec.stop?.removeEventListener("abort", onStop);
  const usage = proc.resourceUsage();
  const toolCpuS = usage ? Number(usage.cpuTime.user + usage.cpuTime.system) / 1e6 : 0;
  const printed = command.join(" ");
  if (code !== 0 && !(code === 130 && spec.stop?.aborted)) {
    throw new Error(`${printed} exited with ${code}: ${stderr.trim() || stdout.trim().slice(-500)}`);
  }
  const parsed =
    tool === "wrk" ? parseWrkReport(stdout) : tool === "hey" ? parseHeyReport(stdout) : parseOhaReport(stdout);
  return {
    tool,
    command: printed,
    ...parsed,
    body: { ...parsed.body, min_valid_bytes: spec.minBodyBytes },
    tool_cpu_s: round(toolCpuS, 3),
  };
}

async function runText(command: string[]): Promise<string> {
  const proc = Bun.spawn(command, { stdout: "pipe", stderr: "pipe" });
  const [out, err] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text()]);
  await proc.exited;
  return out + err;
}
