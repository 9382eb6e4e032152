import { asc, eq } from "drizzle-orm";
import type { StrategyRules } from "../../domain/strategy";
import type { Db } from "../client";
import { strategyPresets } from "../schema";

export type StrategyPresetRow = typeof strategyPresets.$inferSelect;

/** Every operator-defined preset, by name. */
export async function listStoredPresets(db: Db): Promise<StrategyPresetRow[]> {
  return await db.select().from(strategyPresets).orderBy(asc(strategyPresets.name));
}

/** One operator-defined preset, or null. */
export async function findStoredPreset(db: Db, name: string): Promise<StrategyPresetRow | null> {
  const [row] = await db.select().from(strategyPresets).where(eq(strategyPresets.name, name));
  return row ?? null;
}

/** Creates or replaces an operator-defined preset. */
export async function upsertStoredPreset(db: Db, name: string, rules: StrategyRules): Promise<StrategyPresetRow> {
  const [row] = await db
    .insert(strategyPresets)
    .values({ name, rules })
    .onConflictDoUpdate({ target: strategyPresets.name, set: { rules, updatedAt: new Date() } })
    .returning();
  if (!row) throw new Error(`preset ${name} was not stored`);
  return row;
}
