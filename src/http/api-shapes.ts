import { z } from "zod";

// The wire shapes of ATP's answers, for the OpenAPI document. Amounts are decimal strings (never floats),
// times ISO-8601 UTC strings; `null` where the exchange or the database has no value.
const amount = z.string().meta({ description: "exact decimal string", example: "123.45" });
const time = z.string().meta({ format: "date-time" });
const nullableAmount = amount.nullable();
const nullableTime = time.nullable();

/** An exchange order as the API and the dashboard render it. */
export const orderShape = z.object({
  id: z.number().int(),
  exchange_order_id: z.string(),
  account: z.string().meta({ description: "the order's account: `paper` or the live exchange's id" }),
  client_oid: z.string().nullable(),
  symbol: z.string(),
  side: z.enum(["BUY", "SELL"]),
  order_type: z.string(),
  status: z.string(),
  price: nullableAmount,
  quantity: nullableAmount,
  cumulative_quantity: nullableAmount,
  cumulative_value: nullableAmount,
  avg_price: nullableAmount,
  fee: nullableAmount,
  fee_currency: z.string().nullable(),
  exchange_create_time: nullableTime,
  exchange_update_time: nullableTime,
  trade_signal_id: z.number().int().nullable(),
});

/** The indicator values a signal fired on and the coins view shows, as decimal strings (null until stable). */
export const indicatorFields = {
  rsi: nullableAmount,
  ma50: nullableAmount,
  ma200: nullableAmount,
  ema10: nullableAmount,
  atr: nullableAmount,
  volume_ratio: nullableAmount,
};

/** A trade signal with the indicators it was computed from. */
export const signalShape = z.object({
  id: z.number().int(),
  symbol: z.string(),
  side: z.enum(["BUY", "SELL"]),
  strategy: z.string(),
  price: amount,
  ...indicatorFields,
  reason: z.string().nullable(),
  status: z.string(),
  status_reason: z.string().nullable(),
  should_trade: z.boolean(),
  trade_amount_usd: nullableAmount,
  exchange_order_id: z.string().nullable(),
  created_at: time,
  last_update_at: nullableTime,
});

/** One side's last decision and why (see the README's reasons vocabulary). */
const sideStateShape = z.object({
  decision: z.enum(["fired", "blocked", "no_signal"]),
  reasons: z.array(z.string()).meta({ example: ["rsi 52.1 ≥ 40"] }),
});

/** The signal monitor's last evaluation of a symbol. */
export const strategyStateShape = z
  .object({ preset: z.string(), evaluated_at: time, buy: sideStateShape, sell: sideStateShape })
  .nullable();

const exitDistanceShape = z.object({ unit: z.enum(["pct", "atr"]), value: amount });

/** A strategy's rules: a preset's, or an item's effective ones. */
export const rulesShape = z.object({
  rsi_buy_below: z.number(),
  rsi_sell_above: z.number(),
  require_ma50_above_ema10: z.boolean(),
  require_price_below_buy_target: z.boolean(),
  min_volume_ratio: z.number().nullable(),
  trend_filter: z.boolean(),
  take_profit: exitDistanceShape,
  stop_loss: exitDistanceShape,
  cooldown_seconds: z.number().int(),
  min_price_change_pct: amount,
});

/** The latest price and indicators of a symbol (null until the signal monitor has read its candles). */
export const marketShape = z
  .looseObject({
    price: nullableAmount,
    rsi: nullableAmount,
    ma50: nullableAmount,
    ma200: nullableAmount,
    ema10: nullableAmount,
    atr: nullableAmount,
    volume_ratio: nullableAmount,
    strategy_state: strategyStateShape,
    updated_at: nullableTime,
  })
  .nullable();

