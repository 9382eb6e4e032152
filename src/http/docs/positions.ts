import { z } from "zod";
import { orderShape } from "../api-shapes";
import type { OperationDoc } from "../openapi";
import * as positions from "../routes/positions";
import * as testControl from "../routes/test-control";

// Amounts are exact decimal strings; times ISO-8601 UTC.
const amount = z.string().meta({ description: "exact decimal string", example: "123.45" });
const nullableAmount = amount.nullable();
const time = z.string().meta({ format: "date-time" });

export const protectionShape = z.object({
  kind: z.enum(["take_profit", "stop_loss"]),
  state: z.string().meta({ description: "placing, open, filled, cancelled, vanished or race" }),
  client_oid: z.string().meta({ description: "tp-<entry>/sl-<entry>, with -g<n> when re-placed" }),
  exchange_order_id: z.string().nullable(),
  entry_order_id: z.string(),
  generation: z.number().int(),
  quantity: amount,
  trigger_price: amount,
  limit_price: amount,
  order_status: z.string().nullable(),
  filled_quantity: nullableAmount,
  note: z.string().nullable(),
  expected_outcome: nullableAmount.meta({
    description:
      "what the unfilled part makes (take-profit) or loses (stop-loss) at the limit price over the average entry",
  }),
});

export const positionShape = z.object({
  account: z.string(),
  symbol: z.string(),
  open_qty: amount,
  average_entry: nullableAmount.meta({ description: "average entry price of what is held, entry fees included" }),
  open_cost: amount,
  current_price: nullableAmount,
  unrealised_pnl: nullableAmount,
  unrealised_pnl_pct: nullableAmount,
  realised_pnl: amount,
  unmatched_qty: amount.meta({ description: "sold base no lot could match (held before the history starts)" }),
  lots: z.number().int(),
  protection: z.array(protectionShape),
  tp_covered_qty: amount,
  sl_covered_qty: amount,
  expected_profit_at_tp: nullableAmount,
  expected_loss_at_sl: nullableAmount,
});

export const tradeShape = z.object({
  id: z.number().int(),
  account: z.string(),
  symbol: z.string(),
  entry_order_id: z.string(),
  entry_client_oid: z.string().nullable(),
  opened_at: time,
  closed_at: time,
  quantity: amount,
  entry_price: amount,
  exit_price: amount,
  entry_value: amount,
  exit_value: amount,
  fees: amount.meta({ description: "entry and exit fees in quote" }),
  realised_pnl: amount,
  realised_pnl_pct: nullableAmount,
  duration_s: z.number().int(),
  exit_reason: z.enum(["take_profit", "stop_loss", "force_exit", "signal", "manual"]).nullable(),
});

export const profitShape = z.object({
  account: z.string(),
  realised_pnl: amount,
  unrealised_pnl: nullableAmount,
  open_positions: z.number().int(),
  trade_count: z.number().int(),
  wins: z.number().int(),
  losses: z.number().int(),
  win_rate_pct: nullableAmount,
  profit_factor: nullableAmount,
  gross_profit: amount,
  gross_loss: amount,
  best_trade_pnl: nullableAmount,
  worst_trade_pnl: nullableAmount,
  average_duration_s: z.number().nullable(),
  unmatched: z.array(z.object({ symbol: z.string(), qty: amount })),
  max_drawdown: z.object({ abs_usd: amount, pct: nullableAmount, peak_usd: nullableAmount }),
});

const periodsShape = z.object({
  account: z.string(),
  unit: z.enum(["day", "week", "month"]),
  time_zone: z.string(),
  periods: z.array(
    z.object({
      period_start: z.string().meta({ description: "local date (DAILY_SUMMARY_TZ) the period starts on" }),
      realised: amount,
      trades: z.number().int(),
      wins: z.number().int(),
      losses: z.number().int(),
    }),
  ),
});

/** Positions, trades and profit. */
export const positionsOperations: OperationDoc[] = [
  {
    method: "get",
    path: "/api/positions",
    tag: "positions",
    access: "read",
    summary: "Open positions (FIFO lots per symbol) with unrealised P&L and their take-profit/stop-loss orders",
    query: positions.positionsQuery,
    responses: {
      200: {
        description: "The positions",
        schema: z.object({ account: z.string(), positions: z.array(positionShape) }),
      },
    },
  },
  {
    method: "post",
    path: "/api/positions/:symbol/exit",
    tag: "positions",
    access: "write",
    summary:
      "Force exit: cancel the symbol's protection, sell what its open lots hold at market (exit reason force_exit)",
    description:
      "The Idempotency-Key makes the SELL's client order id exit-<key>: a second call replays the first (200).",
    params: positions.exitParam,
    headers: positions.exitHeaders,
    responses: {
      201: {
        description: "Sold",
        schema: z.object({
          symbol: z.string(),
          order: orderShape,
          replayed: z.boolean(),
          cancelled_protection: z.array(z.string()),
        }),
      },
      200: { description: "A replay of the first call with this key" },
      409: { description: "Nothing held, or the first call with this key is still in progress" },
    },
  },
  {
    method: "get",
    path: "/api/trades",
    tag: "positions",
    access: "read",
    summary: "Closed trades, newest close first, in keyset pages (pass next_cursor back as cursor)",
    query: positions.tradesQuery,
    responses: {
      200: {
        description: "A page",
        schema: z.object({ account: z.string(), trades: z.array(tradeShape), next_cursor: z.string().nullable() }),
      },
    },
  },
  {
    method: "get",
    path: "/api/profit",
    tag: "positions",
    access: "read",
    summary: "Realised and unrealised P&L, wins, losses, win rate, profit factor, best/worst trade, max drawdown",
    query: positions.profitQuery,
    responses: { 200: { description: "The summary", schema: profitShape } },
  },
  {
    method: "get",
    path: "/api/profit/:period",
    tag: "positions",
    access: "read",
    summary: "Realised P&L per day, week or month in DAILY_SUMMARY_TZ, oldest first; empty periods as zero rows",
    params: positions.periodParam,
    query: positions.periodQuery,
    responses: { 200: { description: "The periods", schema: periodsShape } },
  },
  {
    method: "post",
    path: "/api/test/paper/prices",
    tag: "test",
    access: "write",
    summary: "Pin a paper symbol's price until DELETE (only with ENABLE_TEST_ENDPOINTS=true; otherwise 404)",
    body: testControl.pinBody,
    responses: {
      201: {
        description: "Pinned: the paper exchange quotes, fills and triggers at it",
        schema: z.object({ symbol: z.string(), price: amount, pinned_at: time }),
      },
    },
  },
  {
    method: "delete",
    path: "/api/test/paper/prices",
    tag: "test",
    access: "write",
    summary: "Unpin a paper symbol's price (only with ENABLE_TEST_ENDPOINTS=true; otherwise 404)",
    body: testControl.unpinBody,
    responses: {
      200: { description: "Unpinned", schema: z.object({ symbol: z.string(), pinned: z.boolean() }) },
      404: { description: "Not pinned" },
    },
  },
];
