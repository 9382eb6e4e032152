import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import postgres from "postgres";
import { createDatabase, type Database } from "../../src/db/client";
import { type EmbeddedPostgres, startEmbeddedPostgres } from "../../src/db/embedded";
import { runMigrations } from "../../src/db/migrate";
import { createLogger } from "../../src/lib/logger";
import { freePort } from "./ports";

/**
 * The PostgreSQL server of this test run: TEST_DATABASE_URL's server, or an embedded one in a temp dir.
 * Each test file gets its own database, cloned from a template that holds every migration.
 */
interface Cluster {
  /** URL of the server's maintenance database, used to create and drop test databases. */
  adminUrl: string;
  template: string;
  embedded?: EmbeddedPostgres;
  tempDir?: string;
}

const runId = `${process.pid}_${Date.now().toString(36)}`;
let cluster: Promise<Cluster> | undefined;
const created = new Set<string>();

/** Replaces the database name in a PostgreSQL URL. */
export function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

async function startCluster(): Promise<Cluster> {
  let adminUrl = process.env.TEST_DATABASE_URL;
  let embedded: EmbeddedPostgres | undefined;
  let tempDir: string | undefined;
  if (!adminUrl) {
    tempDir = mkdtempSync(join(tmpdir(), "atp-test-"));
    embedded = await startEmbeddedPostgres({
      dir: join(tempDir, "postgres"),
      port: await freePort(),
      database: "postgres",
      log: createLogger({ level: "warn", write: () => {} }),
      ephemeral: true,
    });
    adminUrl = embedded.url;
  }
  const template = `atp_tpl_${runId}`;
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
  try {
    await admin.unsafe(`create database "${template}"`);
  } finally {
    await admin.end();
  }
  created.add(template);
  await runMigrations(withDatabase(adminUrl, template));
  return { adminUrl, template, embedded, tempDir };
}

function getCluster(): Promise<Cluster> {
  cluster ??= startCluster();
  return cluster;
}

async function adminQuery(statement: string): Promise<void> {
  const { adminUrl } = await getCluster();
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
  try {
    await admin.unsafe(statement);
  } finally {
    await admin.end();
  }
}

/** A fresh, isolated database: migrated (cloned from the template) unless `empty`. Returns its URL. */
export async function createTestDatabaseUrl({ empty = false } = {}): Promise<string> {
  const { adminUrl, template } = await getCluster();
  const name = `atp_t_${runId}_${created.size}_${Math.random().toString(36).slice(2, 8)}`;
  await adminQuery(`create database "${name}"${empty ? "" : ` template "${template}"`}`);
  created.add(name);
  return withDatabase(adminUrl, name);
}

/** A fresh migrated database with an open pool; close it in afterAll. */
export async function createTestDatabase(max = 5): Promise<Database & { url: string }> {
  const url = await createTestDatabaseUrl();
  return { url, ...createDatabase({ url, max, statementTimeoutMs: 10_000, applicationName: "atp-test" }) };
}

/** Drops every database this run created and stops the embedded server. */
export async function stopCluster(): Promise<void> {
  if (!cluster) return;
  const { adminUrl, embedded, tempDir } = await cluster;
  if (embedded) {
    await embedded.stop();
    if (tempDir) rmSync(tempDir, { recursive: true, force: true });
  } else {
    // A few drops at a time: each one waits for a checkpoint, and a busy server makes a long queue of them.
    const admin = postgres(adminUrl, { max: 4, onnotice: () => {} });
    try {
      await Promise.all(
        [...created].map((name) => admin.unsafe(`drop database if exists "${name}" with (force)`).catch(() => {})),
      );
    } finally {
      await admin.end();
    }
  }
  cluster = undefined;
}
