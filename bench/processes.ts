/**
 * The processes a benchmark run starts: ATP itself (`bun src/main.ts` in production mode) and the ceiling
 * server, each on a free port of 127.0.0.1, with readiness timing and /proc readings of memory and CPU.
 */
import { closeSync, openSync, readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { Subprocess } from "bun";
import { freePort } from "../test/helpers/ports";

export { freePort };

const REPO_ROOT = fileURLToPath(new URL("..", import.meta.url));
const CLOCK_TICKS_PER_S = 100;

/** A child process of the benchmark listening on 127.0.0.1. */
export interface Server {
  name: string;
  pid: number;
  baseUrl: string;
  /** Milliseconds from spawn to the first answer of the readiness URL. */
  readyMs: number;
  /** Resident memory now (threads and workers included), from /proc. */
  rssBytes(): number | null;
  /** CPU seconds used so far (all threads), from /proc. */
  cpuSeconds(): number | null;
  /** CPU seconds of the main thread alone, from /proc. */
  mainThreadCpuSeconds(): number | null;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves to the exit code. */
  stop(graceMs?: number): Promise<number | null>;
}

export interface AppOptions {
  name: string;
  databaseUrl: string;
  /** ATP configuration on top of the benchmark's base (production mode, JSON logs at warn). */
  env: Record<string, string>;
  /** Where the app's stdout and stderr (its log lines) go. */
  logPath: string;
  readyTimeoutMs?: number;
}

/** Starts ATP and waits for `/health` to answer 200. */
export async function startApp({
  name,
  databaseUrl,
  env,
  logPath,
  readyTimeoutMs = 60_000,
}: AppOptions): Promise<Server> {
  const port = await freePort();
  const logFd = openSync(logPath, "a");
  const started = performance.now();
  const proc = Bun.spawn([process.execPath, "src/main.ts"], {
    cwd: REPO_ROOT,
    env: {
      PATH: process.env.PATH ?? "/usr/bin:/bin",
      HOME: process.env.HOME ?? "/tmp",
      NODE_ENV: "production",
      HOST: "127.0.0.1",
      PORT: String(port),
      DATABASE_URL: databaseUrl,
      LOG_LEVEL: "warn",
      LOG_FORMAT: "json",
      ...env,
    },
    stdin: "ignore",
    stdout: logFd,
    stderr: logFd,
  });
  closeSync(logFd);
  const baseUrl = `http://127.0.0.1:${port}`;
  try {
    await waitForOk(`${baseUrl}/health`, proc, readyTimeoutMs);
  } catch (error) {
    proc.kill("SIGKILL");
    await proc.exited;
    throw new Error(`${name}: ${(error as Error).message}; its log: ${logPath}\n${tail(logPath)}`);
  }
  return serverHandle(name, proc, baseUrl, performance.now() - started);
}

/** Starts the ceiling server (bench/ceiling.ts) returning `bytes`-byte bodies. */
export async function startCeiling(body: number | { file: string; coding: string }): Promise<Server> {
  const port = await freePort();
  const started = performance.now();
  const what = typeof body === "number" ? [`${body}`] : [body.file, body.coding];
  const proc = Bun.spawn(
    [process.execPath, fileURLToPath(new URL("./ceiling.ts", import.meta.url)), `${port}`, ...what],
    {
      env: { PATH: process.env.PATH ?? "/usr/bin:/bin", NODE_ENV: "production" },
      stdin: "ignore",
      stdout: "ignore",
      stderr: "inherit",
    },
  );
  const baseUrl = `http://127.0.0.1:${port}`;
  await waitForOk(`${baseUrl}/`, proc, 10_000);
  return serverHandle("ceiling", proc, baseUrl, performance.now() - started);
}

function serverHandle(name: string, proc: Subprocess, baseUrl: string, readyMs: number): Server {
  return {
    name,
    pid: proc.pid,
    baseUrl,
    readyMs: Math.round(readyMs),
    rssBytes: () => readRss(proc.pid),
    cpuSeconds: () => readCpuSeconds(proc.pid),
    mainThreadCpuSeconds: () => readMainThreadCpuSeconds(proc.pid),
    stop: async (graceMs = 15_000) => {
      if (proc.exitCode !== null || proc.signalCode !== null) return proc.exitCode;
      proc.kill("SIGTERM");
      const timer = setTimeout(() => proc.kill("SIGKILL"), graceMs);
      const code = await proc.exited;
      clearTimeout(timer);
      return code;
    },
  };
}

async function waitForOk(url: string, proc: Subprocess, timeoutMs: number): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (performance.now() < deadline) {
    if (proc.exitCode !== null || proc.signalCode !== null) {
      throw new Error(`exited (${proc.exitCode ?? proc.signalCode}) before ${url} answered 200`);
    }
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(1000) });
      await res.arrayBuffer();
      if (res.status === 200) return;
    } catch {
      // Not listening yet.
    }
    // Short polls: the time to readiness is one of the measured figures.
    await Bun.sleep(5);
  }
  throw new Error(`${url} did not answer 200 within ${timeoutMs} ms`);
}

