import { z } from "zod";
import type { StrategyStateRecord } from "../../../db/schema/market-data";
import { INDICATOR_PERIODS } from "../../../domain/indicators";
import type { Levels } from "../../../domain/levels";
import type { StrategyRules } from "../../../domain/strategy";
import { coinOf, coinsView } from "../../../services/market";
import { SIGNAL_STRATEGY } from "../../../services/signal-monitor";
import {
  addWatchlistItem,
  getWatchlistItem,
  listWatchlistItems,
  removeWatchlistItem,
} from "../../../services/watchlist";
import { type AppDeps, createRouter } from "../../context";
import { ApiError } from "../../errors";
import { digitsField, symbolField } from "../../fields";
import { requireJson } from "../../middleware/require-json";
import { validate } from "../../validation";
import { exchangeName, requireOurExchange } from "./exchange";
import { exitBands } from "./exit-bands";
import { baseOf, num } from "./wire";

const period = digitsField(1, 1000);
const threshold = z
  .string()
  .regex(/^\d{1,3}(\.\d{1,4})?$/, "must be a number 0 … 100")
  .transform(Number)
  .pipe(z.number().max(100));
/** `/signals?exchange&symbol`, and the periods and thresholds getTradingSignals may append from its saved config. */
export const signalsQuery = z.strictObject({
  exchange: z.string().max(40).optional(),
  symbol: symbolField,
  rsi_period: period.optional(),
  ma50_period: period.optional(),
  ema10_period: period.optional(),
  atr_period: period.optional(),
  volume_period: period.optional(),
  rsi_buy_threshold: threshold.optional(),
  rsi_sell_threshold: threshold.optional(),
});
export const alertRatioQuery = z.strictObject({ symbol: symbolField });
export const customCoinBody = z.strictObject({
  instrument_name: z.string().min(1).max(40),
  base_currency: z.string().min(1).max(20).optional(),
  quote_currency: z.string().min(1).max(20).optional(),
});
export const coinParam = z.strictObject({ s: symbolField });

/** A decision of ATP's strategy state as the frontend's StrategyDecision: BUY/SELL when that side's rule holds. */
export function legacyDecision(state: StrategyStateRecord | null) {
  if (!state) return { decision: "WAIT" as const, summary: "not evaluated yet", index: null, reasons: {} };
  const buy = state.buy.decision !== "no_signal";
  const sell = state.sell.decision !== "no_signal";
  return {
    decision: sell ? ("SELL" as const) : buy ? ("BUY" as const) : ("WAIT" as const),
    summary: `BUY ${state.buy.decision}: ${state.buy.reasons.join("; ")} | SELL ${state.sell.decision}: ${state.sell.reasons.join("; ")}`,
    index: null,
    reasons: {
      buy_rule: buy,
      sell_rule: sell,
      buy_fired: state.buy.decision === "fired",
      sell_fired: state.sell.decision === "fired",
    },
    preset: state.preset,
    evaluated_at: state.evaluated_at,
  };
}

/** The frontend's saved signal config must describe what ATP computes: its periods and the symbol's thresholds. */
function requireSameConfig(query: z.infer<typeof signalsQuery>, rules: StrategyRules): void {
  const expected: Record<string, number> = {
    rsi_period: INDICATOR_PERIODS.rsi,
    ma50_period: INDICATOR_PERIODS.ma50,
    ema10_period: INDICATOR_PERIODS.ema10,
    atr_period: INDICATOR_PERIODS.atr,
    volume_period: INDICATOR_PERIODS.volume,
    rsi_buy_threshold: rules.rsi_buy_below,
    rsi_sell_threshold: rules.rsi_sell_above,
  };
  const details = Object.entries(expected).flatMap(([name, value]) => {
    const given = query[name as keyof typeof query];
    return given === undefined || given === value
      ? []
      : [{ path: name, message: `ATP computes this symbol with ${value}; change thresholds with PUT /config` }];
  });
  if (details.length > 0) throw new ApiError("validation_failed", "invalid query", details);
}

const nearest = (levels: Levels | null) => ({
  res_up: num(levels?.resistance[0]),
  res_down: num(levels?.support[0]),
});

/**
 * `GET /instruments`, `GET /market/top-coins-data` (the watchlist with what the signal monitor computed),
 * `POST/DELETE /market/top-coins/custom[/{s}]` (add to / remove from the watchlist), `GET /signals`,
 * `GET /alert-ratio` and `GET /data-sources/status` (the one exchange).
 */
