import { z } from "zod";
import { describeTradingMode, setEntriesEnabled, setLiveTrading } from "../../services/trading-mode";
import { type AppDeps, createRouter } from "../context";
import { requireJson } from "../middleware/require-json";
import { validate } from "../validation";

export const modeBody = z
  .strictObject({ live_trading: z.boolean().optional(), entries_enabled: z.boolean().optional() })
  .refine((b) => b.live_trading !== undefined || b.entries_enabled !== undefined, {
    message: "give live_trading, entries_enabled or both",
  });

/**
 * `GET/PUT /api/trading/mode`. PUT needs API_TOKEN like every change, so without API_TOKEN configured live
 * trading can never be switched on. LIVE needs both the switch and a live exchange. `entries_enabled: false`
 * pauses new entries only: protection orders and exits keep running.
 */
export function tradingRoutes({ database, clients }: Pick<AppDeps, "database" | "clients">) {
  const exchange = clients?.exchange;
  return createRouter()
    .get("/mode", async (c) => c.json(await describeTradingMode(database, exchange)))
    .put("/mode", requireJson(), validate("json", modeBody), async (c) => {
      const body = c.req.valid("json");
      if (body.live_trading !== undefined) await setLiveTrading(database, body.live_trading);
      if (body.entries_enabled !== undefined) await setEntriesEnabled(database, body.entries_enabled);
      return c.json(await describeTradingMode(database, exchange));
    });
}
