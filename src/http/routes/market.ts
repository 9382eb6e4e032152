import { Hono } from "hono";
import { z } from "zod";
import type { Timeframe } from "../../exchanges/types";
import { MAX_CANDLES, type MarketService, TIMEFRAMES } from "../../services/market";
import { limitField, symbolField } from "../fields";
import { type ApiAuthOptions, apiAuth } from "../middleware/auth";
import { validate } from "../validation";

export interface MarketRoutesDeps {
  market: MarketService;
  auth: ApiAuthOptions;
  /** Timeframe of a candles request that does not give one (the signal monitor's). */
  defaultTimeframe: Timeframe;
}

export const symbolParam = z.strictObject({ symbol: symbolField });

/** `GET /api/market/:symbol/candles?timeframe=&limit=`: the exchange's candles, oldest first. */
export function marketRoutes({ market, auth, defaultTimeframe }: MarketRoutesDeps) {
  const candlesQuery = z.strictObject({
    timeframe: z.enum(TIMEFRAMES).default(defaultTimeframe),
    limit: limitField(100, MAX_CANDLES),
  });
  return new Hono()
    .use(apiAuth(auth))
    .get("/:symbol/candles", validate("param", symbolParam), validate("query", candlesQuery), async (c) => {
      const { symbol } = c.req.valid("param");
      const { timeframe, limit } = c.req.valid("query");
      const body = await market.candles(symbol, timeframe, limit);
      return c.body(body.json, 200, { "Content-Type": "application/json" });
    });
}
