/**
 * The benchmark's own database: a fresh one per run, migrated like production, on DATABASE_URL's server
 * or on an embedded PostgreSQL in a temporary directory of its own (so two runs never share a server),
 * with production's durability settings. Everything the run created is removed at the end.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import postgres from "postgres";
import { startEmbeddedPostgres } from "../src/db/embedded";
import { runMigrations } from "../src/db/migrate";
import type { Logger } from "../src/lib/logger";
import { freePort } from "./processes";

export interface BenchDatabase {
  url: string;
  server: "embedded" | "external";
  /** The embedded server's postmaster, whose processes' CPU the run reports; null for an external server. */
  serverPid: number | null;
  /** Drops the run's database and stops the embedded server, if any. */
  close(): Promise<void>;
}

export interface BenchDatabaseOptions {
  /** A server to use instead of the embedded one (the run creates and drops its own database there). */
  serverUrl?: string;
  log: Logger;
}

/** Creates and migrates a fresh database for one run. */
export async function createBenchDatabase({ serverUrl, log }: BenchDatabaseOptions): Promise<BenchDatabase> {
  const tempDir = serverUrl ? undefined : mkdtempSync(join(tmpdir(), "atp-bench-"));
  const clusterDir = join(tempDir ?? "", "postgres");
  const embedded = serverUrl
    ? undefined
    : await startEmbeddedPostgres({ dir: clusterDir, port: await freePort(), database: "postgres", log });
  const adminUrl = serverUrl ?? (embedded?.url as string);
  const name = `atp_bench_${new Date().toISOString().replace(/\D/g, "").slice(0, 14)}_${process.pid}`;
  await admin(adminUrl, (sql) => sql.unsafe(`create database "${name}"`));
  const url = withDatabase(adminUrl, name);
  await runMigrations(url);
  return {
    url,
    server: embedded ? "embedded" : "external",
    serverPid: embedded ? postmasterPid(clusterDir) : null,
    close: async () => {
      if (embedded) {
        // The whole temporary cluster goes: nothing to drop first.
        await embedded.stop();
        rmSync(tempDir as string, { recursive: true, force: true });
        return;
      }
      await admin(adminUrl, (sql) => sql.unsafe(`drop database if exists "${name}" with (force)`)).catch((error) =>
        log.warn("could not drop the benchmark database", { name, error: String(error) }),
      );
    },
  };
}

/** Replaces the database name of a PostgreSQL URL. */
function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

function postmasterPid(clusterDir: string): number | null {
  try {
    const pid = Number.parseInt(readFileSync(join(clusterDir, "postmaster.pid"), "utf8").split("\n")[0] ?? "", 10);
    return Number.isInteger(pid) && pid > 0 ? pid : null;
  } catch {
    return null;
  }
}

async function admin(url: string, run: (sql: postgres.Sql) => Promise<unknown>): Promise<void> {
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  try {
    await run(sql);
  } finally {
    await sql.end({ timeout: 5 });
  }
}
