import { z } from "zod";
import { coinsView, MAX_CANDLES, TIMEFRAMES } from "../../services/market";
import { type AppDeps, createRouter } from "../context";
import { limitField, symbolField } from "../fields";
import { validate } from "../validation";

export const symbolParam = z.strictObject({ symbol: symbolField });

const json = { "Content-Type": "application/json" };

/**
 * `GET /api/market/instruments` (the exchange's symbols), `GET /api/market/coins` (the watchlist with what the
 * signal monitor computed) and `GET /api/market/:symbol/candles?timeframe=&limit=` (oldest first).
 */
export function marketRoutes({ market, config, database }: Pick<AppDeps, "market" | "config" | "database">) {
  const candlesQuery = z.strictObject({
    // A request without a timeframe gets the signal monitor's.
    timeframe: z.enum(TIMEFRAMES).default(config.SIGNAL_TIMEFRAME),
    limit: limitField(100, MAX_CANDLES),
  });
  return createRouter()
    .get("/instruments", async (c) => c.body((await market.instruments()).json, 200, json))
    .get("/coins", async (c) => c.json(await coinsView(database, config.WATCHLIST_MAX_ITEMS)))
    .get("/:symbol/candles", validate("param", symbolParam), validate("query", candlesQuery), async (c) => {
      const { symbol } = c.req.valid("param");
      const { timeframe, limit } = c.req.valid("query");
      const body = await market.candles(symbol, timeframe, limit);
      return c.body(body.json, 200, json);
    });
}
