import { z } from "zod";
import { MAX_CANDLES, TIMEFRAMES } from "../../services/market";
import { type AppDeps, createRouter } from "../context";
import { limitField, symbolField } from "../fields";
import { validate } from "../validation";

export const symbolParam = z.strictObject({ symbol: symbolField });

/** `GET /api/market/:symbol/candles?timeframe=&limit=`: the exchange's candles, oldest first. */
export function marketRoutes({ market, config }: Pick<AppDeps, "market" | "config">) {
  const candlesQuery = z.strictObject({
    // A request without a timeframe gets the signal monitor's.
    timeframe: z.enum(TIMEFRAMES).default(config.SIGNAL_TIMEFRAME),
    limit: limitField(100, MAX_CANDLES),
  });
  return createRouter().get(
    "/:symbol/candles",
    validate("param", symbolParam),
    validate("query", candlesQuery),
    async (c) => {
      const { symbol } = c.req.valid("param");
      const { timeframe, limit } = c.req.valid("query");
      const body = await market.candles(symbol, timeframe, limit);
      return c.body(body.json, 200, { "Content-Type": "application/json" });
    },
  );
}
