import { notifyChange } from "../db/changes";
import type { Database } from "../db/client";
import { findStoredPreset, listStoredPresets, upsertStoredPreset } from "../db/queries/strategy-presets";
import { latestSignalPerWatchedSymbol } from "../db/queries/throttle";
import { findWatchlistRow, listWatchlistRows, type WatchlistRow } from "../db/queries/watchlist";
import { CodedError } from "../domain/errors";
import {
  BUILTIN_PRESETS,
  isBuiltinPreset,
  itemRules,
  presetProblems,
  type StrategyOverrides,
  type StrategyRules,
} from "../domain/strategy";
import { cooldownLeftSeconds } from "../domain/strategy-rules";

/** A preset as the API shows it. */
export interface PresetJson {
  name: string;
  builtin: boolean;
  rules: StrategyRules;
  updated_at: string | null;
}

const builtinJson = (name: string, rules: StrategyRules): PresetJson => ({
  name,
  builtin: true,
  rules,
  updated_at: null,
});

/** Every preset: the built-ins first, then the operator's, each by name. */
export async function listPresets({ sql }: Database): Promise<PresetJson[]> {
  const stored = await listStoredPresets(sql);
  return [
    ...Object.entries(BUILTIN_PRESETS).map(([name, rules]) => builtinJson(name, { ...rules })),
    ...stored.map((row) => ({
      name: row.name,
      builtin: false,
      rules: row.rules,
      updated_at: row.updatedAt,
    })),
  ];
}

/** One preset by name, or null. */
export async function findPreset({ sql }: Database, name: string): Promise<PresetJson | null> {
  const builtin = BUILTIN_PRESETS[name];
  if (builtin) return builtinJson(name, { ...builtin });
  const row = await findStoredPreset(sql, name);
  return row && { name: row.name, builtin: false, rules: row.rules, updated_at: row.updatedAt };
}

/** Creates or replaces an operator preset; refuses built-in names and rules that can never or always fire. */
export async function savePreset(database: Database, name: string, rules: StrategyRules): Promise<PresetJson> {
  if (isBuiltinPreset(name)) {
    throw new CodedError(
      "preset_refused",
      `${name} is a built-in preset and cannot be replaced; save your version under another name`,
    );
  }
  refuseUnusable(rules, `preset ${name}`);
  const row = await upsertStoredPreset(database.sql, name, rules);
  await notifyChange(database.sql, "watchlist");
  return { name: row.name, builtin: false, rules: row.rules, updated_at: row.updatedAt };
}

/** The rules of a preset by name; an unknown name is a 400 `unknown_preset`. */
export async function presetRules(database: Database, name: string): Promise<StrategyRules> {
  const preset = await findPreset(database, name);
  if (!preset) throw new CodedError("unknown_preset", `there is no preset ${name}`);
  return preset.rules;
}

/**
 * Every preset's rules by name, for a cycle that evaluates many items (one read for all of them).
 * Built-ins shadow nothing: their names cannot be stored.
 */
export async function presetCatalog({ sql }: Database): Promise<Map<string, StrategyRules>> {
  const catalog = new Map<string, StrategyRules>(Object.entries(BUILTIN_PRESETS).map(([n, r]) => [n, { ...r }]));
  for (const row of await listStoredPresets(sql)) catalog.set(row.name, row.rules);
  return catalog;
}

/** The fields of a watchlist item the effective rules depend on. */
export type ItemStrategyFields = Pick<
  WatchlistRow,
  "preset" | "strategyOverrides" | "cooldownSeconds" | "minPriceChangePct" | "takeProfitPct" | "stopLossPct"
>;

/** The rules an item runs from a catalog: its preset (swing-conservative if it vanished), then its overrides. */
export function rulesOfItem(catalog: ReadonlyMap<string, StrategyRules>, item: ItemStrategyFields): StrategyRules {
  const preset = catalog.get(item.preset) ?? (BUILTIN_PRESETS["swing-conservative"] as StrategyRules);
  return itemRules(preset, item.strategyOverrides, item);
}

/**
 * The effective rules of a watchlist item — preset, then overrides, then the item's own TP/SL, cooldown and minimum
 * move — or null when the symbol is not watched. Positions read their default take-profit and stop-loss here.
 */
export async function effectiveRules(database: Database, symbol: string): Promise<StrategyRules | null> {
  const item = await findWatchlistRow(database.sql, symbol);
  if (!item) return null;
  return rulesOfItem(await presetCatalog(database), item);
}

/** Checks a preset name and overrides an item is about to take: the merged rules must be able to fire. */
export async function checkItemStrategy(
  database: Database,
  item: ItemStrategyFields,
  symbol: string,
): Promise<StrategyRules> {
  const preset = await presetRules(database, item.preset);
  const rules = itemRules(preset, item.strategyOverrides as StrategyOverrides, item);
  refuseUnusable(rules, `the rules of ${symbol} (${item.preset} with its overrides)`);
  return rules;
}

function refuseUnusable(rules: StrategyRules, what: string): void {
  const problems = presetProblems(rules);
  if (problems.length > 0) {
    throw new CodedError("preset_refused", `${what} can never fire or always fires: ${problems[0]}`, problems);
  }
}

/**
 * The throttle of every watched symbol: its last signal's side, price and time, the cooldown and minimum move its
 * rules apply, and the seconds until it may fire again (0: now, subject to the minimum move for the same side).
 */
export async function throttleView(database: Database, now: Date) {
  const [rows, items, catalog] = await Promise.all([
    latestSignalPerWatchedSymbol(database.sql),
    listWatchlistRows(database.sql),
    presetCatalog(database),
  ]);
  const bySymbol = new Map(items.map((item) => [item.symbol, item]));
  return rows.flatMap((row) => {
    const item = bySymbol.get(row.symbol);
    if (!item) return [];
    const rules = rulesOfItem(catalog, item);
    const previous = row.created_ms === null ? null : { createdAt: new Date(row.created_ms) };
    return [
      {
        symbol: row.symbol,
        preset: item.preset,
        last_signal: row.side === null ? null : { side: row.side, price: row.price, created_at: row.created_at },
        cooldown_seconds: rules.cooldown_seconds,
        min_price_change_pct: rules.min_price_change_pct,
        seconds_until_allowed: cooldownLeftSeconds(previous, rules.cooldown_seconds, now),
      },
    ];
  });
}
