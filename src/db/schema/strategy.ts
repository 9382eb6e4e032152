import { jsonb, pgTable, text } from "drizzle-orm/pg-core";
import type { StrategyRules } from "../../domain/strategy";
import { timestamps } from "./columns";

/** Presets the operator defined (the built-ins live in src/domain/strategy.ts and are never stored). */
export const strategyPresets = pgTable("strategy_presets", {
  name: text("name").primaryKey(),
  rules: jsonb("rules").$type<StrategyRules>().notNull(),
  ...timestamps,
});
