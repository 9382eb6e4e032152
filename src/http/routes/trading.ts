import { z } from "zod";
import { describeTradingMode, setLiveTrading } from "../../services/trading-mode";
import { type AppDeps, createRouter } from "../context";
import { requireJson } from "../middleware/require-json";
import { validate } from "../validation";

export const modeBody = z.strictObject({ live_trading: z.boolean() });

/**
 * `GET/PUT /api/trading/mode`. PUT needs API_TOKEN like every change, so without API_TOKEN configured live
 * trading can never be switched on. LIVE needs both the switch and a live exchange.
 */
export function tradingRoutes({ database, clients }: Pick<AppDeps, "database" | "clients">) {
  const exchange = clients?.exchange;
  return createRouter()
    .get("/mode", async (c) => c.json(await describeTradingMode(database, exchange)))
    .put("/mode", requireJson(), validate("json", modeBody), async (c) => {
      await setLiveTrading(database, c.req.valid("json").live_trading);
      return c.json(await describeTradingMode(database, exchange));
    });
}
