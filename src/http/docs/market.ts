import { z } from "zod";
import { MAX_CANDLES, TIMEFRAMES } from "../../services/market";
import { symbolField } from "../fields";
import type { OperationDoc } from "../openapi";
import * as market from "../routes/market";

const candle = z.object({
  time: z.string().meta({ format: "date-time", description: "open time" }),
  open: z.number(),
  high: z.number(),
  low: z.number(),
  close: z.number(),
  volume: z.number(),
});

/** The exchange's market data. */
export const marketOperations: OperationDoc[] = [
  {
    method: "get",
    path: "/api/market/:symbol/candles",
    tag: "market",
    access: "read",
    summary: "The exchange's latest candles of a symbol, oldest first (cached briefly)",
    params: market.symbolParam,
    query: z.strictObject({
      timeframe: z.enum(TIMEFRAMES).optional().meta({ description: "default: SIGNAL_TIMEFRAME" }),
      limit: z.number().int().min(1).max(MAX_CANDLES).default(100),
    }),
    responses: {
      200: {
        description: "The candles",
        schema: z.object({ symbol: symbolField, timeframe: z.enum(TIMEFRAMES), candles: z.array(candle) }),
      },
    },
  },
];