/** A watchlist item: what is watched, traded, and how much. */
export const watchlistItemShape = z.looseObject({
  id: z.number().int(),
  symbol: z.string(),
  alert_enabled: z.boolean().meta({ description: "either side's alerts on" }),
  buy_alert_enabled: z.boolean(),
  sell_alert_enabled: z.boolean(),
  preset: z.string(),
  overrides: z.looseObject({}).meta({ description: "the item's changes of its preset's fields" }),
  trade_enabled: z.boolean(),
  trade_amount_usd: nullableAmount,
  buy_target: nullableAmount,
  take_profit_pct: nullableAmount,
  stop_loss_pct: nullableAmount,
  tp_price: nullableAmount.meta({ description: "absolute take-profit price (wins over take_profit_pct)" }),
  sl_price: nullableAmount.meta({ description: "absolute stop-loss price (wins over stop_loss_pct)" }),
  min_price_change_pct: nullableAmount.meta({ description: "null: the preset's" }),
  cooldown_seconds: z.number().int().nullable().meta({ description: "null: the preset's" }),
  created_at: time,
  updated_at: time,
  market: marketShape,
  signal: z
    .looseObject({
      id: z.number().int(),
      side: z.string(),
      status: z.string(),
      price: nullableAmount,
      should_trade: z.boolean(),
      reason: z.string().nullable(),
      created_at: time,
    })
    .nullable()
    .meta({ description: "the symbol's latest signal" }),
});

/** A watchlist item as the watchlist API answers it: the dashboard's item and its effective rules. */
export const watchlistItemWithRulesShape = watchlistItemShape.extend({ rules: rulesShape });

export const balanceShape = z.looseObject({
  asset: z.string(),
  free: amount,
  locked: amount,
  total: amount,
  usd_value: nullableAmount,
  updated_at: time,
});

export const loanShape = z.object({
  id: z.number().int(),
  currency: z.string(),
  borrowed_amount: amount,
  borrowed_usd: nullableAmount,
  interest_rate: nullableAmount,
  is_active: z.boolean(),
  auto_detected: z.boolean(),
  notes: z.string().nullable(),
  created_at: time,
  updated_at: time,
});

export const portfolioShape = z.looseObject({
  assets: z.array(balanceShape.extend({ share_pct: nullableAmount.meta({ description: "% of the listed assets" }) })),
  loans: z.array(loanShape),
  total_assets_usd: amount,
  total_borrowed_usd: amount,
  net_usd: amount,
  valued_at: nullableTime,
});

export const snapshotShape = z.looseObject({
  total_assets_usd: amount,
  total_borrowed_usd: amount,
  net_usd: amount,
  taken_at: time,
});

export const serviceShape = z.looseObject({
  name: z.string(),
  state: z.string(),
  enabled: z.boolean(),
  last_run_at: nullableTime,
  last_success_at: nullableTime.optional(),
  last_error: z.string().nullable(),
  restarts: z.number().int(),
  failed_cycles: z.number().int().optional(),
});

export const tradingModeShape = z.object({
  live_trading: z.boolean(),
  mode: z.enum(["LIVE", "DRY_RUN"]),
  account: z.string().meta({ description: "the account orders go to and positions are shown for: paper or live" }),
  entries_enabled: z.boolean().meta({ description: "false: new entries paused; protection and exits still run" }),
  exchange: z.string(),
  exchange_live: z.boolean(),
  note: z.string().nullable(),
});

/** What placing or cancelling an order answers. */
export const orderOutcomeShape = z.looseObject({
  order: orderShape,
  replayed: z.boolean(),
  mode: z.enum(["LIVE", "DRY_RUN"]),
  note: z.string().nullable(),
});

/** The whole dashboard in one body (also each `state` event of the stream). */
export const dashboardShape = z.looseObject({
  total_usd_value: amount,
  portfolio_last_updated: nullableTime,
  portfolio: portfolioShape,
  balances: z.array(balanceShape),
  open_orders: z.array(orderShape),
  executed_orders: z.array(orderShape),
  fast_signals: z.array(signalShape),
  slow_signals: z.array(signalShape),
  watchlist: z.array(watchlistItemShape),
  services: z.array(serviceShape),
  last_sync: nullableTime,
  bot_status: z.looseObject({
    mode: z.enum(["LIVE", "DRY_RUN"]),
    live_trading: z.boolean(),
    account: z.string(),
    exchange: z.string(),
    entries_enabled: z.boolean(),
    note: z.string().nullable(),
  }),
  partial: z.boolean(),
  errors: z.array(z.looseObject({})),
  generated_at: time,
});

export const pageOf = <T extends z.ZodType>(key: string, item: T) =>
  z.object({ [key]: z.array(item), next_cursor: z.string().nullable() });
