import { z } from "zod";
import { formatDecimal } from "../../../domain/money";
import { coinOf } from "../../../services/market";
import { simulateSignal } from "../../../services/signals";
import { getWatchlistItem } from "../../../services/watchlist";
import { type AppDeps, createRouter } from "../../context";
import { ApiError } from "../../errors";
import { symbolField } from "../../fields";
import { requireJson } from "../../middleware/require-json";
import { validate } from "../../validation";
import { num } from "./wire";

export const simulateAlertBody = z.strictObject({
  symbol: symbolField,
  signal_type: z.enum(["BUY", "SELL"]),
  force_order: z.boolean().default(false),
  trade_amount_usd: z.number().finite().positive().max(1e12).optional(),
});

/**
 * `POST /test/simulate-alert` (ENABLE_TEST_ENDPOINTS only): a pending signal at the symbol's last price, as ATP's
 * `POST /api/signals/simulate` records it; with force_order the trading scheduler places its order.
 */
export function legacyTestRoutes({ database, now }: Pick<AppDeps, "database" | "now">) {
  return createRouter().post("/test/simulate-alert", requireJson(), validate("json", simulateAlertBody), async (c) => {
    const body = c.req.valid("json");
    const [coin, item] = await Promise.all([coinOf(database, body.symbol), getWatchlistItem(database, body.symbol)]);
    if (coin.price === null) {
      throw new ApiError(
        "validation_failed",
        `${body.symbol} has no price yet: the signal monitor has not evaluated it`,
      );
    }
    const amount = body.trade_amount_usd === undefined ? item.trade_amount_usd : formatDecimal(body.trade_amount_usd);
    if (body.force_order && amount === null) {
      throw new ApiError("validation_failed", "invalid json", [
        {
          path: "trade_amount_usd",
          message: `force_order needs an amount: give one or set ${body.symbol}'s trade_amount_usd`,
        },
      ]);
    }
    const signal = await simulateSignal(
      database,
      {
        symbol: body.symbol,
        side: body.signal_type,
        price: coin.price,
        shouldTrade: body.force_order,
        tradeAmountUsd: amount,
        reason: "simulated alert",
      },
      now(),
    );
    return c.json({
      ok: true,
      message: `${signal.side} ${signal.symbol} recorded as signal ${signal.id}`,
      symbol: signal.symbol,
      signal_type: signal.side,
      price: num(signal.price),
      alert_sent: false,
      order_created: false,
      trade_amount_usd: num(signal.trade_amount_usd),
      alert_enabled: item.alert_enabled,
      note: body.force_order
        ? "the trading scheduler places its order (paper unless live trading is on)"
        : "recorded without an order (force_order false)",
      signal,
    });
  });
}
