import type { StrategyRules } from "../../domain/strategy";
import type { Queryable } from "../client";
import { isoUtc } from "./sql";

/** An operator-defined preset. */
export interface StrategyPresetRow {
  name: string;
  rules: StrategyRules;
  /** ISO-8601 UTC. */
  updatedAt: string;
}

const columns = (sql: Queryable) => sql`name, rules, ${isoUtc(sql, "updated_at")} as "updatedAt"`;

/** Every operator-defined preset, by name. */
export async function listStoredPresets(sql: Queryable): Promise<StrategyPresetRow[]> {
  return await sql<StrategyPresetRow[]>`select ${columns(sql)} from strategy_presets order by name`;
}

/** One operator-defined preset, or null. */
export async function findStoredPreset(sql: Queryable, name: string): Promise<StrategyPresetRow | null> {
  const [row] = await sql<StrategyPresetRow[]>`select ${columns(sql)} from strategy_presets where name = ${name}`;
  return row ?? null;
}

/** Creates or replaces an operator-defined preset. */
export async function upsertStoredPreset(
  sql: Queryable,
  name: string,
  rules: StrategyRules,
): Promise<StrategyPresetRow> {
  const [row] = await sql<StrategyPresetRow[]>`
    insert into strategy_presets (name, rules) values (${name}, ${sql.json(rules as never)})
    on conflict (name) do update set rules = excluded.rules, updated_at = now()
    returning ${columns(sql)}`;
  if (!row) throw new Error(`preset ${name} was not stored`);
  return row;
}
