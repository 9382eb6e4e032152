import { Hono } from "hono";
import { z } from "zod";
import type { Database } from "../../db/client";
import type { ExchangeClient } from "../../exchanges/types";
import { describeTradingMode, setLiveTrading } from "../../services/trading-mode";
import { type ApiAuthOptions, apiAuth } from "../middleware/auth";
import { requireJson } from "../middleware/require-json";
import { validate } from "../validation";

export interface TradingRoutesDeps {
  database: Database;
  auth: ApiAuthOptions;
  exchange?: ExchangeClient;
}

export const modeBody = z.strictObject({ live_trading: z.boolean() });

/**
 * `GET/PUT /api/trading/mode`. PUT needs API_TOKEN like every change, so without API_TOKEN configured live
 * trading can never be switched on. LIVE needs both the switch and a live exchange.
 */
export function tradingRoutes({ database, auth, exchange }: TradingRoutesDeps) {
  return new Hono()
    .use(apiAuth(auth))
    .get("/mode", async (c) => c.json(await describeTradingMode(database, exchange)))
    .put("/mode", requireJson(), validate("json", modeBody), async (c) => {
      await setLiveTrading(database, c.req.valid("json").live_trading);
      return c.json(await describeTradingMode(database, exchange));
    });
}
