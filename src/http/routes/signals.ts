import { z } from "zod";
import { SIGNAL_SIDES, SIGNAL_STATUSES } from "../../domain/signals";
import { listSignalPage, simulateSignal } from "../../services/signals";
import { throttleView } from "../../services/strategy";
import { type AppDeps, createRouter } from "../context";
import { decodeCursor, encodeCursor } from "../cursor";
import { booleanQuery, decimalField, limitField, symbolField } from "../fields";
import { requireJson } from "../middleware/require-json";
import { validate } from "../validation";

export const listQuery = z.strictObject({
  status: z.enum(SIGNAL_STATUSES).optional(),
  symbol: symbolField.optional(),
  side: z.enum(SIGNAL_SIDES).optional(),
  should_trade: booleanQuery.optional(),
  limit: limitField(100, 500),
  cursor: z.string().max(200).optional(),
});

export const simulateBody = z.strictObject({
  symbol: symbolField,
  side: z.enum(SIGNAL_SIDES),
  price: decimalField({ integerDigits: 12, decimals: 12, positive: true }),
  should_trade: z.boolean().default(true),
  trade_amount_usd: decimalField({ integerDigits: 12, decimals: 2 }).nullable().default(null),
  reason: z.string().min(1).max(200).default("simulated"),
});

/** `GET /api/signals` (filters, keyset pages) and, with test endpoints on, `POST /api/signals/simulate`. */
export function signalsRoutes({ database, config, now }: Pick<AppDeps, "database" | "config" | "now">) {
  const app = createRouter()
    .get("/throttle", async (c) => c.json({ throttle: await throttleView(database, now()) }))
    .get("/", validate("query", listQuery), async (c) => {
      const { cursor, should_trade, ...filter } = c.req.valid("query");
      const page = await listSignalPage(database, {
        ...filter,
        shouldTrade: should_trade,
        after: cursor ? decodeCursor(cursor) : undefined,
      });
      return c.json({ signals: page.signals, next_cursor: page.next ? encodeCursor(page.next) : null });
    });
  // ENABLE_TEST_ENDPOINTS: without it `POST /simulate` does not exist (404).
  if (!config.ENABLE_TEST_ENDPOINTS) return app;
  return app.post("/simulate", requireJson(), validate("json", simulateBody), async (c) => {
    const body = c.req.valid("json");
    const signal = await simulateSignal(
      database,
      {
        symbol: body.symbol,
        side: body.side,
        price: body.price,
        shouldTrade: body.should_trade,
        tradeAmountUsd: body.trade_amount_usd,
        reason: body.reason,
      },
      now(),
    );
    return c.json(signal, 201);
  });
}
