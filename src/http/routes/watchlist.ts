import { Hono } from "hono";
import { z } from "zod";
import type { Database } from "../../db/client";
import {
  addWatchlistItem,
  changeWatchlistItem,
  getWatchlistItem,
  listWatchlistItems,
  removeWatchlistItem,
  type WatchlistFields,
} from "../../services/watchlist";
import { ApiError } from "../errors";
import { decimalField, percentField, symbolField } from "../fields";
import { type ApiAuthOptions, apiAuth } from "../middleware/auth";
import { requireJson } from "../middleware/require-json";
import { validate } from "../validation";

export interface WatchlistRoutesDeps {
  database: Database;
  auth: ApiAuthOptions;
  /** Throttling of a new item when the request does not say. */
  defaults: { cooldownSeconds: number; minPriceChangePct: string };
  now?: () => Date;
}

const MAX_COOLDOWN_S = 7 * 24 * 3600;

const settable = {
  alert_enabled: z.boolean(),
  trade_enabled: z.boolean(),
  trade_amount_usd: decimalField({ integerDigits: 12, decimals: 2 }).nullable(),
  buy_target: decimalField({ integerDigits: 12, decimals: 12, positive: true }).nullable(),
  take_profit_pct: percentField(1000, true).nullable(),
  stop_loss_pct: percentField(100, true).nullable(),
  min_price_change_pct: percentField(100),
  cooldown_seconds: z.number().int().min(0).max(MAX_COOLDOWN_S),
};
const settableSchema = z.strictObject(settable).partial();
type Settable = z.infer<typeof settableSchema>;

const createBody = settableSchema.extend({ symbol: symbolField });
const updateBody = settableSchema.refine((body) => Object.keys(body).length > 0, "give at least one field to change");
const symbolParam = z.strictObject({ symbol: symbolField });

function toFields(body: Settable): WatchlistFields {
  return {
    alertEnabled: body.alert_enabled,
    tradeEnabled: body.trade_enabled,
    tradeAmountUsd: body.trade_amount_usd,
    buyTarget: body.buy_target,
    takeProfitPct: body.take_profit_pct,
    stopLossPct: body.stop_loss_pct,
    minPriceChangePct: body.min_price_change_pct,
    cooldownSeconds: body.cooldown_seconds,
  };
}

const notWatched = (symbol: string) => new ApiError(404, "not_found", `${symbol} is not on the watchlist`);

/** Watchlist CRUD: `/api/watchlist` and `/api/watchlist/:symbol` (delete is soft). */
export function watchlistRoutes({ database, auth, defaults, now = () => new Date() }: WatchlistRoutesDeps) {
  return new Hono()
    .use(apiAuth(auth))
    .get("/", async (c) => c.json({ watchlist: await listWatchlistItems(database) }))
    .post("/", requireJson(), validate("json", createBody), async (c) => {
      const { symbol, ...rest } = c.req.valid("json");
      const item = await addWatchlistItem(database, symbol, toFields(rest), defaults);
      if (!item) throw new ApiError(409, "conflict", `${symbol} is already on the watchlist`);
      return c.json(item, 201);
    })
    .get("/:symbol", validate("param", symbolParam), async (c) => {
      const { symbol } = c.req.valid("param");
      const item = await getWatchlistItem(database, symbol);
      if (!item) throw notWatched(symbol);
      return c.json(item);
    })
    .on(
      ["PUT", "PATCH"],
      "/:symbol",
      validate("param", symbolParam),
      requireJson(),
      validate("json", updateBody),
      async (c) => {
        const { symbol } = c.req.valid("param");
        const item = await changeWatchlistItem(database, symbol, toFields(c.req.valid("json")));
        if (!item) throw notWatched(symbol);
        return c.json(item);
      },
    )
    .delete("/:symbol", validate("param", symbolParam), async (c) => {
      const { symbol } = c.req.valid("param");
      if (!(await removeWatchlistItem(database, symbol, now()))) throw notWatched(symbol);
      return c.body(null, 204);
    });
}
