import { z } from "zod";
import {
  addWatchlistItem,
  changeWatchlistItem,
  getWatchlistItem,
  listWatchlistItems,
  removeWatchlistItem,
  type WatchlistFields,
} from "../../services/watchlist";
import { type AppDeps, createRouter } from "../context";
import { decimalField, percentField, symbolField } from "../fields";
import { requireJson } from "../middleware/require-json";
import { MAX_COOLDOWN_S, overridesSchema, presetNameField } from "../strategy-fields";
import { validate } from "../validation";

const settable = {
  alert_enabled: z.boolean(),
  buy_alert_enabled: z.boolean(),
  sell_alert_enabled: z.boolean(),
  preset: presetNameField,
  overrides: overridesSchema,
  trade_enabled: z.boolean(),
  trade_amount_usd: decimalField({ integerDigits: 12, decimals: 2 }).nullable(),
  buy_target: decimalField({ integerDigits: 12, decimals: 12, positive: true }).nullable(),
  take_profit_pct: percentField(1000, true).nullable(),
  stop_loss_pct: percentField(100, true).nullable(),
  // Absolute exit prices for the protection of an entry; they win over the percentages.
  tp_price: decimalField({ integerDigits: 12, decimals: 12, positive: true }).nullable(),
  sl_price: decimalField({ integerDigits: 12, decimals: 12, positive: true }).nullable(),
  min_price_change_pct: percentField(100).nullable(),
  cooldown_seconds: z.number().int().min(0).max(MAX_COOLDOWN_S).nullable(),
};
const settableSchema = z.strictObject(settable).partial();
type Settable = z.infer<typeof settableSchema>;

export const createBody = settableSchema.extend({ symbol: symbolField });
export const updateBody = settableSchema.refine(
  (body) => Object.keys(body).length > 0,
  "give at least one field to change",
);
export const symbolParam = z.strictObject({ symbol: symbolField });

/** A validated body as the service's fields. */
export function toFields(body: Settable): WatchlistFields {
  return {
    alertEnabled: body.alert_enabled,
    buyAlertEnabled: body.buy_alert_enabled,
    sellAlertEnabled: body.sell_alert_enabled,
    preset: body.preset,
    strategyOverrides: body.overrides,
    tradeEnabled: body.trade_enabled,
    tradeAmountUsd: body.trade_amount_usd,
    buyTarget: body.buy_target,
    takeProfitPct: body.take_profit_pct,
    stopLossPct: body.stop_loss_pct,
    tpPrice: body.tp_price,
    slPrice: body.sl_price,
    minPriceChangePct: body.min_price_change_pct,
    cooldownSeconds: body.cooldown_seconds,
  };
}

/** Watchlist CRUD: `/api/watchlist` and `/api/watchlist/:symbol` (delete is soft). */
export function watchlistRoutes({
  database,
  config,
  market,
  clients,
  now,
}: Pick<AppDeps, "database" | "config" | "market" | "clients" | "now">) {
  // A new item must be listed by the exchange (checked whenever there is one) and fit WATCHLIST_MAX_ITEMS.
  const checks = { listed: clients ? market.isListed : undefined, maxItems: config.WATCHLIST_MAX_ITEMS };
  return createRouter()
    .get("/", async (c) => c.json({ watchlist: await listWatchlistItems(database) }))
    .post("/", requireJson(), validate("json", createBody), async (c) => {
      const { symbol, ...rest } = c.req.valid("json");
      return c.json(await addWatchlistItem(database, symbol, toFields(rest), checks), 201);
    })
    .get("/:symbol", validate("param", symbolParam), async (c) => {
      return c.json(await getWatchlistItem(database, c.req.valid("param").symbol));
    })
    .on(
      ["PUT", "PATCH"],
      "/:symbol",
      validate("param", symbolParam),
      requireJson(),
      validate("json", updateBody),
      async (c) => {
        return c.json(await changeWatchlistItem(database, c.req.valid("param").symbol, toFields(c.req.valid("json"))));
      },
    )
    .delete("/:symbol", validate("param", symbolParam), async (c) => {
      await removeWatchlistItem(database, c.req.valid("param").symbol, now());
      return c.body(null, 204);
    });
}
