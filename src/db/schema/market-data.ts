import { pgTable, text } from "drizzle-orm/pg-core";
import { amount, timestamps } from "./columns";

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
  ...timestamps,
});
