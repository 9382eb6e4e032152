import { jsonb, pgTable, text } from "drizzle-orm/pg-core";
import { instant, timestamps } from "./columns";

/** Persistent state of each background service: its cursor and its last outcomes. */
export const serviceState = pgTable("service_state", {
  service: text("service").primaryKey(),
  cursor: jsonb("cursor"),
  lastRunAt: instant("last_run_at"),
  lastSuccessAt: instant("last_success_at"),
  lastError: text("last_error"),
  lastErrorAt: instant("last_error_at"),
  counters: jsonb("counters").$type<Record<string, number>>().notNull().default({}),
  ...timestamps,
});
