import { ConfigError, loadConfig } from "./config";
import { locateDatabase } from "./db/connect";
import { runMigrations } from "./db/migrate";
import { createLogger } from "./lib/logger";

/** `npm run db:migrate`: applies pending migrations to DATABASE_URL, or to the embedded database. */
try {
  const config = loadConfig();
  const log = createLogger({ level: config.LOG_LEVEL, format: config.LOG_FORMAT });
  // The embedded default is migrated as it starts; an external database is migrated here.
  const location = await locateDatabase(config, log);
  if (!location.embedded) await runMigrations(location.url);
  await location.stop();
  log.info("migrations applied", { database: location.embedded ? "embedded" : "external" });
  log.flush();
} catch (error) {
  console.error(error instanceof ConfigError ? error.message : `migration failed: ${(error as Error).message}`);
  process.exit(1);
}
