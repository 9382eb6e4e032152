import { z } from "zod";
import { indicatorFields, rulesShape, strategyStateShape } from "../api-shapes";
import type { OperationDoc } from "../openapi";
import * as strategy from "../routes/strategy";
import { rulesSchema } from "../strategy-fields";

const presetShape = z.object({
  name: z.string(),
  builtin: z.boolean(),
  rules: rulesShape,
  updated_at: z.string().meta({ format: "date-time" }).nullable(),
});

const throttleShape = z.object({
  symbol: z.string(),
  preset: z.string(),
  last_signal: z
    .object({ side: z.enum(["BUY", "SELL"]), price: z.string().nullable(), created_at: z.string().nullable() })
    .nullable(),
  cooldown_seconds: z.number().int(),
  min_price_change_pct: z.string(),
  seconds_until_allowed: z.number().int(),
});

const levelsShape = z.object({ resistance: z.array(z.number()), support: z.array(z.number()) }).nullable();
const nullableAmount = z.string().nullable();

/** Strategy presets, the throttle, and the coins view. */
export const strategyOperations: OperationDoc[] = [
  {
    method: "get",
    path: "/api/strategy/presets",
    tag: "strategy",
    access: "read",
    summary: "Every preset: the six built-ins, then the operator's",
    responses: { 200: { description: "The presets", schema: z.object({ presets: z.array(presetShape) }) } },
  },
  {
    method: "get",
    path: "/api/strategy/presets/:name",
    tag: "strategy",
    access: "read",
    summary: "One preset",
    params: strategy.nameParam,
    responses: { 200: { description: "The preset", schema: presetShape }, 404: { description: "No such preset" } },
  },
  {
    method: "put",
    path: "/api/strategy/presets/:name",
    tag: "strategy",
    access: "write",
    summary: "Create or replace an operator preset (every field; built-in names and never/always-firing rules refused)",
    params: strategy.nameParam,
    body: rulesSchema,
    responses: { 200: { description: "Stored", schema: presetShape } },
  },
  {
    method: "get",
    path: "/api/signals/throttle",
    tag: "signals",
    access: "read",
    summary: "Each watched symbol's last signal and the seconds until it may fire again",
    responses: { 200: { description: "The throttle", schema: z.object({ throttle: z.array(throttleShape) }) } },
  },
  {
    method: "get",
    path: "/api/market/instruments",
    tag: "market",
    access: "read",
    summary: "The symbols the exchange lists (refreshed hourly)",
    responses: {
      200: {
        description: "The instruments",
        schema: z.object({
          exchange: z.string(),
          fetched_at: z.string().meta({ format: "date-time" }),
          instruments: z.array(
            z.object({
              symbol: z.string(),
              base: z.string(),
              quote: z.string(),
              priceDecimals: z.number().int().optional(),
              quantityDecimals: z.number().int().optional(),
            }),
          ),
        }),
      },
    },
  },
  {
    method: "get",
    path: "/api/market/coins",
    tag: "market",
    access: "read",
    summary: "Every watchlist item (alerts on or off) with what the signal monitor computed for it",
    responses: {
      200: {
        description: "The coins",
        schema: z.object({
          coins: z.array(
            z.object({
              symbol: z.string(),
              price: nullableAmount,
              volume_24h: nullableAmount,
              ...indicatorFields,
              resistance_levels: levelsShape,
              alerts: z.object({ any: z.boolean(), buy: z.boolean(), sell: z.boolean() }),
              trade_enabled: z.boolean(),
              preset: z.string(),
              strategy_state: strategyStateShape,
              updated_at: z.string().nullable(),
            }),
          ),
          limit: z.number().int(),
        }),
      },
      409: { description: "The watchlist holds more than WATCHLIST_MAX_ITEMS" },
    },
  },
];