/** Resident set size of a process (all its threads), or null once it is gone. */
export function readRss(pid: number): number | null {
  try {
    const match = readFileSync(`/proc/${pid}/status`, "utf8").match(/^VmRSS:\s+(\d+) kB/m);
    return match ? Number(match[1]) * 1024 : null;
  } catch {
    return null;
  }
}

/** User + system CPU seconds of a process (all its threads), or null once it is gone. */
function readCpuSeconds(pid: number): number | null {
  return cpuFromStat(`/proc/${pid}/stat`);
}

/** CPU seconds of a process's main thread alone (for ATP, the thread that serves HTTP). */
function readMainThreadCpuSeconds(pid: number): number | null {
  return cpuFromStat(`/proc/${pid}/task/${pid}/stat`);
}

/**
 * CPU seconds of a process and its direct children (a PostgreSQL server: postmaster and backends), those it has
 * reaped included: a backend that ends between two readings moves its time into the root's cutime/cstime, where a
 * reading of the live children alone would lose it (and a difference of two readings could go negative).
 */
export function readProcessTreeCpuSeconds(rootPid: number): number | null {
  const root = statFields(`/proc/${rootPid}/stat`);
  if (!root) return null;
  // utime, stime, cutime and cstime are fields 14 to 17.
  let total = (Number(root[11]) + Number(root[12]) + Number(root[13]) + Number(root[14])) / CLOCK_TICKS_PER_S;
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = statFields(`/proc/${entry}/stat`);
    // Field 4 is the parent pid; a child that exits between the listing and the read is skipped.
    if (stat && Number(stat[1]) === rootPid) total += (Number(stat[11]) + Number(stat[12])) / CLOCK_TICKS_PER_S;
  }
  return total;
}

function cpuFromStat(path: string): number | null {
  const fields = statFields(path);
  // utime and stime are fields 14 and 15 of /proc/<pid>/stat.
  return fields ? (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_S : null;
}

/** The fields of a /proc stat file from field 3 on (after the command name, which may hold spaces). */
function statFields(path: string): string[] | null {
  try {
    const stat = readFileSync(path, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  } catch {
    return null;
  }
}

/**
 * Busy, stolen and total CPU time of the whole machine, in seconds (all cores), from /proc/stat. Steal is
 * time a virtual machine's cores were runnable but the host ran something else.
 */
export function readMachineCpu(): { busy: number; steal: number; total: number } {
  const line = readFileSync("/proc/stat", "utf8").split("\n")[0] ?? "";
  // user nice system idle iowait irq softirq steal guest guest_nice; guest time is already in user.
  const values = line.trim().split(/\s+/).slice(1, 9).map(Number);
  const total = values.reduce((a, b) => a + b, 0);
  const idle = (values[3] ?? 0) + (values[4] ?? 0);
  return {
    busy: (total - idle) / CLOCK_TICKS_PER_S,
    steal: (values[7] ?? 0) / CLOCK_TICKS_PER_S,
    total: total / CLOCK_TICKS_PER_S,
  };
}

function tail(path: string, lines = 15): string {
  try {
    return readFileSync(path, "utf8").trimEnd().split("\n").slice(-lines).join("\n");
  } catch {
    return "(no log)";
  }
}
