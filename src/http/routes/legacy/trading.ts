import { z } from "zod";
import { getLoans } from "../../../services/loans";
import { getPortfolio } from "../../../services/portfolio";
import { describeTradingMode, setLiveTrading } from "../../../services/trading-mode";
import { type AppDeps, createRouter } from "../../context";
import { requireJson } from "../../middleware/require-json";
import { validate } from "../../validation";
import { exchangeName, requireOurExchange } from "./exchange";
import { num, num0 } from "./wire";

export const toggleBody = z.strictObject({ enabled: z.boolean() });
export const balanceQuery = z.strictObject({ exchange: z.string().max(40).optional() });

/**
 * `GET /trading/live-status`, `POST /trading/live-toggle` (protected like every change here: the replaced backend
 * left it open, ATP does not), `GET /loans` (a bare array) and `GET /account/balance`.
 */
export function legacyTradingRoutes({ database, clients, config }: Pick<AppDeps, "database" | "clients" | "config">) {
  const exchange = exchangeName(config);
  const liveStatus = async () => {
    const mode = await describeTradingMode(database, clients?.exchange);
    return {
      ok: true,
      live_trading_enabled: mode.live_trading,
      mode: mode.mode,
      message:
        mode.note ??
        (mode.mode === "LIVE" ? "LIVE: orders go to the exchange with real money" : "DRY_RUN: orders go to paper"),
    };
  };
  return createRouter()
    .get("/trading/live-status", async (c) => c.json(await liveStatus()))
    .post("/trading/live-toggle", requireJson(), validate("json", toggleBody), async (c) => {
      await setLiveTrading(database, c.req.valid("json").enabled);
      return c.json(await liveStatus());
    })
    .get("/loans", async (c) => {
      const loans = await getLoans(database, true);
      return c.json(
        loans.map((l) => ({
          id: l.id,
          currency: l.currency,
          borrowed_amount: num0(l.borrowed_amount),
          borrowed_usd_value: num0(l.borrowed_usd),
          interest_rate: num(l.interest_rate),
          is_active: l.is_active,
          auto_detected: l.auto_detected,
          notes: l.notes,
        })),
      );
    })
    .get("/account/balance", validate("query", balanceQuery), async (c) => {
      requireOurExchange(c.req.valid("query").exchange, exchange, "query");
      const { assets } = await getPortfolio(database);
      return c.json(
        assets.map((b) => ({
          currency: b.asset,
          balance: num0(b.total),
          available: num0(b.free),
          reserved: num0(b.locked),
          usd_value: num(b.usd_value),
        })),
      );
    });
}
