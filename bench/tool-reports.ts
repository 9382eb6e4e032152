/** The load tools' outputs (wrk through bench/wrk-report.lua, hey, oha) parsed into the one LoadResult shape. */
import { round } from "./format";
import type { LoadResult } from "./tools";

/** The measurement part of a LoadResult, as parsed from a tool's output. */
export type ParsedReport = Omit<LoadResult, "tool" | "command" | "tool_cpu_s" | "body"> & {
  body: { mean_bytes: number | null; short: number | null };
};

/** Parses the JSON line bench/wrk-report.lua prints. */
export function parseWrkReport(stdout: string): ParsedReport {
  const line = stdout.split("\n").find((l) => l.startsWith("WRK_JSON "));
  if (!line) throw new Error(`wrk printed no report line:\n${stdout.slice(-500)}`);
  const r = JSON.parse(line.slice("WRK_JSON ".length)) as {
    duration_us: number;
    requests: number;
    body_bytes: number;
    short_bodies: number;
    statuses: Record<string, number>;
    errors: Record<string, number>;
    latency_us: { mean: number; p50: number; p90: number; p99: number; max: number };
  };
  const seconds = r.duration_us / 1e6;
  const responses = Object.values(r.statuses).reduce((a, b) => a + b, 0);
  // wrk counts non-2xx/3xx answers as "status" errors; they are already in the status counts.
  const { status: _statusErrors, ...errors } = r.errors;
  const ms = (us: number) => round(us / 1000, 3);
  return {
    responses,
    duration_s: round(seconds, 3),
    rps: round(responses / seconds, 1),
    latency_ms: {
      mean: ms(r.latency_us.mean),
      p50: ms(r.latency_us.p50),
      p90: ms(r.latency_us.p90),
      p99: ms(r.latency_us.p99),
      max: ms(r.latency_us.max),
    },
    statuses: r.statuses,
    errors: nonZero(errors),
    body: { mean_bytes: responses > 0 ? Math.round(r.body_bytes / responses) : null, short: r.short_bodies },
  };
}

/** Parses hey's text summary (latencies in seconds, status code and error distributions). */
export function parseHeyReport(stdout: string): ParsedReport {
  const seconds = (label: string) => {
    const match = stdout.match(new RegExp(`${label}:\\s+([\\d.]+) secs`));
    return match ? Number(match[1]) : Number.NaN;
  };
  const total = seconds("Total");
  if (Number.isNaN(total)) throw new Error(`hey printed no summary:\n${stdout.slice(-500)}`);
  // hey leaves out a percentile whose nearest rank is the last answer (p99 under 100 answers): the maximum.
  const percentile = (p: number) => {
    const match = stdout.match(new RegExp(`\\s${p}% in ([\\d.]+) secs`));
    return (match ? Number(match[1]) : seconds("Slowest")) * 1000;
  };
  const statuses: Record<string, number> = {};
  for (const m of stdout.matchAll(/^\s*\[(\d{3})\]\s+(\d+) responses/gm)) statuses[m[1] as string] = Number(m[2]);
  const errors: Record<string, number> = {};
  const errorSection = stdout.split("Error distribution:")[1] ?? "";
  for (const m of errorSection.matchAll(/^\s*\[(\d+)\]\s+(.+)$/gm)) errors[errorKind(m[2] as string)] = Number(m[1]);
  const responses = Object.values(statuses).reduce((a, b) => a + b, 0);
  const size = stdout.match(/Size\/request:\s+(\d+) bytes/);
  return {
    responses,
    duration_s: round(total, 3),
    rps: round(responses / total, 1),
    latency_ms: {
      mean: round(seconds("Average") * 1000, 3),
      p50: round(percentile(50), 3),
      p90: round(percentile(90), 3),
      p99: round(percentile(99), 3),
      max: round(seconds("Slowest") * 1000, 3),
    },
    statuses,
    errors,
    // hey adds up Content-Length; it prints no size line when every body was empty.
    body: { mean_bytes: responses === 0 ? null : size ? Number(size[1]) : 0, short: null },
  };
}

/** Parses oha's JSON output (latencies in seconds). */
export function parseOhaReport(stdout: string): ParsedReport {
  const r = JSON.parse(stdout.slice(stdout.indexOf("{"))) as {
    summary: { total: number; slowest: number; average: number; sizePerRequest: number | null };
    latencyPercentiles: Record<string, number | null>;
    statusCodeDistribution: Record<string, number>;
    errorDistribution: Record<string, number>;
  };
  const ms = (s: number | null | undefined) => round((s ?? Number.NaN) * 1000, 3);
  const responses = Object.values(r.statusCodeDistribution).reduce((a, b) => a + b, 0);
  const errors: Record<string, number> = {};
  for (const [message, count] of Object.entries(r.errorDistribution)) {
    // Requests cut by the end of a timed run are not failures of the server.
    if (!message.includes("aborted due to deadline")) errors[errorKind(message)] = count;
  }
  return {
    responses,
    duration_s: round(r.summary.total, 3),
    rps: round(responses / r.summary.total, 1),
    latency_ms: {
      mean: ms(r.summary.average),
      p50: ms(r.latencyPercentiles.p50),
      p90: ms(r.latencyPercentiles.p90),
      p99: ms(r.latencyPercentiles.p99),
      max: ms(r.summary.slowest),
    },
    statuses: r.statusCodeDistribution,
    errors,
    body: { mean_bytes: responses > 0 ? (r.summary.sizePerRequest ?? 0) : null, short: null },
  };
}

function errorKind(message: string): string {
  if (/timeout|deadline exceeded/i.test(message)) return "timeout";
  if (/reset|EOF|closed|broken pipe/i.test(message)) return "read";
  if (/refused|connect/i.test(message)) return "connect";
  return message.slice(0, 80);
}

function nonZero(counts: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(counts).filter(([, v]) => v > 0));
}
