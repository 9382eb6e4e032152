import { jsonb, pgTable, text } from "drizzle-orm/pg-core";
import type { Levels } from "../../domain/levels";
import type { StrategyState } from "../../domain/strategy-rules";
import { amount, timestamps } from "./columns";

/** market_data.strategy_state: one evaluation of a symbol. */
export interface StrategyStateRecord extends StrategyState {
  preset: string;
  evaluated_at: string;
}

/** Latest price and indicators per symbol. */
export const marketData = pgTable("market_data", {
  symbol: text("symbol").primaryKey(),
  price: amount("price").notNull(),
  rsi: amount("rsi"),
  ma50: amount("ma50"),
  ma200: amount("ma200"),
  ema10: amount("ema10"),
  atr: amount("atr"),
  volumeRatio: amount("volume_ratio"),
  /** Base volume of the last 24 hours of candles. */
  volume24h: amount("volume_24h"),
  /** Recent swing highs above the price and lows below it, nearest first. */
  levels: jsonb("levels").$type<Levels>(),
  /** The last evaluation's decision per side with its reasons, and the preset it ran. */
  strategyState: jsonb("strategy_state").$type<StrategyStateRecord>(),
  ...timestamps,
});
