import { join } from "node:path";
import type { Config } from "../config";
import type { Logger } from "../lib/logger";
import { startEmbeddedPostgres } from "./embedded";
import { runMigrations } from "./migrate";

/** Where the database is, and how to release what was started to get it. */
export interface DatabaseLocation {
  url: string;
  embedded: boolean;
  stop(): Promise<void>;
}

/** Resolves DATABASE_URL, or starts the embedded PostgreSQL under DATA_DIR and migrates it. */
export async function locateDatabase(config: Config, log: Logger): Promise<DatabaseLocation> {
  if (config.DATABASE_URL) {
    return { url: config.DATABASE_URL, embedded: false, stop: async () => {} };
  }
  const server = await startEmbeddedPostgres({
    dir: join(config.DATA_DIR, "postgres"),
    port: config.EMBEDDED_PG_PORT,
    log,
  });
  try {
    await runMigrations(server.url);
  } catch (error) {
    await server.stop();
    throw error;
  }
  return { url: server.url, embedded: true, stop: server.stop };
}
