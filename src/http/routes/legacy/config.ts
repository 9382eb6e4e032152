import { z } from "zod";
import { BUILTIN_PRESETS, type StrategyRules } from "../../../domain/strategy";
import { listPresets, presetRules } from "../../../services/strategy";
import { changeWatchlistItem, getWatchlistItem, listWatchlistItems } from "../../../services/watchlist";
import { type AppDeps, createRouter } from "../../context";
import { ApiError } from "../../errors";
import { symbolField } from "../../fields";
import { requireJson } from "../../middleware/require-json";
import { overridesSchema, presetNameField } from "../../strategy-fields";
import { validate } from "../../validation";
import { toFields } from "../watchlist";
import { fromFrontendRules, frontendRules, toFrontendRules } from "./config-rules";

const FAMILIES = ["swing", "intraday", "scalp"] as const;
const MODES = { Conservative: "conservative", Aggressive: "aggressive" } as const;

export const configBody = z.strictObject({
  strategy_rules: z
    .record(
      z.enum(FAMILIES),
      z.strictObject({
        notificationProfile: z.enum(FAMILIES).optional(),
        rules: z.strictObject({ Conservative: frontendRules.optional(), Aggressive: frontendRules.optional() }),
      }),
    )
    .optional(),
  coins: z
    .record(symbolField, z.strictObject({ preset: presetNameField.optional(), overrides: overridesSchema.optional() }))
    .optional(),
});

const sameRules = (a: StrategyRules, b: StrategyRules) => JSON.stringify(a) === JSON.stringify(b);

/**
 * `GET /config` (every preset; the built-in families in the frontend's rules format; each coin's preset and
 * overrides) and `PUT /config` (coins' presets and overrides through ATP's watchlist rules; the built-in presets are
 * fixed, so strategy_rules are accepted only as they are and a change is a 400 naming the preset).
 */
export function legacyConfigRoutes({ database }: Pick<AppDeps, "database">) {
  return createRouter()
    .get("/config", async (c) => {
      const [presets, items] = await Promise.all([listPresets(database), listWatchlistItems(database)]);
      const byName = new Map(presets.map((p) => [p.name, p.rules]));
      const strategyRules = Object.fromEntries(
        FAMILIES.map((family) => [
          family,
          {
            notificationProfile: family,
            rules: Object.fromEntries(
              Object.entries(MODES).map(([label, mode]) => [
                label,
                toFrontendRules(byName.get(`${family}-${mode}`) as StrategyRules),
              ]),
            ),
          },
        ]),
      );
      return c.json({
        presets: Object.fromEntries(presets.map((p) => [p.name, { ...p.rules, builtin: p.builtin }])),
        strategy_rules: strategyRules,
        coins: Object.fromEntries(items.map((i) => [i.symbol, { preset: i.preset, overrides: i.overrides }])),
      });
    })
    .put("/config", requireJson(), validate("json", configBody), async (c) => {
      const body = c.req.valid("json");
      const problems: { path: string; message: string }[] = [];
      for (const [family, entry] of Object.entries(body.strategy_rules ?? {})) {
        for (const [label, fe] of Object.entries(entry.rules)) {
          if (!fe) continue;
          const name = `${family}-${MODES[label as keyof typeof MODES]}`;
          const builtIn = BUILTIN_PRESETS[name] as StrategyRules;
          const rules = fromFrontendRules(fe, builtIn);
          const path = `strategy_rules.${family}.rules.${label}`;
          if (typeof rules === "string") problems.push({ path, message: rules });
          else if (!sameRules(rules, builtIn)) {
            problems.push({
              path,
              message: `${name} is a built-in preset and cannot be changed; save your own with PUT /api/strategy/presets/:name`,
            });
          }
        }
      }
      if (problems.length > 0) throw new ApiError("preset_refused", "the built-in presets are fixed", problems);
      // Every coin watched and every preset known before the first write: a bad entry writes nothing.
      const coins = Object.entries(body.coins ?? {});
      await Promise.all(
        coins.map(async ([symbol, coin]) => {
          await getWatchlistItem(database, symbol);
          if (coin.preset !== undefined) await presetRules(database, coin.preset);
        }),
      );
      for (const [symbol, coin] of coins) {
        if (coin.preset !== undefined || coin.overrides !== undefined) {
          await changeWatchlistItem(database, symbol, toFields({ preset: coin.preset, overrides: coin.overrides }));
        }
      }
      return c.json({ ok: true });
    });
}