export function legacyMarketRoutes({
  database,
  config,
  market,
  clients,
  services,
  now,
}: Pick<AppDeps, "database" | "config" | "market" | "clients" | "services" | "now">) {
  const exchange = exchangeName(config);
  const checks = { listed: clients ? market.isListed : undefined, maxItems: config.WATCHLIST_MAX_ITEMS };
  return createRouter()
    .get("/instruments", async (c) => c.json([...(await market.instruments()).symbols].sort()))
    .get("/market/top-coins-data", async (c) => {
      const [{ coins }, items] = await Promise.all([
        coinsView(database, config.WATCHLIST_MAX_ITEMS),
        listWatchlistItems(database),
      ]);
      const rulesOf = new Map(items.map((i) => [i.symbol, i.rules]));
      const rows = coins.map((coin, i) => ({
        rank: i + 1,
        instrument_name: coin.symbol,
        base_currency: baseOf(coin.symbol),
        quote_currency: coin.symbol.split("_")[1] ?? "",
        current_price: num(coin.price),
        volume_24h: num(coin.volume_24h),
        updated_at: coin.updated_at,
        is_custom: true,
        source: "watchlist",
        alert_enabled: coin.alerts.any,
        buy_alert_enabled: coin.alerts.buy,
        sell_alert_enabled: coin.alerts.sell,
        trade_enabled: coin.trade_enabled,
        preset: coin.preset,
        rsi: num(coin.rsi),
        ma50: num(coin.ma50),
        ma200: num(coin.ma200),
        ema10: num(coin.ema10),
        atr: num(coin.atr),
        volume_ratio: num(coin.volume_ratio),
        min_volume_ratio: rulesOf.get(coin.symbol)?.min_volume_ratio ?? null,
        ...nearest(coin.resistance_levels),
        strategy_state: legacyDecision(coin.strategy_state),
      }));
      return c.json({ coins: rows, count: rows.length });
    })
    .post("/market/top-coins/custom", requireJson(), validate("json", customCoinBody), async (c) => {
      const body = c.req.valid("json");
      const symbol = symbolField.safeParse(body.instrument_name.toUpperCase());
      const [base, quote] = (symbol.data ?? "").split("_");
      const mismatch =
        (body.base_currency !== undefined && body.base_currency.toUpperCase() !== base) ||
        (body.quote_currency !== undefined && body.quote_currency.toUpperCase() !== quote);
      if (!symbol.success || mismatch) {
        throw new ApiError("validation_failed", "invalid json", [
          {
            path: "instrument_name",
            message: "must be a symbol like BTC_USDT, matching base_currency and quote_currency",
          },
        ]);
      }
      await addWatchlistItem(database, symbol.data, {}, checks);
      return c.json({ ok: true, instrument_name: symbol.data });
    })
    .delete("/market/top-coins/custom/:s", validate("param", coinParam), async (c) => {
      const { s } = c.req.valid("param");
      await removeWatchlistItem(database, s, now());
      return c.json({ ok: true, instrument_name: s });
    })
    .get("/signals", validate("query", signalsQuery), async (c) => {
      const query = c.req.valid("query");
      requireOurExchange(query.exchange, exchange, "query");
      const [coin, item] = await Promise.all([
        coinOf(database, query.symbol),
        getWatchlistItem(database, query.symbol),
      ]);
      requireSameConfig(query, item.rules);
      const decision = legacyDecision(coin.strategy_state);
      const bands = coin.price === null ? null : exitBands(coin.price, item.preset, item.rules, coin.atr);
      const reasons = coin.strategy_state;
      return c.json({
        symbol: coin.symbol,
        exchange,
        price: num(coin.price),
        rsi: num(coin.rsi),
        atr: num(coin.atr),
        ma50: num(coin.ma50),
        ma200: num(coin.ma200),
        ema10: num(coin.ema10),
        ma10w: null,
        volume: null,
        avg_volume: null,
        volume_ratio: num(coin.volume_ratio),
        volume_24h: num(coin.volume_24h),
        min_volume_ratio: item.rules.min_volume_ratio,
        ...nearest(coin.resistance_levels),
        signals: {
          buy: decision.reasons.buy_rule === true,
          sell: decision.reasons.sell_rule === true,
          tp: bands?.own.take_profit ?? null,
          sl: bands?.own.stop_loss ?? null,
          tp_boosted: false,
          exhaustion: false,
          ma10w_break: false,
        },
        stop_loss_take_profit: bands?.variants ?? null,
        rationale: reasons
          ? [...reasons.buy.reasons.map((r) => `BUY: ${r}`), ...reasons.sell.reasons.map((r) => `SELL: ${r}`)]
          : [],
        method: SIGNAL_STRATEGY,
        strategy: decision,
        updated_at: coin.updated_at,
      });
    })
    .get("/alert-ratio", validate("query", alertRatioQuery), async (c) => {
      const { decision } = legacyDecision((await coinOf(database, c.req.valid("query").symbol)).strategy_state);
      return c.json({ ratio: decision === "BUY" ? 100 : decision === "SELL" ? 0 : 50 });
    })
    .get("/data-sources/status", (c) => {
      const sync = services.statuses().find((s) => s.name === "exchange_sync");
      return c.json({
        [exchange.toLowerCase()]: {
          available: sync !== undefined && sync.state === "running" && sync.last_error === null,
          priority: 1,
          response_time: null,
          last_check: sync?.last_run_at ?? null,
          state: sync?.state ?? null,
        },
      });
    });
}
